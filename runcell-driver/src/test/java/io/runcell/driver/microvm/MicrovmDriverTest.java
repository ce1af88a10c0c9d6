package io.runcell.driver.microvm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.runcell.driver.microvm.MicrovmConfig.PoolShape;
import io.runcell.driver.spi.DriverException;
import io.runcell.driver.spi.ExecHandle;
import io.runcell.driver.spi.ExecRequest;
import io.runcell.driver.spi.ExecResult;
import io.runcell.driver.spi.SandboxSpec;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The microvm backend against real QEMU (TCG here). One driver with a warm pool of one VM serves the whole class:
 * sandbox {@code box1} is started from the pool in {@link #bootFromPool()} and shared by the tests, so at most two
 * VMs (box1 and the pool's spare) are booted at once.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MicrovmDriverTest {

    static final int MEM = 256;
    /** An environment variable that makes a request too big for one launcher frame: it runs via guest-exec. */
    static final String PAD = "p".repeat(LaunchFrame.MAX_BYTES);

    static final SandboxSpec SPEC =
            new SandboxSpec("box1", 1000, MEM, 1, 64, 64, false, Map.of("SPEC_VAR", "from-spec"));

    static Path data;
    static MicrovmDriver driver;
    static long poolStartMillis;

    @BeforeAll
    static void bootFromPool() throws Exception {
        assertThat(MicrovmTestSupport.qemuOnPath())
                .as("qemu-system-x86_64 must be installed (apt-get install qemu-system-x86); this test does not skip")
                .isTrue();
        data = Files.createTempDirectory("mvt");
        MicrovmConfig config = MicrovmTestSupport.config(data).withPool(1, 1024, List.of(new PoolShape(MEM, 1, false)));
        driver = new MicrovmDriver(config);
        driver.recover(List.of());
        await().atMost(Duration.ofMinutes(3))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> driver.poolReady(MEM, 1, false) == 1);
        long t0 = System.nanoTime();
        driver.start(SPEC);
        ExecOutcome first = run(List.of("true"), Map.of(), null, 30_000);
        poolStartMillis = (System.nanoTime() - t0) / 1_000_000;
        assertThat(first.result().exitCode()).isZero();
        System.out.printf(
                "pool start-to-first-exec: %d ms; pool VM boot took %d ms (%s)%n",
                poolStartMillis,
                driver.vmInfo("box1").orElseThrow().bootMillis(),
                driver.vmInfo("box1").orElseThrow().accelerator());
    }

    @AfterAll
    static void shutDown() throws IOException {
        MicrovmTestSupport.closeAndDelete(driver, data);
    }

    static ExecOutcome run(List<String> argv, Map<String, String> env, byte[] stdin, long timeoutMillis)
            throws Exception {
        ExecOutcome.Capture sink = new ExecOutcome.Capture();
        ExecHandle h = driver.exec(
                "box1",
                new ExecRequest(argv, env, timeoutMillis, stdin == null ? null : new ByteArrayInputStream(stdin)),
                sink);
        ExecResult r = h.completion().get(timeoutMillis + 60_000, TimeUnit.MILLISECONDS);
        return new ExecOutcome(r, sink.out.toByteArray(), sink.err.toByteArray());
    }

    static ExecOutcome sh(String script) throws Exception {
        return run(List.of("sh", "-c", script), Map.of(), null, 60_000);
    }

    @Test
    @Order(1)
    void startHandsOutThePooledVm() {
        MicrovmDriver.VmInfo info = driver.vmInfo("box1").orElseThrow();
        assertThat(info.fromPool()).isTrue();
        assertThat(info.workspace())
                .isEqualTo(data.resolve("microvm/box1/workspace").toAbsolutePath());
        assertThat(driver.isRunning("box1")).isTrue();
    }

    @Test
    @Order(2)
    void exitCodeAndStderrAreReported() throws Exception {
        ExecOutcome o = sh("echo out; echo err >&2; exit 3");
        assertThat(o.result().exitCode()).isEqualTo(3);
        assertThat(o.result().signal()).isNull();
        assertThat(o.result().timedOut()).isFalse();
        assertThat(o.stdout()).isEqualTo("out\n");
        assertThat(o.stderr()).isEqualTo("err\n");
    }

    @Test
    @Order(2)
    void cpuTimeComesFromTheExecutionsCgroup() throws Exception {
        ExecOutcome o = sh("i=0; while [ $i -lt 20000 ]; do i=$((i+1)); done");
        assertThat(o.result().exitCode()).isZero();
        assertThat(o.result().cpuTimeMicros()).isPositive();
    }

    @Test
    @Order(3)
    void stdoutKeepsOrderAndContent() throws Exception {
        ExecOutcome o = run(List.of("seq", "1", "20000"), Map.of(), null, 60_000);
        String expected =
                IntStream.rangeClosed(1, 20000).mapToObj(Integer::toString).collect(Collectors.joining("\n", "", "\n"));
        assertThat(o.result().exitCode()).isZero();
        assertThat(o.stdout()).isEqualTo(expected);
    }

    @Test
    @Order(4)
    void environmentMergesSpecAndRequestOverADefaultPath() throws Exception {
        ExecOutcome o = run(
                List.of("sh", "-c", "echo \"$SPEC_VAR|$REQ_VAR|$PATH\""),
                Map.of("REQ_VAR", "from-request"),
                null,
                30_000);
        assertThat(o.stdout()).startsWith("from-spec|from-request|/usr/local/sbin:");
        assertThat(o.stdout()).contains(":/usr/bin:");
    }

    @Test
    @Order(5)
    void stdinIsFedToTheCommand() throws Exception {
        byte[] in = "line one\nline two\n".repeat(5000).getBytes(StandardCharsets.UTF_8);
        ExecOutcome o = run(List.of("sh", "-c", "wc -c; echo done"), Map.of(), in, 30_000);
        assertThat(o.stdout()).isEqualTo(in.length + "\ndone\n");
        ExecOutcome cat = run(List.of("cat"), Map.of(), "hello stdin\n".getBytes(StandardCharsets.UTF_8), 30_000);
        assertThat(cat.stdout()).isEqualTo("hello stdin\n");
    }

    @Test
    @Order(6)
    void severalMegabytesOfOutputArriveWhole() throws Exception {
        ExecOutcome o = sh("head -c 3000000 /dev/zero | tr '\\0' a; echo tail >&2");
        assertThat(o.result().exitCode()).isZero();
        assertThat(o.stdoutBytes()).hasSize(3_000_000);
        assertThat(o.stdout().chars().allMatch(c -> c == 'a')).isTrue();
        assertThat(o.stderr()).isEqualTo("tail\n");
    }

    @Test
    @Order(7)
    void timeoutKillsTheWholeProcessTreeAndKeepsPartialOutput() throws Exception {
        // the setsid'd sleep leaves the session (a process-group kill misses it); the cgroup kill does not
        ExecOutcome o = run(
                List.of("sh", "-c", "echo started; sleep 31 & setsid sleep 33 & sleep 32; echo never"),
                Map.of(),
                null,
                2_000);
        assertThat(o.result().timedOut()).isTrue();
        assertThat(o.result().killed()).isFalse();
        assertThat(o.result().exitCode()).isNull();
        assertThat(o.result().signal()).isEqualTo(9);
        assertThat(o.stdout()).isEqualTo("started\n");
        ExecOutcome ps = sh("for p in /proc/[0-9]*; do tr '\\0' ' ' < $p/cmdline; echo; done | grep -c 'sleep 3[123]'");
        assertThat(ps.stdout().strip()).as("sleeps left behind").isEqualTo("0");
    }

    @Test
    @Order(8)
    void killOnRequestReportsKilled() throws Exception {
        ExecOutcome.Capture sink = new ExecOutcome.Capture();
        ExecHandle h = driver.exec("box1", ExecRequest.of(List.of("sleep", "60"), 120_000), sink);
        Thread.sleep(300);
        h.kill();
        ExecResult r = h.completion().get(60, TimeUnit.SECONDS);
        assertThat(r.killed()).isTrue();
        assertThat(r.timedOut()).isFalse();
        assertThat(r.signal()).isEqualTo(9);
    }

    @Test
    @Order(8)
    void pidsLimitStopsAForkBombAndTheSandboxStaysUsable() throws Exception {
        ExecOutcome o = sh("trap 'kill 0' EXIT; i=0; while [ $i -lt 100 ]; do sleep 20 & i=$((i+1)); done; echo all");
        assertThat(o.stdout()).doesNotContain("all");
        assertThat(o.stderr()).containsIgnoringCase("fork");
        assertThat(sh("cat /sys/fs/cgroup/sandbox/pids.max").stdout()).isEqualTo("64\n");
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(sh("echo alive").stdout()).isEqualTo("alive\n"));
    }

    @Test
    @Order(8)
    void anOutOfMemoryKillIsReportedAndTheAgentSurvives() throws Exception {
        ExecOutcome o = run(
                List.of("python3", "-c", "l = []\nwhile True: l.append(bytearray(8 << 20))"), Map.of(), null, 120_000);
        assertThat(o.result().signal()).isEqualTo(9);
        assertThat(o.result().oomKilled()).isTrue();
        assertThat(sh("echo alive").stdout()).isEqualTo("alive\n");
    }

    @Test
    @Order(8)
    void concurrentExecutionsInOneSandboxEachGetTheirOwnResult() throws Exception {
        List<java.util.concurrent.Future<ExecOutcome>> runs = new ArrayList<>();
        try (var pool = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < 4; i++) {
                int n = i;
                runs.add(pool.submit(() ->
                        run(List.of("sh", "-c", "sleep 0.$N; echo $N; exit $N"), Map.of("N", "" + n), null, 60_000)));
            }
            for (int i = 0; i < 4; i++) {
                ExecOutcome o = runs.get(i).get();
                assertThat(o.result().exitCode()).isEqualTo(i);
                assertThat(o.stdout()).isEqualTo(i + "\n");
            }
        }
    }

    @Test
    @Order(9)
    void guestHasOnlyLoopback() throws Exception {
        assertThat(sh("ls /sys/class/net").stdout()).isEqualTo("lo\n");
    }

    @Test
    @Order(10)
    void guestCannotSeeHostFilesOutsideItsShares() throws Exception {
        String marker = "runcell-marker-" + UUID.randomUUID();
        Path inRoot = Path.of("/root", marker);
        Path inTmp = Path.of("/tmp", marker);
        Files.writeString(inRoot, "secret");
        Files.writeString(inTmp, "secret");
        try {
            ExecOutcome o = sh("ls -a /root /tmp; test -e /root/" + marker + " || test -e /tmp/" + marker
                    + " || test -e " + data + " || test -e /etc/shadow");
            assertThat(o.result().exitCode())
                    .as("some host file is visible: %s", o.stdout())
                    .isEqualTo(1);
            assertThat(o.stdout()).doesNotContain(marker);
        } finally {
            Files.deleteIfExists(inRoot);
            Files.deleteIfExists(inTmp);
        }
    }

    @Test
    @Order(11)
    void python3AndBashRun() throws Exception {
        assertThat(run(List.of("python3", "-c", "import sys; print(6*7, sys.version_info[0])"), Map.of(), null, 60_000)
                        .stdout())
                .isEqualTo("42 3\n");
        assertThat(run(List.of("bash", "-c", "echo ${BASH_VERSION%%.*}"), Map.of(), null, 30_000)
                        .stdout()
                        .strip())
                .matches("[4-9]");
    }

    @Test
    @Order(12)
    void unknownCommandFailsWithExit127() throws Exception {
        ExecOutcome o = run(List.of("no-such-command-xyz"), Map.of(), null, 30_000);
        assertThat(o.result().exitCode()).isEqualTo(127);
    }

    @Test
    @Order(13)
    void execLatency() throws Exception {
        List<Long> micros = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            long t = System.nanoTime();
            assertThat(run(List.of("true"), Map.of(), null, 30_000).result().exitCode())
                    .isZero();
            micros.add((System.nanoTime() - t) / 1000);
        }
        Collections.sort(micros);
        System.out.printf(
                "exec 'true' x30: p50 %.1f ms, p90 %.1f ms, max %.1f ms%n",
                micros.get(15) / 1000.0, micros.get(27) / 1000.0, micros.get(29) / 1000.0);
    }

    @Test
    @Order(14)
    void theHostTakesAndRemovesExitNoticesFromTheVmsNoticeDirectory() throws Exception {
        // written from the host side: a guest's create races the host's delete (its 9p client then sees ENOENT)
        Path notices = data.resolve("microvm/box1/run/exits");
        Files.createFile(notices.resolve("999999-5-0"));
        Files.createFile(notices.resolve("not-a-notice"));
        // the pool VM's directory was renamed on hand-out: the watch followed it
        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(notices).isEmptyDirectory());
    }

    @Test
    @Order(15)
    void aForgedExitNoticeDoesNotEndTheExecution() throws Exception {
        // PAD makes the request too big for the launcher: this runs under the guest-exec'ed wrapper, whose pid
        // ($PPID) the host waits on; the create may report ENOENT: the host took the notice before the guest's
        // 9p client looked it up again
        ExecOutcome o = run(
                List.of("sh", "-c", "true > /run/runcell/${PPID}-1-1 2>/dev/null; sleep 1; echo still-running; exit 4"),
                Map.of("PAD", PAD),
                null,
                60_000);
        assertThat(o.result().exitCode()).isEqualTo(4);
        assertThat(o.stdout()).isEqualTo("still-running\n");
        assertThat(o.result().oomKilled()).isFalse();
        assertThat(o.result().cpuTimeMicros()).as("the real notice's figure").isNotEqualTo(1);
    }

    @Test
    @Order(15)
    void aLauncherResultWithAnotherTokenDoesNotEndTheExecution() throws Exception {
        // the command's cgroup is x<id>-<token>: this posts a result for its id under a token that is not its own
        ExecOutcome o = sh("cg=$(sed -n 's|^0::/sandbox/||p' /proc/self/cgroup); "
                + "true > /run/runcell/${cg%%-*}-ffffffffffffffff-c9-1-1-0-0-0 2>/dev/null; sleep 1; echo still-running; "
                + "exit 4");
        assertThat(o.result().exitCode()).isEqualTo(4);
        assertThat(o.stdout()).isEqualTo("still-running\n");
        assertThat(o.result().oomKilled()).isFalse();
        assertThat(o.result().cpuTimeMicros()).as("the real result's figure").isNotEqualTo(1);
    }

    @Test
    @Order(16)
    void executionsStillEndWhenTheGuestRemovesItsNoticeDirectory() throws Exception {
        assertThat(sh("umount /run/runcell").result().exitCode()).isZero();
        try {
            ExecOutcome o = sh("echo polled; exit 5");
            assertThat(o.result().exitCode())
                    .as("the launcher's result, read through the agent")
                    .isEqualTo(5);
            assertThat(o.stdout()).isEqualTo("polled\n");
            ExecOutcome busy = sh("i=0; while [ $i -lt 20000 ]; do i=$((i+1)); done");
            assertThat(busy.result().cpuTimeMicros()).isPositive();
            ExecOutcome wrapped = run(List.of("sh", "-c", "echo polled; exit 6"), Map.of("PAD", PAD), null, 60_000);
            assertThat(wrapped.result().exitCode()).as("guest-exec, polled").isEqualTo(6);
            assertThat(wrapped.stdout()).isEqualTo("polled\n");
            ExecOutcome wrappedBusy = run(
                    List.of("sh", "-c", "i=0; while [ $i -lt 20000 ]; do i=$((i+1)); done"),
                    Map.of("PAD", PAD),
                    null,
                    60_000);
            assertThat(wrappedBusy.result().cpuTimeMicros())
                    .as("read from the cgroup instead")
                    .isPositive();
        } finally {
            assertThat(sh("mount -t 9p -o trans=virtio,version=9p2000.L,cache=none runcell /run/runcell")
                            .result()
                            .exitCode())
                    .isZero();
        }
    }

    @Test
    @Order(17)
    void executionsRunUnderTheGuestsResidentLauncher() throws Exception {
        ExecOutcome o = sh("cat /proc/$PPID/comm; cat /proc/self/cgroup");
        assertThat(o.stdout()).matches("sandbox-launche\n0::/sandbox/x\\d+-[0-9a-f]{16}\n");
    }

    @Test
    @Order(17)
    void aRequestTooBigForOneLauncherFrameRunsThroughGuestExec() throws Exception {
        String big = "a".repeat(LaunchFrame.MAX_BYTES);
        ExecOutcome o = run(List.of("sh", "-c", "cat /proc/$PPID/comm; echo ${#1}", "sh", big), Map.of(), null, 30_000);
        assertThat(o.result().exitCode()).isZero();
        assertThat(o.stdout()).isEqualTo("sandbox-exec\n" + big.length() + "\n");
    }

    @Test
    @Order(17)
    void malformedFramesOnTheLaunchersFifoAreSkipped() throws Exception {
        // written from inside the guest (root there may write the FIFO): a line of junk, a header whose counts
        // would wrap if added, and a frame whose strings do not match its counts, with ids far above the host's.
        // The launcher must skip them and keep serving: this very command (had it crashed, the command would be
        // reported lost) and the host's later requests (ids below those are not "stale").
        ExecOutcome o = sh(
                "printf 'junk\\nRCX1 9000000000000000005 0123456789abcdef 4294967295 1 0 0\\n"
                        + "RCX1 9000000000000000006 0123456789abcdef 2 0 0 3\\nab\\0' > /run/runcell-launcher.fifo; sleep 0.5; echo served");
        assertThat(o.result().error()).isNull();
        assertThat(o.stdout()).isEqualTo("served\n");
        assertThat(sh("echo next").stdout()).isEqualTo("next\n");
    }

    @Test
    @Order(18)
    void aKilledLauncherComesBackAndItsRunningCommandIsReportedLost() throws Exception {
        ExecOutcome o = sh("kill -9 $PPID; sleep 20; echo never");
        assertThat(o.result().error()).contains("launcher was restarted");
        assertThat(o.stdout()).isEmpty();
        ExecOutcome after = sh("cat /proc/$PPID/comm; pgrep -c sandbox-launche");
        assertThat(after.stdout()).isEqualTo("sandbox-launche\n1\n");
        assertThat(sh("pgrep -f 'sleep 2[0]' || echo none").stdout())
                .as("the orphaned command was killed")
                .isEqualTo("none\n");
    }

    @Test
    @Order(20)
    void stopAndStartKeepTheWorkspace() throws Exception {
        assertThat(sh("mkdir -p /workspace/d && echo persisted > /workspace/d/keep.txt")
                        .result()
                        .exitCode())
                .isZero();
        Files.writeString(data.resolve("microvm/box1/workspace/from-host.txt"), "host side");

        driver.stop("box1");
        assertThat(driver.isRunning("box1")).isFalse();
        assertThatThrownBy(() -> driver.exec("box1", ExecRequest.of(List.of("true"), 1000), new ExecOutcome.Capture()))
                .isInstanceOf(DriverException.class)
                .satisfies(
                        e -> assertThat(((DriverException) e).reason()).isEqualTo(DriverException.Reason.NOT_RUNNING));
        assertThat(data.resolve("microvm/box1/workspace/d/keep.txt")).hasContent("persisted\n");

        long t0 = System.nanoTime();
        driver.start(SPEC);
        System.out.printf(
                "restart (%s): %d ms%n",
                driver.vmInfo("box1").orElseThrow().fromPool() ? "from pool" : "cold boot",
                (System.nanoTime() - t0) / 1_000_000);
        assertThat(sh("cat /workspace/d/keep.txt /workspace/from-host.txt; echo again > /workspace/d/again.txt")
                        .stdout())
                .isEqualTo("persisted\nhost side");
        assertThat(data.resolve("microvm/box1/workspace/d/again.txt")).hasContent("again\n");
    }

    @Test
    @Order(21)
    void startOfARunningSandboxIsANoOp() throws Exception {
        long pid = driver.vmInfo("box1").orElseThrow().pid();
        driver.start(SPEC);
        assertThat(driver.vmInfo("box1").orElseThrow().pid()).isEqualTo(pid);
    }
}
