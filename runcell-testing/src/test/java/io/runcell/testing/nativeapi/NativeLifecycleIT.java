package io.runcell.testing.nativeapi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.runcell.testing.Http;
import io.runcell.testing.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Files and processes persist between executions; stop/start keeps the workspace; destroy removes it. */
class NativeLifecycleIT {

    static TestServer server;
    static NativeFixture api;

    @BeforeAll
    static void start() {
        server = TestServer.start();
        api = new NativeFixture(server, server.newAccountKey("life"));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void filesAndBackgroundProcessesPersistBetweenExecutions() {
        String s = api.createSandbox("{}");
        api.run(s, "echo kept > /workspace/note.txt; nohup sleep 300 >/dev/null 2>&1 &");
        assertThat(api.stdout(s, "cat note.txt; pgrep -x sleep >/dev/null && echo sleeping"))
                .isEqualTo("kept\nsleeping\n");
    }

    @Test
    void backgroundJobHoldingStdoutDoesNotHoldTheExecution() {
        String s = api.createSandbox("{}");
        JsonNode rec = api.run(s, "sleep 120 & echo started", 60);
        assertThat(rec.get("status").asText()).isEqualTo("succeeded");
        assertThat(rec.get("stdout").asText()).isEqualTo("started\n");
    }

    @Test
    void stopKeepsTheWorkspaceAndStartResumesIt() {
        String s = api.createSandbox("{}");
        api.run(s, "echo survives > /workspace/f.txt");
        assertThat(api.http
                        .post("/runcell/v1/sandboxes/" + s + "/stop", "")
                        .json()
                        .get("state")
                        .asText())
                .isEqualTo("stopped");
        Http.Response whileStopped =
                api.http.post("/runcell/v1/sandboxes/" + s + "/executions", "{\"command\":\"true\"}");
        assertThat(whileStopped.status()).isEqualTo(409);
        assertThat(whileStopped.json().get("code").asText()).isEqualTo("sandbox_not_running");
        assertThat(api.http
                        .post("/runcell/v1/sandboxes/" + s + "/start", "")
                        .json()
                        .get("state")
                        .asText())
                .isEqualTo("running");
        assertThat(api.stdout(s, "cat /workspace/f.txt")).isEqualTo("survives\n");
    }

    @Test
    void destroyDeletesTheWorkspaceOnDisk() throws Exception {
        String s = api.createSandbox("{}");
        api.run(s, "echo gone-soon > /workspace/marker-" + s);
        assertThat(filesNamed("marker-" + s)).isNotEmpty();
        assertThat(api.http.delete("/runcell/v1/sandboxes/" + s).status()).isEqualTo(204);
        assertThat(filesNamed("marker-" + s)).isEmpty();
        assertThat(api.http.get("/runcell/v1/sandboxes/" + s).status()).isEqualTo(404);
    }

    @Test
    void asyncExecutionShowsPartialOutputThenTheFinalRecord() {
        String s = api.createSandbox("{}");
        Http.Response started = api.http.post(
                "/runcell/v1/sandboxes/" + s + "/executions", "{\"command\":\"echo first; sleep 2; echo second\"}");
        assertThat(started.status()).isEqualTo(202);
        String location = started.header("location");
        assertThat(location).startsWith("/runcell/v1/executions/exe_");
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            JsonNode rec = api.http.get(location).json();
            assertThat(rec.get("status").asText()).isEqualTo("running");
            assertThat(rec.get("stdout").asText()).isEqualTo("first\n");
        });
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(
                        api.http.get(location).json().get("status").asText())
                .isEqualTo("succeeded"));
        assertThat(api.http.get(location).json().get("stdout").asText()).isEqualTo("first\nsecond\n");
    }

    @Test
    void eventsStreamOutputThenExit() {
        String s = api.createSandbox("{}");
        Http.Response started = api.http.post(
                "/runcell/v1/sandboxes/" + s + "/executions", "{\"command\":\"echo one; sleep 1; echo two >&2\"}");
        String id = started.json().get("id").asText();
        Http.Response events = api.http.get("/runcell/v1/executions/" + id + "/events");
        assertThat(events.status()).isEqualTo(200);
        assertThat(events.header("content-type")).startsWith("text/event-stream");
        String body = events.body();
        assertThat(body)
                .contains("event:stdout")
                .contains("{\"data\":\"one\\n\"}")
                .contains("event:stderr")
                .contains("{\"data\":\"two\\n\"}")
                .contains("event:exit");
        assertThat(body.indexOf("event:exit")).isGreaterThan(body.indexOf("event:stderr"));
    }

    @Test
    void cancelKillsARunningExecution() {
        String s = api.createSandbox("{}");
        String id = api.http
                .post("/runcell/v1/sandboxes/" + s + "/executions", "{\"command\":\"sleep 300\"}")
                .json()
                .get("id")
                .asText();
        JsonNode rec =
                api.http.post("/runcell/v1/executions/" + id + "/cancel", "").json();
        assertThat(rec.get("status").asText()).isEqualTo("cancelled");
    }

    @Test
    void executionsAreListedPerSandboxNewestFirst() {
        String s = api.createSandbox("{}");
        api.run(s, "echo a");
        api.run(s, "echo b");
        JsonNode list = api.http
                .get("/runcell/v1/sandboxes/" + s + "/executions")
                .json()
                .get("data");
        assertThat(list).hasSize(2);
        assertThat(list.get(0).get("stdout").asText()).isEqualTo("b\n");
        assertThat(list.get(0).get("seq").asLong()).isEqualTo(2);
    }

    private static java.util.List<Path> filesNamed(String name) throws Exception {
        try (Stream<Path> walk = Files.walk(server.dataDir())) {
            return walk.filter(p -> p.getFileName().toString().equals(name)).toList();
        }
    }
}
