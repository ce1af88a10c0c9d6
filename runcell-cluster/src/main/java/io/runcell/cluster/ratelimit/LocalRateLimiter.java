package io.runcell.cluster.ratelimit;

import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.TimeMeter;
import io.runcell.core.ratelimit.EndpointClass;
import io.runcell.core.ratelimit.RateLimiter;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Per (account, endpoint class) Bucket4j token buckets in this node's memory. A bucket of rate {@code r} holds
 * {@code max(1, ceil(r))} tokens and refills greedily at {@code r} per second, so bursts up to one second's worth
 * pass and sustained traffic is held to {@code r}. A changed rate (plan assignment or plan edit) gets a fresh
 * bucket. At most {@code maxBuckets} buckets are kept, least recently used evicted first (an evicted bucket
 * restarts full, which only ever errs towards allowing).
 */
public final class LocalRateLimiter implements RateLimiter {

    public static final int DEFAULT_MAX_BUCKETS = 100_000;

    private record Key(String accountId, EndpointClass cls, double rate) {}

    private record Held(Bucket bucket, long capacity, double windowSeconds) {}

    private final Map<Key, Held> buckets;
    private final TimeMeter time;

    public LocalRateLimiter() {
        this(DEFAULT_MAX_BUCKETS, TimeMeter.SYSTEM_NANOTIME);
    }

    /** With a bucket bound and a clock (tests pass a manual one). */
    public LocalRateLimiter(int maxBuckets, TimeMeter time) {
        this.time = time;
        this.buckets = new LinkedHashMap<>(1024, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Key, Held> eldest) {
                return size() > maxBuckets;
            }
        };
    }

    @Override
    public Decision tryConsume(String accountId, EndpointClass cls, double ratePerSecond) {
        if (!(ratePerSecond > 0)) {
            throw new IllegalArgumentException("rate must be positive: " + ratePerSecond);
        }
        Held entry;
        synchronized (buckets) {
            entry = buckets.computeIfAbsent(
                    new Key(accountId, cls, ratePerSecond), k -> newBucket(ratePerSecond, time));
        }
        ConsumptionProbe probe = entry.bucket.tryConsumeAndReturnRemaining(1);
        long reset = ceilSeconds(probe.getNanosToWaitForReset());
        if (probe.isConsumed()) {
            return new Decision(true, entry.capacity, entry.windowSeconds, probe.getRemainingTokens(), reset, 0);
        }
        long retry = Math.max(1, ceilSeconds(probe.getNanosToWaitForRefill()));
        return new Decision(false, entry.capacity, entry.windowSeconds, 0, Math.max(reset, retry), retry);
    }

    /** Buckets currently held (tests, metrics). */
    public int size() {
        synchronized (buckets) {
            return buckets.size();
        }
    }

    private static Held newBucket(double rate, TimeMeter time) {
        long capacity = Math.max(1, (long) Math.ceil(rate));
        double window = capacity / rate;
        Duration period = Duration.ofNanos(Math.max(1, Math.round(window * 1e9)));
        Bucket bucket = Bucket.builder()
                .addLimit(limit -> limit.capacity(capacity).refillGreedy(capacity, period))
                .withCustomTimePrecision(time)
                .build();
        return new Held(bucket, capacity, window);
    }

    private static long ceilSeconds(long nanos) {
        return nanos <= 0 ? 0 : (nanos + 999_999_999L) / 1_000_000_000L;
    }
}
