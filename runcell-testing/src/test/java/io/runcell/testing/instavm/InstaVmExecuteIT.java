package io.runcell.testing.instavm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.runcell.testing.Http;
import io.runcell.testing.TestServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Sessions, sync and async execute, task polling, HTTP timeouts, auth and ownership on real sandboxes. */
class InstaVmExecuteIT {

    static TestServer server;
    static InstaVmFixture api;
    static InstaVmFixture other;

    @BeforeAll
    static void start() {
        server = TestServer.start();
        api = new InstaVmFixture(server, server.newAccountKey("insta"));
        other = new InstaVmFixture(server, server.newAccountKey("insta-other"));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void sessionIsPendingUntilTheFirstExecuteThenActive() {
        Http.Response created = server.http()
                .post(
                        "/v1/sessions/session",
                        "{\"api_key\":\"" + api.key
                                + "\",\"vm_lifetime_seconds\":120,\"memory_mb\":256,\"metadata\":{\"user\":\"u1\"}}");
        assertThat(created.status()).isEqualTo(200);
        String session = created.json().get("session_id").asText();
        assertThat(session).matches("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
        assertThat(created.json().get("vm_status").asText()).isEqualTo("pending");
        assertThat(created.json().get("memory_mb").asInt()).isEqualTo(256);
        assertThat(api.vmStatus(session)).isEqualTo("pending");
        assertThat(api.http
                        .get("/v1/sessions/status/" + session)
                        .json()
                        .get("expires_at")
                        .isNull())
                .isTrue();

        JsonNode r = api.bash(session, "echo hi; echo oops >&2; exit 3");
        assertThat(r.get("stdout").asText()).isEqualTo("hi\n");
        assertThat(r.get("stderr").asText()).isEqualTo("oops\n");
        assertThat(r.get("exit_code").asInt()).isEqualTo(3);
        assertThat(r.get("session_id").asText()).isEqualTo(session);
        assertThat(r.get("task_id").asText()).startsWith("exe_");
        assertThat(r.get("execution_time").isNumber()).isTrue();
        assertThat(r.get("cpu_time").isNumber()).isTrue();
        JsonNode status = api.http.get("/v1/sessions/status/" + session).json();
        assertThat(status.get("vm_status").asText()).isEqualTo("active");
        assertThat(status.get("expires_at").asText()).isNotEmpty();

        JsonNode usage = api.http.get("/v1/sessions/usage/" + session).json();
        assertThat(usage.get("executions").asInt()).isEqualTo(1);
        assertThat(usage.get("memory_mb").asInt()).isEqualTo(256);
        assertThat(usage.get("cpu_time").isNumber()).isTrue();

        JsonNode rows = api.http.get("/v1/sessions/sandboxes?limit=1000").json();
        assertThat(rows.isArray()).isTrue();
        assertThat(rows.findValuesAsText("sandbox_id")).contains(session);
    }

    @Test
    void sessionEnvReachesEveryCommandAndMetadataIsShownBack() {
        Http.Response created = api.http.post(
                "/v1/sessions/session", "{\"env\":{\"MODE\":\"dev\"},\"metadata\":{\"user\":\"u1\",\"n\":2}}");
        assertThat(created.status()).isEqualTo(200);
        String session = created.json().get("session_id").asText();
        assertThat(created.json().get("metadata"))
                .isEqualTo(Http.JSON.createObjectNode().put("user", "u1").put("n", "2"));
        assertThat(created.json().get("vm_lifetime_seconds").asInt()).isEqualTo(300);
        assertThat(api.stdout(session, "echo $MODE")).isEqualTo("dev\n");
        assertThat(api.execute(session, "python", "import os; print(os.environ['MODE'])")
                        .json()
                        .get("stdout")
                        .asText())
                .isEqualTo("dev\n");
        JsonNode row = api.http.get("/v1/sessions/sandboxes").json();
        assertThat(row.findValues("metadata").stream()
                        .anyMatch(m -> "u1".equals(m.path("user").asText())))
                .isTrue();
        assertThat(api.http
                        .get("/v1/sessions/session/" + session)
                        .json()
                        .get("vm_status")
                        .asText())
                .isEqualTo("active");
    }

    @Test
    void vaultSecretsAreInjectedAndRedactedAndForeignVaultsRejectedAtTheirIndex() {
        String vault = server.http()
                .bearer(api.key)
                .post("/runcell/v1/vaults", "{\"name\":\"db\",\"secrets\":{\"DB_PASSWORD\":\"s3cr3t-value\"}}")
                .json()
                .get("id")
                .asText();
        String foreign = server.http()
                .bearer(other.key)
                .post("/runcell/v1/vaults", "{\"name\":\"theirs\",\"secrets\":{\"X\":\"y\"}}")
                .json()
                .get("id")
                .asText();
        Http.Response r = api.http.post(
                "/execute",
                "{\"command\":\"echo $DB_PASSWORD; echo ${#DB_PASSWORD}\"," + "\"language\":\"bash\",\"vault_ids\":[\""
                        + vault + "\"]}");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.json().get("stdout").asText()).isEqualTo("[REDACTED:DB_PASSWORD]\n12\n");

        Http.Response bad = api.http.post(
                "/execute",
                "{\"command\":\"print(1)\",\"vault_ids\":[\"" + vault + "\",\"" + foreign + "\",\"vlt_nope\"]}");
        assertThat(bad.status()).isEqualTo(422);
        assertThat(bad.body())
                .isEqualTo(
                        "{\"detail\":["
                                + "{\"loc\":[\"body\",\"vault_ids\",1],\"msg\":\"Value error, Unknown vault id\",\"type\":\"value_error\"},"
                                + "{\"loc\":[\"body\",\"vault_ids\",2],\"msg\":\"Value error, Unknown vault id\",\"type\":\"value_error\"}]}");
    }

    @Test
    void memoryMbIsEnforced() {
        String small = server.http()
                .post("/v1/sessions/session", "{\"api_key\":\"" + api.key + "\",\"memory_mb\":128}")
                .json()
                .get("session_id")
                .asText();
        String roomy = server.http()
                .post("/v1/sessions/session", "{\"api_key\":\"" + api.key + "\",\"memory_mb\":1024}")
                .json()
                .get("session_id")
                .asText();
        String hog = "b = b'x' * (300 * 1024 * 1024); print(len(b) // (1024 * 1024))";
        JsonNode killed = api.execute(small, "python", hog).json();
        assertThat(killed.get("exit_code").asInt()).isEqualTo(137);
        assertThat(killed.get("stdout").asText()).isEmpty();
        JsonNode fine = api.execute(roomy, "python", hog).json();
        assertThat(fine.get("exit_code").asInt()).isZero();
        assertThat(fine.get("stdout").asText()).isEqualTo("300\n");
    }

    @Test
    void pythonIsTheDefaultLanguageAndBashRunsShell() {
        String session = api.createSession(120);
        Http.Response py = api.http.post(
                "/execute",
                "{\"code\":\"import sys; print(sys.version_info[0]); print(2 + 3)\",\"session_id\":\"" + session
                        + "\"}");
        assertThat(py.status()).isEqualTo(200);
        assertThat(py.json().get("stdout").asText()).isEqualTo("3\n5\n");
        assertThat(api.execute(session, "bash", "echo $((6*7)) | tr 4 x")
                        .json()
                        .get("stdout")
                        .asText())
                .isEqualTo("x2\n");
        Http.Response pyError = api.execute(session, "python", "raise SystemExit(7)");
        assertThat(pyError.json().get("exit_code").asInt()).isEqualTo(7);
    }

    @Test
    void executeWithoutSessionCreatesOneAndReturnsItsId() {
        Http.Response r = api.http.post("/execute", "{\"command\":\"print('fresh')\"}");
        assertThat(r.status()).isEqualTo(200);
        String session = r.json().get("session_id").asText();
        assertThat(r.json().get("stdout").asText()).isEqualTo("fresh\n");
        assertThat(api.vmStatus(session)).isEqualTo("active");
        assertThat(api.stdout(session, "echo reused")).isEqualTo("reused\n");
    }

    @Test
    void concurrentExecutesOnOneSessionShareOneSandbox() throws Exception {
        String session = api.createSession(120);
        try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<CompletableFuture<JsonNode>> runs = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                int n = i;
                runs.add(CompletableFuture.supplyAsync(
                        () -> api.bash(
                                session,
                                "echo " + n + " > /workspace/f" + n
                                        + "; cat /proc/1/stat | cut -d' ' -f1-2 >/dev/null; echo ok" + n),
                        pool));
            }
            for (int i = 0; i < runs.size(); i++) {
                assertThat(runs.get(i).get().get("stdout").asText()).isEqualTo("ok" + i + "\n");
                assertThat(runs.get(i).get().get("session_id").asText()).isEqualTo(session);
            }
        }
        assertThat(api.stdout(session, "ls /workspace | sort | tr '\\n' ' '")).isEqualTo("f0 f1 f2 f3 f4 f5 ");
    }

    @Test
    void asyncExecutionIsPolledToCompletionWithPartialOutput() {
        String session = api.createSession(120);
        Http.Response started = api.http.post(
                "/execute_async",
                "{\"command\":\"echo first; sleep 3; echo second\"," + "\"language\":\"bash\",\"session_id\":\""
                        + session + "\"}");
        assertThat(started.status()).isEqualTo(200);
        String task = started.json().get("task_id").asText();

        await().atMost(Duration.ofSeconds(10))
                .pollInterval(Duration.ofMillis(100))
                .untilAsserted(() -> {
                    JsonNode t = api.http.get("/v1/executions/" + task).json();
                    assertThat(t.get("is_complete").asBoolean()).isFalse();
                    assertThat(t.get("status").asText()).isEqualTo("running");
                    assertThat(t.get("serialized_stdout").asText()).isEqualTo("first\n");
                });
        AtomicReference<JsonNode> done = new AtomicReference<>();
        await().atMost(Duration.ofSeconds(20))
                .pollInterval(Duration.ofMillis(200))
                .untilAsserted(() -> {
                    JsonNode t = api.http.get("/v1/executions/" + task).json();
                    assertThat(t.get("is_complete").asBoolean()).isTrue();
                    done.set(t);
                });
        JsonNode t = done.get();
        assertThat(t.get("task_id").asText()).isEqualTo(task);
        assertThat(t.get("status").asText()).isEqualTo("completed");
        assertThat(t.get("serialized_stdout").asText()).isEqualTo("first\nsecond\n");
        assertThat(t.get("serialized_stderr").asText()).isEmpty();
        assertThat(t.get("exit_code").asInt()).isZero();
        assertThat(t.get("execution_time").asDouble()).isGreaterThanOrEqualTo(2.5);
        assertThat(t.get("created_at").asText()).endsWith("Z");
    }

    @Test
    void httpTimeoutAnswers504AndTheTaskCompletesLater() {
        String session = api.createSession(120);
        Http.Response r = api.http.post(
                "/execute",
                "{\"command\":\"sleep 3; echo late\",\"language\":\"bash\"," + "\"timeout\":1,\"session_id\":\""
                        + session + "\"}");
        assertThat(r.status()).isEqualTo(504);
        assertThat(r.json().get("detail").asText()).isNotEmpty();
        String task = r.json().get("task_id").asText();
        assertThat(task).startsWith("exe_");
        await().atMost(Duration.ofSeconds(20))
                .pollInterval(Duration.ofMillis(200))
                .untilAsserted(() -> assertThat(api.http
                                .get("/v1/executions/" + task)
                                .json()
                                .get("is_complete")
                                .asBoolean())
                        .isTrue());
        JsonNode t = api.http.get("/v1/executions/" + task).json();
        assertThat(t.get("serialized_stdout").asText()).isEqualTo("late\n");
        assertThat(t.get("exit_code").asInt()).isZero();
    }

    @Test
    void anotherAccountsSessionAndTaskAreNotFound() {
        String session = api.createSession(120);
        String task = api.bash(session, "true").get("task_id").asText();
        Http.Response exec = other.execute(session, "bash", "id");
        assertThat(exec.status()).isEqualTo(404);
        assertThat(exec.body()).isEqualTo("{\"detail\":\"Session not found\"}");
        assertThat(other.http.get("/v1/sessions/status/" + session).status()).isEqualTo(404);
        assertThat(other.http.get("/v1/sessions/usage/" + session).status()).isEqualTo(404);
        assertThat(other.http
                        .post("/kill", "{\"session_id\":\"" + session + "\"}")
                        .status())
                .isEqualTo(404);
        Http.Response t = other.http.get("/v1/executions/" + task);
        assertThat(t.status()).isEqualTo(404);
        assertThat(t.body()).isEqualTo("{\"detail\":\"Task not found\"}");
        assertThat(other.http.get("/v1/sessions/sandboxes").json().findValuesAsText("sandbox_id"))
                .doesNotContain(session);
        assertThat(api.vmStatus(session)).isEqualTo("active");
    }

    @Test
    void usageIsAnsweredWithoutAKeyAsTheCurrentSdkAsksForIt() {
        String session = api.createSession(120);
        api.bash(session, "echo counted");
        // InstaVM.get_usage of the current SDK: a bare GET through requests, with no key anywhere
        Map<String, String> sdk =
                Map.of("User-Agent", "python-requests/2.32.3", "Accept-Encoding", "gzip, deflate", "Accept", "*/*");
        Http anon = server.http();
        Http.Response keyless = anon.send("GET", "/v1/sessions/usage/" + session, null, sdk);
        assertThat(keyless.status()).as(keyless.body()).isEqualTo(200);
        JsonNode usage = keyless.json();
        assertThat(usage.get("session_id").asText()).isEqualTo(session);
        assertThat(usage.get("vm_status").asText()).isEqualTo("active");
        assertThat(usage.get("executions").asInt()).isEqualTo(1);
        assertThat(usage.get("cpu_time").isNumber()).isTrue();
        // the same answer the owner gets with the older SDK's bearer
        Http.Response bearer = anon.bearer(api.key).get("/v1/sessions/usage/" + session);
        assertThat(bearer.status()).isEqualTo(200);
        assertThat(bearer.json().get("executions").asInt()).isEqualTo(1);

        String notFound = "{\"detail\":\"Session not found\"}";
        Http.Response unknown = anon.send("GET", "/v1/sessions/usage/00000000-0000-0000-0000-000000000000", null, sdk);
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.body()).isEqualTo(notFound);
        assertThat(anon.get("/v1/sessions/usage/not-a-session").body()).isEqualTo(notFound);
        // a presented key is checked as everywhere else
        Http.Response invalid = anon.bearer("nope").get("/v1/sessions/usage/" + session);
        assertThat(invalid.status()).isEqualTo(401);
        assertThat(invalid.body()).isEqualTo("{\"detail\":\"Invalid API key\"}");
        Http.Response foreign = other.http.get("/v1/sessions/usage/" + session);
        assertThat(foreign.status()).isEqualTo(404);
        assertThat(foreign.body()).isEqualTo(notFound);
        // only usage is keyless
        Http.Response status = anon.get("/v1/sessions/status/" + session);
        assertThat(status.status()).isEqualTo(401);
        assertThat(status.body()).isEqualTo("{\"detail\":\"Not authenticated\"}");
        assertThat(anon.get("/v1/sessions/session/" + session).status()).isEqualTo(401);
    }

    @Test
    void killEndsTheSession() {
        String session = api.createSession(120);
        api.bash(session, "true");
        Http.Response killed = api.http.post("/kill", "{\"session_id\":\"" + session + "\"}");
        assertThat(killed.status()).isEqualTo(200);
        assertThat(api.vmStatus(session)).isEqualTo("killed");
        assertThat(api.execute(session, "bash", "true").status()).isEqualTo(404);
    }

    @Test
    void keyIsReadFromXApiKeyThenBearerThenBody() {
        Http anon = server.http();
        String good = api.key;
        Http.Response missing = anon.post("/execute", "{\"command\":\"print(1)\"}");
        assertThat(missing.status()).isEqualTo(401);
        assertThat(missing.body()).isEqualTo("{\"detail\":\"Not authenticated\"}");
        Http.Response invalid = anon.withHeader("X-API-Key", "nope").get("/v1/sessions/sandboxes");
        assertThat(invalid.status()).isEqualTo(401);
        assertThat(invalid.body()).isEqualTo("{\"detail\":\"Invalid API key\"}");
        assertThat(anon.bearer(good).get("/v1/sessions/sandboxes").status()).isEqualTo(200);
        assertThat(anon.post("/v1/sessions/session", "{\"api_key\":\"" + good + "\"}")
                        .status())
                .isEqualTo(200);
        // X-API-Key wins over a valid body key and a valid bearer
        assertThat(anon.withHeader("X-API-Key", "nope")
                        .bearer(good)
                        .post("/v1/sessions/session", "{\"api_key\":\"" + good + "\"}")
                        .status())
                .isEqualTo(401);
        // the bearer wins over the body key
        assertThat(anon.bearer("nope")
                        .post("/v1/sessions/session", "{\"api_key\":\"" + good + "\"}")
                        .status())
                .isEqualTo(401);
        assertThat(anon.send("GET", "/v1/executions/exe_x", null, Map.of()).status())
                .isEqualTo(401);
    }
}
