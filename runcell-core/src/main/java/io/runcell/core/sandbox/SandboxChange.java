package io.runcell.core.sandbox;

/**
 * What one manage call changes on one or more sandboxes (Vast's {@code PUT /instances/{id}/} and its bulk form):
 * a new label and/or a power state. {@link SandboxService#change} applies it.
 *
 * @param label new label (at most 1024 characters), or null to keep each sandbox's own
 * @param power the state to bring the sandboxes to, or null to leave them as they are
 */
public record SandboxChange(String label, Power power) {

    /** A power state a manage call can ask for. */
    public enum Power {
        /** Started if it is not running (a failed sandbox is refused). */
        RUNNING,
        /** Stopped with its workspace kept; a no-op unless it is running or starting. */
        STOPPED
    }
}
