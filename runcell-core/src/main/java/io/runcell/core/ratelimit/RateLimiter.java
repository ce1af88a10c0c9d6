package io.runcell.core.ratelimit;

/**
 * Port: per-account, per-{@link EndpointClass} rate limiting. The local implementation keeps token buckets in
 * memory; a cluster can back it with a shared store. Implementations are thread-safe.
 */
public interface RateLimiter {

    /**
     * Takes one token from the bucket of {@code accountId} and {@code cls} that refills at {@code ratePerSecond}.
     *
     * @param ratePerSecond the plan's rate; positive (callers skip the limiter when the plan is unlimited)
     */
    Decision tryConsume(String accountId, EndpointClass cls, double ratePerSecond);

    /** Allows everything (tests, or a node configured without limits). */
    RateLimiter NONE = (accountId, cls, rate) -> new Decision(true, 0, 0, 0, 0, 0);

    /**
     * The outcome of one consumption.
     *
     * @param allowed           whether the request may proceed
     * @param limit             the bucket's capacity: requests allowed per {@code windowSeconds}
     * @param windowSeconds     the time the bucket takes to refill completely
     * @param remaining         tokens left after this request
     * @param resetSeconds      seconds until the bucket is full again (rounded up)
     * @param retryAfterSeconds when not allowed: seconds until one token is available (rounded up, at least 1)
     */
    record Decision(
            boolean allowed,
            long limit,
            double windowSeconds,
            long remaining,
            long resetSeconds,
            long retryAfterSeconds) {}
}
