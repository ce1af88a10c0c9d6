package io.runcell.cluster.ratelimit;

import io.github.bucket4j.TimeMeter;
import io.github.bucket4j.distributed.ExpirationAfterWriteStrategy;
import io.github.bucket4j.distributed.jdbc.PrimaryKeyMapper;
import io.github.bucket4j.postgresql.Bucket4jPostgreSQL;
import io.github.bucket4j.postgresql.PostgreSQLSelectForUpdateBasedProxyManager;
import io.runcell.core.ratelimit.EndpointClass;
import io.runcell.core.ratelimit.RateLimiter;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Token buckets every node of a cluster shares, kept by Bucket4j's PostgreSQL proxy manager in the
 * {@code rate_limit_buckets} table (store migration V8), so a client spreading calls across nodes gets the quota it
 * would get from one. Buckets and decisions are those of {@link LocalRateLimiter} ({@link BucketShape}); the key is
 * (endpoint class, rate, account), so a changed plan rate gets a fresh bucket. Thread-safe.
 *
 * <p><b>Locking.</b> The select-for-update manager: one transaction per request locks the bucket's row
 * ({@code SELECT ... FOR UPDATE}), computes the new state in this JVM and writes it back; a first request inserts the
 * row with {@code INSERT ... ON CONFLICT DO NOTHING}. Row locks on the primary key serialise exactly the requests of
 * one bucket, where the advisory-lock manager would hash string keys onto 64-bit lock ids and let unrelated buckets
 * collide.
 *
 * <p><b>Clock.</b> Bucket4j 8.x has no database-clock option for its JDBC managers: refills are computed from the
 * clock of the node handling the request (millisecond wall clock). Nodes run NTP; Bucket4j never refills for a time
 * before the bucket's last refill, so a skew of {@code d} between two nodes moves refills by at most {@code d}, i.e.
 * {@code d * rate} tokens, which for skews of milliseconds is far below one token at the rates plans use.
 *
 * <p><b>Expiry.</b> Each write stamps {@code expires_at} with the time the bucket will be full again plus
 * {@link #KEEP_AFTER_FULL}, in epoch milliseconds of the writing JVM's wall clock (Bucket4j uses
 * {@code System.currentTimeMillis()} there, whatever clock the limiter is given); a full bucket and a missing row
 * behave the same, so {@link #purgeExpired()} deleting such rows changes no decision. The margin covers clock skew
 * between the writing and the purging node.
 *
 * <p><b>Failure.</b> When the database cannot be reached or the statement fails (or exceeds
 * {@link #REQUEST_TIMEOUT}), the request is allowed unmetered (fails open): a limiter outage must not take down
 * exec, and in cluster mode the same database also backs authentication, so a real outage is reported there. The
 * failure is logged at WARN at most once per {@link #WARN_INTERVAL}, with the count of failures in between.
 * Acquiring a connection waits for up to the pool's connection timeout first.
 */
public final class PostgresRateLimiter implements RateLimiter {

    public static final String TABLE = "rate_limit_buckets";

    /** How long a bucket's row outlives the moment it would be full again. */
    public static final Duration KEEP_AFTER_FULL = Duration.ofMinutes(1);

    /** Statement timeout of one consumption; longer counts as a failure (the request is allowed). */
    public static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(2);

    public static final Duration WARN_INTERVAL = Duration.ofMinutes(1);

    static final int PURGE_BATCH = 1_000;

    static final int PURGE_MAX_BATCHES = 100;

    private static final Logger LOG = LoggerFactory.getLogger(PostgresRateLimiter.class);

    private final PostgreSQLSelectForUpdateBasedProxyManager<String> buckets;
    // the first failure warns at once
    private final AtomicLong lastWarnNanos = new AtomicLong(System.nanoTime() - WARN_INTERVAL.toNanos());
    private final AtomicLong unwarnedFailures = new AtomicLong();

    /** Over the shared store's pool, with the nodes' wall clock. */
    public PostgresRateLimiter(DataSource dataSource) {
        this(dataSource, TimeMeter.SYSTEM_MILLISECONDS);
    }

    /** With the clock refills are computed from (tests pass a manual one; all nodes must use the same kind). */
    public PostgresRateLimiter(DataSource dataSource, TimeMeter clock) {
        this.buckets = Bucket4jPostgreSQL.selectForUpdateBasedBuilder(dataSource)
                .primaryKeyMapper(PrimaryKeyMapper.STRING)
                .table(TABLE)
                .idColumn("id")
                .stateColumn("state")
                .expiresAtColumn("expires_at")
                .clientClock(clock)
                .requestTimeout(REQUEST_TIMEOUT)
                .expirationAfterWrite(
                        ExpirationAfterWriteStrategy.basedOnTimeForRefillingBucketUpToMax(KEEP_AFTER_FULL))
                .build();
    }

    @Override
    public Decision tryConsume(String accountId, EndpointClass cls, double ratePerSecond) {
        BucketShape shape = BucketShape.of(ratePerSecond);
        try {
            return shape.decide(buckets.builder()
                    .build(key(accountId, cls, ratePerSecond), shape::configuration)
                    .tryConsumeAndReturnRemaining(1));
        } catch (RuntimeException e) {
            warnFailOpen(e);
            return shape.unmetered();
        }
    }

    /**
     * Deletes rows of buckets that are full again (see the class comment), at most
     * {@code PURGE_BATCH * PURGE_MAX_BATCHES} per call, in batches that skip rows locked by a running request. Safe to
     * run on every node at once. Compares with this JVM's wall clock. Never throws: a failure is logged and the rows
     * stay for the next call.
     *
     * @return rows deleted
     */
    public int purgeExpired() {
        int total = 0;
        try {
            for (int i = 0; i < PURGE_MAX_BATCHES; i++) {
                int removed = buckets.removeExpired(PURGE_BATCH);
                total += removed;
                if (removed < PURGE_BATCH) {
                    break;
                }
            }
        } catch (RuntimeException e) {
            LOG.warn("Purging expired rate-limit buckets failed after {} rows; retrying on the next run", total, e);
        }
        return total;
    }

    /** Class and rate first: neither contains ':', so any account id keeps keys distinct. */
    static String key(String accountId, EndpointClass cls, double ratePerSecond) {
        return cls.name() + ":" + ratePerSecond + ":" + accountId;
    }

    private void warnFailOpen(RuntimeException e) {
        long now = System.nanoTime();
        long last = lastWarnNanos.get();
        if (now - last >= WARN_INTERVAL.toNanos() && lastWarnNanos.compareAndSet(last, now)) {
            long between = unwarnedFailures.getAndSet(0);
            LOG.warn(
                    "Shared rate-limit buckets unreachable; allowing requests unmetered ({} failures since the last"
                            + " warning, next warning in {} s at the earliest)",
                    between,
                    WARN_INTERVAL.toSeconds(),
                    e);
        } else {
            unwarnedFailures.incrementAndGet();
        }
    }
}
