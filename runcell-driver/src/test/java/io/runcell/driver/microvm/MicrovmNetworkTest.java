package io.runcell.driver.microvm;

import static org.assertj.core.api.Assertions.assertThat;

import io.runcell.driver.spi.ExecHandle;
import io.runcell.driver.spi.ExecRequest;
import io.runcell.driver.spi.ExecResult;
import io.runcell.driver.spi.SandboxSpec;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A sandbox that asked for network, started without a pool, booted and restored from a snapshot template: either
 * way it gets a virtio NIC on QEMU user networking (a clone's NIC and user-network state come from the template).
 */
class MicrovmNetworkTest {

    @TempDir
    Path data;

    @ParameterizedTest(name = "snapshots {0}")
    @ValueSource(booleans = {false, true})
    void aSandboxWithNetworkGetsAConfiguredNic(boolean snapshots) throws Exception {
        assertThat(MicrovmTestSupport.qemuOnPath())
                .as("qemu-system-x86_64 must be installed")
                .isTrue();
        try (MicrovmDriver driver =
                new MicrovmDriver(MicrovmTestSupport.config(data).withSnapshots(snapshots))) {
            driver.recover(List.of());
            long t0 = System.nanoTime();
            driver.start(new SandboxSpec("net1", 1000, 192, 1, 128, 32, true, Map.of()));
            MicrovmDriver.VmInfo info = driver.vmInfo("net1").orElseThrow();
            System.out.printf(
                    "start without pool (%s, %s, %s): %d ms, boot %d ms%n",
                    info.restored() ? "restored" : "booted",
                    info.accelerator(),
                    info.machine(),
                    (System.nanoTime() - t0) / 1_000_000,
                    info.bootMillis());
            assertThat(info.fromPool()).isFalse();
            assertThat(info.restored()).isEqualTo(snapshots);

            ExecOutcome.Capture sink = new ExecOutcome.Capture();
            ExecHandle h = driver.exec(
                    "net1",
                    ExecRequest.of(
                            List.of(
                                    "sh",
                                    "-c",
                                    "ls /sys/class/net; ip -4 -o addr show dev eth0 | grep -o 'inet [0-9./]*'; df -m /tmp | tail -1"),
                            30_000),
                    sink);
            ExecResult r = h.completion().get(90, TimeUnit.SECONDS);
            String out = sink.out.toString();
            assertThat(r.exitCode()).as(out + sink.err).isZero();
            assertThat(out).startsWith("eth0\nlo\ninet 10.0.2.15/24\n");
            assertThat(out.lines().toList().getLast())
                    .as("/tmp sized by the spec")
                    .matches("tmpfs\\s+32\\s.*");
            driver.stop("net1");
            assertThat(driver.isRunning("net1")).isFalse();
        }
    }
}
