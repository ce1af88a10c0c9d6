package io.runcell.cluster.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.runcell.core.ratelimit.EndpointClass;
import io.runcell.core.ratelimit.RateLimiter;
import io.runcell.core.ratelimit.RateLimiter.Decision;
import io.runcell.store.Database;
import io.runcell.store.PostgresServer;
import java.net.ServerSocket;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;
import org.slf4j.LoggerFactory;

/**
 * Two "nodes" (two pools on one real PostgreSQL database, migrated by the store) sharing buckets. Most tests freeze
 * a manual clock both nodes share, so the numbers are Bucket4j's exact arithmetic and never race the wall clock.
 */
class PostgresRateLimiterTest extends RateLimiterContract {

    private static PostgresServer server;
    private static String url;
    private static Database nodeA;
    private static Database nodeB;

    private PostgresRateLimiter a;
    private PostgresRateLimiter b;

    @Override
    protected RateLimiter nodeA() {
        return a;
    }

    @Override
    protected RateLimiter nodeB() {
        return b;
    }

    @BeforeAll
    static void startPostgres() throws Exception {
        server = PostgresServer.start();
        url = server.newDatabaseUrl();
        nodeA = Database.open(url);
        nodeB = Database.open(url);
    }

    @AfterAll
    static void stopPostgres() throws Exception {
        if (nodeA != null) {
            nodeA.close();
        }
        if (nodeB != null) {
            nodeB.close();
        }
        if (server != null) {
            server.close();
        }
    }

    @BeforeEach
    void emptyTableAndTwoNodes() throws Exception {
        execute("DELETE FROM rate_limit_buckets");
        a = new PostgresRateLimiter(nodeA.dataSource(), time);
        b = new PostgresRateLimiter(nodeB.dataSource(), time);
    }

    @Test
    void aBurstSpreadOverTwoNodesPassesOnlyTheCapacity() {
        List<Decision> decisions = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            decisions.add((i % 2 == 0 ? a : b).tryConsume("acc_a", EndpointClass.EXEC, 3));
        }

