package io.runcell.testing.microvm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.runcell.testing.Http;
import io.runcell.testing.TestServer;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Every dialect's exec flow on microvm sandboxes (QEMU, TCG here), on one server whose default backend is
 * {@code microvm}. Boots are slow, so Vast and Hostup share one VM: the instance Vast creates is driven through
 * Hostup's agent exec and its workspace listed back through Vast; InstaVM's session spawns the second (and last).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MicrovmDialectsIT {

    static TestServer server;
    static String key;
    static Http user;
    static long contract;
    static String vps;

    @BeforeAll
    static void start() {
        String cache = System.getenv().getOrDefault("RUNCELL_MICROVM_IMAGE_CACHE", "/var/tmp/runcell-microvm-images");
        server = TestServer.start(c -> c.withDefaultBackend("microvm").withMicrovmImages(Path.of(cache)));
        key = server.newAccountKey("dialects-vm");
        user = server.http().bearer(key);

        Http.Response created = user.put("/api/v0/asks/1/", "{\"label\":\"vm\"}");
        assertThat(created.status()).as(created.body()).isEqualTo(200);
        assertThat(created.json().get("success").asBoolean()).isTrue();
        contract = created.json().get("new_contract").asLong();

        JsonNode sandboxes = user.get("/runcell/v1/sandboxes").json().get("data");
        assertThat(sandboxes).hasSize(1);
        JsonNode sandbox = sandboxes.get(0);
        assertThat(sandbox.get("number").asLong()).isEqualTo(contract);
        assertThat(sandbox.get("backend").asText()).isEqualTo("microvm");
        assertThat(sandbox.get("state").asText()).isEqualTo("running");
        vps = "vps_" + sandbox.get("id").asText().substring("sbx_".length());
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    // --- Hostup: probe -> POST agent/exec -> poll ?pid= until exited

    private static JsonNode hostupPoll(String pollUrl) {
        JsonNode[] last = new JsonNode[1];
        await().atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> {
                    Http.Response r = user.get(pollUrl);
                    assertThat(r.status()).as(r.body()).isEqualTo(200);
                    last[0] = r.json();
                    return last[0].get("exited").asBoolean();
                });
        return last[0];
    }

    private static JsonNode hostupExec(String command) {
        Http.Response started = user.post(
                "/api/v2/vps/" + vps + "/agent/exec",
                Http.JSON.createObjectNode().put("command", command).toString());
        assertThat(started.status()).as(started.body()).isEqualTo(200);
        JsonNode body = started.json();
        assertThat(body.size()).isEqualTo(2);
        long pid = body.get("pid").asLong();
        assertThat(body.get("pollUrl").asText()).isEqualTo("/api/v2/vps/" + vps + "/agent/exec?pid=" + pid);
        JsonNode done = hostupPoll(body.get("pollUrl").asText());
        assertThat(done.get("pid").asLong()).isEqualTo(pid);
        assertThat(done.get("exited").asBoolean()).isTrue();
        return done;
    }

    @Test
    @Order(1)
    void hostupProbeExecAndPollOnTheVm() {
        Http.Response probe = user.get("/api/v2/vps/" + vps + "/agent/exec");
        assertThat(probe.status()).isEqualTo(200);
        assertThat(probe.header("content-type")).startsWith("application/json");
        assertThat(probe.json())
                .isEqualTo(Http.JSON
                        .createObjectNode()
                        .put("available", true)
                        .putNull("reason")
                        .put("vmRunning", true));

        JsonNode ok = hostupExec("uname -s");
        assertThat(ok.get("exitCode").asInt()).isZero();
        assertThat(ok.get("stdout").asText()).isEqualTo("Linux\n");
        assertThat(ok.get("stderr").asText()).isEmpty();
        assertThat(ok.get("stdoutTruncated").asBoolean()).isFalse();
        assertThat(ok.get("stderrTruncated").asBoolean()).isFalse();
        assertThat(ok.get("timedOut").asBoolean()).isFalse();
        assertThat(ok.get("signal").isNull()).isTrue();

        JsonNode failed = hostupExec("echo hi > /workspace/from-hostup.txt; echo out; echo oops >&2; exit 3");
        assertThat(failed.get("exitCode").asInt()).isEqualTo(3);
        assertThat(failed.get("stdout").asText()).isEqualTo("out\n");
        assertThat(failed.get("stderr").asText()).isEqualTo("oops\n");
        assertThat(failed.get("timedOut").asBoolean()).isFalse();
        assertThat(failed.get("signal").isNull()).isTrue();

        JsonNode killed = hostupExec("kill -9 $$");
        assertThat(killed.get("exitCode").isNull()).isTrue();
        assertThat(killed.get("signal").asText()).isEqualTo("SIGKILL");
    }

    // --- Vast: PUT instances/command/{id}/ -> poll result_url until 200

    private static Http.Response vastExecute(String command) {
        return user.put(
                "/api/v0/instances/command/" + contract + "/",
                Http.JSON.createObjectNode().put("command", command).toString());
    }

    private static String vastResult(JsonNode answer) {
        String url = answer.get("result_url").asText();
        Http anonymous = new Http(server.url());
        await().atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> anonymous.get(url).status() == 200);
        Http.Response r = anonymous.get(url);
        assertThat(r.header("content-type")).startsWith("text/plain");
        return r.body();
    }

    @Test
    @Order(2)
    void vastExecuteAndResultUrlOnTheSameVm() {
        JsonNode instance =
                user.get("/api/v0/instances/" + contract + "/").json().get("instances");
        assertThat(instance.get("actual_status").asText()).isEqualTo("running");

        Http.Response r = vastExecute("ls /workspace");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        JsonNode b = r.json();
        assertThat(b.size()).isEqualTo(4);
        assertThat(b.get("success").asBoolean()).isTrue();
        assertThat(b.get("writeable_path").asText()).isEqualTo("/workspace");
        assertThat(b.get("msg").asText())
                .isEqualTo("Command is executing, wait a few seconds and then view the result_url");
        assertThat(b.get("result_url").asText()).startsWith(server.url() + "/api/v0/results/");
        assertThat(vastResult(b)).isEqualTo("from-hostup.txt\n");

        assertThat(vastResult(vastExecute("du -s /workspace").json())).endsWith("\t/workspace\n");

        Http.Response bad = vastExecute("cat /etc/passwd");
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.json())
                .isEqualTo(Http.JSON
                        .createObjectNode()
                        .put("success", false)
                        .put("error", "invalid_args")
                        .put("msg", "Invalid command given."));
    }

    // --- InstaVM: POST /execute spawns the session's sandbox on the default backend (microvm)

    @Test
    @Order(3)
    void instaVmExecuteRunsBashAndPythonInTheSessionsMicrovm() {
        Http insta = server.http().withHeader("X-API-Key", key);
        Http.Response created = server.http()
                .post(
                        "/v1/sessions/session",
                        Http.JSON
                                .createObjectNode()
                                .put("api_key", key)
                                .put("vm_lifetime_seconds", 600)
                                .toString());
        assertThat(created.status()).as(created.body()).isEqualTo(200);
        String session = created.json().get("session_id").asText();
        assertThat(insta.get("/v1/sessions/status/" + session)
                        .json()
                        .get("vm_status")
                        .asText())
                .isEqualTo("pending");

        Http.Response bash = insta.post(
                "/execute",
                Http.JSON
                        .createObjectNode()
                        .put("command", "echo hi; echo oops >&2; exit 3")
                        .put("language", "bash")
                        .put("session_id", session)
                        .toString());
        assertThat(bash.status()).as(bash.body()).isEqualTo(200);
        JsonNode r = bash.json();
        assertThat(r.get("stdout").asText()).isEqualTo("hi\n");
        assertThat(r.get("stderr").asText()).isEqualTo("oops\n");
        assertThat(r.get("exit_code").asInt()).isEqualTo(3);
        assertThat(r.get("session_id").asText()).isEqualTo(session);
        assertThat(r.get("task_id").asText()).startsWith("exe_");
        assertThat(r.get("execution_time").isNumber()).isTrue();
        assertThat(insta.get("/v1/sessions/status/" + session)
                        .json()
                        .get("vm_status")
                        .asText())
                .isEqualTo("active");

        Http.Response py = insta.post(
                "/execute",
                Http.JSON
                        .createObjectNode()
                        .put("command", "import sys; print(sys.version_info[0]); print(2 + 3)")
                        .put("language", "python")
                        .put("session_id", session)
                        .toString());
        assertThat(py.status()).as(py.body()).isEqualTo(200);
        assertThat(py.json().get("stdout").asText()).isEqualTo("3\n5\n");
        assertThat(py.json().get("exit_code").asInt()).isZero();

        // the session's sandbox is a second microvm of the account, next to the Vast/Hostup one
        JsonNode sandboxes = user.get("/runcell/v1/sandboxes").json().get("data");
        assertThat(sandboxes).hasSize(2);
        assertThat(sandboxes.findValuesAsText("backend")).containsOnly("microvm");
        String nics = insta.post(
                        "/execute",
                        Http.JSON
                                .createObjectNode()
                                .put("command", "ls /sys/class/net | tr '\\n' ' '")
                                .put("language", "bash")
                                .put("session_id", session)
                                .toString())
                .json()
                .get("stdout")
                .asText();
        assertThat(nics).contains("lo").doesNotContain("eth0");
    }
}
