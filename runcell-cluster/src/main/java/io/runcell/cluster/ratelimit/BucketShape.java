package io.runcell.cluster.ratelimit;

import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.ConsumptionProbe;
import io.runcell.core.ratelimit.RateLimiter.Decision;
import java.time.Duration;

/**
 * The token bucket of one rate and the {@link Decision} it yields, shared by {@link LocalRateLimiter} and
 * {@link PostgresRateLimiter} so one node and a cluster answer with the same numbers. A rate {@code r} gives
 * {@code max(1, ceil(r))} tokens refilled greedily over {@code capacity / r} seconds: bursts up to one second's
 * worth pass and sustained traffic is held to {@code r}.
 *
 * @param capacity      tokens when full
 * @param windowSeconds the time an empty bucket takes to fill up
 * @param bandwidth     the Bucket4j limit of this shape
 */
record BucketShape(long capacity, double windowSeconds, Bandwidth bandwidth) {

    /** @throws IllegalArgumentException unless {@code ratePerSecond} is positive */
    static BucketShape of(double ratePerSecond) {
        if (!(ratePerSecond > 0)) {
            throw new IllegalArgumentException("rate must be positive: " + ratePerSecond);
        }
        long capacity = Math.max(1, (long) Math.ceil(ratePerSecond));
        double window = capacity / ratePerSecond;
        Duration period = Duration.ofNanos(Math.max(1, Math.round(window * 1e9)));
        Bandwidth bandwidth = Bandwidth.builder()
                .capacity(capacity)
                .refillGreedy(capacity, period)
                .build();
        return new BucketShape(capacity, window, bandwidth);
    }

    /** The configuration a distributed bucket of this shape is created with. */
    BucketConfiguration configuration() {
        return BucketConfiguration.builder().addLimit(bandwidth).build();
    }

    /** The decision for one consumption attempt of one token. */
    Decision decide(ConsumptionProbe probe) {
        long reset = ceilSeconds(probe.getNanosToWaitForReset());
        if (probe.isConsumed()) {
            return new Decision(true, capacity, windowSeconds, probe.getRemainingTokens(), reset, 0);
        }
        long retry = Math.max(1, ceilSeconds(probe.getNanosToWaitForRefill()));
        return new Decision(false, capacity, windowSeconds, 0, Math.max(reset, retry), retry);
    }

    /** An allowed decision that charged nothing (the bucket could not be reached): reported as full. */
    Decision unmetered() {
        return new Decision(true, capacity, windowSeconds, capacity, 0, 0);
    }

    private static long ceilSeconds(long nanos) {
        return nanos <= 0 ? 0 : (nanos + 999_999_999L) / 1_000_000_000L;
    }
}
