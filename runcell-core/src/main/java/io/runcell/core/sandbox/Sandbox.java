package io.runcell.core.sandbox;

import java.time.Instant;
import java.util.Map;

/**
 * One sandbox. {@code id} is {@code sbx_<ulid>}; {@code number} is a small positive integer unique per store
 * (Vast instance id, and the base of the sandbox's host uid).
 *
 * @param lifetimeSeconds how long a run lasts from a fresh start (from pending or expired), or null for no limit
 * @param expiresAt       when the reaper expires it, running or stopped (stored, so a restart does not forget); a
 *                        stop, a server restart or a start within the run never moves it; null without a lifetime
 * @param metadata        caller-supplied strings shown back (InstaVM metadata, Vast image/onstart)
 */
public record Sandbox(
        String id,
        long number,
        String accountId,
        String backend,
        SandboxState state,
        String label,
        int memoryMb,
        int vcpus,
        int pidsMax,
        boolean network,
        Map<String, String> env,
        Map<String, String> metadata,
        Integer lifetimeSeconds,
        Instant expiresAt,
        String statusMessage,
        String nodeId,
        Instant createdAt,
        Instant startedAt,
        Instant updatedAt) {

    public Sandbox {
        env = Map.copyOf(env);
        metadata = Map.copyOf(metadata);
    }

    public Sandbox withState(SandboxState newState, String message, Instant now) {
        return new Sandbox(
                id,
                number,
                accountId,
                backend,
                newState,
                label,
                memoryMb,
                vcpus,
                pidsMax,
                network,
                env,
                metadata,
                lifetimeSeconds,
                expiresAt,
                message,
                nodeId,
                createdAt,
                startedAt,
                now);
    }

    /**
     * Running from {@code now}. A deadline still ahead is kept: the sandbox resumes the run it was stopped in (by a
     * stop, a server restart or the death of its processes), so stopping cannot stretch a lifetime. Otherwise
     * (never started, or expired) a fresh run ends {@code lifetimeSeconds} from now.
     */
    public Sandbox started(Instant now) {
        Instant deadline = expiresAt != null && expiresAt.isAfter(now)
                ? expiresAt
                : lifetimeSeconds == null ? null : now.plusSeconds(lifetimeSeconds);
        return new Sandbox(
                id,
                number,
                accountId,
                backend,
                SandboxState.RUNNING,
                label,
                memoryMb,
                vcpus,
                pidsMax,
                network,
                env,
                metadata,
                lifetimeSeconds,
                deadline,
                null,
                nodeId,
                createdAt,
                now,
                now);
    }

    public Sandbox withLabel(String newLabel, Instant now) {
        return new Sandbox(
                id,
                number,
                accountId,
                backend,
                state,
                newLabel,
                memoryMb,
                vcpus,
                pidsMax,
                network,
                env,
                metadata,
                lifetimeSeconds,
                expiresAt,
                statusMessage,
                nodeId,
                createdAt,
                startedAt,
                now);
    }

    public boolean destroyed() {
        return state == SandboxState.DESTROYED;
    }
}
