package io.runcell.store.jdbc;

import io.runcell.core.audit.AuditEntry;
import io.runcell.core.audit.AuditRepository;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The audit log in {@code audit_log}: inserts and reads only, never updates or deletes. */
public final class JdbcAuditRepository implements AuditRepository {

    private static final String COLUMNS =
            "id, created_at, account_id, key_id, sandbox_id, policy, decision, rule," + " command_sha256, command";

    private final Jdbc jdbc;

    public JdbcAuditRepository(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    @Override
    public void append(AuditEntry e) {
        jdbc.update(
                "INSERT INTO audit_log (" + COLUMNS + ") VALUES (" + Jdbc.placeholders(10) + ")",
                e.id(),
                e.createdAt(),
                e.accountId(),
                e.keyId(),
                e.sandboxId(),
                e.policy(),
                e.decision().wire(),
                e.rule(),
                e.commandSha256(),
                e.command());
    }

    @Override
    public List<AuditEntry> list(String sandboxId, String beforeId, int limit) {
        if (limit <= 0) {
            return List.of();
        }
        List<Object> params = new ArrayList<>();
        List<String> where = new ArrayList<>();
        if (sandboxId != null) {
            where.add("sandbox_id = ?");
            params.add(sandboxId);
        }
        if (beforeId != null) {
            where.add("id < ?");
            params.add(beforeId);
        }
        params.add(limit);
        String sql = "SELECT " + COLUMNS + " FROM audit_log"
                + (where.isEmpty() ? "" : " WHERE " + String.join(" AND ", where)) + " ORDER BY id DESC LIMIT ?";
        return jdbc.query(sql, JdbcAuditRepository::map, params.toArray());
    }

    private static AuditEntry map(ResultSet rs) throws SQLException {
        return new AuditEntry(
                rs.getString("id"),
                Jdbc.instant(rs, "created_at"),
                rs.getString("account_id"),
                rs.getString("key_id"),
                rs.getString("sandbox_id"),
                rs.getString("policy"),
                AuditEntry.Decision.valueOf(rs.getString("decision").toUpperCase(Locale.ROOT)),
                rs.getString("rule"),
                rs.getString("command_sha256"),
                rs.getString("command"));
    }
}
