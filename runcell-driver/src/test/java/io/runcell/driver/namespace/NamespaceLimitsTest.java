package io.runcell.driver.namespace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.runcell.driver.namespace.DriverFixture.Collector;
import io.runcell.driver.namespace.DriverFixture.Output;
import io.runcell.driver.spi.ExecHandle;
import io.runcell.driver.spi.ExecRequest;
import io.runcell.driver.spi.ExecResult;
import io.runcell.driver.spi.SandboxSpec;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Memory, pids, time limits and output streaming, on real bubblewrap and cgroups. */
class NamespaceLimitsTest {

    private static DriverFixture fx;

    @BeforeAll
    static void startSandbox() throws Exception {
        fx = new DriverFixture("lim");
        fx.driver.start(new SandboxSpec("lim", 100_201, 128, 1, 32, 16, false, Map.of()));
    }

    @AfterAll
    static void close() throws Exception {
        fx.close();
    }

    @Test
    void memoryHogIsOomKilled() throws Exception {
        Output hog = fx.run("lim", "python3", "-c", "x = bytearray(1 << 30); print('survived')");
        assertThat(hog.stdout()).doesNotContain("survived");
        assertThat(hog.result().signal()).as(hog.toString()).isEqualTo(9);
        assertThat(hog.result().oomKilled()).isTrue();
        assertThat(hog.result().timedOut()).isFalse();
    }

    @Test
    void aSigkillAfterAnEarlierOomIsNotAnOom() throws Exception {
        Output hog = fx.run("lim", "python3", "-c", "x = bytearray(1 << 30)");
        assertThat(hog.result().oomKilled()).as(hog.toString()).isTrue();
        // the cgroup's OOM count is now above zero: only a kill during this command may count
        Output selfKilled = fx.run("lim", "bash", "-c", "kill -9 $$");
        assertThat(selfKilled.result().signal()).as(selfKilled.toString()).isEqualTo(9);
        assertThat(selfKilled.result().oomKilled()).isFalse();
    }

    @Test
    void forkBombStopsAtPidsMaxAndHostStaysResponsive() throws Exception {
        Collector sink = new Collector();
        ExecHandle bomb = fx.driver.exec(
                "lim",
                ExecRequest.of(
                        List.of(
                                "python3",
                                "-c",
                                """
                import os, time, sys
                n, err = 0, None
                for i in range(500):
                    try:
                        pid = os.fork()
                    except OSError as e:
                        err = e.errno
                        break
                    if pid == 0:
                        time.sleep(60)
                        os._exit(0)
                    n += 1
                print(n, err, flush=True)
                time.sleep(60)
                """),
                        60_000),
                sink);
        await().atMost(Duration.ofSeconds(20)).until(() -> !sink.stdout().isEmpty());
        String[] line = sink.stdout().strip().split(" ");
        assertThat(Integer.parseInt(line[0])).isLessThan(32);
        assertThat(line[1]).isEqualTo("11");

        long t0 = System.nanoTime();
        assertThat(new ProcessBuilder("/bin/true").start().waitFor(5, TimeUnit.SECONDS))
                .isTrue();
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(5));

        bomb.kill();
        ExecResult result = bomb.completion().get(30, TimeUnit.SECONDS);
        assertThat(result.killed()).isTrue();
        assertThat(result.signal()).isEqualTo(9);
        assertThat(fx.slotCommandLines("lim")).noneMatch(c -> c.startsWith("python3"));
    }

    @Test
    void timeoutKillsTheWholeSessionTree() throws Exception {
        long t0 = System.nanoTime();
        Output out = fx.run("lim", 1_000, null, "bash", "-c", "sleep 1000 & sleep 1000");
        assertThat(out.result().timedOut()).isTrue();
        assertThat(out.result().killed()).isFalse();
        assertThat(out.result().signal()).isEqualTo(9);
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(30));
        assertThat(fx.slotCommandLines("lim")).noneMatch(c -> c.contains("sleep 1000"));
    }

    @Test
    void outputIsStreamedInOrder() throws Exception {
        Collector sink = new Collector();
        ExecHandle handle = fx.driver.exec(
                "lim",
                ExecRequest.of(
                        List.of(
                                "bash",
                                "-c",
                                "for i in $(seq 1 2000); do echo line$i; done; echo oops >&2; sleep 30; echo last"),
                        60_000),
                sink);
        String expected =
                IntStream.rangeClosed(1, 2000).mapToObj(i -> "line" + i + "\n").collect(Collectors.joining());
        // The first part arrives while the command is still running.
        await().atMost(Duration.ofSeconds(20))
                .until(() -> sink.stdout().equals(expected) && sink.stderr().equals("oops\n"));
        assertThat(handle.completion()).isNotDone();
        handle.kill();
        assertThat(handle.completion().get(30, TimeUnit.SECONDS).killed()).isTrue();
    }

    @Test
    void stdinIsGivenToTheCommand() throws Exception {
        Output cat = fx.run("lim", 30_000, "hello\nworld\n", "cat");
        assertThat(cat.stdout()).isEqualTo("hello\nworld\n");
        assertThat(cat.result().exitCode()).isZero();
    }

    @Test
    void exitCodeAndCpuTimeAreReported() throws Exception {
        Output out = fx.run("lim", "python3", "-c", "import sys\nx=0\nfor i in range(3_000_000): x+=i\nsys.exit(3)");
        assertThat(out.result().exitCode()).isEqualTo(3);
        assertThat(out.result().signal()).isNull();
        assertThat(out.result().cpuTimeMicros()).isGreaterThan(10_000);
    }

    @Test
    void executionsJoinTheSandboxCgroups() throws Exception {
        Output cgroups = fx.run("lim", "cat", "/proc/self/cgroup");
        // Inside the cgroup namespace the slot is "/"; a process outside it would show "/.." paths.
        assertThat(cgroups.stdout())
                .contains(":memory:/\n")
                .contains(":pids:/\n")
                .contains(":cpu:/\n")
                .doesNotContain("..");

        Collector sink = new Collector();
        ExecHandle sleeper = fx.driver.exec("lim", ExecRequest.of(List.of("sleep", "77"), 60_000), sink);
        Holder holder = fx.driver.holder("lim");
        CgroupHierarchy cg = fx.driver.cgroups();
        await().atMost(Duration.ofSeconds(10))
                .until(() -> fx.slotCommandLines("lim").contains("sleep 77"));
        for (var dir : holder.slot().dirs()) {
            assertThat(CgroupHierarchy.readProcs(dir.resolve("cgroup.procs")).stream()
                            .map(DriverFixture::commandLine))
                    .contains("sleep 77");
        }
        assertThat(cg.procs(holder.slot().index())).isNotEmpty();
        sleeper.kill();
        assertThat(sleeper.completion().get(30, TimeUnit.SECONDS).killed()).isTrue();
    }
}
