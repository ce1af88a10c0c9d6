package io.runcell.core.sandbox;

/**
 * Lifecycle of a sandbox. Transitions are owned by {@link SandboxService}:
 * {@code pending → provisioning → running ⇄ stopped}, {@code running|stopped → expired} (lifetime passed: processes
 * killed, workspace wiped; a later start is fresh), any → {@code destroyed}; {@code provisioning → failed}
 * when the backend cannot start it (it never runs again). {@code unknown} is reserved for a sandbox whose node is
 * unreachable (cluster mode).
 */
public enum SandboxState {
    /** Defined but never started: an InstaVM session before its first execute. */
    PENDING,
    PROVISIONING,
    RUNNING,
    STOPPED,
    EXPIRED,
    FAILED,
    DESTROYED,
    UNKNOWN;

    /**
     * The states whose stored deadline the lifetime reaper enforces: a run still going on, whether its processes run
     * or were stopped (explicitly, by a server restart, or by their death).
     */
    public static final java.util.Set<SandboxState> REAPED_AT_DEADLINE =
            java.util.Collections.unmodifiableSet(java.util.EnumSet.of(RUNNING, STOPPED));

    public String wire() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    /** Whether processes of the sandbox may be alive on its node (so they are unknown when the node is). */
    public boolean holdsProcesses() {
        return this == RUNNING || this == PROVISIONING;
    }

    /** Whether a start (explicit, or implied by an auto-starting execute) may move it to running. */
    public boolean startable() {
        return this == PENDING || this == STOPPED || this == EXPIRED;
    }
}
