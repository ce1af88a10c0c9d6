package io.runcell.driver.microvm;

import static io.runcell.driver.qga.FakeAgent.line;
import static io.runcell.driver.qga.FakeAgent.syncReply;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.runcell.driver.qga.FakeAgent;
import io.runcell.driver.qga.QgaClient;
import io.runcell.driver.qga.QgaException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** When the driver hands a request to the guest's launcher and when it must use guest-exec, against a scripted agent. */
class LauncherTest {

    @TempDir
    Path tmp;

    private final List<String> calls = new CopyOnWriteArrayList<>();
    private final List<String> written = new CopyOnWriteArrayList<>();

    private FakeAgent agent(Function<JsonNode, List<byte[]>> files) throws Exception {
        return new FakeAgent(tmp.resolve("qga.sock"), req -> {
            String cmd = req.path("execute").asText();
            if (cmd.equals("guest-sync-delimited")) {
                return syncReply(req);
            }
            calls.add(cmd);
            if (cmd.equals("guest-file-write")) {
                written.add(new String(
                        Base64.getDecoder()
                                .decode(req.path("arguments").path("buf-b64").asText()),
                        StandardCharsets.UTF_8));
            }
            return files.apply(req);
        });
    }

    private static List<byte[]> ok(JsonNode req) {
        return switch (req.path("execute").asText()) {
            case "guest-file-open" -> List.of(line("{\"return\": 1000}"));
            case "guest-file-write" -> List.of(line("{\"return\": {\"count\": 1, \"eof\": false}}"));
            default -> List.of(line("{\"return\": {}}"));
        };
    }

    private static List<byte[]> error(JsonNode req) {
        return List.of(line("{\"error\": {\"class\": \"GenericError\", \"desc\": \"no\"}}"));
    }

    @Test
    void aRequestIsOneFrameWrittenAndFlushedOnTheFifoOpenedOnce() throws Exception {
        try (FakeAgent agent = agent(LauncherTest::ok);
                QgaClient qga = QgaClient.connect(agent.socket, Instant.now().plusSeconds(5))) {
            Launcher launcher = new Launcher(qga);
            Launcher.Launch first =
                    launcher.send(List.of("true"), List.of("PATH=/bin"), null).orElseThrow();
            Launcher.Launch second =
                    launcher.send(List.of("echo", "hi"), List.of(), null).orElseThrow();

            assertThat(calls)
                    .containsExactly(
                            "guest-file-open",
                            "guest-file-write",
                            "guest-file-flush",
                            "guest-file-write",
                            "guest-file-flush");
            assertThat(second.id()).isGreaterThan(first.id());
            assertThat(first.token()).matches("[0-9a-f]{16}").isNotEqualTo(second.token());
            assertThat(written.get(0))
                    .isEqualTo("RCX1 " + first.id() + " " + first.token() + " 1 1 0 15\ntrue\0PATH=/bin\0");
            assertThat(first.cgroup()).isEqualTo("x" + first.id() + "-" + first.token());
        }
    }

    @Test
    void withoutAFifoTheRequestGoesToGuestExecAndTheOpenIsRetriedOnlyLater() throws Exception {
        try (FakeAgent agent = agent(LauncherTest::error);
                QgaClient qga = QgaClient.connect(agent.socket, Instant.now().plusSeconds(5))) {
            Launcher launcher = new Launcher(qga);
            assertThat(launcher.send(List.of("true"), List.of(), null)).isEmpty();
            assertThat(launcher.send(List.of("true"), List.of(), null)).isEmpty();
            assertThat(calls).as("one open, not one per request").containsExactly("guest-file-open");
        }
    }

    @Test
    void aRequestTooBigForAFrameGoesToGuestExecWithoutTouchingTheAgent() throws Exception {
        try (FakeAgent agent = agent(LauncherTest::ok);
                QgaClient qga = QgaClient.connect(agent.socket, Instant.now().plusSeconds(5))) {
            Launcher launcher = new Launcher(qga);
            assertThat(launcher.send(List.of("echo", "x".repeat(LaunchFrame.MAX_BYTES)), List.of(), null))
                    .isEmpty();
            assertThat(calls).isEmpty();
        }
    }

    @Test
    void aFailedWriteFailsThatRequestAndRetiresTheLauncherForTheVm() throws Exception {
        try (FakeAgent agent =
                        agent(req -> req.path("execute").asText().equals("guest-file-flush") ? error(req) : ok(req));
                QgaClient qga = QgaClient.connect(agent.socket, Instant.now().plusSeconds(5))) {
            Launcher launcher = new Launcher(qga);
            // the frame may still sit in the agent's buffer: the caller must not run it another way
            assertThatThrownBy(() -> launcher.send(List.of("true"), List.of(), null))
                    .isInstanceOf(QgaException.class);
            assertThat(launcher.send(List.of("true"), List.of(), null))
                    .as("later requests use guest-exec")
                    .isEmpty();
            assertThat(calls).containsExactly("guest-file-open", "guest-file-write", "guest-file-flush");
        }
    }
}
