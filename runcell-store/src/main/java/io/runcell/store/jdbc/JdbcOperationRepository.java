package io.runcell.store.jdbc;

import io.runcell.core.power.Operation;
import io.runcell.core.power.OperationRepository;
import io.runcell.core.power.OperationStatus;
import io.runcell.core.power.PowerAction;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Locale;
import java.util.NoSuchElementException;
import java.util.Optional;

/** Power-action operations in {@code operations}; action and status stored as wire names. */
public final class JdbcOperationRepository implements OperationRepository {

    private static final String COLUMNS = "id, sandbox_id, account_id, action, status, error, created_at, updated_at";

    private final Jdbc jdbc;

    public JdbcOperationRepository(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    @Override
    public void insert(Operation o) {
        jdbc.update(
                "INSERT INTO operations (" + COLUMNS + ") VALUES (" + Jdbc.placeholders(8) + ")",
                o.id(),
                o.sandboxId(),
                o.accountId(),
                o.action().wire(),
                o.status().wire(),
                o.error(),
                o.createdAt(),
                o.updatedAt());
    }

    @Override
    public void update(Operation o) {
        int changed = jdbc.update(
                "UPDATE operations SET status = ?, error = ?, updated_at = ? WHERE id = ?",
                o.status().wire(),
                o.error(),
                o.updatedAt(),
                o.id());
        if (changed == 0) {
            throw new NoSuchElementException("no operation " + o.id());
        }
    }

    @Override
    public Optional<Operation> findById(String id) {
        return jdbc.queryOne("SELECT " + COLUMNS + " FROM operations WHERE id = ?", JdbcOperationRepository::map, id);
    }

    @Override
    public int failUnfinished(String error, Instant now) {
        return jdbc.update(
                "UPDATE operations SET status = ?, error = ?, updated_at = ? WHERE status IN (?, ?)",
                OperationStatus.FAILED.wire(),
                error,
                now,
                OperationStatus.PENDING.wire(),
                OperationStatus.RUNNING.wire());
    }

    private static Operation map(ResultSet rs) throws SQLException {
        return new Operation(
                rs.getString("id"),
                rs.getString("sandbox_id"),
                rs.getString("account_id"),
                PowerAction.valueOf(rs.getString("action").toUpperCase(Locale.ROOT)),
                OperationStatus.valueOf(rs.getString("status").toUpperCase(Locale.ROOT)),
                rs.getString("error"),
                Jdbc.instant(rs, "created_at"),
                Jdbc.instant(rs, "updated_at"));
    }
}
