package io.runcell.core.sandbox;

import java.time.Instant;
import java.util.Map;

/**
 * One sandbox. {@code id} is {@code sbx_<ulid>}; {@code number} is a small positive integer unique per store
 * (Vast instance id, and the base of the sandbox's host uid).
 *
 * @param lifetimeSeconds how long the sandbox may run after each fresh start, or null for no limit
 * @param expiresAt       when the reaper expires it (stored, so a restart does not forget), or null
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

    public Sandbox started(Instant now) {
        Instant deadline = lifetimeSeconds == null ? null : now.plusSeconds(lifetimeSeconds);
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
