package io.runcell.driver.microvm;

import static io.runcell.driver.qga.FakeAgent.line;
import static io.runcell.driver.qga.FakeAgent.syncReply;
import static org.assertj.core.api.Assertions.assertThat;

import io.runcell.driver.qga.FakeAgent;
import io.runcell.driver.qga.QgaClient;
import io.runcell.driver.spi.ExecResult;
import io.runcell.driver.spi.OutputSink;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A guest execution's ending as the agent reports it, against a scripted agent (no VM). */
class GuestExecutionTest {

    @TempDir
    Path tmp;

    /** Collects the output and the truncation the backend reports. */
    private static final class Sink implements OutputSink {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final List<Boolean> truncated = new ArrayList<>();

        @Override
        public synchronized void stdout(byte[] b, int off, int len) {
            out.write(b, off, len);
        }

        @Override
        public void stderr(byte[] b, int off, int len) {}

        @Override
        public synchronized void truncatedBySource(boolean stdout) {
            truncated.add(stdout);
        }
    }

    @Test
    void theAgentsOwnTruncationReachesTheSink() throws Exception {
        String out = Base64.getEncoder().encodeToString("first 16 MiB".getBytes(StandardCharsets.UTF_8));
        try (FakeAgent agent = new FakeAgent(tmp.resolve("qga.sock"), req -> switch (req.path("execute")
                        .asText()) {
                    case "guest-sync-delimited" -> syncReply(req);
                    case "guest-exec-status" ->
                        List.of(line("{\"return\": {\"exited\": true, \"exitcode\": 0, \"out-data\": \"" + out
                                + "\", \"out-truncated\": true, \"err-truncated\": false}}"));
                    // no cgroup files in this fake guest
                    default -> List.of(line("{\"error\": {\"class\": \"GenericError\", \"desc\": \"none\"}}"));
                });
                QgaClient qga = QgaClient.connect(agent.socket, Instant.now().plusSeconds(5))) {
            Vm vm = new Vm(tmp, ProcessHandle.current(), null, "tcg", "microvm", qga, null, 0);
            Sink sink = new Sink();
            ExecResult result = new GuestExecution(vm, 42, 60_000, sink)
                    .start()
                    .completion()
                    .get(10, TimeUnit.SECONDS);
            assertThat(result.exitCode()).isZero();
            assertThat(sink.out.toString(StandardCharsets.UTF_8)).isEqualTo("first 16 MiB");
            assertThat(sink.truncated).containsExactly(true);
        }
    }
}
