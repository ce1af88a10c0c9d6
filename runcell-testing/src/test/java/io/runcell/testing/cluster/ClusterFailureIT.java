package io.runcell.testing.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.runcell.testing.Http;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Nodes that die, freeze or leave: what the survivors report, and how the node reconciles when it is back. */
class ClusterFailureIT {

    private ClusterFixture cluster;

    @BeforeEach
    void start() throws Exception {
        cluster = ClusterFixture.start("a", "b", "c");
    }

    @AfterEach
    void stop() throws Exception {
        cluster.close();
    }

    private String createOn(String node) {
        Http.Response r = cluster.api(node).post("/runcell/v1/sandboxes", "{}");
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        return r.json().get("id").asText();
    }

    private JsonNode run(String via, String sandbox, String command) {
        Http.Response r = cluster.api(via)
                .post(
                        "/runcell/v1/sandboxes/" + sandbox + "/executions",
                        Http.JSON
                                .createObjectNode()
                                .put("command", command)
                                .put("wait", true)
                                .toString());
        assertThat(r.status())
                .as(() ->
                        r.body() + "\nlog of " + via + ":\n" + cluster.node(via).log())
                .isEqualTo(200);
        return r.json();
    }

    private String state(String via, String sandbox) {
        Http.Response r = cluster.api(via).get("/runcell/v1/sandboxes/" + sandbox);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.json().get("state").asText();
    }

    @Test
    void aKilledNodesSandboxesTurnUnknownItsExecutionsLostAndItReconcilesOnRestart() throws Exception {
        String onA = createOn("a");
        String onB = createOn("b");
        String onC = createOn("c");
        run("b", onA, "echo kept > f.txt");
        String running = cluster.api("b")
                .post("/runcell/v1/sandboxes/" + onA + "/executions", "{\"command\":\"echo partial; sleep 600\"}")
                .json()
                .get("id")
                .asText();
        await().atMost(Duration.ofSeconds(10))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> cluster.api("b")
                        .get("/runcell/v1/executions/" + running)
                        .json()
                        .get("stdout")
                        .asText()
                        .equals("partial\n"));
        Thread.sleep(700); // one more output flush on a, so the stored record has the partial output too

        cluster.node("a").kill();
        // within 10 s of the kill the survivors report a's sandbox unknown and its execution lost
        await().atMost(Duration.ofSeconds(10))
                .pollInterval(Duration.ofMillis(200))
                .untilAsserted(() -> {
                    assertThat(state("b", onA)).isEqualTo("unknown");
                    JsonNode lost = cluster.api("c")
                            .get("/runcell/v1/executions/" + running)
                            .json();
                    assertThat(lost.get("status").asText()).isEqualTo("lost");
                    assertThat(lost.get("stdout").asText()).isEqualTo("partial\n");
                });
        // each dialect says so in its own words, at once rather than hanging
        long number = cluster.api("b")
                .get("/runcell/v1/sandboxes/" + onA)
                .json()
                .get("number")
                .asLong();
        JsonNode vast =
                cluster.api("b").get("/api/v0/instances/" + number + "/").json().get("instances");
        assertThat(vast.get("actual_status").asText()).isEqualTo("offline");
        Http.Response vastExec =
                cluster.api("b").put("/api/v0/instances/command/" + number + "/", "{\"command\":\"ls\"}");
        assertThat(vastExec.status()).isEqualTo(400);
        assertThat(vastExec.json().get("error").asText()).isEqualTo("invalid_container");
        String vps = "vps_" + onA.substring("sbx_".length());
        JsonNode probe =
                cluster.api("c").get("/api/v2/vps/" + vps + "/agent/exec").json();
        assertThat(probe.get("available").asBoolean()).isFalse();
        assertThat(probe.get("vmRunning").asBoolean()).isFalse();
        assertThat(probe.get("reason").asText()).contains("unreachable");
        Http.Response hostupExec = cluster.api("c").post("/api/v2/vps/" + vps + "/agent/exec", "{\"command\":\"ls\"}");
        assertThat(hostupExec.status()).isEqualTo(409);
        assertThat(hostupExec.json().get("code").asText()).isEqualTo("vps_not_ready");
        Http.Response nativeExec =
                cluster.api("b").post("/runcell/v1/sandboxes/" + onA + "/executions", "{\"command\":\"ls\"}");
        assertThat(nativeExec.status()).isEqualTo(409);
        assertThat(nativeExec.body()).contains("unreachable");

        // the other nodes' sandboxes are unaffected
        assertThat(run("c", onB, "echo b-ok").get("stdout").asText()).isEqualTo("b-ok\n");
        assertThat(run("b", onC, "echo c-ok").get("stdout").asText()).isEqualTo("c-ok\n");
        assertThat(state("b", onB)).isEqualTo("running");

        // a comes back: its processes died with it, so its sandbox is stopped with the workspace kept
        cluster.startNode("a");
        await().atMost(Duration.ofSeconds(10)).until(() -> state("b", onA).equals("stopped"));
        // c sees a alive again from its next heartbeat on (its view is at most a second old)
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            Http.Response started = cluster.api("c").post("/runcell/v1/sandboxes/" + onA + "/start", "");
            assertThat(started.status()).as(started.body()).isEqualTo(200);
        });
        assertThat(run("b", onA, "cat f.txt").get("stdout").asText()).isEqualTo("kept\n");
    }

    @Test
    void aFrozenNodeIsDeclaredDeadThenReconcilesItsSurvivingSandboxesToRunning() throws Exception {
        String onB = createOn("b");
        run("a", onB, "sleep 1000 > /dev/null 2>&1 &");
        cluster.node("b").pause(true);
        try {
            await().atMost(Duration.ofSeconds(10))
                    .pollInterval(Duration.ofMillis(200))
                    .until(() -> state("a", onB).equals("unknown"));
        } finally {
            cluster.node("b").pause(false);
        }
        // its processes survived the freeze: running again, with the background job still there
        try {
            await().atMost(Duration.ofSeconds(10)).until(() -> state("c", onB).equals("running"));
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new AssertionError(
                    "b did not reconcile; its log:\n" + cluster.node("b").log(), e);
        }
        // the pattern's brackets keep this command's own bash from matching
        JsonNode count = run("a", onB, "pgrep -c -f 'sleep 100[0]'");
        assertThat(count.get("stdout").asText()).as(count.toString()).isEqualTo("1\n");
    }

    @Test
    void aNodeStoppedWithSigtermDrainsAndLeavesWithoutBeingDeclaredDead() throws Exception {
        String onC = createOn("c");
        String exec = cluster.api("a")
                .post("/runcell/v1/sandboxes/" + onC + "/executions", "{\"command\":\"sleep 2; echo finished\"}")
                .json()
                .get("id")
                .asText();
        cluster.node("c").terminate(Duration.ofSeconds(30));
        // the drain let the execution finish before the node went away
        JsonNode done = cluster.api("a").get("/runcell/v1/executions/" + exec).json();
        assertThat(done.get("status").asText()).isEqualTo("succeeded");
        assertThat(done.get("stdout").asText()).isEqualTo("finished\n");
        // it left on purpose: its sandbox is stopped, not unknown, and new sandboxes go to the others
        assertThat(state("a", onC)).isEqualTo("stopped");
        Thread.sleep(ClusterFixtureTimes.LEASE_PLUS_SWEEP_MILLIS);
        assertThat(state("b", onC)).isEqualTo("stopped");
        Http.Response placed = cluster.api("b").post("/runcell/v1/sandboxes", "{}");
        assertThat(placed.json().get("node_id").asText()).isEqualTo("b");
    }
}
