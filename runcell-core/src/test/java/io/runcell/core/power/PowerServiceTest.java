package io.runcell.core.power;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.runcell.core.account.Principal;
import io.runcell.core.error.ErrorCode;
import io.runcell.core.error.RuncellException;
import io.runcell.core.fakes.CoreFixture;
import io.runcell.core.sandbox.Sandbox;
import io.runcell.core.sandbox.SandboxRequest;
import io.runcell.core.sandbox.SandboxState;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class PowerServiceTest {

    private final CoreFixture core = new CoreFixture(10, 4);
    private final Principal admin = core.admin();
    private final Principal alice = core.user(admin, "alice");

    private SandboxState state(Sandbox s) {
        return core.sandboxes.get(alice, s.id()).state();
    }

    @Test
    void stopAndStartActionsDriveTheSandboxAndSucceed() {
        Sandbox s = core.sandboxes.create(alice, SandboxRequest.defaults(true));
        Operation stop = core.power.submit(alice, s.id(), PowerAction.SHUTDOWN);
        assertThat(stop.status()).isEqualTo(OperationStatus.PENDING);
        assertThat(stop.id()).startsWith("op_");
        assertThat(core.power.get(alice, s.id(), stop.id()).status()).isEqualTo(OperationStatus.SUCCEEDED);
        assertThat(state(s)).isEqualTo(SandboxState.STOPPED);

        Operation start = core.power.submit(alice, s.id(), PowerAction.START);
        assertThat(core.power.get(alice, s.id(), start.id()).status()).isEqualTo(OperationStatus.SUCCEEDED);
        assertThat(state(s)).isEqualTo(SandboxState.RUNNING);
    }

    @Test
    void restartStopsThenStarts() {
        Sandbox s = core.sandboxes.create(alice, SandboxRequest.defaults(true));
        core.driver.events.clear();
        Operation op = core.power.submit(alice, s.id(), PowerAction.RESET);
        assertThat(core.power.get(alice, s.id(), op.id()).status()).isEqualTo(OperationStatus.SUCCEEDED);
        assertThat(core.driver.events).containsSubsequence("stop:" + s.id(), "start:" + s.id());
        assertThat(state(s)).isEqualTo(SandboxState.RUNNING);
    }

    @Test
    void aFailingStartEndsTheOperationFailedWithAReason() {
        Sandbox s = core.sandboxes.create(alice, SandboxRequest.defaults(false));
        core.driver.failStarts = true;
        Operation op = core.power.submit(alice, s.id(), PowerAction.START);
        Operation done = core.power.get(alice, s.id(), op.id());
        assertThat(done.status()).isEqualTo(OperationStatus.FAILED);
        assertThat(done.error()).isEqualTo(ErrorCode.SANDBOX_FAILED.publicMessage());
    }

    @Test
    void othersCannotActOnOrSeeOperations() {
        Principal bob = core.user(admin, "bob");
        Sandbox s = core.sandboxes.create(alice, SandboxRequest.defaults(true));
        assertThatThrownBy(() -> core.power.submit(bob, s.id(), PowerAction.STOP))
                .extracting(e -> ((RuncellException) e).code())
                .isEqualTo(ErrorCode.SANDBOX_NOT_FOUND);
        Operation op = core.power.submit(alice, s.id(), PowerAction.STOP);
        assertThatThrownBy(() -> core.power.get(bob, s.id(), op.id()))
                .extracting(e -> ((RuncellException) e).code())
                .isEqualTo(ErrorCode.SANDBOX_NOT_FOUND);
        Sandbox other = core.sandboxes.create(alice, SandboxRequest.defaults(false));
        assertThatThrownBy(() -> core.power.get(alice, other.id(), op.id()))
                .extracting(e -> ((RuncellException) e).code())
                .isEqualTo(ErrorCode.OPERATION_NOT_FOUND);
        assertThatThrownBy(() -> core.power.get(alice, s.id(), "op_bogus"))
                .extracting(e -> ((RuncellException) e).code())
                .isEqualTo(ErrorCode.OPERATION_NOT_FOUND);
    }

    @Test
    void unfinishedOperationsFailAfterARestart() {
        Sandbox s = core.sandboxes.create(alice, SandboxRequest.defaults(true));
        Instant now = core.clock.instant();
        core.store.operations.insert(new Operation(
                "op_01hxa3b4c5d6e7f8g9h0j1k2m3",
                s.id(),
                alice.accountId(),
                PowerAction.STOP,
                OperationStatus.RUNNING,
                null,
                now,
                now));
        assertThat(core.power.recoverAfterRestart()).isEqualTo(1);
        assertThat(core.power
                        .get(alice, s.id(), "op_01hxa3b4c5d6e7f8g9h0j1k2m3")
                        .status())
                .isEqualTo(OperationStatus.FAILED);
    }
}
