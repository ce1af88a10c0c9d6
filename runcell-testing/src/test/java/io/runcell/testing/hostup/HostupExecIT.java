package io.runcell.testing.hostup;

import static io.runcell.testing.hostup.HostupFixture.problem;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.runcell.core.plan.Plan;
import io.runcell.testing.Http;
import io.runcell.testing.TestServer;
import java.nio.file.Files;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The probe → exec → poll flow on real sandboxes: exit codes, stderr, partial output, caps, time limit. */
class HostupExecIT {

    static TestServer server;
    static HostupFixture f;
    static String vps;

    @BeforeAll
    static void start() {
        server = TestServer.start();
        f = new HostupFixture(server, server.newAccountKey("hostup-exec"));
        vps = f.newVps();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void probeThenExecThenPollAsAScriptWould() {
        Http.Response probe = f.hostup.get("/api/v2/vps/" + vps + "/agent/exec");
        assertThat(probe.status()).isEqualTo(200);
        assertThat(probe.header("content-type")).startsWith("application/json");
        assertThat(probe.json())
                .isEqualTo(Http.JSON
                        .createObjectNode()
                        .put("available", true)
                        .putNull("reason")
                        .put("vmRunning", true));

        Http.Response started = f.hostup.post("/api/v2/vps/" + vps + "/agent/exec", "{\"command\":\"uname -s\"}");
        assertThat(started.status()).as(started.body()).isEqualTo(200);
        JsonNode body = started.json();
        assertThat(body.size()).isEqualTo(2);
        long pid = body.get("pid").asLong();
        assertThat(pid).isPositive();
        assertThat(body.get("pollUrl").asText()).isEqualTo("/api/v2/vps/" + vps + "/agent/exec?pid=" + pid);

        JsonNode done = f.pollUntilExited(body.get("pollUrl").asText());
        assertThat(done.get("pid").asLong()).isEqualTo(pid);
        assertThat(done.get("exited").asBoolean()).isTrue();
        assertThat(done.get("exitCode").asInt()).isZero();
        assertThat(done.get("stdout").asText()).isEqualTo("Linux\n");
        assertThat(done.get("stderr").asText()).isEmpty();
        assertThat(done.get("stdoutTruncated").asBoolean()).isFalse();
        assertThat(done.get("stderrTruncated").asBoolean()).isFalse();
        assertThat(done.get("timedOut").asBoolean()).isFalse();
        assertThat(done.get("signal").isNull()).isTrue();
    }

    @Test
    void pidsAreSmallIntegersUniquePerVps() {
        String other = f.newVps();
        String a = f.exec(other, "true");
        String b = f.exec(other, "true");
        assertThat(a).endsWith("?pid=1");
        assertThat(b).endsWith("?pid=2");
    }

    @Test
    void exitCodeAndStderrAreReported() {
        JsonNode done = f.run(vps, "echo out; echo oops >&2; exit 3");
        assertThat(done.get("exitCode").asInt()).isEqualTo(3);
        assertThat(done.get("stdout").asText()).isEqualTo("out\n");
        assertThat(done.get("stderr").asText()).isEqualTo("oops\n");
    }

    @Test
    void partialOutputIsVisibleWhileRunning() {
        String poll = f.exec(vps, "echo first; while [ ! -e /tmp/go ]; do sleep 0.1; done; echo second");
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            JsonNode r = f.hostup.get(poll).json();
            assertThat(r.get("exited").asBoolean()).isFalse();
            assertThat(r.get("exitCode").isNull()).isTrue();
            assertThat(r.get("stdout").asText()).isEqualTo("first\n");
        });
        f.run(vps, "touch /tmp/go");
        JsonNode done = f.pollUntilExited(poll);
        assertThat(done.get("stdout").asText()).isEqualTo("first\nsecond\n");
        assertThat(done.get("exitCode").asInt()).isZero();
    }

    @Test
    void outputIsCappedAtOneMebibytePerStream() {
        JsonNode done = f.run(vps, "head -c 1500000 /dev/zero | tr '\\0' a; echo err >&2");
        assertThat(done.get("stdout").asText()).hasSize(1024 * 1024);
        assertThat(done.get("stdoutTruncated").asBoolean()).isTrue();
        assertThat(done.get("stderr").asText()).isEqualTo("err\n");
        assertThat(done.get("stderrTruncated").asBoolean()).isFalse();
    }

    @Test
    void aSignalledProcessHasNoExitCode() {
        JsonNode done = f.run(vps, "kill -9 $$");
        assertThat(done.get("exitCode").isNull()).isTrue();
        assertThat(done.get("signal").asText()).isEqualTo("SIGKILL");
        assertThat(done.get("timedOut").asBoolean()).isFalse();
    }

    @Test
    void theServerSideTimeLimitKillsTheProcessTree() {
        Plan base = server.server().engine().plans().find(Plan.DEFAULT).orElseThrow();
        server.server()
                .engine()
                .plans()
                .upsert(new Plan(
                        "short",
                        base.maxSandboxes(),
                        base.maxConcurrentExecutions(),
                        base.defaultLifetimeSeconds(),
                        base.maxLifetimeSeconds(),
                        base.defaultMemoryMb(),
                        base.maxMemoryMb(),
                        base.defaultVcpus(),
                        base.maxVcpus(),
                        base.defaultPidsMax(),
                        base.maxPidsMax(),
                        2,
                        base.maxExecTimeoutSeconds(),
                        base.outputCapBytes()));
        var admin = server.http().bearer(server.adminKey());
        String accountId = admin.post("/runcell/v1/accounts", "{\"name\":\"short\",\"plan\":\"short\"}")
                .json()
                .get("id")
                .asText();
        String key = admin.post(
                        "/runcell/v1/accounts/" + accountId + "/keys",
                        "{\"name\":\"k\",\"scopes\":[\"read:vm\",\"write:vm\"]}")
                .json()
                .get("key")
                .asText();
        HostupFixture shortPlan = new HostupFixture(server, key);
        String box = shortPlan.newVps();
        JsonNode done = shortPlan.run(box, "echo before; sleep 30 & sleep 30; echo never");
        assertThat(done.get("timedOut").asBoolean()).isTrue();
        assertThat(done.get("exitCode").isNull()).isTrue();
        assertThat(done.get("signal").asText()).isEqualTo("SIGKILL");
        assertThat(done.get("stdout").asText()).isEqualTo("before\n");
        JsonNode ps = shortPlan.run(box, "pgrep -c -f 'slee[p] 30' || true");
        assertThat(ps.get("stdout").asText().strip()).isEqualTo("0");
    }

    @Test
    void anAccountWithoutAPlanOfItsOwnGetsTheDefaultTimeLimitOf300Seconds() {
        JsonNode keys = f.nativeApi.get("/runcell/v1/keys").json().get("data");
        String account = keys.get(0).get("account_id").asText();
        JsonNode acc = server.http()
                .bearer(server.adminKey())
                .get("/runcell/v1/accounts/" + account)
                .json();
        assertThat(acc.get("plan").asText()).isEqualTo("default");
        // the limit Hostup exec enforces is this field of the account's plan (see the time-limit test above)
        JsonNode plan = f.nativeApi.get("/runcell/v1/plans/default").json();
        assertThat(plan.get("default_exec_timeout_seconds").asInt()).isEqualTo(300);
        assertThat(plan.get("output_cap_bytes").asInt()).isEqualTo(1024 * 1024);
    }

    @Test
    void execOnAStoppedVpsIsNotReadyAndDoesNotStartIt() {
        String stopped = f.newVps("{\"start\": false}");
        JsonNode probe = f.hostup.get("/api/v2/vps/" + stopped + "/agent/exec").json();
        assertThat(probe.get("available").asBoolean()).isFalse();
        assertThat(probe.get("vmRunning").asBoolean()).isFalse();
        assertThat(probe.get("reason").asText()).isNotBlank();
        String path = "/api/v2/vps/" + stopped + "/agent/exec";
        problem(f.hostup.post(path, "{\"command\":\"true\"}"), 409, "vps_not_ready", path);
        assertThat(f.hostup
                        .get("/api/v2/vps/" + stopped)
                        .json()
                        .get("data")
                        .get("powerState")
                        .asText())
                .isEqualTo("stopped");
    }

    @Test
    void execOnAVpsWhoseProcessesDiedIsNotReadyAndSpendsNothing() throws Exception {
        String box = f.newVps();
        String sandbox = HostupFixture.sandboxId(box);
        assertThat(f.exec(box, "true")).endsWith("?pid=1");
        killSandboxProcesses(sandbox);
        String path = "/api/v2/vps/" + box + "/agent/exec";
        // the record still says running; the probe looks at the processes
        await().atMost(Duration.ofSeconds(10))
                .pollInterval(Duration.ofMillis(50))
                .until(() -> !f.hostup.get(path).json().get("vmRunning").asBoolean());

        JsonNode p = problem(f.hostup.post(path, "{\"command\":\"echo after\"}"), 409, "vps_not_ready", path);
        assertThat(p.get("detail").asText()).isEqualTo("The VPS is not running or its guest agent is not available.");
        assertThat(f.hostup.get(path).json())
                .isEqualTo(Http.JSON
                        .createObjectNode()
                        .put("available", false)
                        .put("reason", "The machine is stopped.")
                        .put("vmRunning", false));
        JsonNode audit = server.http()
                .bearer(server.adminKey())
                .get("/runcell/v1/audit?sandbox_id=" + sandbox)
                .json();
        assertThat(audit.get("data").findValuesAsText("command")).containsExactly("true");

        assertThat(f.act(box, "restart").get("status").asText()).isEqualTo("succeeded");
        // the refused attempt took no pid
        String poll = f.exec(box, "echo after");
        assertThat(poll).endsWith("?pid=2");
        assertThat(f.pollUntilExited(poll).get("stdout").asText()).isEqualTo("after\n");
    }

    /** SIGKILLs the sandbox's pid 1 and its outer bubblewrap, as recorded in the backend's pid file. */
    private static void killSandboxProcesses(String sandboxId) throws Exception {
        String[] fields = Files.readString(
                        server.dataDir().resolve("namespace").resolve("state").resolve(sandboxId + ".pid"))
                .strip()
                .split(" ");
        ProcessHandle init = ProcessHandle.of(Long.parseLong(fields[2])).orElseThrow();
        assertThat(init.destroyForcibly()).as("SIGKILL of the sandbox's pid 1").isTrue();
        // bubblewrap may already have exited with its child
        ProcessHandle.of(Long.parseLong(fields[0])).ifPresent(ProcessHandle::destroyForcibly);
    }

    @Test
    void unknownPidIsNotFound() {
        String path = "/api/v2/vps/" + vps + "/agent/exec";
        problem(f.hostup.get(path + "?pid=999999"), 404, "not_found", path);
        problem(f.hostup.get(path + "?pid=0"), 404, "not_found", path);
        JsonNode bad = problem(f.hostup.get(path + "?pid=abc"), 400, "invalid_request", path);
        assertThat(bad.get("errors").get(0).get("pointer").asText()).isEqualTo("/pid");
    }
}
