package io.runcell.testing.hostup;

import static io.runcell.testing.hostup.HostupFixture.problem;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.runcell.testing.Http;
import io.runcell.testing.TestServer;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Every status of the exec seed's response list, command validation, scopes and ownership. */
class HostupErrorsIT {

    static TestServer server;
    static HostupFixture owner;
    static Http readOnly;
    static HostupFixture writeOnly;
    static Http noVmScope;
    static Http stranger;
    static String vps;
    static String execPath;

    @BeforeAll
    static void start() {
        server = TestServer.start();
        String key = server.newAccountKey("hostup-owner");
        owner = new HostupFixture(server, key);
        vps = owner.newVps();
        execPath = "/api/v2/vps/" + vps + "/agent/exec";
        var admin = server.http().bearer(server.adminKey());
        String ownerAccount = admin.get("/runcell/v1/accounts").json().get("data").findValues("id").stream()
                .map(JsonNode::asText)
                .filter(id -> admin.get("/runcell/v1/accounts/" + id)
                        .json()
                        .get("name")
                        .asText()
                        .equals("hostup-owner"))
                .findFirst()
                .orElseThrow();
        readOnly = server.http()
                .bearer(ownerKey(ownerAccount, "[\"read:vm\"]").get("key").asText());
        writeOnly = new HostupFixture(
                server, ownerKey(ownerAccount, "[\"write:vm\"]").get("key").asText());
        // The API refuses a key without scopes, so the only way to hold one is a row changed in the store (here
        // before its first use, which the server would cache).
        JsonNode none = ownerKey(ownerAccount, "[\"read:vm\"]");
        assertThat(HostupFixture.sql(
                        server.dataDir(),
                        "UPDATE api_keys SET scopes = '' WHERE id = ?",
                        none.get("id").asText()))
                .isEqualTo(1);
        noVmScope = server.http().bearer(none.get("key").asText());
        stranger = server.http().bearer(server.newAccountKey("hostup-stranger"));
    }

