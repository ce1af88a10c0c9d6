package io.runcell.cluster.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.bucket4j.TimeMeter;
import io.runcell.core.ratelimit.EndpointClass;
import io.runcell.core.ratelimit.RateLimiter.Decision;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class LocalRateLimiterTest {

    static final class ManualTime implements TimeMeter {
        long nanos = 1_000_000_000L;

        @Override
        public long currentTimeNanos() {
            return nanos;
        }

        @Override
        public boolean isWallClockBased() {
            return false;
        }

        void advanceMillis(long ms) {
            nanos += TimeUnit.MILLISECONDS.toNanos(ms);
        }
    }

    private final ManualTime time = new ManualTime();
    private final LocalRateLimiter limiter = new LocalRateLimiter(1000, time);

    @Test
    void twoPerSecondAllowsABurstOfTwoThenRefusesWithTheNumbers() {
        Decision first = limiter.tryConsume("acc_a", EndpointClass.EXEC, 2);
        Decision second = limiter.tryConsume("acc_a", EndpointClass.EXEC, 2);
        Decision third = limiter.tryConsume("acc_a", EndpointClass.EXEC, 2);

        assertThat(first.allowed()).isTrue();
        assertThat(first.limit()).isEqualTo(2);
        assertThat(first.remaining()).isEqualTo(1);
        assertThat(second.allowed()).isTrue();
        assertThat(second.remaining()).isZero();
        assertThat(third.allowed()).isFalse();
        assertThat(third.remaining()).isZero();
        assertThat(third.retryAfterSeconds()).isEqualTo(1);
        assertThat(third.resetSeconds()).isEqualTo(1);
        assertThat(third.windowSeconds()).isEqualTo(1.0);
    }

    @Test
    void tokensComeBackAtTheRate() {
        limiter.tryConsume("acc_a", EndpointClass.EXEC, 2);
        limiter.tryConsume("acc_a", EndpointClass.EXEC, 2);
        assertThat(limiter.tryConsume("acc_a", EndpointClass.EXEC, 2).allowed()).isFalse();

        time.advanceMillis(499);
        assertThat(limiter.tryConsume("acc_a", EndpointClass.EXEC, 2).allowed()).isFalse();
        time.advanceMillis(1);
        assertThat(limiter.tryConsume("acc_a", EndpointClass.EXEC, 2).allowed()).isTrue();
        assertThat(limiter.tryConsume("acc_a", EndpointClass.EXEC, 2).allowed()).isFalse();
    }

    @Test
    void fractionalRatesHaveOneTokenAndALongerWindow() {
        Decision ok = limiter.tryConsume("acc_a", EndpointClass.MANAGE, 0.5);
        Decision no = limiter.tryConsume("acc_a", EndpointClass.MANAGE, 0.5);

        assertThat(ok.allowed()).isTrue();
        assertThat(ok.limit()).isEqualTo(1);
        assertThat(ok.windowSeconds()).isEqualTo(2.0);
        assertThat(no.allowed()).isFalse();
        assertThat(no.retryAfterSeconds()).isEqualTo(2);
    }

    @Test
    void accountsAndClassesHaveSeparateBuckets() {
        assertThat(limiter.tryConsume("acc_a", EndpointClass.EXEC, 1).allowed()).isTrue();
        assertThat(limiter.tryConsume("acc_a", EndpointClass.EXEC, 1).allowed()).isFalse();

        assertThat(limiter.tryConsume("acc_b", EndpointClass.EXEC, 1).allowed()).isTrue();
        assertThat(limiter.tryConsume("acc_a", EndpointClass.READ, 1).allowed()).isTrue();
    }

    @Test
    void aChangedRateStartsAFreshBucket() {
        assertThat(limiter.tryConsume("acc_a", EndpointClass.EXEC, 1).allowed()).isTrue();
        assertThat(limiter.tryConsume("acc_a", EndpointClass.EXEC, 1).allowed()).isFalse();

        assertThat(limiter.tryConsume("acc_a", EndpointClass.EXEC, 10).allowed())
                .isTrue();
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
