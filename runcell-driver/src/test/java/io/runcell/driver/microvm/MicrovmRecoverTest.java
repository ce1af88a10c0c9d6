package io.runcell.driver.microvm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.runcell.driver.spi.DriverException;
import io.runcell.driver.spi.ExecRequest;
import io.runcell.driver.spi.SandboxSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Recovery and the workspace operations against real QEMU processes (none of them boots a guest). */
class MicrovmRecoverTest {

    @TempDir
    Path data;

    @Test
    void recoverKillsAnOrphanedQemuFoundByItsPidfileSparesOtherPidsAndKeepsTheWorkspace() throws Exception {
        assertThat(MicrovmTestSupport.qemuOnPath())
                .as("qemu-system-x86_64 must be installed")
                .isTrue();
        Path dir = data.resolve("microvm/orphan");
        Files.createDirectories(dir.resolve("run"));
        Files.createDirectories(dir.resolve("workspace"));
        Files.writeString(dir.resolve("workspace/kept.txt"), "kept");
        // a QEMU as a crashed run of the driver leaves it: daemonized, paused (-S), known only by its pidfile
        Process launcher = new ProcessBuilder(
                        "qemu-system-x86_64",
                        "-M",
                        "microvm",
                        "-nodefaults",
                        "-no-user-config",
                        "-display",
                        "none",
                        "-S",
                        "-qmp",
                        "unix:" + dir.resolve("run/qmp.sock") + ",server=on,wait=off",
                        "-pidfile",
                        dir.resolve("run/qemu.pid").toString(),
                        "-daemonize")
                .inheritIO()
                .start();
        assertThat(launcher.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(launcher.exitValue()).isZero();
        ProcessHandle orphan = ProcessHandle.of(Long.parseLong(
                        Files.readString(dir.resolve("run/qemu.pid")).strip()))
                .orElseThrow();
        // a pidfile whose pid now belongs to something that is not our QEMU
        Process decoy = new ProcessBuilder("sleep", "120").start();
        Path decoyRun = Files.createDirectories(data.resolve("microvm/decoy/run"));
        Files.writeString(decoyRun.resolve("qemu.pid"), decoy.pid() + "\n");
        try (MicrovmDriver driver = new MicrovmDriver(MicrovmTestSupport.config(data))) {
            driver.recover(List.of(spec("orphan"), spec("decoy")));

            await().atMost(Duration.ofSeconds(10)).until(() -> !orphan.isAlive());
            assertThat(decoy.isAlive()).isTrue();
            assertThat(dir.resolve("workspace/kept.txt")).hasContent("kept");
            assertThat(dir.resolve("run")).doesNotExist();
            assertThat(driver.isRunning("orphan")).isFalse();
        } finally {
            orphan.destroyForcibly();
            decoy.destroyForcibly();
        }
    }

    @Test
    void resetWorkspaceEmptiesItAndDestroyRemovesEveryTrace() throws Exception {
        try (MicrovmDriver driver = new MicrovmDriver(MicrovmTestSupport.config(data))) {
            driver.recover(List.of());
            Path ws = Files.createDirectories(data.resolve("microvm/gone/workspace/sub"));
            Files.writeString(ws.resolve("f"), "x");
            driver.resetWorkspace("gone");
            assertThat(data.resolve("microvm/gone/workspace")).isEmptyDirectory();
            driver.destroy("gone");
            assertThat(data.resolve("microvm/gone")).doesNotExist();
            driver.destroy("gone");
        }
    }

    @Test
    void execInASandboxThatIsNotRunningFailsWithNotRunning() throws Exception {
        try (MicrovmDriver driver = new MicrovmDriver(MicrovmTestSupport.config(data))) {
            driver.recover(List.of());
            assertThat(driver.name()).isEqualTo("microvm");
            assertThatThrownBy(
                            () -> driver.exec("nope", ExecRequest.of(List.of("true"), 1000), new ExecOutcome.Capture()))
                    .isInstanceOf(DriverException.class)
                    .satisfies(e ->
                            assertThat(((DriverException) e).reason()).isEqualTo(DriverException.Reason.NOT_RUNNING));
        }
    }

    private static SandboxSpec spec(String key) {
        return new SandboxSpec(key, 1000, 256, 1, 256, 64, false, Map.of());
    }
}
