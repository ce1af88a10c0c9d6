package io.runcell.api.common;

import static org.assertj.core.api.Assertions.assertThat;

import io.runcell.core.error.ErrorCode;
import io.runcell.core.error.RateLimitInfo;
import io.runcell.core.error.RuncellException;
import java.util.List;
import org.junit.jupiter.api.Test;

class RateLimitHeadersTest {

    @Test
    void limiterNumbersBecomeHeaders() {
        var e = new RuncellException(
                ErrorCode.RATE_LIMITED, "slow down", List.of(), 2, new RateLimitInfo("exec", 5, 1.0, 0, 2, 0.2));
        assertThat(RateLimitHeaders.of(e))
                .containsEntry("Retry-After", "2")
                .containsEntry("X-RateLimit-Limit", "5")
                .containsEntry("X-RateLimit-Remaining", "0")
                .containsEntry("X-RateLimit-Reset", "2");
    }

    @Test
    void withoutLimiterNumbersTheRetryStillShows() {
        var e = new RuncellException(ErrorCode.RATE_LIMITED, "slow down", List.of(), 0, null);
        assertThat(RateLimitHeaders.of(e))
                .containsEntry("Retry-After", "1")
                .containsEntry("X-RateLimit-Reset", "1")
                .doesNotContainKey("X-RateLimit-Limit");
    }
}
