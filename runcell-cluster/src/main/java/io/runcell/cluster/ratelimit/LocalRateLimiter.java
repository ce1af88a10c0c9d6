package io.runcell.cluster.ratelimit;

import io.github.bucket4j.Bucket;
import io.github.bucket4j.TimeMeter;
import io.runcell.core.ratelimit.EndpointClass;
import io.runcell.core.ratelimit.RateLimiter;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Per (account, endpoint class) Bucket4j token buckets in this node's memory, shaped by {@link BucketShape}. A
 * changed rate (plan assignment or plan edit) gets a fresh bucket. At most {@code maxBuckets} buckets are kept, least recently used evicted first (an evicted bucket
 * restarts full, which only ever errs towards allowing).
 */
public final class LocalRateLimiter implements RateLimiter {

    public static final int DEFAULT_MAX_BUCKETS = 100_000;

    private record Key(String accountId, EndpointClass cls, double rate) {}

    private record Held(Bucket bucket, BucketShape shape) {}

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
        BucketShape shape = BucketShape.of(ratePerSecond);
        Held entry;
        synchronized (buckets) {
            entry = buckets.computeIfAbsent(new Key(accountId, cls, ratePerSecond), k -> newBucket(shape, time));
        }
        return entry.shape.decide(entry.bucket.tryConsumeAndReturnRemaining(1));
    }

    /** Buckets currently held (tests, metrics). */
    public int size() {
        synchronized (buckets) {
            return buckets.size();
        }
    }

    private static Held newBucket(BucketShape shape, TimeMeter time) {
        Bucket bucket = Bucket.builder()
                .addLimit(shape.bandwidth())
                .withCustomTimePrecision(time)
                .build();
        return new Held(bucket, shape);
    }
}
