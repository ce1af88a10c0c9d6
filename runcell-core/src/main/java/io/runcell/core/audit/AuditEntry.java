package io.runcell.core.audit;

import java.time.Instant;
import java.util.Locale;

/**
 * One audited decision about an execution request.
 *
 * @param id            {@code aud_<ulid>}
 * @param accountId     who asked
 * @param keyId         with which API key
 * @param sandboxId     in which sandbox ({@code sbx_...})
 * @param policy        the policy profile that decided, as its lowercase name
 * @param rule          the id of the rule that blocked it, or null when it was allowed
 * @param commandSha256 lowercase hex SHA-256 of the command text (UTF-8), for matching without reading it
 * @param command       the command text as the caller sent it
 */
public record AuditEntry(
        String id,
        Instant createdAt,
        String accountId,
        String keyId,
        String sandboxId,
        String policy,
        Decision decision,
        String rule,
        String commandSha256,
        String command) {

    /** What the policy decided. */
    public enum Decision {
        ALLOWED,
        BLOCKED;

        public String wire() {
            return name().toLowerCase(Locale.ROOT);
        }
    }
}
