package io.runcell.core.audit;

import java.util.List;

/** Append-only persistence of {@link AuditEntry}s: there is no update and no delete. */
public interface AuditRepository {

    void append(AuditEntry entry);

    /**
     * Entries newest first (by id, descending), only of {@code sandboxId} unless it is null, strictly before
     * {@code beforeId} unless it is null, at most {@code limit}.
     */
    List<AuditEntry> list(String sandboxId, String beforeId, int limit);
}
