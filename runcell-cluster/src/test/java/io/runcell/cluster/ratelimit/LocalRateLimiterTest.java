package io.runcell.cluster.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.runcell.core.ratelimit.EndpointClass;
import io.runcell.core.ratelimit.RateLimiter;
import org.junit.jupiter.api.Test;

class LocalRateLimiterTest extends RateLimiterContract {

    private final LocalRateLimiter limiter = new LocalRateLimiter(1000, time);

    @Override
    protected RateLimiter nodeA() {
        return limiter;
    }

    @Override
    protected RateLimiter nodeB() {
        return limiter;
    }

    @Test
    void aRefusedRateHoldsNoBucket() {
        assertThatThrownBy(() -> limiter.tryConsume("acc_a", EndpointClass.EXEC, 0))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(limiter.size()).isZero();
    }

    @Test
    void theMapIsBounded() {
        LocalRateLimiter small = new LocalRateLimiter(10, time);
        for (int i = 0; i < 100; i++) {
            small.tryConsume("acc_" + i, EndpointClass.READ, 5);
        }
        assertThat(small.size()).isEqualTo(10);
    }
}
