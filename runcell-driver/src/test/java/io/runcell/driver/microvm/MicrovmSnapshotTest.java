package io.runcell.driver.microvm;

import static org.assertj.core.api.Assertions.assertThat;

import io.runcell.driver.spi.ExecHandle;
import io.runcell.driver.spi.ExecRequest;
import io.runcell.driver.spi.ExecResult;
import io.runcell.driver.spi.SandboxSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * VMs restored from a snapshot template against real QEMU (TCG here), without a pool: two sandboxes of one shape
 * are clones of one template, and each must behave as a VM of its own (own randomness, the current time, its own
 * workspace as working directory, its own limits), and a broken template must not break starting a sandbox.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MicrovmSnapshotTest {

    static final int MEM = 160;

    static Path data;
    static Path templates;
    static MicrovmDriver driver;

    static SandboxSpec spec(String key, int tmpMb, int pids) {
        return new SandboxSpec(key, 1000, MEM, 1, pids, tmpMb, false, Map.of());
    }

    @BeforeAll
    static void startTwoClones() throws Exception {
        assertThat(MicrovmTestSupport.qemuOnPath())
                .as("qemu-system-x86_64 must be installed (apt-get install qemu-system-x86); this test does not skip")
                .isTrue();
        data = Files.createTempDirectory("mst");
        MicrovmConfig config = MicrovmTestSupport.config(data);
        templates = config.imageCacheDir().resolve("templates");
        driver = new MicrovmDriver(config);
        driver.recover(List.of());
        driver.start(spec("s1", 24, 64));
        driver.start(spec("s2", 40, 7));
    }

    @AfterAll
    static void shutDown() throws IOException {
        MicrovmTestSupport.closeAndDelete(driver, data);
    }

    static ExecOutcome sh(String key, String script) throws Exception {
        ExecOutcome.Capture sink = new ExecOutcome.Capture();
        ExecHandle h = driver.exec(key, ExecRequest.of(List.of("sh", "-c", script), 60_000), sink);
        ExecResult r = h.completion().get(120, TimeUnit.SECONDS);
        ExecOutcome o = new ExecOutcome(r, sink.out.toByteArray(), sink.err.toByteArray());
        assertThat(r.exitCode()).as("%s: %s", script, o.stderr()).isZero();
        return o;
    }

    @Test
    @Order(1)
    void bothSandboxesAreClonesOfOneTemplate() throws Exception {
        assertThat(driver.vmInfo("s1").orElseThrow().restored()).isTrue();
        assertThat(template("s1")).isEqualTo(template("s2")).startsWith(templates);
        assertThat(driver.vmInfo("s1").orElseThrow().pid())
                .isNotEqualTo(driver.vmInfo("s2").orElseThrow().pid());
        System.out.printf(
                "restored in %d and %d ms%n",
                driver.vmInfo("s1").orElseThrow().bootMillis(),
                driver.vmInfo("s2").orElseThrow().bootMillis());
    }

    @Test
    @Order(1)
    void guestResumeRanThroughTheLauncherLikeAnExecution() throws Exception {
        // GuestCommand falls back to guest-exec of the wrapper when the launcher's FIFO cannot be used; the wrapper
        // leaves its cgroup e<pid> behind until a later wrapper removes it, the launcher removes its x<id>-<token>
        // when the command ends. So in a clone whose only command so far was guest-resume, an e* cgroup means the
        // clone's launcher was not usable at restore (and the first execution paid for translating its path).
        assertThat(sh("s2", "cat /proc/$PPID/comm; ls /sys/fs/cgroup/sandbox | grep -c '^e' || true")
                        .stdout())
                .isEqualTo("sandbox-launche\n0\n");
    }

    @Test
    @Order(2)
    void clonesDrawDifferentRandomNumbers() throws Exception {
        // without the reseed in guest-resume every clone's kernel RNG continues from the template's state
        String a = sh("s1", "head -c 16 /dev/urandom | od -An -tx1").stdout();
        String b = sh("s2", "head -c 16 /dev/urandom | od -An -tx1").stdout();
        assertThat(a).isNotBlank().isNotEqualTo(b);
    }

    @Test
    @Order(3)
    void theGuestClockShowsTheHostsTimeNotTheTemplates() throws Exception {
        Instant saved =
                Files.getLastModifiedTime(template("s1").resolve("state")).toInstant();
        Duration age = Duration.between(saved, Instant.now());
        if (age.toSeconds() < 6) {
            Thread.sleep(Duration.ofSeconds(6).minus(age)); // so that a guest keeping the template's time shows
        }
        driver.stop("s1");
        driver.start(spec("s1", 24, 64));
        long guest = Long.parseLong(sh("s1", "date +%s").stdout().strip());
        long host = Instant.now().getEpochSecond();
        assertThat(guest).isBetween(host - 3, host + 1);
    }

    @Test
    @Order(4)
    void relativePathsLandInTheSandboxesOwnWorkspace() throws Exception {
        // the agent's working directory is the /workspace under the share mounted after restore
        sh("s1", "echo one > rel.txt");
        sh("s2", "echo two > rel.txt");
        assertThat(data.resolve("microvm/s1/workspace/rel.txt")).hasContent("one\n");
        assertThat(data.resolve("microvm/s2/workspace/rel.txt")).hasContent("two\n");
        assertThat(sh("s1", "pwd; cat rel.txt").stdout()).isEqualTo("/workspace\none\n");
    }

    @Test
    @Order(5)
    void eachCloneHasItsSpecsLimitsAndTheHostUsr() throws Exception {
        assertThat(sh("s1", "df -m /tmp | tail -1").stdout()).matches("tmpfs\\s+24\\s(?s).*");
        assertThat(sh("s2", "df -m /tmp | tail -1").stdout()).matches("tmpfs\\s+40\\s(?s).*");
        assertThat(sh("s1", "cat /sys/fs/cgroup/sandbox/pids.max").stdout()).isEqualTo("64\n");
        assertThat(sh("s2", "cat /sys/fs/cgroup/sandbox/pids.max").stdout()).isEqualTo("7\n");
        assertThat(sh("s1", "python3 -c 'print(6*7)'").stdout()).isEqualTo("42\n");
    }

    @Test
    @Order(6)
    void stopAndStartRestoresAgainWithTheWorkspaceKept() throws Exception {
        driver.stop("s1");
        driver.start(spec("s1", 24, 64));
        assertThat(driver.vmInfo("s1").orElseThrow().restored()).isTrue();
        assertThat(sh("s1", "cat rel.txt").stdout()).isEqualTo("one\n");
    }

    @Test
    @Order(7)
    void aBrokenTemplateIsReplacedAndTheSandboxStillStarts() throws Exception {
        Path state = template("s1").resolve("state");
        Files.write(state, new byte[] {1, 2, 3}); // a garbled state: QEMU refuses to load it and exits
        driver.start(spec("s3", 16, 64));
        assertThat(driver.vmInfo("s3").orElseThrow().restored())
                .as("booted after the failed restore")
                .isFalse();
        assertThat(sh("s3", "echo up").stdout()).isEqualTo("up\n");
        assertThat(state.getParent()).as("the broken template was discarded").doesNotExist();

        driver.start(spec("s4", 16, 64)); // makes a fresh template (a boot) and restores from it
        assertThat(driver.templateOf("s4")).contains(state.getParent());
        assertThat(Files.size(state)).isGreaterThan(1000);
        assertThat(sh("s4", "echo up").stdout()).isEqualTo("up\n");
        driver.destroy("s3");
        driver.destroy("s4");
    }

    static Path template(String key) {
        return driver.templateOf(key).orElseThrow();
    }
}
