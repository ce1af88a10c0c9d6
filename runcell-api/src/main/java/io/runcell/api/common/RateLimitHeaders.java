package io.runcell.api.common;

import io.runcell.core.error.RuncellException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The headers of a 429 shared by the dialects that send them (native, Hostup): {@code Retry-After} and
 * {@code X-RateLimit-Reset} in seconds from now, {@code X-RateLimit-Remaining}, and {@code X-RateLimit-Limit}
 * (requests per window) when the limiter reported it.
 */
public final class RateLimitHeaders {

    private RateLimitHeaders() {}

    public static Map<String, String> of(RuncellException e) {
        long retry = Math.max(1, e.retryAfterSeconds());
        Map<String, String> h = new LinkedHashMap<>();
        h.put("Retry-After", Long.toString(retry));
        e.rateLimit()
                .ifPresentOrElse(
                        info -> {
                            h.put("X-RateLimit-Limit", Long.toString(info.limit()));
                            h.put("X-RateLimit-Remaining", Long.toString(info.remaining()));
                            h.put("X-RateLimit-Reset", Long.toString(Math.max(1, info.resetSeconds())));
                        },
                        () -> {
                            h.put("X-RateLimit-Remaining", "0");
                            h.put("X-RateLimit-Reset", Long.toString(retry));
                        });
        return h;
    }
}
