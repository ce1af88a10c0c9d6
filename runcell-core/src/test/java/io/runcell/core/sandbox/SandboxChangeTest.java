package io.runcell.core.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.runcell.core.account.Principal;
import io.runcell.core.error.ErrorCode;
import io.runcell.core.error.RuncellException;
import io.runcell.core.fakes.CoreFixture;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.ThrowableAssert;
import org.junit.jupiter.api.Test;

/** {@link SandboxService#change}: everything checked for every sandbox before anything changes. */
class SandboxChangeTest {

    private final CoreFixture core = new CoreFixture(10, 8);
    private final Principal admin = core.admin();
    private final Principal alice = core.user(admin, "alice");

    private Sandbox create(String label, boolean start) {
        return core.sandboxes.create(
                alice, new SandboxRequest(null, label, null, null, null, null, null, Map.of(), Map.of(), start));
    }

    private Sandbox failed(String label) {
        Sandbox s = create(label, false);
        core.store.sandboxes.update(s.withState(SandboxState.FAILED, "failed in the test", core.clock.instant()));
        return s;
    }

    private Sandbox now(Sandbox s) {
        return core.sandboxes.get(alice, s.id());
    }

    /** The error code {@code call} is refused with. */
    private static ErrorCode refusal(ThrowableAssert.ThrowingCallable call) {
        Throwable t = catchThrowable(call);
        assertThat(t).isInstanceOf(RuncellException.class);
        return ((RuncellException) t).code();
    }

    @Test
    void appliesThePowerStateAndTheLabelToEverySandbox() {
        Sandbox a = create("a", true);
        Sandbox b = create("b", true);
        List<Sandbox> changed = core.sandboxes.change(
                alice, List.of(a.id(), b.id(), a.id()), new SandboxChange("both", SandboxChange.Power.STOPPED));
        assertThat(changed).extracting(Sandbox::id).containsExactly(a.id(), b.id());
        for (Sandbox s : List.of(a, b)) {
            assertThat(now(s).state()).isEqualTo(SandboxState.STOPPED);
            assertThat(now(s).label()).isEqualTo("both");
        }
        core.sandboxes.change(alice, List.of(a.id()), new SandboxChange(null, SandboxChange.Power.RUNNING));
        assertThat(now(a).state()).isEqualTo(SandboxState.RUNNING);
        assertThat(now(a).label()).isEqualTo("both");
    }

    @Test
    void startingAFailedSandboxKeepsItsOldLabel() {
        Sandbox f = failed("old");
        assertThat(refusal(() -> core.sandboxes.change(
                        alice, List.of(f.id()), new SandboxChange("new", SandboxChange.Power.RUNNING))))
                .isEqualTo(ErrorCode.SANDBOX_FAILED);
        assertThat(now(f).label()).isEqualTo("old");
        assertThat(now(f).state()).isEqualTo(SandboxState.FAILED);
    }

    @Test
    void aBulkStartWithOneFailedSandboxChangesNoneOfThem() {
        Sandbox stopped = create("s", true);
        core.sandboxes.stop(alice, stopped.id());
        Sandbox f = failed("f");
        core.driver.events.clear();
        assertThat(refusal(() -> core.sandboxes.change(
                        alice, List.of(stopped.id(), f.id()), new SandboxChange("x", SandboxChange.Power.RUNNING))))
                .isEqualTo(ErrorCode.SANDBOX_FAILED);
        assertThat(now(stopped).state()).isEqualTo(SandboxState.STOPPED);
        assertThat(now(stopped).label()).isEqualTo("s");
        assertThat(core.driver.events).isEmpty();
    }

    @Test
    void anUnknownOrForeignSandboxOrATooLongLabelChangesNothing() {
        Sandbox a = create("a", true);
        Sandbox foreign = core.sandboxes.create(core.user(admin, "bob"), SandboxRequest.defaults(true));
        for (String other : new String[] {foreign.id(), "sbx_nope"}) {
            assertThat(refusal(() -> core.sandboxes.change(
                            alice, List.of(a.id(), other), new SandboxChange("x", SandboxChange.Power.STOPPED))))
                    .isEqualTo(ErrorCode.SANDBOX_NOT_FOUND);
        }
        assertThat(refusal(() -> core.sandboxes.change(
                        alice, List.of(a.id()), new SandboxChange("x".repeat(1025), SandboxChange.Power.STOPPED))))
                .isEqualTo(ErrorCode.INVALID_REQUEST);
        assertThat(now(a).state()).isEqualTo(SandboxState.RUNNING);
        assertThat(now(a).label()).isEqualTo("a");
    }
}
