package io.runcell.store.jdbc;

import io.runcell.core.cluster.NodeRepository;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;

/**
 * The node registry in {@code nodes} and {@code cluster_settings}. Every time is taken from the database's clock
 * ({@code now}), never a node's, so a lease means the same thing to every node.
 */
public final class JdbcNodeRepository implements NodeRepository {

    /** Epoch milliseconds of the database server's clock. */
    public static final String POSTGRES_NOW = "CAST(EXTRACT(EPOCH FROM clock_timestamp()) * 1000 AS BIGINT)";

    public static final String SQLITE_NOW = "CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER)";

    private final Jdbc jdbc;
    private final String now;

    public JdbcNodeRepository(Jdbc jdbc, String nowExpression) {
        this.jdbc = jdbc;
        this.now = nowExpression;
    }

    @Override
    public void register(String id, String url, int capacity, String incarnation, long leaseMillis) {
        jdbc.update(
                "INSERT INTO nodes (id, url, capacity, state, incarnation, started_at, heartbeat_at, lease_until,"
                        + " declared_dead_at) VALUES (?, ?, ?, 'active', ?, " + now + ", " + now + ", " + now
                        + " + ?, NULL) ON CONFLICT (id) DO UPDATE SET url = excluded.url,"
                        + " capacity = excluded.capacity, state = 'active', incarnation = excluded.incarnation,"
                        + " started_at = excluded.started_at, heartbeat_at = excluded.heartbeat_at,"
                        + " lease_until = excluded.lease_until, declared_dead_at = NULL",
                id,
                url,
                capacity,
                incarnation,
                leaseMillis);
    }

    @Override
    public Optional<Boolean> heartbeat(String id, String incarnation, long leaseMillis) {
        return jdbc.updateReturning(
                "UPDATE nodes SET heartbeat_at = " + now + ", lease_until = " + now + " + ?"
                        + " WHERE id = ? AND incarnation = ? RETURNING declared_dead_at",
                rs -> rs.getObject("declared_dead_at") != null,
                leaseMillis,
                id,
                incarnation);
    }

    @Override
    public void clearDeclaredDead(String id, String incarnation) {
        jdbc.update("UPDATE nodes SET declared_dead_at = NULL WHERE id = ? AND incarnation = ?", id, incarnation);
    }

    @Override
    public List<NodeRow> list() {
        return jdbc.query(
                "SELECT n.id, n.url, n.capacity, n.state, n.incarnation, n.heartbeat_at, n.lease_until > " + now
                        + " AS current,"
                        + " n.declared_dead_at IS NOT NULL AS dead,"
                        + " (SELECT COUNT(*) FROM sandboxes s WHERE s.node_id = n.id AND s.state <> 'destroyed')"
                        + " AS sandboxes FROM nodes n ORDER BY n.id",
                JdbcNodeRepository::map);
    }

    @Override
    public List<String> claimDead() {
        return jdbc.updateReturningAll(
                "UPDATE nodes SET declared_dead_at = " + now + " WHERE lease_until <= " + now
                        + " AND declared_dead_at IS NULL AND state <> 'left' RETURNING id",
                rs -> rs.getString("id"));
    }

    @Override
    public void setState(String id, String incarnation, String state) {
        jdbc.update("UPDATE nodes SET state = ? WHERE id = ? AND incarnation = ?", state, id, incarnation);
    }

    @Override
    public String settingOrCreate(String name, String valueIfAbsent) {
        jdbc.update(
                "INSERT INTO cluster_settings (name, value) VALUES (?, ?) ON CONFLICT (name) DO NOTHING",
                name,
                valueIfAbsent);
        return jdbc.queryOne("SELECT value FROM cluster_settings WHERE name = ?", rs -> rs.getString("value"), name)
                .orElseThrow(() -> new IllegalStateException("cluster setting vanished: " + name));
    }

    private static NodeRow map(ResultSet rs) throws SQLException {
        return new NodeRow(
                rs.getString("id"),
                rs.getString("url"),
                rs.getInt("capacity"),
                rs.getString("state"),
                rs.getString("incarnation"),
                rs.getLong("heartbeat_at"),
                rs.getBoolean("current"),
                rs.getBoolean("dead"),
                rs.getInt("sandboxes"));
    }
}
