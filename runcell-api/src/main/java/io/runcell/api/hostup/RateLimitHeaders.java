package io.runcell.api.hostup;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The headers of a Hostup 429: {@code Retry-After} (seconds), {@code X-RateLimit-Remaining} (0 when refused) and
 * {@code X-RateLimit-Reset} (epoch seconds when the window reopens). {@code X-RateLimit-Limit} is added when the
 * limiter reports its limit.
 */
final class RateLimitHeaders {

    private RateLimitHeaders() {}

    static Map<String, String> of(long retryAfterSeconds, Instant now) {
        long retry = Math.max(1, retryAfterSeconds);
        Map<String, String> h = new LinkedHashMap<>();
        h.put("Retry-After", Long.toString(retry));
        h.put("X-RateLimit-Remaining", "0");
        h.put("X-RateLimit-Reset", Long.toString(now.getEpochSecond() + retry));
        return h;
    }
}
