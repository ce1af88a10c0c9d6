package io.runcell.core.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.runcell.core.account.Principal;
import io.runcell.core.error.ErrorCode;
import io.runcell.core.error.RuncellException;
import io.runcell.core.fakes.CoreFixture;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SandboxServiceTest {

    private final CoreFixture core = new CoreFixture(2, 8);
    private final Principal admin = core.admin();
    private final Principal alice = core.user(admin, "alice");

    private static SandboxRequest lifetime(int seconds, boolean start) {
        return new SandboxRequest(null, null, null, null, null, seconds, null, Map.of(), Map.of(), start);
    }

    @Test
    void lazySandboxStartsOnFirstEnsureRunningWithADeadline() {
        Sandbox s = core.sandboxes.create(alice, lifetime(30, false));
        assertThat(s.state()).isEqualTo(SandboxState.PENDING);
        assertThat(core.driver.running).isEmpty();
        Sandbox running = core.sandboxes.ensureRunning(alice, s.id());
        assertThat(running.state()).isEqualTo(SandboxState.RUNNING);
        assertThat(running.expiresAt()).isEqualTo(core.clock.instant().plusSeconds(30));
        assertThat(core.sandboxes.ensureRunning(alice, s.id()).startedAt()).isEqualTo(running.startedAt());
    }

    @Test
    void reaperExpiresAtTheStoredDeadlineAndTheNextStartIsFresh() {
        Sandbox s = core.sandboxes.create(alice, lifetime(30, true));
        core.clock.advance(Duration.ofSeconds(29));
        assertThat(core.reaper.sweep()).isZero();
        core.clock.advance(Duration.ofSeconds(1));
        assertThat(core.reaper.sweep()).isEqualTo(1);
        assertThat(core.sandboxes.get(alice, s.id()).state()).isEqualTo(SandboxState.EXPIRED);
        assertThat(core.driver.events).containsSubsequence("start:" + s.id(), "stop:" + s.id(), "reset:" + s.id());
        Sandbox again = core.sandboxes.ensureRunning(alice, s.id());
        assertThat(again.state()).isEqualTo(SandboxState.RUNNING);
        assertThat(again.id()).isEqualTo(s.id());
        assertThat(again.expiresAt()).isEqualTo(core.clock.instant().plusSeconds(30));
    }

    @Test
    void deadlinePassedWhileNotSweptStillGivesAFreshSandbox() {
        Sandbox s = core.sandboxes.create(alice, lifetime(30, true));
        core.clock.advance(Duration.ofSeconds(31));
        core.sandboxes.ensureRunning(alice, s.id());
        assertThat(core.driver.events).contains("reset:" + s.id());
    }

    @Test
    void stopKeepsWorkspaceAndStartResumes() {
        Sandbox s = core.sandboxes.create(alice, SandboxRequest.defaults(true));
        assertThat(core.sandboxes.stop(alice, s.id()).state()).isEqualTo(SandboxState.STOPPED);
        assertThat(core.sandboxes.start(alice, s.id()).state()).isEqualTo(SandboxState.RUNNING);
        assertThat(core.driver.events).doesNotContain("reset:" + s.id());
    }

    @Test
    void destroyedSandboxIsNotFoundButStillReadableForStatus() {
        Sandbox s = core.sandboxes.create(alice, SandboxRequest.defaults(true));
        core.sandboxes.destroy(alice, s.id());
        assertThatThrownBy(() -> core.sandboxes.get(alice, s.id()))
                .isInstanceOfSatisfying(
                        RuncellException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.SANDBOX_NOT_FOUND));
        assertThat(core.sandboxes.getIncludingDestroyed(alice, s.id()).state()).isEqualTo(SandboxState.DESTROYED);
    }

    @Test
    void backendStartFailureMarksFailedForGood() {
        core.driver.failStarts = true;
        assertThatThrownBy(() -> core.sandboxes.create(alice, SandboxRequest.defaults(true)))
                .isInstanceOfSatisfying(
                        RuncellException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.SANDBOX_FAILED));
        core.driver.failStarts = false;
        Sandbox failed = core.sandboxes.list(alice, null, 10).get(0);
        assertThat(failed.state()).isEqualTo(SandboxState.FAILED);
        assertThatThrownBy(() -> core.sandboxes.start(alice, failed.id()))
                .isInstanceOfSatisfying(
                        RuncellException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.SANDBOX_FAILED));
    }

    @Test
    void quotaLimitsAndOwnershipAreEnforced() {
        core.sandboxes.create(alice, SandboxRequest.defaults(false));
        Sandbox second = core.sandboxes.create(alice, SandboxRequest.defaults(false));
        assertThatThrownBy(() -> core.sandboxes.create(alice, SandboxRequest.defaults(false)))
                .isInstanceOfSatisfying(
                        RuncellException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.QUOTA_EXCEEDED));
        Principal bob = core.user(admin, "bob");
        assertThatThrownBy(() -> core.sandboxes.get(bob, second.id()))
                .isInstanceOfSatisfying(
                        RuncellException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.SANDBOX_NOT_FOUND));
        assertThat(core.sandboxes.list(bob, null, 10)).isEmpty();
    }

    @Test
    void limitsOutsideThePlanAreFieldErrors() {
        var tooBig = new SandboxRequest(null, null, 9000, null, null, null, null, Map.of(), Map.of(), false);
        assertThatThrownBy(() -> core.sandboxes.create(alice, tooBig))
                .isInstanceOfSatisfying(
                        RuncellException.class,
                        e -> assertThat(e.fieldErrors().get(0).field()).isEqualTo("memory_mb"));
        var badLabel =
                new SandboxRequest(null, "x".repeat(1025), null, null, null, null, null, Map.of(), Map.of(), false);
        assertThatThrownBy(() -> core.sandboxes.create(alice, badLabel))
                .isInstanceOfSatisfying(
                        RuncellException.class,
                        e -> assertThat(e.fieldErrors().get(0).field()).isEqualTo("label"));
    }

    @Test
    void restartRecoveryStopsRunningSandboxes() {
        Sandbox s = core.sandboxes.create(alice, SandboxRequest.defaults(true));
        core.sandboxes.recoverAfterRestart();
        assertThat(core.sandboxes.get(alice, s.id()).state()).isEqualTo(SandboxState.STOPPED);
        assertThat(core.driver.events).contains("recover:1");
    }

    @Test
    void sandboxStoppedByARestartIsExpiredByTheReaperAtItsStoredDeadline() {
        Sandbox s = core.sandboxes.create(alice, lifetime(30, true));
        core.clock.advance(Duration.ofSeconds(10));
        core.sandboxes.recoverAfterRestart();
        assertThat(core.sandboxes.get(alice, s.id()).state()).isEqualTo(SandboxState.STOPPED);
        core.clock.advance(Duration.ofSeconds(19));
        assertThat(core.reaper.sweep()).isZero();
        assertThat(core.driver.events).doesNotContain("reset:" + s.id());
        core.clock.advance(Duration.ofSeconds(1));
        assertThat(core.reaper.sweep()).isEqualTo(1);
        assertThat(core.sandboxes.get(alice, s.id()).state()).isEqualTo(SandboxState.EXPIRED);
        assertThat(core.driver.events).contains("reset:" + s.id());
        // expired once: the next sweep finds nothing
        assertThat(core.reaper.sweep()).isZero();
    }

    @Test
    void startAfterARestartBeforeTheDeadlineKeepsIt() {
        Sandbox s = core.sandboxes.create(alice, lifetime(30, true));
        core.clock.advance(Duration.ofSeconds(10));
        core.sandboxes.recoverAfterRestart();
        Sandbox resumed = core.sandboxes.ensureRunning(alice, s.id());
        assertThat(resumed.state()).isEqualTo(SandboxState.RUNNING);
        assertThat(resumed.expiresAt()).isEqualTo(s.expiresAt());
        assertThat(core.driver.events).doesNotContain("reset:" + s.id());
        core.clock.advance(Duration.ofSeconds(20));
        assertThat(core.reaper.sweep()).isEqualTo(1);
        assertThat(core.sandboxes.get(alice, s.id()).state()).isEqualTo(SandboxState.EXPIRED);
    }

    @Test
    void anExplicitStopAndStartKeepTheDeadlineToo() {
        Sandbox s = core.sandboxes.create(alice, lifetime(30, true));
        core.clock.advance(Duration.ofSeconds(10));
        core.sandboxes.stop(alice, s.id());
        assertThat(core.sandboxes.start(alice, s.id()).expiresAt()).isEqualTo(s.expiresAt());
        core.sandboxes.stop(alice, s.id());
        core.clock.advance(Duration.ofSeconds(20));
        assertThat(core.reaper.sweep()).isEqualTo(1);
        assertThat(core.sandboxes.get(alice, s.id()).state()).isEqualTo(SandboxState.EXPIRED);
        // after expiry a start is a fresh run
        assertThat(core.sandboxes.start(alice, s.id()).expiresAt())
                .isEqualTo(core.clock.instant().plusSeconds(30));
    }

    @Test
    void restartRecoveryExpiresSandboxesWhoseDeadlinePassedWhileDown() {
        Sandbox due = core.sandboxes.create(alice, lifetime(30, true));
        Sandbox notYet = core.sandboxes.create(alice, lifetime(120, true));
        core.clock.advance(Duration.ofSeconds(31));
        core.sandboxes.recoverAfterRestart();
        assertThat(core.sandboxes.get(alice, due.id()).state()).isEqualTo(SandboxState.EXPIRED);
        assertThat(core.driver.events).contains("reset:" + due.id()).doesNotContain("reset:" + notYet.id());
        assertThat(core.sandboxes.get(alice, notYet.id()).state()).isEqualTo(SandboxState.STOPPED);
    }
}
