package io.runcell.store.jdbc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The prepared statements of one connection, kept for reuse. SQLite compiles a statement on every prepare, which
 * here costs about as much as running it (an execution's INSERT: ~80 µs prepared each time, ~45 µs reused).
 *
 * <p>Not thread-safe: its owner, the SQLite writer, uses it under its lock. Bounded: beyond {@link #MAX} statements
 * the least recently used one is closed.
 */
final class StatementCache implements AutoCloseable {

    static final int MAX = 64;

    private final Connection connection;
    private final LinkedHashMap<String, PreparedStatement> statements = new LinkedHashMap<>(32, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, PreparedStatement> eldest) {
            if (size() <= MAX) {
                return false;
            }
            closeQuietly(eldest.getValue());
            return true;
        }
    };

    StatementCache(Connection connection) {
        this.connection = connection;
    }

    /** The statement for {@code sql}, prepared on first use. The caller must not close it. */
    PreparedStatement get(String sql) throws SQLException {
        PreparedStatement ps = statements.get(sql);
        if (ps == null) {
            ps = connection.prepareStatement(sql);
            statements.put(sql, ps);
        }
        return ps;
    }

    /** Drops the statement for {@code sql} (after it failed, so the next use starts from a fresh one). */
    void evict(String sql) {
        PreparedStatement ps = statements.remove(sql);
        if (ps != null) {
            closeQuietly(ps);
        }
    }

    int size() {
        return statements.size();
    }

    @Override
    public void close() {
        statements.values().forEach(StatementCache::closeQuietly);
        statements.clear();
    }

    private static void closeQuietly(PreparedStatement ps) {
        try {
            ps.close();
        } catch (SQLException e) {
            // closing a statement that failed; nothing to recover
        }
    }
}
