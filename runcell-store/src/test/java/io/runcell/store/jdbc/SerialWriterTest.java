package io.runcell.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sqlite.SQLiteDataSource;

/** SQLite's single writer: writes that queue behind a running one commit together, each undone alone on failure. */
class SerialWriterTest {

    @TempDir
    Path tmp;

    private SQLiteDataSource dataSource;
    private SerialWriter writer;

    @BeforeEach
    void open() throws SQLException {
        dataSource = new SQLiteDataSource();
        dataSource.setUrl("jdbc:sqlite:" + tmp.resolve("w.db"));
        dataSource.setJournalMode("WAL");
        try (Connection c = dataSource.getConnection();
                var st = c.createStatement()) {
            st.executeUpdate("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)");
        }
        writer = new SerialWriter(dataSource);
    }

    @AfterEach
    void close() {
        writer.close();
    }

    private static int insert(Connection c, int id, Set<String> threads) throws SQLException {
        threads.add(Thread.currentThread().getName());
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO t (id, v) VALUES (?, ?)")) {
            ps.setInt(1, id);
            ps.setString(2, "v" + id);
            return ps.executeUpdate();
        }
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private List<Integer> ids() throws SQLException {
        List<Integer> ids = new ArrayList<>();
        try (Connection c = dataSource.getConnection();
                ResultSet rs = c.createStatement().executeQuery("SELECT id FROM t ORDER BY id")) {
            while (rs.next()) {
                ids.add(rs.getInt(1));
            }
        }
        return ids;
    }

    @Test
    void writesQueuedBehindARunningOneCommitTogetherAndAFailingOneIsUndoneAlone() throws Exception {
        Set<String> threads = ConcurrentHashMap.newKeySet();
        CountDownLatch holding = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            // the first write holds the database while the others arrive
            Future<Integer> first = pool.submit(() -> writer.write(false, c -> {
                holding.countDown();
                awaitQuietly(release);
                return insert(c, 1, ConcurrentHashMap.newKeySet());
            }));
            assertThat(holding.await(10, TimeUnit.SECONDS)).isTrue();
            List<Future<Integer>> queued = new ArrayList<>();
            for (int id = 2; id <= 11; id++) {
                int i = id;
                queued.add(pool.submit(() -> writer.write(false, c -> insert(c, i, threads))));
            }
            // a grouped write whose second statement fails (id 1 is committed by the write holding the database,
            // before any queued write runs, whatever order they queued in): none of it may stay
            Future<Integer> broken = pool.submit(() -> writer.write(true, c -> {
                insert(c, 100, threads);
                return insert(c, 1, threads);
            }));
            Thread.sleep(200); // let them queue
            release.countDown();
            assertThat(first.get(10, TimeUnit.SECONDS)).isEqualTo(1);
            for (Future<Integer> f : queued) {
                assertThat(f.get(10, TimeUnit.SECONDS)).isEqualTo(1);
            }
            assertThatThrownBy(() -> broken.get(10, TimeUnit.SECONDS)).hasCauseInstanceOf(SQLException.class);
        }
        assertThat(ids()).containsExactly(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11);
        assertThat(threads).containsExactly("runcell-sqlite-writer");
    }

    @Test
    void aWriteThatFindsTheDatabaseFreeRunsOnItsCallersThread() throws Exception {
        Set<String> threads = ConcurrentHashMap.newKeySet();
        int inserted = writer.write(false, c -> insert(c, 7, threads));
        assertThat(inserted).isEqualTo(1);
        assertThat(threads).containsExactly(Thread.currentThread().getName());
        assertThatThrownBy(() -> writer.write(false, c -> insert(c, 7, threads)))
                .isInstanceOf(SQLException.class);
        assertThat(ids()).containsExactly(7);
    }

    @Test
    void manyConcurrentWritersAllCommit() throws Exception {
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<Integer>> all = new ArrayList<>();
            for (int id = 1; id <= 500; id++) {
                int i = id;
                all.add(pool.submit(() -> writer.write(false, c -> insert(c, i, ConcurrentHashMap.newKeySet()))));
            }
            for (Future<Integer> f : all) {
                assertThat(f.get(30, TimeUnit.SECONDS)).isEqualTo(1);
            }
        }
        assertThat(ids()).hasSize(500);
    }

    @Test
    void writesRunOnOneKeptConnection() throws Exception {
        Set<Connection> used = ConcurrentHashMap.newKeySet();
        for (int i = 0; i < 3; i++) {
            int id = i;
            writer.write(false, c -> {
                used.add(c);
                return insert(c, id, ConcurrentHashMap.newKeySet());
            });
        }
        assertThat(used).hasSize(1);
        assertThat(ids()).containsExactly(0, 1, 2);
    }

    @Test
    void aBrokenConnectionIsReplacedForTheNextWrite() throws Exception {
        Set<Connection> used = ConcurrentHashMap.newKeySet();
        assertThatThrownBy(() -> writer.write(false, c -> {
                    used.add(c);
                    c.close();
                    throw new SQLException("the connection broke");
                }))
                .hasMessageContaining("the connection broke");
        writer.write(false, c -> {
            used.add(c);
            return insert(c, 7, ConcurrentHashMap.newKeySet());
        });
        assertThat(used).hasSize(2);
        assertThat(ids()).containsExactly(7);
    }

    @Test
    void writesAfterCloseFail() {
        writer.close();
        assertThatThrownBy(() -> writer.write(false, c -> insert(c, 1, ConcurrentHashMap.newKeySet())))
                .isInstanceOf(SQLException.class)
                .hasMessageContaining("closed");
    }
}
