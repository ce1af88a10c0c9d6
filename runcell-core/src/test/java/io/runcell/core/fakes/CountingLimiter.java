package io.runcell.core.fakes;

import io.runcell.core.ratelimit.EndpointClass;
import io.runcell.core.ratelimit.RateLimiter;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/** A limiter without time: a rate of r allows the first floor(r) (at least 1) requests per account and class. */
public final class CountingLimiter implements RateLimiter {

    public final Map<String, AtomicInteger> used = new ConcurrentHashMap<>();

    @Override
    public Decision tryConsume(String accountId, EndpointClass cls, double rate) {
        long cap = Math.max(1, (long) rate);
        int n = used.computeIfAbsent(accountId + "/" + cls, k -> new AtomicInteger())
                .incrementAndGet();
        if (n <= cap) {
            return new Decision(true, cap, 1, cap - n, 1, 0);
        }
        return new Decision(false, cap, 1, 0, 1, 1);
    }
}
