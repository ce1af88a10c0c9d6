package io.runcell.cluster.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.runcell.core.ratelimit.EndpointClass;
import io.runcell.core.ratelimit.RateLimiter;
import io.runcell.core.ratelimit.RateLimiter.Decision;
import org.junit.jupiter.api.Test;

/**
 * What every {@link RateLimiter} of the cluster module does, on a manual clock. Requests alternate between two
 * limiters: two nodes sharing buckets, or the same in-memory limiter twice.
 */
abstract class RateLimiterContract {

    protected final ManualTime time = new ManualTime();

    /** The limiter of the first node. */
    protected abstract RateLimiter nodeA();

    /** The limiter of the second node, sharing {@link #nodeA()}'s buckets and {@link #time}. */
    protected abstract RateLimiter nodeB();

    @Test
    void twoPerSecondAllowsABurstOfTwoThenRefusesWithTheNumbers() {
        Decision first = nodeA().tryConsume("acc_a", EndpointClass.EXEC, 2);
        Decision second = nodeB().tryConsume("acc_a", EndpointClass.EXEC, 2);
        Decision third = nodeA().tryConsume("acc_a", EndpointClass.EXEC, 2);

        assertThat(first).isEqualTo(new Decision(true, 2, 1.0, 1, 1, 0));
        assertThat(second).isEqualTo(new Decision(true, 2, 1.0, 0, 1, 0));
        assertThat(third).isEqualTo(new Decision(false, 2, 1.0, 0, 1, 1));
    }

    @Test
    void tokensComeBackAtTheRate() {
        nodeA().tryConsume("acc_a", EndpointClass.EXEC, 2);
        nodeA().tryConsume("acc_a", EndpointClass.EXEC, 2);
        assertThat(nodeB().tryConsume("acc_a", EndpointClass.EXEC, 2).allowed()).isFalse();

        time.advanceMillis(499);
        assertThat(nodeB().tryConsume("acc_a", EndpointClass.EXEC, 2).allowed()).isFalse();
        time.advanceMillis(1);
        assertThat(nodeB().tryConsume("acc_a", EndpointClass.EXEC, 2).allowed()).isTrue();
        assertThat(nodeA().tryConsume("acc_a", EndpointClass.EXEC, 2).allowed()).isFalse();
    }

    @Test
    void fractionalRatesHaveOneTokenAndALongerWindow() {
        Decision ok = nodeA().tryConsume("acc_a", EndpointClass.MANAGE, 0.5);
        Decision no = nodeB().tryConsume("acc_a", EndpointClass.MANAGE, 0.5);

        assertThat(ok).isEqualTo(new Decision(true, 1, 2.0, 0, 2, 0));
        assertThat(no).isEqualTo(new Decision(false, 1, 2.0, 0, 2, 2));
    }

    @Test
    void accountsAndClassesHaveSeparateBuckets() {
        assertThat(nodeA().tryConsume("acc_a", EndpointClass.EXEC, 1).allowed()).isTrue();
        assertThat(nodeB().tryConsume("acc_a", EndpointClass.EXEC, 1).allowed()).isFalse();

        assertThat(nodeB().tryConsume("acc_b", EndpointClass.EXEC, 1).allowed()).isTrue();
        assertThat(nodeB().tryConsume("acc_a", EndpointClass.READ, 1).allowed()).isTrue();
        assertThat(nodeA().tryConsume("acc_a", EndpointClass.MANAGE, 1).allowed())
                .isTrue();
    }

    @Test
    void aChangedRateStartsAFreshBucket() {
        assertThat(nodeA().tryConsume("acc_a", EndpointClass.EXEC, 1).allowed()).isTrue();
        assertThat(nodeB().tryConsume("acc_a", EndpointClass.EXEC, 1).allowed()).isFalse();

        assertThat(nodeB().tryConsume("acc_a", EndpointClass.EXEC, 10)).isEqualTo(new Decision(true, 10, 1.0, 9, 1, 0));
    }

    @Test
    void aNonPositiveRateIsRefused() {
        for (double rate : new double[] {0, -1, Double.NaN}) {
            assertThatThrownBy(() -> nodeA().tryConsume("acc_a", EndpointClass.EXEC, rate))
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }
}
