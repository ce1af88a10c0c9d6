package io.runcell.api.vast;

import static org.assertj.core.api.Assertions.assertThat;

import io.runcell.core.sandbox.SandboxState;
import org.junit.jupiter.api.Test;

class VastErrorsTest {

    @Test
    void rateLimitDetailNamesTheEndpointsThreshold() {
        assertThat(VastErrors.rateLimitDetail("1.5")).isEqualTo("API requests too frequent endpoint threshold=1.5");
        assertThat(VastErrors.formatSeconds(1.0)).isEqualTo("1.0");
        assertThat(VastErrors.formatSeconds(1.5)).isEqualTo("1.5");
        assertThat(VastErrors.formatSeconds(0.5)).isEqualTo("0.5");
        assertThat(VastErrors.formatSeconds(1.0 / 3)).isEqualTo("0.333");
        // a plan's rate of 2/3 per second, as JSON carries it, prints as Vast's execute threshold
        assertThat(VastErrors.formatSeconds(1.0 / 0.6666666666666666)).isEqualTo("1.5");
    }

    @Test
    void failedSandboxesShowExitedAndNeverRunning() {
        assertThat(VastJson.actualStatus(SandboxState.FAILED)).isEqualTo("exited");
        assertThat(VastJson.actualStatus(SandboxState.PROVISIONING)).isEqualTo("loading");
        assertThat(VastJson.actualStatus(SandboxState.EXPIRED)).isEqualTo("stopped");
        assertThat(VastJson.actualStatus(SandboxState.UNKNOWN)).isEqualTo("offline");
    }

    @Test
    void instanceIdsArePositiveIntegers() {
        assertThat(VastApi.instanceId("42")).isEqualTo(42);
        for (String bad : new String[] {"0", "-1", "abc", "", "1.5", "99999999999999999999"}) {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> VastApi.instanceId(bad))
                    .isInstanceOf(io.runcell.core.error.RuncellException.class);
        }
    }
}
