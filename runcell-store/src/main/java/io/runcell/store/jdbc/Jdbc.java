package io.runcell.store.jdbc;

import io.runcell.core.error.ErrorCode;
import io.runcell.core.error.RuncellException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import javax.sql.DataSource;

/**
 * Runs statements on a pooled {@link DataSource} and maps rows. Most writes are one auto-committed statement
 * (read-then-write expressed as {@code UPDATE ... RETURNING}); the few that must span statements use
 * {@link #inTransaction}.
 *
 * <p>Parameters: {@link Instant} is bound as epoch milliseconds, {@code null} as an untyped null, everything else
 * with {@code setObject}. A unique-constraint violation becomes a {@link RuncellException} with
 * {@link ErrorCode#CONFLICT}; any other {@link SQLException} a {@link StoreException}.
 *
 * <p>Thread-safe. Given a writer's connection source (SQLite, which has a single writer), writes go through one
 * {@link SerialWriter} (with group commit under load and its own connection with reused statements) instead of
 * spinning in SQLite's busy handler; readers use the pool and are never serialised (WAL lets them run beside the
 * writer).
 */
public final class Jdbc {

    /** Maps the current row of a result set. */
    @FunctionalInterface
    public interface RowMapper<T> {
        T map(ResultSet row) throws SQLException;
    }

    private final DataSource dataSource;
    /** SQLite's single writer (with group commit); null for PostgreSQL, whose writes run concurrently. */
    private final SerialWriter writer;

    private final Predicate<SQLException> uniqueViolation;

    /**
     * @param dataSource        the pool
     * @param writerConnections for SQLite, an unpooled source the single writer opens its connection from; null for
     *                          PostgreSQL, whose writes run concurrently on pooled connections
     */
    public Jdbc(DataSource dataSource, DataSource writerConnections, Predicate<SQLException> uniqueViolation) {
        this.dataSource = dataSource;
        this.writer = writerConnections != null ? new SerialWriter(writerConnections) : null;
        this.uniqueViolation = uniqueViolation;
    }

