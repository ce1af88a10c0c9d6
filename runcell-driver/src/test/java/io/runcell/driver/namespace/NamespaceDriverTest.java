package io.runcell.driver.namespace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.runcell.driver.namespace.DriverFixture.Collector;
import io.runcell.driver.namespace.DriverFixture.Output;
import io.runcell.driver.spi.DriverException;
import io.runcell.driver.spi.ExecRequest;
import io.runcell.driver.spi.ExecResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Lifecycle of sandboxes and executions on real bubblewrap and cgroups. */
class NamespaceDriverTest {

    private static DriverFixture fx;

    @BeforeAll
    static void openDriver() throws Exception {
        fx = new DriverFixture("life");
    }

    @AfterAll
    static void close() throws Exception {
        fx.close();
    }

    @Test
    void filesAndBackgroundProcessesPersistBetweenExecs() throws Exception {
        fx.driver.start(DriverFixture.spec("persist", 100_301));
        assertThat(fx.sh("persist", "echo kept > note.txt; sleep 300 &")
                        .result()
                        .exitCode())
                .isZero();
        // The job was forked before the first exec returned; it may take a moment to exec sleep.
        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(fx.sh("persist", "cat /workspace/note.txt; pgrep -a sleep")
                                .stdout())
                        .contains("kept")
                        .contains("sleep 300"));
        fx.driver.destroy("persist");
    }

    @Test
    void backgroundJobDoesNotHoldTheExecutionOpen() throws Exception {
        fx.driver.start(DriverFixture.spec("bg", 100_302));
        Output out = fx.run("bg", 120_000, null, "bash", "-c", "sleep 100 & echo started");
        // The bound is below the 100 s of the background job: the exec did not wait for it.
        assertThat(out.result().exitCode()).isZero();
        assertThat(out.result().timedOut()).isFalse();
        assertThat(out.stdout()).isEqualTo("started\n");
        // bash forks the job before echoing but the child may not have exec'd sleep yet when the exec returns.
        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(fx.slotCommandLines("bg")).contains("sleep 100"));
        fx.driver.destroy("bg");
    }

    @Test
    void executionsAfterFailuresTimeoutsAndBackgroundJobsStartCleanly() throws Exception {
        // The driver keeps one helper per sandbox between executions; none of these may leak into the next one.
        fx.driver.start(DriverFixture.spec("reuse", 100_310));
        Collector withEnv = new Collector();
        fx.driver
                .exec(
                        "reuse",
                        new ExecRequest(List.of("printenv", "ONLY_ONCE"), Map.of("ONLY_ONCE", "1"), 30_000, null),
                        withEnv)
                .completion()
                .get(30, TimeUnit.SECONDS);
        assertThat(withEnv.stdout()).isEqualTo("1\n");
        Output noEnv = fx.run("reuse", "printenv", "ONLY_ONCE");
        assertThat(noEnv.result().exitCode()).isEqualTo(1);
        assertThat(noEnv.stdout()).isEmpty();

        assertThat(fx.run("reuse", "no-such-program").result().error()).contains("no-such-program");
        assertThat(fx.run("reuse", "echo", "after-failure").stdout()).isEqualTo("after-failure\n");

        assertThat(fx.run("reuse", 300, null, "sleep", "100").result().timedOut())
                .isTrue();
        assertThat(fx.run("reuse", "echo", "after-timeout").stdout()).isEqualTo("after-timeout\n");

        assertThat(fx.sh("reuse", "(sleep 1; echo late) & echo early").stdout()).isEqualTo("early\n");
        assertThat(fx.run("reuse", "cat").stdout()).isEmpty();
        assertThat(fx.run("reuse", 30_000, "typed\n", "cat").stdout()).isEqualTo("typed\n");
        Output last = fx.run("reuse", "echo", "last");
        assertThat(last.stdout()).isEqualTo("last\n");
        assertThat(last.stderr()).isEmpty();
        fx.driver.destroy("reuse");
    }

    @Test
    void stopAndStartKeepTheWorkspaceAndDestroyRemovesIt() throws Exception {
        fx.driver.start(DriverFixture.spec("keep", 100_303));
        fx.sh("keep", "echo data > file");
        fx.driver.stop("keep");
        assertThat(fx.driver.isRunning("keep")).isFalse();
        assertThatThrownBy(() -> fx.run("keep", "true"))
                .isInstanceOfSatisfying(DriverException.class, e -> assertThat(e.reason())
                        .isEqualTo(DriverException.Reason.NOT_RUNNING));
        fx.driver.stop("keep");

        fx.driver.start(DriverFixture.spec("keep", 100_303));
        fx.driver.start(DriverFixture.spec("keep", 100_303));
        assertThat(fx.run("keep", "cat", "file").stdout()).isEqualTo("data\n");

        fx.driver.stop("keep");
        fx.driver.resetWorkspace("keep");
        assertThat(fx.driver.files().workspace("keep")).isEmptyDirectory();

        Path dir = fx.driver.files().sandboxDir("keep");
        assertThat(dir).exists();
        fx.driver.destroy("keep");
        fx.driver.destroy("keep");
        assertThat(dir).doesNotExist();
    }

    @Test
    void destroyDoesNotFollowSymlinksOutOfTheWorkspace() throws Exception {
        Path outside = Files.createTempDirectory("runcell-outside");
        Files.writeString(outside.resolve("precious"), "x");
        fx.driver.start(DriverFixture.spec("links", 100_304));
        fx.sh("links", "ln -s " + outside + " out; ln -s " + outside + "/precious p");
        fx.driver.destroy("links");
        assertThat(outside.resolve("precious")).exists();
        SandboxFiles.deleteTree(outside);
    }

    @Test
    void overlappingExecutionsLeaveIdleHelpersThatAreTrimmedBackToOne() throws Exception {
        fx.driver.start(DriverFixture.spec("overlap", 100_307));
        List<java.util.concurrent.CompletableFuture<ExecResult>> running = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            running.add(fx.driver
                    .exec("overlap", ExecRequest.of(List.of("sleep", "0.5"), 30_000), new Collector())
                    .completion());
        }
        for (var r : running) {
            assertThat(r.get(30, TimeUnit.SECONDS).exitCode()).isZero();
        }
        // each helper went back to the sandbox instead of being killed: the next overlap spawns none
        assertThat(fx.driver.holder("overlap").waitingCount()).isBetween(2, Holder.MAX_IDLE);
        await().atMost(Duration.ofSeconds(15))
                .until(() -> fx.driver.holder("overlap").waitingCount() == 1);
        assertThat(fx.run("overlap", "echo", "still").stdout()).isEqualTo("still\n");
        fx.driver.destroy("overlap");
    }

    @Test
    void cgroupSlotsAreReused() throws Exception {
        fx.driver.start(DriverFixture.spec("slot-a", 100_305));
        int slot = fx.driver.holder("slot-a").slot().index();
        List<Path> dirs = fx.driver.holder("slot-a").slot().dirs();
        var before = fx.driver.cgroups().existingSlots();
        fx.driver.stop("slot-a");
        fx.driver.start(DriverFixture.spec("slot-b", 100_306));
        assertThat(fx.driver.holder("slot-b").slot().index()).isEqualTo(slot);
        assertThat(fx.driver.holder("slot-b").slot().dirs()).isEqualTo(dirs);
        assertThat(fx.driver.cgroups().existingSlots()).isEqualTo(before);
        fx.driver.destroy("slot-b");
        fx.driver.destroy("slot-a");
        assertThat(CgroupHierarchy.readProcs(dirs.get(0).resolve("cgroup.procs")))
                .isEmpty();
    }

    @Test
    void manyExecsLeaveNoZombies() throws Exception {
        fx.driver.start(DriverFixture.spec("zombie", 100_307));
        List<ExecResult> results = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            results.add(fx.run("zombie", "true").result());
        }
        results.add(fx.run("zombie", 1_000, null, "sleep", "60").result());
        assertThat(results).allSatisfy(r -> assertThat(r.error()).isNull());
        long jvm = ProcessHandle.current().pid();
        await().atMost(Duration.ofSeconds(10)).until(() -> zombieChildrenOf(jvm).isEmpty());
        fx.driver.destroy("zombie");
        await().atMost(Duration.ofSeconds(10)).until(() -> zombieChildrenOf(jvm).isEmpty());
    }

    @Test
    void orphansInsideTheSandboxAreReapedByItsPid1() throws Exception {
        fx.driver.start(DriverFixture.spec("orphans", 100_311));
        // each subshell forks a short sleep and exits at once: the sleeps end as orphans of the sandbox's pid 1
        Output spawned = fx.sh("orphans", "for i in 1 2 3 4 5; do (sleep 0.2 &); done; echo ok");
        assertThat(spawned.stdout()).isEqualTo("ok\n");
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(fx.sh(
                                "orphans",
                                "for p in /proc/[0-9]*; do s=$(cut -d' ' -f3 $p/stat 2>/dev/null); "
                                        + "[ \"$s\" = Z ] && echo \"zombie ${p#/proc/}\"; done; true")
                        .stdout())
                .isEmpty());
        fx.driver.destroy("orphans");
    }

    @Test
    void theSandboxesPid1IsOursAndHasNoCapabilities() throws Exception {
        fx.driver.start(DriverFixture.spec("pid1", 100_313));
        Output status = fx.sh("pid1", "cat /proc/1/comm; grep -E '^Cap(Eff|Prm|Inh|Amb):' /proc/1/status");
        assertThat(status.stdout())
                .startsWith(HolderCommand.INIT_COMM + "\n")
                .contains("CapEff:\t0000000000000000")
                .contains("CapPrm:\t0000000000000000")
                .contains("CapInh:\t0000000000000000")
                .contains("CapAmb:\t0000000000000000");
        fx.driver.destroy("pid1");
    }

    private static List<ProcStat> zombieChildrenOf(long parent) throws IOException {
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            return procs.filter(p -> p.getFileName().toString().matches("\\d+"))
                    .map(p -> ProcStat.read(Long.parseLong(p.getFileName().toString())))
                    .flatMap(java.util.Optional::stream)
                    .filter(s -> s.ppid() == parent && s.state() == 'Z')
                    .toList();
        }
    }

    @Test
    void commandDiesWhenTheHelpersParentDies() throws Exception {
        fx.driver.start(DriverFixture.spec("orphan", 100_308));
        Holder holder = fx.driver.holder("orphan");
        List<String> helper = Execution.command(fx.driver.helper(), holder, Map.of(), List.of("sleep", "1000"));
        List<String> wrapper = new ArrayList<>(List.of("bash", "-c", "\"$@\"; echo never", "bash"));
        wrapper.addAll(helper);
        Process bash = new ProcessBuilder(wrapper)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        await().atMost(Duration.ofSeconds(10))
                .until(() -> fx.slotCommandLines("orphan").contains("sleep 1000"));
        bash.destroyForcibly().waitFor();
        await().atMost(Duration.ofSeconds(10))
                .until(() -> fx.slotCommandLines("orphan").stream().noneMatch(c -> c.contains("1000")));
        fx.driver.destroy("orphan");
    }

    @Test
    void holderDeathStopsTheSandbox() throws Exception {
        fx.driver.start(DriverFixture.spec("dies", 100_309));
        ProcStat.kill(fx.driver.holder("dies").initPid());
        await().atMost(Duration.ofSeconds(10)).until(() -> !fx.driver.isRunning("dies"));
        assertThatThrownBy(() -> fx.driver.exec("dies", ExecRequest.of(List.of("true"), 1_000), new Collector()))
                .isInstanceOfSatisfying(DriverException.class, e -> assertThat(e.reason())
                        .isEqualTo(DriverException.Reason.NOT_RUNNING));
        fx.driver.start(DriverFixture.spec("dies", 100_309));
        assertThat(fx.run("dies", "true").result().exitCode()).isZero();
        fx.driver.destroy("dies");
    }

    @Test
    void recoverKillsWhatACrashedRunLeftBehind() throws Exception {
        // The "crashed" driver is simply abandoned: its holder keeps running in the shared cgroup pool.
        NamespaceDriver crashed = new NamespaceDriver(NamespaceDriverConfig.of(fx.dataDir, fx.instanceKey + "r"));
        crashed.start(DriverFixture.spec("crash", 100_310));
        Holder old = crashed.holder("crash");
        assertThat(Files.exists(fx.driver.files().pidFile("crash"))).isTrue();

        NamespaceDriver next = new NamespaceDriver(NamespaceDriverConfig.of(fx.dataDir, fx.instanceKey + "r"));
        next.recover(List.of(DriverFixture.spec("crash", 100_310)));
        assertThat(old.process().waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(next.cgroups().procs(old.slot().index())).isEmpty();
        assertThat(next.isRunning("crash")).isFalse();
        assertThat(fx.driver.files().workspace("crash")).exists();
        assertThat(Files.exists(fx.driver.files().pidFile("crash"))).isFalse();

        next.start(DriverFixture.spec("crash", 100_310));
        assertThat(next.isRunning("crash")).isTrue();
        next.destroy("crash");
        next.close();
        crashed.close();
        assertThat(Path.of("/sys/fs/cgroup/memory/runcell", fx.instanceKey + "r"))
                .doesNotExist();
    }
}
