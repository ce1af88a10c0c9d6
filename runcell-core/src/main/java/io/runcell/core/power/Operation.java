package io.runcell.core.power;

import java.time.Instant;

/**
 * One power action on a sandbox and how far it got.
 *
 * @param id    {@code op_<ulid>}
 * @param error why it failed (safe to show), or null
 */
public record Operation(
        String id,
        String sandboxId,
        String accountId,
        PowerAction action,
        OperationStatus status,
        String error,
        Instant createdAt,
        Instant updatedAt) {

    public Operation with(OperationStatus newStatus, String newError, Instant now) {
        return new Operation(id, sandboxId, accountId, action, newStatus, newError, createdAt, now);
    }
}