    /** A new key of the owner's account with {@code scopes} (a JSON array): its native record with the token. */
    private static JsonNode ownerKey(String accountId, String scopes) {
        Http.Response r = server.http()
                .bearer(server.adminKey())
                .post("/runcell/v1/accounts/" + accountId + "/keys", "{\"name\":\"k\",\"scopes\":" + scopes + "}");
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        return r.json();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static String body(Object command) {
        var o = Http.JSON.createObjectNode();
        if (command instanceof String s) {
            o.put("command", s);
        } else if (command instanceof Integer n) {
            o.put("command", n);
        }
        return o.toString();
    }

    private static void invalidCommand(String json, String code) {
        JsonNode p = problem(owner.hostup.post(execPath, json), 400, "invalid_request", execPath);
        assertThat(p.get("title").asText()).isEqualTo("Validation failed");
        assertThat(p.get("detail").asText()).isEqualTo("The request body failed validation.");
        assertThat(p.get("errors")).hasSize(1);
        JsonNode e = p.get("errors").get(0);
        assertThat(e.get("pointer").asText()).isEqualTo("/command");
        assertThat(e.get("code").asText()).isEqualTo(code);
        assertThat(e.get("detail").asText()).isNotBlank();
    }

    @Test
    void commandValidation400() {
        invalidCommand("{}", "missing_required");
        invalidCommand("{\"command\":null}", "missing_required");
        invalidCommand(body(""), "missing_required");
        invalidCommand(body("   \n\t"), "missing_required");
        invalidCommand(body(5), "invalid_type");
        invalidCommand("{\"command\":[\"ls\"]}", "invalid_type");
        invalidCommand(body("echo " + "a".repeat(4092)), "too_long");
        invalidCommand("", "missing_required");
        Http.Response ok = owner.hostup.post(execPath, body("echo " + "a".repeat(4091)));
        assertThat(ok.status()).as(ok.body()).isEqualTo(200);
    }

    @Test
    void malformedJsonIs400() {
        JsonNode p = problem(owner.hostup.post(execPath, "{\"command\": "), 400, "invalid_request", execPath);
        assertThat(p.get("errors").get(0).get("code").asText()).isEqualTo("invalid_json");
    }

    @Test
    void missingOrBadKeyIs401() {
        problem(server.http().post(execPath, body("true")), 401, "unauthorized", execPath);
        problem(server.http().bearer("not-a-key").post(execPath, body("true")), 401, "unauthorized", execPath);
        Http.Response r = server.http().get("/api/v2/vps");
        problem(r, 401, "unauthorized", "/api/v2/vps");
        assertThat(r.header("www-authenticate")).isEqualTo("Bearer");
        problem(
                server.http().withHeader("Authorization", "Basic eDp5").get("/api/v2/vps"),
                401,
                "unauthorized",
                "/api/v2/vps");
    }

    @Test
    void readScopeCanReadButNotExecPollOrAct403() {
        assertThat(readOnly.get("/api/v2/vps").status()).isEqualTo(200);
        assertThat(readOnly.get("/api/v2/vps/" + vps).status()).isEqualTo(200);
        assertThat(readOnly.get(execPath).status()).isEqualTo(200);
        problem(readOnly.post(execPath, body("true")), 403, "forbidden", execPath);
        problem(readOnly.get(execPath + "?pid=1"), 403, "forbidden", execPath);
        String action = "/api/v2/vps/" + vps + "/actions/restart";
        problem(readOnly.post(action, "{}"), 403, "forbidden", action);
        // scope is checked before the VPS is looked up, so a missing scope never hints at existence
        String foreign = "/api/v2/vps/vps_01hxa3b4c5d6e7f8g9h0j1k2m3/agent/exec";
        problem(readOnly.post(foreign, body("true")), 403, "forbidden", foreign);
    }

    @Test
    void writeScopeAloneCoversTheWholeFlowBecauseItImpliesRead() {
        Http.Response list = writeOnly.hostup.get("/api/v2/vps?limit=100");
        assertThat(list.status()).as(list.body()).isEqualTo(200);
        assertThat(list.json().get("data").findValuesAsText("id")).contains(vps);
        Http.Response one = writeOnly.hostup.get("/api/v2/vps/" + vps);
        assertThat(one.status()).as(one.body()).isEqualTo(200);
        assertThat(one.json().get("data").get("id").asText()).isEqualTo(vps);
        Http.Response probe = writeOnly.hostup.get(execPath);
        assertThat(probe.status()).as(probe.body()).isEqualTo(200);
        assertThat(probe.json().get("available").asBoolean()).isTrue();

        JsonNode done = writeOnly.run(vps, "echo written");
        assertThat(done.get("exitCode").asInt()).isZero();
        assertThat(done.get("stdout").asText()).isEqualTo("written\n");

        String box = owner.newVps("{\"start\": false}");
        assertThat(writeOnly.act(box, "start").get("status").asText()).isEqualTo("succeeded");
        assertThat(writeOnly.run(box, "echo started").get("stdout").asText()).isEqualTo("started\n");
    }

    @Test
    void aKeyWithNeitherVmScopeIsForbiddenToReadToo403() {
        String box = owner.newVps("{\"start\": false}");
        Http.Response act = owner.hostup.post("/api/v2/vps/" + box + "/actions/stop", "");
        assertThat(act.status()).as(act.body()).isEqualTo(202);
        String operation = act.json().get("operation").get("pollUrl").asText();
        String boxExec = "/api/v2/vps/" + box + "/agent/exec";
        for (String path : List.of("/api/v2/vps", "/api/v2/vps/" + box, boxExec, operation)) {
            JsonNode p = problem(noVmScope.get(path), 403, "forbidden", path);
            assertThat(p.get("detail").asText()).as(path).isEqualTo("This API key lacks the read:vm scope.");
        }
        String start = "/api/v2/vps/" + box + "/actions/start";
        List<JsonNode> writes = List.of(
                problem(noVmScope.post(boxExec, body("true")), 403, "forbidden", boxExec),
                problem(noVmScope.get(boxExec + "?pid=1"), 403, "forbidden", boxExec),
                problem(noVmScope.post(start, ""), 403, "forbidden", start));
        assertThat(writes)
                .extracting(p -> p.get("detail").asText())
                .containsOnly("This API key lacks the write:vm scope.");
        // nothing was started on its behalf
        assertThat(owner.hostup
                        .get("/api/v2/vps/" + box)
                        .json()
                        .get("data")
                        .get("powerState")
                        .asText())
                .isEqualTo("stopped");
    }

    @Test
    void anotherAccountsVpsIsNotFound404() {
        String pid = owner.exec(vps, "true");
        Map<String, Http.Response> calls = Map.of(
                "/api/v2/vps/" + vps,
                stranger.get("/api/v2/vps/" + vps),
                execPath,
                stranger.get(execPath),
                execPath + "#exec",
                stranger.post(execPath, body("reboot")),
                execPath + "#poll",
                stranger.get(pid),
                "/api/v2/vps/" + vps + "/actions/stop",
                stranger.post("/api/v2/vps/" + vps + "/actions/stop", "{}"));
        calls.forEach((path, r) -> {
            JsonNode p = problem(r, 404, "vps_not_found", path.replaceAll("#.*", ""));
            assertThat(p.get("detail").asText()).isEqualTo("The VPS does not exist or is not owned by the caller.");
        });
        JsonNode list = stranger.get("/api/v2/vps").json();
        assertThat(list.get("data")).isEmpty();
        // same answer as for an id that never existed, and for one that is not even an id
        problem(
                owner.hostup.get("/api/v2/vps/vps_01hxa3b4c5d6e7f8g9h0j1k2m3"),
                404,
                "vps_not_found",
                "/api/v2/vps/vps_01hxa3b4c5d6e7f8g9h0j1k2m3");
        problem(owner.hostup.get("/api/v2/vps/nonsense"), 404, "vps_not_found", "/api/v2/vps/nonsense");
    }

    @Test
    void unknownEndpointIsAProblemToo() {
        problem(owner.hostup.get("/api/v2/nothing"), 404, "not_found", "/api/v2/nothing");
    }
}
