package io.runcell.core.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.runcell.core.error.FieldError;
import io.runcell.core.error.RuncellException;
import io.runcell.core.fakes.MemoryStore;
import io.runcell.core.plan.Plan;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A sandbox request against its plan: defaults, bounds and the limits of label, environment and metadata. */
class SandboxLimitsTest {

    private static final Plan PLAN = MemoryStore.plan("p", 10, 4);

    private static SandboxRequest request(Integer memoryMb, Integer lifetime, String label, Map<String, String> env) {
        return new SandboxRequest(null, label, memoryMb, null, null, lifetime, null, env, Map.of(), false);
    }

    private static FieldError.Kind rejected(SandboxRequest r, String field) {
        try {
            SandboxLimits.check(r, PLAN);
        } catch (RuncellException e) {
            FieldError error = e.fieldErrors().getFirst();
            assertThat(error.field()).isEqualTo(field);
            return error.kind();
        }
        throw new AssertionError("accepted: " + r);
    }

    @Test
    void missingSizesTakeThePlansDefaultsAndNoLifetimeIsUnlimited() {
        SandboxLimits.Sized size = SandboxLimits.check(request(null, null, null, Map.of()), PLAN);
        assertThat(size).isEqualTo(new SandboxLimits.Sized(512, 1, 256, null));
    }

    @Test
    void sizesOutsideThePlansBoundsNameTheirField() {
        assertThat(rejected(request(63, null, null, Map.of()), "memory_mb")).isEqualTo(FieldError.Kind.TOO_SMALL);
        assertThat(rejected(request(8193, null, null, Map.of()), "memory_mb")).isEqualTo(FieldError.Kind.TOO_LARGE);
        assertThat(rejected(request(null, 86401, null, Map.of()), "lifetime_seconds"))
                .isEqualTo(FieldError.Kind.TOO_LARGE);
        assertThat(SandboxLimits.check(request(8192, 86400, null, Map.of()), PLAN)
                        .lifetimeSeconds())
                .isEqualTo(86400);
    }

    @Test
    void labelAndEnvironmentLimits() {
        assertThat(SandboxLimits.check(request(null, null, "x".repeat(SandboxLimits.MAX_LABEL), Map.of()), PLAN))
                .isNotNull();
        assertThat(rejected(request(null, null, "x".repeat(SandboxLimits.MAX_LABEL + 1), Map.of()), "label"))
                .isEqualTo(FieldError.Kind.TOO_LONG);
        assertThat(rejected(request(null, null, null, Map.of("A=B", "1")), "env"))
                .isEqualTo(FieldError.Kind.INVALID_VALUE);
        assertThat(rejected(request(null, null, null, Map.of("A", "x".repeat(SandboxLimits.MAX_ENV_VALUE + 1))), "env"))
                .isEqualTo(FieldError.Kind.INVALID_VALUE);
        assertThatThrownBy(() -> SandboxLimits.checkLabel("y".repeat(SandboxLimits.MAX_LABEL + 1)))
                .isInstanceOf(RuncellException.class);
    }
}
