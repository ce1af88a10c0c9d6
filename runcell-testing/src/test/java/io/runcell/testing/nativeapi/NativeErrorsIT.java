package io.runcell.testing.nativeapi;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.runcell.testing.Http;
import io.runcell.testing.TestServer;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Bad input, bad keys and missing scopes get documented problem documents, never a 500. */
class NativeErrorsIT {

    static TestServer server;
    static Http user;
    static String userKey;
    static String sandbox;

    @BeforeAll
    static void start() {
        server = TestServer.start();
        userKey = server.newAccountKey("errs");
        user = server.http().bearer(userKey);
        sandbox = user.post("/runcell/v1/sandboxes", "{}").json().get("id").asText();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static JsonNode problem(Http.Response r, int status, String code) {
        assertThat(r.status()).as(r.body()).isEqualTo(status);
        assertThat(r.header("content-type")).startsWith("application/problem+json");
        JsonNode p = r.json();
        assertThat(p.get("code").asText()).isEqualTo(code);
        assertThat(p.get("status").asInt()).isEqualTo(status);
        assertThat(p.get("type").asText()).endsWith("/" + code);
        assertThat(p.get("request_id").asText()).startsWith("req_").isEqualTo(r.header("x-request-id"));
        assertThat(p.has("title") && p.has("detail") && p.has("instance") && p.has("timestamp"))
                .isTrue();
        return p;
    }

    @Test
    void malformedJsonIsABadRequest() {
        problem(
                user.post("/runcell/v1/sandboxes/" + sandbox + "/executions", "{\"command\": "),
                400,
                "invalid_request");
        problem(user.post("/runcell/v1/sandboxes", "[1,2]"), 400, "invalid_request");
    }

    @Test
    void missingAndMistypedFieldsPointAtTheField() {
        JsonNode p =
                problem(user.post("/runcell/v1/sandboxes/" + sandbox + "/executions", "{}"), 400, "invalid_request");
        assertThat(p.get("errors").get(0).get("pointer").asText()).isEqualTo("/command");
        assertThat(p.get("errors").get(0).get("code").asText()).isEqualTo("missing_required");
        JsonNode t = problem(
                user.post("/runcell/v1/sandboxes/" + sandbox + "/executions", "{\"command\": 5}"),
                400,
                "invalid_request");
        assertThat(t.get("errors").get(0).get("code").asText()).isEqualTo("invalid_type");
        JsonNode m = problem(user.post("/runcell/v1/sandboxes", "{\"memory_mb\": 999999}"), 400, "invalid_request");
        assertThat(m.get("errors").get(0).get("pointer").asText()).isEqualTo("/memory_mb");
    }

    @Test
    void oversizedCommandIsRejectedBeforeRunning() {
        String huge = "x".repeat(200_000);
        JsonNode p = problem(
                user.post(
                        "/runcell/v1/sandboxes/" + sandbox + "/executions",
                        Http.JSON.createObjectNode().put("command", huge).toString()),
                400,
                "invalid_request");
        assertThat(p.get("errors").get(0).get("code").asText()).isEqualTo("too_long");
        assertThat(p.toString()).doesNotContain("xxxxxxxxxx");
        assertThat(user.get("/runcell/v1/sandboxes/" + sandbox + "/executions")
                        .json()
                        .get("data"))
                .isEmpty();
    }

    @Test
    void unknownSandboxAndExecutionAreNotFound() {
        problem(user.get("/runcell/v1/sandboxes/sbx_01jz0000000000000000000000"), 404, "sandbox_not_found");
        problem(user.get("/runcell/v1/sandboxes/not-an-id"), 404, "sandbox_not_found");
        problem(user.get("/runcell/v1/executions/exe_01jz0000000000000000000000"), 404, "execution_not_found");
        problem(user.get("/runcell/v1/no/such/endpoint"), 404, "not_found");
    }

    @Test
    void anotherAccountsSandboxIsNotFound() {
        Http other = server.http().bearer(server.newAccountKey("other"));
        problem(other.get("/runcell/v1/sandboxes/" + sandbox), 404, "sandbox_not_found");
        problem(
                other.post("/runcell/v1/sandboxes/" + sandbox + "/executions", "{\"command\":\"true\"}"),
                404,
                "sandbox_not_found");
        assertThat(other.get("/runcell/v1/sandboxes").json().get("data")).isEmpty();
    }

    @Test
    void wrongMissingAndRevokedKeysAreUnauthorized() {
        problem(server.http().get("/runcell/v1/sandboxes"), 401, "unauthorized");
        problem(server.http().bearer("rc_wrong").get("/runcell/v1/sandboxes"), 401, "unauthorized");
        Http admin = server.http().bearer(server.adminKey());
        JsonNode created = admin.post("/runcell/v1/keys", "{\"name\":\"temp\",\"scopes\":[\"read:vm\"]}")
                .json();
        Http temp = server.http().bearer(created.get("key").asText());
        assertThat(temp.get("/runcell/v1/sandboxes").status()).isEqualTo(200);
        assertThat(admin.delete("/runcell/v1/keys/" + created.get("id").asText())
                        .status())
                .isEqualTo(204);
        problem(temp.get("/runcell/v1/sandboxes"), 401, "unauthorized");
    }

    @Test
    void missingScopeIsForbidden() {
        Http admin = server.http().bearer(server.adminKey());
        String readOnly = admin.post("/runcell/v1/keys", "{\"scopes\":[\"read:vm\"]}")
                .json()
                .get("key")
                .asText();
        problem(server.http().bearer(readOnly).post("/runcell/v1/sandboxes", "{}"), 403, "forbidden");
        problem(user.post("/runcell/v1/accounts", "{\"name\":\"x\"}"), 403, "forbidden");
        problem(user.post("/runcell/v1/keys", "{\"scopes\":[\"admin\"]}"), 403, "forbidden");
    }

    @Test
    void keysAreShownOnceAndListedWithoutTheSecret() {
        JsonNode created = user.post("/runcell/v1/keys", "{\"name\":\"ci\"}").json();
        String token = created.get("key").asText();
        assertThat(token).startsWith("rc_").hasSizeGreaterThan(40);
        String listing = user.get("/runcell/v1/keys").body();
        assertThat(listing).contains(created.get("id").asText()).doesNotContain(token);
        assertThat(server.http().bearer(token).get("/runcell/v1/sandboxes").status())
                .isEqualTo(200);
    }

    @Test
    void healthReadinessAndMetricsNeedNoKey() {
        assertThat(server.http().get("/healthz").status()).isEqualTo(200);
        assertThat(server.http().get("/readyz").json().get("status").asText()).isEqualTo("ready");
        user.post("/runcell/v1/sandboxes/" + sandbox + "/executions", "{\"command\":\"true\",\"wait\":true}");
        String metrics = server.http().get("/metrics").body();
        assertThat(metrics)
                .contains("runcell_executions_total{status=\"succeeded\"}")
                .contains("runcell_execution_duration_seconds_bucket");
    }

    @Test
    void wrongContentDoesNotCauseServerErrors() {
        for (String body : new String[] {
            "",
            "null",
            "\"str\"",
            "{\"command\":null}",
            "{\"argv\":[]}",
            "{\"argv\":[1]}",
            "{\"command\":\"x\",\"argv\":[\"y\"]}",
            "{\"command\":\"x\",\"timeout_seconds\":\"9\"}",
            "{\"command\":\"x\",\"timeout_seconds\":0}",
            "{\"command\":\"x\",\"env\":[]}"
        }) {
            Http.Response r = user.send(
                    "POST",
                    "/runcell/v1/sandboxes/" + sandbox + "/executions",
                    body,
                    Map.of("Content-Type", "application/json"));
            assertThat(r.status()).as(body + " -> " + r.body()).isEqualTo(400);
        }
    }
}
