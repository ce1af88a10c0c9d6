package io.runcell.core.ratelimit;

import io.runcell.core.account.Principal;
import io.runcell.core.error.ErrorCode;
import io.runcell.core.error.RateLimitInfo;
import io.runcell.core.error.RuncellException;
import io.runcell.core.plan.Plan;
import io.runcell.core.plan.PlanRepository;

/**
 * Charges one request of a class against the caller's plan rate, throwing {@link ErrorCode#RATE_LIMITED} with
 * the numbers a dialect renders (Retry-After, X-RateLimit-*, Vast's threshold) when the bucket is empty. The core
 * services call it right after authentication, before anything is created.
 */
public final class RateLimits {

    public static final RateLimits NONE = new RateLimits(RateLimiter.NONE, null);

    private final RateLimiter limiter;
    private final PlanRepository plans;

    public RateLimits(RateLimiter limiter, PlanRepository plans) {
        this.limiter = limiter;
        this.plans = plans;
    }

    /** Charges {@code cls} for the caller; throws {@code RATE_LIMITED} if its rate is exhausted. */
    public void charge(Principal caller, EndpointClass cls) {
        if (plans == null) {
            return;
        }
        Plan plan = plans.find(caller.plan()).orElse(null);
        if (plan == null) {
            return;
        }
        charge(caller, cls, plan);
    }

    /** As {@link #charge(Principal, EndpointClass)} with the plan already loaded. */
    public void charge(Principal caller, EndpointClass cls, Plan plan) {
        double rate = plan.rateOf(cls);
        if (rate <= 0 || caller.isAdmin()) {
            return;
        }
        RateLimiter.Decision d = limiter.tryConsume(caller.accountId(), cls, rate);
        if (!d.allowed()) {
            RateLimitInfo info = new RateLimitInfo(
                    cls.wire(), d.limit(), d.windowSeconds(), d.remaining(), d.resetSeconds(), 1.0 / rate);
            long retry = Math.max(1, d.retryAfterSeconds());
            throw new RuncellException(
                    ErrorCode.RATE_LIMITED,
                    "Rate limit of " + formatRate(rate) + " " + cls.wire() + " requests per second exceeded; retry in "
                            + retry + " s.",
                    java.util.List.of(),
                    retry,
                    info);
        }
    }

    private static String formatRate(double rate) {
        return rate == Math.rint(rate) ? Long.toString((long) rate) : Double.toString(rate);
    }
}
