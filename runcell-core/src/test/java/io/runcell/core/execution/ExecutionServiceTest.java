package io.runcell.core.execution;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.runcell.core.account.Principal;
import io.runcell.core.error.ErrorCode;
import io.runcell.core.error.RuncellException;
import io.runcell.core.fakes.CoreFixture;
import io.runcell.core.sandbox.Sandbox;
import io.runcell.core.sandbox.SandboxRequest;
import io.runcell.driver.spi.ExecResult;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class ExecutionServiceTest {

    private final CoreFixture core = new CoreFixture(10, 2);
    private final Principal admin = core.admin();
    private final Principal alice = core.user(admin, "alice");

    private Sandbox running() {
        return core.sandboxes.create(alice, SandboxRequest.defaults(true));
    }

    @Test
    void recordIsStoredRunningBeforeTheCommandEndsAndFinalAfter() {
        Sandbox s = running();
        Execution started = core.executions.start(alice, s.id(), ExecCommand.shell("echo hi", null));
        assertThat(core.store.executions.rows.get(started.id()).status()).isEqualTo(ExecutionStatus.RUNNING);
        var run = core.driver.runs.get(0);
        assertThat(run.request.argv()).containsExactly("bash", "-c", "echo hi");
        byte[] out = "hi\n".getBytes(StandardCharsets.UTF_8);
        run.sink.stdout(out, 0, out.length);
        assertThat(core.executions.get(alice, started.id()).stdout()).isEqualTo("hi\n");
        run.finish(ExecResult.exited(0, 1500));
        Execution done = core.executions.await(alice, started.id(), Duration.ofSeconds(1));
        assertThat(done.status()).isEqualTo(ExecutionStatus.SUCCEEDED);
        assertThat(done.exitCode()).isZero();
        assertThat(done.cpuTimeMillis()).isEqualTo(1);
        assertThat(core.store.executions.rows.get(started.id()).stdout()).isEqualTo("hi\n");
    }

    @Test
    void endingsMapToStatuses() {
        Sandbox s = running();
        record Case(ExecResult result, ExecutionStatus status, Integer exitCode) {}
        List<Case> cases = List.of(
                new Case(ExecResult.exited(3, 0), ExecutionStatus.FAILED, 3),
                new Case(new ExecResult(null, 9, true, false, false, 0, null), ExecutionStatus.TIMED_OUT, 137),
                new Case(new ExecResult(null, 9, false, false, true, 0, null), ExecutionStatus.FAILED, 137),
                new Case(ExecResult.failedToRun("boom"), ExecutionStatus.FAILED, null));
        for (Case c : cases) {
            Execution e = core.executions.start(alice, s.id(), ExecCommand.shell("x", null));
            core.driver.runs.get(core.driver.runs.size() - 1).finish(c.result());
            Execution done = core.executions.await(alice, e.id(), Duration.ofSeconds(1));
            assertThat(done.status()).as(c.toString()).isEqualTo(c.status());
            assertThat(done.exitCode()).as(c.toString()).isEqualTo(c.exitCode());
        }
    }

    @Test
    void outputPastThePlanCapIsTruncatedWithTheFlag() {
        Sandbox s = running();
        Execution e = core.executions.start(alice, s.id(), ExecCommand.shell("yes", null));
        var run = core.driver.runs.get(0);
        byte[] big = new byte[3000];
        java.util.Arrays.fill(big, (byte) 'y');
        run.sink.stdout(big, 0, big.length);
        run.finish(ExecResult.exited(0, 0));
        Execution done = core.executions.await(alice, e.id(), Duration.ofSeconds(1));
        assertThat(done.stdout()).hasSize(1024);
        assertThat(done.stdoutTruncated()).isTrue();
        assertThat(done.stderrTruncated()).isFalse();
    }

    @Test
    void outputTheBackendDroppedMarksTheRecordTruncated() {
        Sandbox s = running();
        Execution e = core.executions.start(alice, s.id(), ExecCommand.shell("x", null));
        var run = core.driver.runs.get(0);
        byte[] out = "kept".getBytes(StandardCharsets.UTF_8);
        run.sink.stdout(out, 0, out.length);
        run.sink.truncatedBySource(false);
        run.finish(ExecResult.exited(0, 0));
        Execution done = core.executions.await(alice, e.id(), Duration.ofSeconds(1));
        assertThat(done.stdout()).isEqualTo("kept");
        assertThat(done.stdoutTruncated()).isFalse();
        assertThat(done.stderrTruncated()).isTrue();
        assertThat(core.store.executions.rows.get(e.id()).stderrTruncated()).isTrue();
    }

    @Test
    void concurrentExecutionsAreCappedByThePlanAndTheSlotIsReleased() {
        Sandbox s = running();
        core.executions.start(alice, s.id(), ExecCommand.shell("a", null));
        core.executions.start(alice, s.id(), ExecCommand.shell("b", null));
        assertThatThrownBy(() -> core.executions.start(alice, s.id(), ExecCommand.shell("c", null)))
                .isInstanceOfSatisfying(
                        RuncellException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.QUOTA_EXCEEDED));
        core.driver.runs.get(0).finish(ExecResult.exited(0, 0));
        assertThat(core.executions
                        .start(alice, s.id(), ExecCommand.shell("d", null))
                        .status())
                .isEqualTo(ExecutionStatus.RUNNING);
    }

    @Test
    void anotherAccountSeesNotFound() {
        Sandbox s = running();
        Execution e = core.executions.start(alice, s.id(), ExecCommand.shell("x", null));
        Principal bob = core.user(admin, "bob");
        assertThatThrownBy(() -> core.executions.get(bob, e.id()))
                .isInstanceOfSatisfying(
                        RuncellException.class, x -> assertThat(x.code()).isEqualTo(ErrorCode.EXECUTION_NOT_FOUND));
        assertThatThrownBy(() -> core.executions.start(bob, s.id(), ExecCommand.shell("x", null)))
                .isInstanceOfSatisfying(
                        RuncellException.class, x -> assertThat(x.code()).isEqualTo(ErrorCode.SANDBOX_NOT_FOUND));
    }

    @Test
    void stoppedSandboxIsNotRunningUnlessAutoStartIsAsked() {
        Sandbox s = running();
        core.sandboxes.stop(alice, s.id());
        assertThatThrownBy(() -> core.executions.start(alice, s.id(), ExecCommand.shell("x", null)))
                .isInstanceOfSatisfying(
                        RuncellException.class, x -> assertThat(x.code()).isEqualTo(ErrorCode.SANDBOX_NOT_RUNNING));
        ExecCommand auto = new ExecCommand(List.of("true"), "true", Map.of(), null, true, null, null);
        assertThat(core.executions.start(alice, s.id(), auto).status()).isEqualTo(ExecutionStatus.RUNNING);
    }

    @Test
    void tooLongCommandAndTimeoutOutsideThePlanAreRejected() {
        Sandbox s = running();
        String huge = "x".repeat(ExecCommand.MAX_COMMAND_LENGTH + 1);
        assertThatThrownBy(() -> core.executions.start(alice, s.id(), ExecCommand.shell(huge, null)))
                .isInstanceOfSatisfying(
                        RuncellException.class, x -> assertThat(x.code()).isEqualTo(ErrorCode.INVALID_REQUEST));
        assertThatThrownBy(() -> core.executions.start(alice, s.id(), ExecCommand.shell("x", 3601)))
                .isInstanceOfSatisfying(
                        RuncellException.class,
                        x -> assertThat(x.fieldErrors().get(0).field()).isEqualTo("timeout_seconds"));
        assertThat(core.driver.runs).isEmpty();
        assertThat(core.store.executions.rows).isEmpty();
    }

    @Test
    void aWaiterArrivingWhileTheExecutionCompletesGetsTheFinalRecord() throws Exception {
        // A race, not a schedule: the execution ends on another thread while the caller starts waiting. A waiter
        // that saw it running and then found it gone from the live map used to answer "running" to a sync call
        // (bench/exec-latency hit it); against that code this test failed in about half of its runs.
        CoreFixture roomy = new CoreFixture(10, 4);
        Principal admin2 = roomy.admin();
        Principal bob = roomy.user(admin2, "bob");
        Sandbox s = roomy.sandboxes.create(bob, SandboxRequest.defaults(true));
        for (int i = 0; i < 10_000; i++) {
            Execution e = roomy.executions.start(bob, s.id(), ExecCommand.shell("x", null));
            var run = roomy.driver.runs.get(i);
            AtomicBoolean go = new AtomicBoolean();
            int delay = i % 400;
            Thread finisher = Thread.ofPlatform().start(() -> {
                while (!go.get()) {
                    Thread.onSpinWait();
                }
                // a different head start each time sweeps the moment of completion across the waiter's lookups
                for (int spin = 0; spin < delay; spin++) {
                    Thread.onSpinWait();
                }
                run.finish(ExecResult.exited(0, 0));
            });
            go.set(true);
            Execution seen = roomy.executions.await(bob, e.id(), Duration.ofSeconds(10));
            finisher.join();
            assertThat(seen.status()).as("iteration %d", i).isEqualTo(ExecutionStatus.SUCCEEDED);
        }
    }

    @Test
    void restartMarksRunningExecutionsLostKeepingFlushedOutput() {
        Sandbox s = running();
        Execution e = core.executions.start(alice, s.id(), ExecCommand.shell("x", null));
        byte[] partial = "partial".getBytes(StandardCharsets.UTF_8);
        core.driver.runs.get(0).sink.stdout(partial, 0, partial.length);
        core.executions.flushLiveOutput();
        // a new service over the same store is what a restarted server sees
        CoreFixture restarted = core;
        int lost = new ExecutionService(
                        restarted.store.executions,
                        restarted.store.sandboxes,
                        restarted.sandboxes,
                        restarted.store.plans,
                        restarted.ids,
                        restarted.clock,
                        "local",
                        ExecutionObserver.NONE,
                        new io.runcell.core.policy.Policies())
                .recoverAfterRestart();
        assertThat(lost).isEqualTo(1);
        Execution stored = core.store.executions.rows.get(e.id());
        assertThat(stored.status()).isEqualTo(ExecutionStatus.LOST);
        assertThat(stored.stdout()).isEqualTo("partial");
    }

    @Test
    void queuedExecutionsAreStoredFirstThenDispatchedAndMayBeCancelledBeforeTheyRun() {
        Sandbox s = running();
        Execution queued = core.executions.enqueue(alice, s.id(), ExecCommand.shell("echo q", null));
        assertThat(queued.status()).isEqualTo(ExecutionStatus.QUEUED);
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (core.driver.runs.isEmpty() && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        assertThat(core.driver.runs).hasSize(1);
        assertThat(core.executions.get(alice, queued.id()).status()).isEqualTo(ExecutionStatus.RUNNING);
        core.driver.runs.get(0).finish(ExecResult.exited(0, 0));
        assertThat(core.executions
                        .await(alice, queued.id(), Duration.ofSeconds(1))
                        .status())
                .isEqualTo(ExecutionStatus.SUCCEEDED);
    }
}
