package io.runcell.core.audit;

import io.runcell.core.account.Principal;
import io.runcell.core.account.Scope;
import io.runcell.core.error.FieldError;
import io.runcell.core.error.RuncellException;
import io.runcell.core.id.Ids;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.InstantSource;
import java.util.HexFormat;
import java.util.List;

/**
 * Writes and reads the audit log. A write failure propagates: a decision that cannot be recorded must not let
 * the command run. Thread-safe.
 */
public final class AuditLog {

    public static final int MAX_PAGE = 500;

    private final AuditRepository entries;
    private final Ids ids;
    private final InstantSource clock;

    public AuditLog(AuditRepository entries, Ids ids, InstantSource clock) {
        this.entries = entries;
        this.ids = ids;
        this.clock = clock;
    }

    /** Appends one decision; {@code rule} is null for an allowed command. */
    public AuditEntry record(Principal caller, String sandboxId, String policy, String rule, String command) {
        AuditEntry entry = new AuditEntry(
                ids.next(Ids.AUDIT),
                clock.instant(),
                caller.accountId(),
                caller.keyId(),
                sandboxId,
                policy,
                rule == null ? AuditEntry.Decision.ALLOWED : AuditEntry.Decision.BLOCKED,
                rule,
                sha256(command),
                command);
        entries.append(entry);
        return entry;
    }

    /**
     * A page of entries, newest first, for administrators ({@code admin} scope).
     *
     * @param sandboxId only this sandbox's entries, or null for all
     * @param cursor    the id of the last entry of the previous page, or null for the first page
     */
    public List<AuditEntry> list(Principal caller, String sandboxId, String cursor, int limit) {
        caller.require(Scope.ADMIN);
        if (sandboxId != null && Ids.ulidOf(Ids.SANDBOX, sandboxId).isEmpty()) {
            throw RuncellException.invalid(FieldError.of(
                    "sandbox_id", FieldError.Kind.INVALID_VALUE, "sandbox_id must be a sandbox id (sbx_...)"));
        }
        if (cursor != null && Ids.ulidOf(Ids.AUDIT, cursor).isEmpty()) {
            throw RuncellException.invalid(FieldError.of(
                    "cursor", FieldError.Kind.INVALID_VALUE, "cursor must be a value returned as next_cursor"));
        }
        return entries.list(sandboxId, cursor, Math.max(1, Math.min(limit, MAX_PAGE)));
    }

    public static String sha256(String text) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 missing", e);
        }
    }
}
