package io.runcell.cluster.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.ConsumptionProbe;
import io.runcell.core.ratelimit.RateLimiter.Decision;
import org.junit.jupiter.api.Test;

class BucketShapeTest {

    @Test
    void wholeRatesHoldOneSecondsWorth() {
        BucketShape shape = BucketShape.of(5);

        assertThat(shape.capacity()).isEqualTo(5);
        assertThat(shape.windowSeconds()).isEqualTo(1.0);
        assertThat(shape.bandwidth().getCapacity()).isEqualTo(5);
        assertThat(shape.bandwidth().getRefillTokens()).isEqualTo(5);
        assertThat(shape.bandwidth().getRefillPeriodNanos()).isEqualTo(1_000_000_000L);
        assertThat(shape.bandwidth().isGready()).isTrue();
    }

    @Test
    void fractionalRatesRoundTheCapacityUpAndStretchTheWindow() {
        BucketShape half = BucketShape.of(0.5);
        BucketShape odd = BucketShape.of(3.7);

        assertThat(half.capacity()).isEqualTo(1);
        assertThat(half.windowSeconds()).isEqualTo(2.0);
        assertThat(half.bandwidth().getRefillPeriodNanos()).isEqualTo(2_000_000_000L);
        assertThat(odd.capacity()).isEqualTo(4);
        assertThat(odd.windowSeconds()).isEqualTo(4 / 3.7);
        assertThat(odd.bandwidth().getRefillPeriodNanos()).isEqualTo(Math.round(4 / 3.7 * 1e9));
    }

    @Test
    void theDistributedConfigurationIsTheSameSingleLimit() {
        BucketShape shape = BucketShape.of(2);

        Bandwidth[] limits = shape.configuration().getBandwidths();

        assertThat(limits).hasSize(1);
        assertThat(limits[0].equalsByContent(shape.bandwidth())).isTrue();
    }

    @Test
    void nonPositiveAndNanRatesAreRefused() {
        for (double rate : new double[] {0, -1, Double.NaN}) {
            assertThatThrownBy(() -> BucketShape.of(rate))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("rate must be positive");
        }
    }

    @Test
    void aConsumedProbeReportsRemainingTokensAndTheResetRoundedUp() {
        Decision d = BucketShape.of(2).decide(ConsumptionProbe.consumed(1, 500_000_001L));

        assertThat(d).isEqualTo(new Decision(true, 2, 1.0, 1, 1, 0));
    }

    @Test
    void aFullBucketResetsInZeroSeconds() {
        Decision d = BucketShape.of(2).decide(ConsumptionProbe.consumed(2, 0));

        assertThat(d).isEqualTo(new Decision(true, 2, 1.0, 2, 0, 0));
    }

    @Test
    void aRejectedProbeRetriesAfterAtLeastOneSecond() {
        BucketShape shape = BucketShape.of(10);

        Decision soon = shape.decide(ConsumptionProbe.rejected(0, 100_000_000L, 1_000_000_000L));
        Decision later = shape.decide(ConsumptionProbe.rejected(0, 2_500_000_000L, 2_000_000_000L));

        assertThat(soon).isEqualTo(new Decision(false, 10, 1.0, 0, 1, 1));
        // reset is never reported earlier than the retry
        assertThat(later).isEqualTo(new Decision(false, 10, 1.0, 0, 3, 3));
    }

    @Test
    void anUnmeteredDecisionAllowsAndReportsAFullBucket() {
        assertThat(BucketShape.of(0.5).unmetered()).isEqualTo(new Decision(true, 1, 2.0, 1, 0, 0));
    }
}
