package io.runcell.core.error;

/**
 * The numbers of a {@link ErrorCode#RATE_LIMITED} failure, for dialects to render in their own shape
 * ({@code X-RateLimit-*} headers, Vast's {@code threshold=<t>}).
 *
 * @param endpointClass      {@code exec}, {@code manage} or {@code read}
 * @param limit              requests allowed per {@code windowSeconds} (the bucket's capacity)
 * @param windowSeconds      seconds the bucket takes to refill completely (1 for rates of 1/s or more)
 * @param remaining          requests left now (0 when limited)
 * @param resetSeconds       seconds until the bucket is full again
 * @param minIntervalSeconds the class's minimum interval between requests, 1 / rate
 */
public record RateLimitInfo(
        String endpointClass,
        long limit,
        double windowSeconds,
        long remaining,
        long resetSeconds,
        double minIntervalSeconds) {}
