package io.runcell.driver.namespace;

import static org.assertj.core.api.Assertions.assertThat;

import io.runcell.driver.spi.DriverException;
import io.runcell.driver.spi.ExecHandle;
import io.runcell.driver.spi.ExecRequest;
import io.runcell.driver.spi.ExecResult;
import io.runcell.driver.spi.OutputSink;
import io.runcell.driver.spi.SandboxSpec;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * A real {@link NamespaceDriver} on real bubblewrap and cgroups, with its own data dir and cgroup instance key.
 * Never skips: a host without root, bwrap or cgroups fails the tests.
 */
final class DriverFixture implements AutoCloseable {

    final Path dataDir;
    final String instanceKey;
    final NamespaceDriver driver;

    DriverFixture(String name) throws DriverException, IOException {
        this.dataDir = Files.createTempDirectory("runcell-ns-" + name);
        this.instanceKey = "test-" + name + "-" + UUID.randomUUID().toString().substring(0, 8);
        this.driver = new NamespaceDriver(NamespaceDriverConfig.of(dataDir, instanceKey));
        driver.recover(List.of());
    }

    static SandboxSpec spec(String key, int uid) {
        return new SandboxSpec(key, uid, 256, 1, 64, 16, false, Map.of("SANDBOX_VAR", "from-spec"));
    }

    /** What one execution printed and how it ended. */
    record Output(ExecResult result, String stdout, String stderr) {}

    /** Collects output; safe to read from the test thread while the driver writes. */
    static final class Collector implements OutputSink {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();
        private final ByteArrayOutputStream err = new ByteArrayOutputStream();

        @Override
        public synchronized void stdout(byte[] buffer, int offset, int length) {
            out.write(buffer, offset, length);
        }

        @Override
        public synchronized void stderr(byte[] buffer, int offset, int length) {
            err.write(buffer, offset, length);
        }

        synchronized String stdout() {
            return out.toString(StandardCharsets.UTF_8);
        }

        synchronized String stderr() {
            return err.toString(StandardCharsets.UTF_8);
        }
    }

    Output run(String key, String... argv) throws Exception {
        return run(key, 30_000, null, argv);
    }

    Output sh(String key, String script) throws Exception {
        return run(key, "bash", "-c", script);
    }

    Output run(String key, long timeoutMillis, String stdin, String... argv) throws Exception {
        Collector sink = new Collector();
        ExecRequest request = new ExecRequest(
                List.of(argv),
                Map.of(),
                timeoutMillis,
                stdin == null ? null : new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)));
        ExecHandle handle = driver.exec(key, request, sink);
        ExecResult result = handle.completion().get(timeoutMillis + 30_000, TimeUnit.MILLISECONDS);
        return new Output(result, sink.stdout(), sink.stderr());
    }

    /** Command lines (NULs as spaces) of every process in the sandbox's slot. */
    List<String> slotCommandLines(String key) throws IOException {
        Holder holder = driver.holder(key);
        assertThat(holder).as("sandbox %s running", key).isNotNull();
        return driver.cgroups().procs(holder.slot().index()).stream()
                .map(DriverFixture::commandLine)
                .toList();
    }

    static String commandLine(long pid) {
        try {
            return new String(
                            Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline")), StandardCharsets.UTF_8)
                    .replace('\0', ' ')
                    .trim();
        } catch (IOException e) {
            return "";
        }
    }

    @Override
    public void close() throws IOException {
        driver.close();
        assertThat(Path.of("/sys/fs/cgroup/memory/runcell", instanceKey)).doesNotExist();
        SandboxFiles.deleteTree(dataDir);
    }
}
