package io.runcell.driver.qga;

import static io.runcell.driver.qga.FakeAgent.line;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class QgaClientTest {

    @TempDir
    Path tmp;

    private static List<byte[]> syncReply(JsonNode req, byte[]... before) {
        List<byte[]> out = new ArrayList<>(List.of(before));
        byte[] reply = line("{\"return\": " + req.path("arguments").path("id").asLong() + "}");
        byte[] withFf = new byte[reply.length + 1];
        withFf[0] = (byte) 0xFF;
        System.arraycopy(reply, 0, withFf, 1, reply.length);
        out.add(withFf);
        return out;
    }

    private QgaClient client(FakeAgent agent) throws Exception {
        return QgaClient.connect(agent.socket, Instant.now().plusSeconds(5));
    }

    @Test
    void syncSkipsGarbageAndRepliesWithOtherIdsThenCallsWork() throws Exception {
        try (FakeAgent agent = new FakeAgent(tmp.resolve("a.sock"), req -> switch (req.path("execute")
                        .asText()) {
                    case "guest-sync-delimited" ->
                        syncReply(req, line("{\"retu"), line("{\"return\": 1}"), line("not json at all"));
                    case "guest-ping" -> List.of(line("{\"return\": {}}"));
                    default -> List.of(line("{\"error\": {\"class\": \"CommandNotFound\", \"desc\": \"no\"}}"));
                });
                QgaClient qga = client(agent)) {
            qga.sync(Instant.now().plusSeconds(5));
            qga.ping();
            assertThat(agent.received.get(0).path("execute").asText()).isEqualTo("guest-sync-delimited");
            assertThat(agent.resyncPrefixed.get(0))
                    .as("sync is preceded by 0xFF")
                    .isTrue();
            assertThat(agent.received.get(1).path("execute").asText()).isEqualTo("guest-ping");
        }
    }

    @Test
    void execSendsArgvEnvAndBase64StdinAndPollingDecodesOutputAndTruncation() throws Exception {
        AtomicInteger polls = new AtomicInteger();
        String out = Base64.getEncoder().encodeToString("hello\n".getBytes(StandardCharsets.UTF_8));
        String err = Base64.getEncoder().encodeToString("oops".getBytes(StandardCharsets.UTF_8));
        try (FakeAgent agent = new FakeAgent(tmp.resolve("b.sock"), req -> switch (req.path("execute")
                        .asText()) {
                    case "guest-sync-delimited" -> syncReply(req);
                    case "guest-exec" -> List.of(line("{\"return\": {\"pid\": 42}}"));
                    case "guest-exec-status" ->
                        polls.incrementAndGet() < 3
                                ? List.of(line("{\"return\": {\"exited\": false}}"))
                                : List.of(line("{\"return\": {\"exited\": true, \"exitcode\": 3, \"out-data\": \"" + out
                                        + "\", \"err-data\": \"" + err + "\", \"out-truncated\": true}}"));
                    default -> List.of();
                });
                QgaClient qga = client(agent)) {
            long pid = qga.exec(
                    "/bin/sh",
                    List.of("-c", "cat"),
                    QgaClient.envList(Map.of("B", "2", "A", "1")),
                    "in".getBytes(StandardCharsets.UTF_8));
            GuestExecStatus st = qga.awaitExit(pid, Instant.now().plusSeconds(5));

            assertThat(pid).isEqualTo(42);
            JsonNode exec = agent.received.stream()
                    .filter(r -> r.path("execute").asText().equals("guest-exec"))
                    .findFirst()
                    .orElseThrow()
                    .path("arguments");
            assertThat(exec.path("path").asText()).isEqualTo("/bin/sh");
            assertThat(exec.path("arg").toString()).isEqualTo("[\"-c\",\"cat\"]");
            assertThat(exec.path("env").toString()).isEqualTo("[\"A=1\",\"B=2\"]");
            assertThat(exec.path("capture-output").asBoolean()).isTrue();
            assertThat(Base64.getDecoder().decode(exec.path("input-data").asText()))
                    .asString()
                    .isEqualTo("in");
            assertThat(st.exited()).isTrue();
            assertThat(st.exitCode()).isEqualTo(3);
            assertThat(st.signal()).isNull();
            assertThat(st.stdout()).asString().isEqualTo("hello\n");
            assertThat(st.stderr()).asString().isEqualTo("oops");
            assertThat(st.stdoutTruncated()).isTrue();
            assertThat(st.stderrTruncated()).isFalse();
            assertThat(polls.get()).isEqualTo(3);
        }
    }

    @Test
    void agentErrorBecomesQgaExceptionWithItsClass() throws Exception {
        try (FakeAgent agent = new FakeAgent(tmp.resolve("c.sock"), req -> switch (req.path("execute")
                        .asText()) {
                    case "guest-sync-delimited" -> syncReply(req);
                    default ->
                        List.of(
                                line(
                                        "{\"error\": {\"class\": \"GenericError\", \"desc\": \"Guest agent command failed\"}}"));
                });
                QgaClient qga = client(agent)) {
            assertThatThrownBy(() -> qga.fileOpen("/nope", "r"))
                    .isInstanceOf(QgaException.class)
                    .hasMessageContaining("Guest agent command failed")
                    .satisfies(e -> assertThat(((QgaException) e).errorClass()).isEqualTo("GenericError"));
        }
    }

    @Test
    void aTimedOutRequestMakesTheNextCallResyncFirstAndDropTheLateReply() throws Exception {
        AtomicInteger infos = new AtomicInteger();
        try (FakeAgent agent = new FakeAgent(tmp.resolve("d.sock"), req -> switch (req.path("execute")
                        .asText()) {
                    case "guest-sync-delimited" -> {
                        // the late answer to the timed-out guest-info arrives just before the sync reply
                        List<byte[]> late =
                                infos.get() == 1 ? List.of(line("{\"return\": {\"version\": \"late\"}}")) : List.of();
                        yield syncReply(req, late.toArray(byte[][]::new));
                    }
                    case "guest-info" ->
                        infos.incrementAndGet() == 1
                                ? List.of()
                                : List.of(line("{\"return\": {\"version\": \"7.2.22\"}}"));
                    default -> List.of();
                });
                QgaClient qga = client(agent)) {
            qga.sync(Instant.now().plusSeconds(5));
            assertThatThrownBy(() -> qga.call("guest-info", null, Duration.ofMillis(200)))
                    .isInstanceOf(QgaException.class)
                    .hasMessageContaining("timed out");
            assertThat(qga.info().path("version").asText()).isEqualTo("7.2.22");
            List<String> order =
                    agent.received.stream().map(r -> r.path("execute").asText()).toList();
            assertThat(order)
                    .containsExactly("guest-sync-delimited", "guest-info", "guest-sync-delimited", "guest-info");
        }
    }

    @Test
    void readFileConcatenatesChunksUntilAnEmptyRead() throws Exception {
        AtomicInteger reads = new AtomicInteger();
        try (FakeAgent agent = new FakeAgent(tmp.resolve("e.sock"), req -> switch (req.path("execute")
                        .asText()) {
                    case "guest-sync-delimited" -> syncReply(req);
                    case "guest-file-open" -> List.of(line("{\"return\": 7}"));
                    case "guest-file-read" ->
                        switch (reads.incrementAndGet()) {
                            case 1 ->
                                List.of(line("{\"return\": {\"count\": 3, \"buf-b64\": \"YWJj\", \"eof\": false}}"));
                            case 2 ->
                                List.of(line("{\"return\": {\"count\": 2, \"buf-b64\": \"ZGU=\", \"eof\": false}}"));
                            default -> List.of(line("{\"return\": {\"count\": 0, \"buf-b64\": \"\", \"eof\": true}}"));
                        };
                    case "guest-file-close" -> List.of(line("{\"return\": {}}"));
                    default -> List.of();
                });
                QgaClient qga = client(agent)) {
            assertThat(qga.readFile("/etc/hostname", 1 << 20)).asString().isEqualTo("abcde");
            assertThat(agent.received.getLast().path("arguments").path("handle").asLong())
                    .isEqualTo(7);
        }
    }
}