        assertThat(decisions)
                .extracting(Decision::allowed)
                .containsExactly(true, true, true, false, false, false, false, false, false, false);
        assertThat(decisions.subList(0, 3)).extracting(Decision::remaining).containsExactly(2L, 1L, 0L);
        assertThat(decisions.get(3)).isEqualTo(new Decision(false, 3, 1.0, 0, 1, 1));
    }

    @Test
    void concurrentAttemptsOnBothNodesNeverExceedCapacityPlusRefill() throws Exception {
        List<Decision> burst = concurrently(50, 1);

        assertThat(burst).filteredOn(Decision::allowed).hasSize(1);
        assertThat(burst).filteredOn(d -> !d.allowed()).allSatisfy(d -> assertThat(d.retryAfterSeconds())
                .isGreaterThanOrEqualTo(1));

        time.advanceMillis(1_000);
        List<Decision> afterOneSecond = concurrently(50, 1);

        assertThat(afterOneSecond).filteredOn(Decision::allowed).hasSize(1);
    }

    @Test
    void concurrentAttemptsOnALargerBucketPassExactlyItsCapacity() throws Exception {
        List<Decision> burst = concurrently(60, 10);

        assertThat(burst).filteredOn(Decision::allowed).hasSize(10);
        assertThat(burst)
                .filteredOn(Decision::allowed)
                .extracting(Decision::remaining)
                .containsExactlyInAnyOrder(9L, 8L, 7L, 6L, 5L, 4L, 3L, 2L, 1L, 0L);
    }

    @Test
    void aChangedRateIsAnotherRow() {
        a.tryConsume("acc_a", EndpointClass.EXEC, 1);
        b.tryConsume("acc_a", EndpointClass.EXEC, 10);

        assertThat(ids())
                .containsExactly(
                        PostgresRateLimiter.key("acc_a", EndpointClass.EXEC, 1),
                        PostgresRateLimiter.key("acc_a", EndpointClass.EXEC, 10));
    }

    @Test
    void decisionsMatchTheLocalLimiterForTheSameInputs() {
        LocalRateLimiter local = new LocalRateLimiter(1000, time);
        double[] rates = {2, 0.5, 3.7, 100, 1};
        long[] advances = {0, 0, 0, 100, 0, 499, 1, 0, 2_000, 0, 0, 0};
        List<Decision> expected = new ArrayList<>();
        List<Decision> actual = new ArrayList<>();
        for (long advance : advances) {
            time.advanceMillis(advance);
            for (double rate : rates) {
                for (EndpointClass cls : List.of(EndpointClass.EXEC, EndpointClass.READ)) {
                    expected.add(local.tryConsume("acc_a", cls, rate));
                    actual.add((expected.size() % 2 == 0 ? a : b).tryConsume("acc_a", cls, rate));
                }
            }
        }

        assertThat(actual).containsExactlyElementsOf(expected);
        assertThat(actual).extracting(Decision::allowed).contains(true, false);
    }

    @Test
    void theWallClockDefaultSharesABucketAcrossNodes() {
        RateLimiter realA = new PostgresRateLimiter(nodeA.dataSource());
        RateLimiter realB = new PostgresRateLimiter(nodeB.dataSource());

        // one token per 1000 s: the second call cannot see a refill however slow the machine is
        Decision first = realA.tryConsume("acc_a", EndpointClass.EXEC, 0.001);
        Decision second = realB.tryConsume("acc_a", EndpointClass.EXEC, 0.001);

        assertThat(first.allowed()).isTrue();
        assertThat(second.allowed()).isFalse();
        assertThat(second.limit()).isEqualTo(1);
        assertThat(second.windowSeconds()).isEqualTo(1000.0);
        assertThat(second.retryAfterSeconds()).isBetween(900L, 1000L);
    }

    @Test
    void eachWriteStampsTheWallClockTimeTheBucketIsFullAgainPlusTheMargin() throws Exception {
        long before = System.currentTimeMillis();
        a.tryConsume("acc_a", EndpointClass.EXEC, 0.5);
        long after = System.currentTimeMillis();

        // the one token comes back after 2 s by the limiter's clock; Bucket4j adds that to the JVM's wall clock
        long margin = 2_000 + PostgresRateLimiter.KEEP_AFTER_FULL.toMillis();
        assertThat(expiresAt(PostgresRateLimiter.key("acc_a", EndpointClass.EXEC, 0.5)))
                .isBetween(before + margin, after + margin);
    }

    @Test
    void purgeExpiredDeletesOnlyRowsPastTheirExpiry() throws Exception {
        a.tryConsume("acc_old", EndpointClass.EXEC, 1);
        a.tryConsume("acc_old", EndpointClass.READ, 1);
        a.tryConsume("acc_new", EndpointClass.EXEC, 1);
        // an hour passes for the first two
        execute("UPDATE rate_limit_buckets SET expires_at = expires_at - 3600000 WHERE id LIKE '%:acc_old'");

        int removed = a.purgeExpired();

        assertThat(removed).isEqualTo(2);
        assertThat(ids()).containsExactly(PostgresRateLimiter.key("acc_new", EndpointClass.EXEC, 1));
        assertThat(b.tryConsume("acc_old", EndpointClass.EXEC, 1).allowed()).isTrue();
    }

    @Test
    void purgeExpiredWorksThroughMoreRowsThanOneBatch() throws Exception {
        int rows = PostgresRateLimiter.PURGE_BATCH * 2 + 500;
        execute("INSERT INTO rate_limit_buckets (id, state, expires_at)"
                + " SELECT 'EXEC:1.0:acc_' || n, NULL, 1 FROM generate_series(1, " + rows + ") AS n");

        assertThat(a.purgeExpired()).isEqualTo(rows);
        assertThat(rowCount()).isZero();
    }

    @Test
    void anUnreachableDatabaseAllowsUnmeteredAndWarnsOnce() throws Exception {
        PGSimpleDataSource nowhere = new PGSimpleDataSource();
        try (ServerSocket probe = new ServerSocket(0)) {
            nowhere.setURL("jdbc:postgresql://127.0.0.1:" + probe.getLocalPort() + "/none");
        }
        nowhere.setUser("runcell");
        nowhere.setConnectTimeout(2);
        PostgresRateLimiter down = new PostgresRateLimiter(nowhere, time);
        Logger logger = (Logger) LoggerFactory.getLogger(PostgresRateLimiter.class);
        ListAppender<ILoggingEvent> logs = new ListAppender<>();
        logs.start();
        logger.addAppender(logs);
        try {
            List<Decision> decisions = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                decisions.add(down.tryConsume("acc_a", EndpointClass.EXEC, 2));
            }
            int purged = down.purgeExpired();

            assertThat(decisions).containsOnly(new Decision(true, 2, 1.0, 2, 0, 0));
            assertThat(purged).isZero();
            assertThat(logs.list)
                    .filteredOn(e -> e.getLevel() == Level.WARN)
                    .extracting(ILoggingEvent::getFormattedMessage)
                    .satisfiesExactly(
                            m -> assertThat(m).startsWith("Shared rate-limit buckets unreachable; allowing requests"),
                            m -> assertThat(m).startsWith("Purging expired rate-limit buckets failed"));
        } finally {
            logger.detachAppender(logs);
        }
    }

    @Test
    void aClosedPoolAllowsUnmetered() {
        Database node = Database.open(url);
        PostgresRateLimiter limiter = new PostgresRateLimiter(node.dataSource(), time);
        assertThat(limiter.tryConsume("acc_a", EndpointClass.EXEC, 1).allowed()).isTrue();
        assertThat(limiter.tryConsume("acc_a", EndpointClass.EXEC, 1).allowed()).isFalse();
        node.close();

        assertThat(limiter.tryConsume("acc_a", EndpointClass.EXEC, 1)).isEqualTo(new Decision(true, 1, 1.0, 1, 0, 0));
    }

    private List<Decision> concurrently(int attempts, double rate) throws Exception {
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Decision>> futures = new ArrayList<>();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < attempts; i++) {
                RateLimiter node = i % 2 == 0 ? a : b;
                futures.add(pool.submit(() -> {
                    start.await();
                    return node.tryConsume("acc_a", EndpointClass.EXEC, rate);
                }));
            }
            start.countDown();
            List<Decision> decisions = new ArrayList<>();
            for (Future<Decision> f : futures) {
                decisions.add(f.get());
            }
            return decisions;
        }
    }

    private static void execute(String sql) throws SQLException {
        try (Connection c = nodeA.dataSource().getConnection();
                Statement st = c.createStatement()) {
            st.execute(sql);
        }
    }

    private static int rowCount() {
        return ids().size();
    }

    private static List<String> ids() {
        List<String> ids = new ArrayList<>();
        try (Connection c = nodeA.dataSource().getConnection();
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT id FROM rate_limit_buckets ORDER BY id")) {
            while (rs.next()) {
                ids.add(rs.getString(1));
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return ids;
    }

    private static long expiresAt(String id) throws Exception {
        try (Connection c = nodeA.dataSource().getConnection();
                var st = c.prepareStatement("SELECT expires_at FROM rate_limit_buckets WHERE id = ?")) {
            st.setString(1, id);
            try (ResultSet rs = st.executeQuery()) {
                assertThat(rs.next()).as("row %s", id).isTrue();
                return rs.getLong(1);
            }
        }
    }
}