    public <T> List<T> query(String sql, RowMapper<T> mapper, Object... params) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement ps = prepare(c, sql, params);
                ResultSet rs = ps.executeQuery()) {
            List<T> rows = new ArrayList<>();
            while (rs.next()) {
                rows.add(mapper.map(rs));
            }
            return rows;
        } catch (SQLException e) {
            throw translate(e);
        }
    }

    public <T> Optional<T> queryOne(String sql, RowMapper<T> mapper, Object... params) {
        List<T> rows = query(sql, mapper, params);
        return rows.isEmpty() ? Optional.empty() : Optional.of(rows.getFirst());
    }

    public long queryLong(String sql, Object... params) {
        return queryOne(sql, rs -> rs.getLong(1), params).orElseThrow();
    }

    /** Runs an INSERT, UPDATE or DELETE; returns the number of rows it changed. */
    public int update(String sql, Object... params) {
        return write(false, c -> {
            try (Bound b = bound(c, sql, params)) {
                return b.statement().executeUpdate();
            }
        });
    }

    /** One statement of a transaction. */
    public record Statement(String sql, Object... params) {}

    /** Runs these writes in one transaction: all or none. */
    public void transaction(List<Statement> statements) {
        inTransaction(tx -> {
            for (Statement st : statements) {
                tx.update(st.sql(), st.params());
            }
            return null;
        });
    }

    /** Statements on the one connection of an {@link #inTransaction} block. */
    public interface Tx {
        long queryLong(String sql, Object... params) throws SQLException;

        int update(String sql, Object... params) throws SQLException;

        /** Runs a statement for its effect only (e.g. taking a lock), ignoring any rows it returns. */
        void execute(String sql, Object... params) throws SQLException;
    }

    /** A block of statements that run in one transaction. */
    @FunctionalInterface
    public interface Work<T> {
        T run(Tx tx) throws SQLException;
    }

    /**
     * Runs {@code work} in one transaction (committed if it returns, rolled back if it throws) and returns its result:
     * for a read-then-write that must not interleave with another writer's (take a lock first on PostgreSQL;
     * SQLite writers are serialised here anyway).
     */
    public <T> T inTransaction(Work<T> work) {
        return write(
                true,
                c -> work.run(new Tx() {
                    @Override
                    public long queryLong(String sql, Object... params) throws SQLException {
                        try (Bound b = bound(c, sql, params);
                                ResultSet rs = b.statement().executeQuery()) {
                            if (!rs.next()) {
                                throw new SQLException("no row: " + sql);
                            }
                            return rs.getLong(1);
                        }
                    }

                    @Override
                    public int update(String sql, Object... params) throws SQLException {
                        try (Bound b = bound(c, sql, params)) {
                            return b.statement().executeUpdate();
                        }
                    }

                    @Override
                    public void execute(String sql, Object... params) throws SQLException {
                        try (Bound b = bound(c, sql, params)) {
                            b.statement().execute();
                        }
                    }
                }));
    }

    /** Runs a write with a {@code RETURNING} clause; returns its first row, if it changed any. */
    public <T> Optional<T> updateReturning(String sql, RowMapper<T> mapper, Object... params) {
        List<T> rows = updateReturningAll(sql, mapper, params);
        return rows.isEmpty() ? Optional.empty() : Optional.of(rows.getFirst());
    }

    /** Runs a write with a {@code RETURNING} clause; returns every row it changed. */
    public <T> List<T> updateReturningAll(String sql, RowMapper<T> mapper, Object... params) {
        return write(false, c -> {
            try (Bound b = bound(c, sql, params);
                    ResultSet rs = b.statement().executeQuery()) {
                List<T> rows = new ArrayList<>();
                while (rs.next()) {
                    rows.add(mapper.map(rs));
                }
                return rows;
            }
        });
    }

    /** {@code "?, ?, ?"} for {@code n} parameters. */
    public static String placeholders(int n) {
        return String.join(", ", Collections.nCopies(n, "?"));
    }

    /** {@code column = ?} for a node id, or {@code column IS NULL} when it is null (portable null-safe match). */
    public static String nodeMatch(String column, String nodeId, List<Object> params) {
        if (nodeId == null) {
            return column + " IS NULL";
        }
        params.add(nodeId);
        return column + " = ?";
    }

    /** {@code column IN (?, ...)} over the wire names of {@code values}; call only with a non-empty collection. */
    public static String in(String column, Collection<String> values, List<Object> params) {
        params.addAll(values);
        return column + " IN (" + placeholders(values.size()) + ")";
    }

    public static Instant instant(ResultSet rs, String column) throws SQLException {
        long millis = rs.getLong(column);
        return rs.wasNull() ? null : Instant.ofEpochMilli(millis);
    }

    public static Integer integer(ResultSet rs, String column) throws SQLException {
        int value = rs.getInt(column);
        return rs.wasNull() ? null : value;
    }

    /**
     * A write's statement with its parameters bound. Closing it closes a fresh statement, or keeps one of the SQLite
     * writer's cache for the next write with its parameters cleared (the cache holds no write's values: an
     * execution's output can be megabytes).
     */
    private record Bound(PreparedStatement statement, boolean cached) implements AutoCloseable {
        @Override
        public void close() throws SQLException {
            if (cached) {
                statement.clearParameters();
            } else {
                statement.close();
            }
        }
    }

    private Bound bound(Connection c, String sql, Object[] params) throws SQLException {
        StatementCache cache = writer != null ? writer.statementsOf(c) : null;
        if (cache == null) {
            return new Bound(prepare(c, sql, params), false);
        }
        PreparedStatement ps = cache.get(sql);
        try {
            bindAll(ps, params);
        } catch (SQLException | RuntimeException e) {
            cache.evict(sql);
            throw e;
        }
        return new Bound(ps, true);
    }

    private static PreparedStatement prepare(Connection c, String sql, Object[] params) throws SQLException {
        PreparedStatement ps = c.prepareStatement(sql);
        try {
            bindAll(ps, params);
            return ps;
        } catch (SQLException | RuntimeException e) {
            ps.close();
            throw e;
        }
    }

    private static void bindAll(PreparedStatement ps, Object[] params) throws SQLException {
        for (int i = 0; i < params.length; i++) {
            bind(ps, i + 1, params[i]);
        }
    }

    private static void bind(PreparedStatement ps, int index, Object value) throws SQLException {
        switch (value) {
            case null -> ps.setNull(index, Types.NULL);
            case Instant t -> ps.setLong(index, t.toEpochMilli());
            case Boolean b -> ps.setBoolean(index, b);
            case Integer n -> ps.setInt(index, n);
            case Long n -> ps.setLong(index, n);
            case Double n -> ps.setDouble(index, n);
            case String s -> ps.setString(index, s);
            default -> throw new IllegalArgumentException("unsupported parameter type " + value.getClass());
        }
    }

    private RuntimeException translate(SQLException e) {
        if (uniqueViolation.test(e)) {
            return new RuncellException(ErrorCode.CONFLICT, ErrorCode.CONFLICT.publicMessage());
        }
        return new StoreException(e);
    }

    /** Runs a write: through SQLite's single writer, or at once on a PostgreSQL connection. */
    private <T> T write(boolean grouped, SerialWriter.Write<T> write) {
        try {
            return writer != null ? writer.write(grouped, write) : SerialWriter.runAlone(dataSource, grouped, write);
        } catch (SQLException e) {
            throw translate(e);
        }
    }

    /** Stops SQLite's writer thread (writes still queued fail). */
    public void close() {
        if (writer != null) {
            writer.close();
        }
    }
}
