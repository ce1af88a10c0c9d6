package io.runcell.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.runcell.core.error.ErrorCode;
import io.runcell.core.error.RuncellException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sqlite.SQLiteDataSource;

/** The SQLite writer's reused statements: bounded, and still usable after a write that failed. */
class StatementCacheTest {

    @TempDir
    Path tmp;

    private SQLiteDataSource source;
    private Jdbc jdbc;

    @BeforeEach
    void open() throws SQLException {
        source = new SQLiteDataSource();
        source.setUrl("jdbc:sqlite:" + tmp.resolve("s.db"));
        source.setJournalMode("WAL");
        try (Connection c = source.getConnection();
                var st = c.createStatement()) {
            st.executeUpdate("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT NOT NULL)");
        }
        jdbc = new Jdbc(
                source,
                source,
                e -> e.getMessage().contains("UNIQUE") || e.getMessage().contains("PRIMARYKEY"));
    }

    @AfterEach
    void close() {
        jdbc.close();
    }

    @Test
    void aStatementIsPreparedOnceAndTheLeastRecentlyUsedIsClosedBeyondTheBound() throws SQLException {
        try (Connection c = source.getConnection();
                StatementCache cache = new StatementCache(c)) {
            PreparedStatement first = cache.get("SELECT 0");
            assertThat(cache.get("SELECT 0")).isSameAs(first);
            for (int i = 1; i <= StatementCache.MAX; i++) {
                cache.get("SELECT " + i);
            }
            assertThat(cache.size()).isEqualTo(StatementCache.MAX);
            assertThat(first.isClosed()).isTrue();
            assertThat(cache.get("SELECT 0")).isNotSameAs(first);
        }
    }

    @Test
    void aFailedWriteLeavesItsReusedStatementUsable() {
        String insert = "INSERT INTO t (id, v) VALUES (?, ?)";
        jdbc.update(insert, 1, "a");
        assertThatThrownBy(() -> jdbc.update(insert, 1, "again"))
                .isInstanceOfSatisfying(
                        RuncellException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.CONFLICT));
        assertThatThrownBy(() -> jdbc.update(insert, 2, null)).isInstanceOf(StoreException.class);
        jdbc.update(insert, 2, "b");
        assertThat(jdbc.query("SELECT id, v FROM t ORDER BY id", rs -> rs.getInt(1) + rs.getString(2)))
                .containsExactly("1a", "2b");
    }

    @Test
    void aRolledBackTransactionLeavesItsReusedStatementsUsable() {
        String insert = "INSERT INTO t (id, v) VALUES (?, ?)";
        assertThatThrownBy(() -> jdbc.transaction(
                        List.of(new Jdbc.Statement(insert, 1, "a"), new Jdbc.Statement(insert, 1, "duplicate"))))
                .isInstanceOf(RuncellException.class);
        jdbc.transaction(List.of(new Jdbc.Statement(insert, 1, "a"), new Jdbc.Statement(insert, 2, "b")));
        assertThat(jdbc.queryLong("SELECT COUNT(*) FROM t")).isEqualTo(2);
    }
}
