package io.runcell.driver.microvm;

import static io.runcell.driver.qga.FakeAgent.line;
import static io.runcell.driver.qga.FakeAgent.syncReply;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.runcell.driver.qga.FakeAgent;
import io.runcell.driver.qga.QgaClient;
import io.runcell.driver.spi.ExecResult;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A launcher execution's ending as the host takes it: from files a (possibly hostile) guest put in its notice
 * export, through the real {@link ExitWatcher}, or through a scripted agent. No VM.
 */
class LaunchedExecutionTest {

    private static final String TOKEN = "0123456789abcdef";
    private static final Launcher.Launch LAUNCH = new Launcher.Launch(5, TOKEN);

    @TempDir
    Path tmp;

    private Path exits;
    private int agents;

    @BeforeEach
    void dirs() throws Exception {
        exits = Files.createDirectories(tmp.resolve("run/exits"));
    }

    /** An agent with no files (every guest-file-open fails as a missing file does), unless the script says else. */
    private FakeAgent agent(Function<JsonNode, List<byte[]>> files) throws Exception {
        return new FakeAgent(tmp.resolve("qga-" + agents++ + ".sock"), req -> switch (req.path("execute")
                .asText()) {
            case "guest-sync-delimited" -> syncReply(req);
            default -> files.apply(req);
        });
    }

    private static List<byte[]> noSuchFile(JsonNode req) {
        return List.of(line("{\"error\": {\"class\": \"GenericError\", \"desc\": \"No such file\"}}"));
    }

    private ExecOutcome runWatched(FakeAgent agent, ThrowingConsumer guest) throws Exception {
        try (QgaClient qga = QgaClient.connect(agent.socket, Instant.now().plusSeconds(5));
                ExitWatcher watcher = new ExitWatcher()) {
            Vm vm = new Vm(tmp, ProcessHandle.current(), null, "tcg", "microvm", qga, null, 0);
            vm.watchNotices(watcher);
            ExecOutcome.Capture sink = new ExecOutcome.Capture();
            LaunchedExecution e = new LaunchedExecution(vm, LAUNCH, 60_000, sink).start();
            guest.accept(exits);
            ExecResult r = e.completion().get(20, TimeUnit.SECONDS);
            return new ExecOutcome(r, sink.out.toByteArray(), sink.err.toByteArray());
        }
    }

    @Test
    void theResultWithTheRequestsTokenEndsItAndOneWithAnotherTokenDoesNot() throws Exception {
        try (FakeAgent agent = agent(LaunchedExecutionTest::noSuchFile)) {
            ExecOutcome o = runWatched(agent, dir -> {
                Files.writeString(dir.resolve(".x5-ffffffffffffffff-body"), "forged");
                Files.move(dir.resolve(".x5-ffffffffffffffff-body"), dir.resolve("x5-ffffffffffffffff-c9-1-1-6-0-0"));
                Thread.sleep(300);
                Files.writeString(dir.resolve(".x5-" + TOKEN + "-body"), "hello\nerr\n");
                Files.move(dir.resolve(".x5-" + TOKEN + "-body"), dir.resolve("x5-" + TOKEN + "-c3-700-0-6-4-1"));
            });
            assertThat(o.result().exitCode()).isEqualTo(3);
            assertThat(o.result().cpuTimeMicros()).isEqualTo(700);
            assertThat(o.stdout()).isEqualTo("hello\n");
            assertThat(o.stderr()).isEqualTo("err\n");
        }
        assertThat(exits).isEmptyDirectory();
        assertThat(tmp.resolve("run/results"))
                .as("both output files taken away")
                .isEmptyDirectory();
    }

    @Test
    void anOutputFileThatIsAFifoIsRefusedWithoutBeingOpened() throws Exception {
        try (FakeAgent agent = agent(LaunchedExecutionTest::noSuchFile)) {
            ExecOutcome o = runWatched(agent, dir -> {
                Path fifo = dir.resolve("x5-" + TOKEN + "-c0-1-0-3-0-0");
                Process p = new ProcessBuilder("mkfifo", fifo.toString()).start();
                assertThat(p.waitFor()).isZero();
            });
            // opening a FIFO for reading would block until a writer came: the result would never arrive
            assertThat(o.result().error()).contains("unreadable result").contains("not a regular file");
        }
    }

    @Test
    void anOutputFileThatIsALinkOrOfAnotherLengthIsRefused() throws Exception {
        Path secret = Files.writeString(tmp.resolve("host-secret"), "abc");
        try (FakeAgent agent = agent(LaunchedExecutionTest::noSuchFile)) {
            ExecOutcome link = runWatched(
                    agent, dir -> Files.createSymbolicLink(dir.resolve("x5-" + TOKEN + "-c0-1-0-3-0-0"), secret));
            assertThat(link.result().error()).contains("not a regular file");
            assertThat(link.stdout()).isEmpty();
        }
        try (FakeAgent agent = agent(LaunchedExecutionTest::noSuchFile)) {
            ExecOutcome shorter =
                    runWatched(agent, dir -> Files.writeString(dir.resolve("x5-" + TOKEN + "-c0-1-0-30-0-0"), "abc"));
            assertThat(shorter.result().error()).contains("not a regular file of 30 bytes");
        }
        assertThat(secret).hasContent("abc");
    }

    @Test
    void aLostCommandIsReportedAsNotHavingRunToTheEnd() throws Exception {
        try (FakeAgent agent = agent(LaunchedExecutionTest::noSuchFile)) {
            ExecOutcome o = runWatched(agent, dir -> Files.createFile(dir.resolve("x5-" + TOKEN + "-lost")));
            assertThat(o.result().error()).contains("launcher was restarted");
        }
    }

    @Test
    void aResultLeftInTheGuestIsReadThroughTheAgent() throws Exception {
        String file = "x5-" + TOKEN + "-c0-40-0-3-0-0\nout";
        String b64 = Base64.getEncoder().encodeToString(file.getBytes(StandardCharsets.US_ASCII));
        try (FakeAgent agent = agent(req -> switch (req.path("execute").asText()) {
            case "guest-file-open" ->
                req.path("arguments").path("path").asText().equals(Launcher.LOCAL_RESULTS + "/x5-" + TOKEN)
                        ? List.of(line("{\"return\": 7}"))
                        : noSuchFile(req);
            case "guest-file-read" ->
                List.of(line("{\"return\": {\"count\": " + file.length() + ", \"buf-b64\": \"" + b64
                        + "\", \"eof\": true}}"));
            case "guest-file-close" -> List.of(line("{\"return\": {}}"));
            default -> noSuchFile(req);
        })) {
            ExecOutcome o = runWatched(agent, dir -> {});
            assertThat(o.result().exitCode()).isZero();
            assertThat(o.result().cpuTimeMicros()).isEqualTo(40);
            assertThat(o.stdout()).isEqualTo("out");
        }
    }

    @FunctionalInterface
    interface ThrowingConsumer {
        void accept(Path dir) throws Exception;
    }
}
