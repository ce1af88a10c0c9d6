package io.runcell.store.jdbc;

import io.runcell.core.sandbox.Sandbox;
import io.runcell.core.sandbox.SandboxRepository;
import io.runcell.core.sandbox.SandboxState;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.Set;

/**
 * Sandboxes in {@code sandboxes}. States are stored as wire names; env and metadata as JSON text. Sandbox numbers
 * come from the {@code counters} row {@code sandbox}, execution sequence numbers from the sandbox's own
 * {@code exec_seq} column, both allocated by one {@code UPDATE ... RETURNING} so concurrent callers never share one.
 */
public final class JdbcSandboxRepository implements SandboxRepository {

    private static final String COLUMNS = "id, number, account_id, backend, state, label, memory_mb, vcpus, pids_max,"
            + " network, env, metadata, lifetime_seconds, expires_at, status_message, node_id, created_at, started_at,"
            + " updated_at";
    private static final String SELECT = "SELECT " + COLUMNS + " FROM sandboxes WHERE ";

    private final Jdbc jdbc;

    public JdbcSandboxRepository(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    @Override
    public long nextNumber() {
        return jdbc.updateReturning(
                        "UPDATE counters SET value = value + 1 WHERE name = 'sandbox' RETURNING value",
                        rs -> rs.getLong(1))
                .orElseThrow(() -> new IllegalStateException("counters row 'sandbox' missing"));
    }

    @Override
    public void insert(Sandbox s) {
        jdbc.update(
                "INSERT INTO sandboxes (" + COLUMNS + ") VALUES (" + Jdbc.placeholders(19) + ")",
                s.id(),
                s.number(),
                s.accountId(),
                s.backend(),
                s.state().wire(),
                s.label(),
                s.memoryMb(),
                s.vcpus(),
                s.pidsMax(),
                s.network(),
                JsonText.ofMap(s.env()),
                JsonText.ofMap(s.metadata()),
                s.lifetimeSeconds(),
                s.expiresAt(),
                s.statusMessage(),
                s.nodeId(),
                s.createdAt(),
                s.startedAt(),
                s.updatedAt());
    }

    @Override
    public void update(Sandbox s) {
        int changed = jdbc.update(
                "UPDATE sandboxes SET backend = ?, state = ?, label = ?, memory_mb = ?, vcpus = ?,"
                        + " pids_max = ?, network = ?, env = ?, metadata = ?, lifetime_seconds = ?, expires_at = ?,"
                        + " status_message = ?, node_id = ?, started_at = ?, updated_at = ? WHERE id = ?",
                s.backend(),
                s.state().wire(),
                s.label(),
                s.memoryMb(),
                s.vcpus(),
                s.pidsMax(),
                s.network(),
                JsonText.ofMap(s.env()),
                JsonText.ofMap(s.metadata()),
                s.lifetimeSeconds(),
                s.expiresAt(),
                s.statusMessage(),
                s.nodeId(),
                s.startedAt(),
                s.updatedAt(),
                s.id());
        if (changed == 0) {
            throw new NoSuchElementException("no sandbox " + s.id());
        }
    }

    @Override
    public Optional<Sandbox> findById(String id) {
        return jdbc.queryOne(SELECT + "id = ?", JdbcSandboxRepository::map, id);
    }

    @Override
    public Optional<Sandbox> findByNumber(long number) {
        return jdbc.queryOne(SELECT + "number = ?", JdbcSandboxRepository::map, number);
    }

    @Override
    public List<Sandbox> listByAccount(String accountId, Set<SandboxState> excluded, String afterId, int limit) {
        if (limit <= 0) {
            return List.of();
        }
        List<Object> params = new ArrayList<>();
        params.add(accountId);
        StringBuilder sql = new StringBuilder(SELECT).append("account_id = ?");
        if (!excluded.isEmpty()) {
            sql.append(" AND NOT ").append(Jdbc.in("state", wires(excluded), params));
        }
        if (afterId != null) {
            sql.append(" AND id > ?");
            params.add(afterId);
        }
        sql.append(" ORDER BY id LIMIT ?");
        params.add(limit);
        return jdbc.query(sql.toString(), JdbcSandboxRepository::map, params.toArray());
    }

    @Override
    public List<Sandbox> listByStates(Set<SandboxState> states, String nodeId) {
        if (states.isEmpty()) {
            return List.of();
        }
        List<Object> params = new ArrayList<>();
        String sql = SELECT + Jdbc.nodeMatch("node_id", nodeId, params) + " AND "
                + Jdbc.in("state", wires(states), params) + " ORDER BY id";
        return jdbc.query(sql, JdbcSandboxRepository::map, params.toArray());
    }

    @Override
    public List<Sandbox> findExpired(Instant now, String nodeId) {
        List<Object> params = new ArrayList<>();
        String sql = SELECT + Jdbc.nodeMatch("node_id", nodeId, params) + " AND "
                + Jdbc.in("state", wires(SandboxState.REAPED_AT_DEADLINE), params) + " AND expires_at <= ? ORDER BY id";
        params.add(now);
        return jdbc.query(sql, JdbcSandboxRepository::map, params.toArray());
    }

    @Override
    public int countByAccount(String accountId, Set<SandboxState> excluded) {
        List<Object> params = new ArrayList<>();
        params.add(accountId);
        String sql = "SELECT COUNT(*) FROM sandboxes WHERE account_id = ?";
        if (!excluded.isEmpty()) {
            sql += " AND NOT " + Jdbc.in("state", wires(excluded), params);
        }
        return Math.toIntExact(jdbc.queryLong(sql, params.toArray()));
    }

    @Override
    public long reserveExecutionSeqs(String sandboxId, int count) {
        if (count < 1) {
            throw new IllegalArgumentException("count must be positive");
        }
        return jdbc.updateReturning(
                        "UPDATE sandboxes SET exec_seq = exec_seq + ? WHERE id = ? RETURNING exec_seq",
                        rs -> rs.getLong(1),
                        count,
                        sandboxId)
                .orElseThrow(() -> new NoSuchElementException("no sandbox " + sandboxId));
    }

    private static List<String> wires(Set<SandboxState> states) {
        return states.stream().map(SandboxState::wire).sorted().toList();
    }

    private static Sandbox map(ResultSet rs) throws SQLException {
        return new Sandbox(
                rs.getString("id"),
                rs.getLong("number"),
                rs.getString("account_id"),
                rs.getString("backend"),
                SandboxState.valueOf(rs.getString("state").toUpperCase(Locale.ROOT)),
                rs.getString("label"),
                rs.getInt("memory_mb"),
                rs.getInt("vcpus"),
                rs.getInt("pids_max"),
                rs.getBoolean("network"),
                JsonText.toMap(rs.getString("env")),
                JsonText.toMap(rs.getString("metadata")),
                Jdbc.integer(rs, "lifetime_seconds"),
                Jdbc.instant(rs, "expires_at"),
                rs.getString("status_message"),
                rs.getString("node_id"),
                Jdbc.instant(rs, "created_at"),
                Jdbc.instant(rs, "started_at"),
                Jdbc.instant(rs, "updated_at"));
    }
}
