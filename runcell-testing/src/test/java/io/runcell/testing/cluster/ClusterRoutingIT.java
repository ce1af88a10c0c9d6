package io.runcell.testing.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.runcell.testing.Http;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Three real nodes on one PostgreSQL: a sandbox created on node a is driven through b and c in every dialect, and
 * the answers are the owner's, relayed unchanged (only {@code X-Runcell-Node} tells which node ran it).
 */
class ClusterRoutingIT {

    private static ClusterFixture cluster;

    @BeforeAll
    static void start() throws Exception {
        // c holds at most one sandbox, so placement beyond it is visible
        cluster = ClusterFixture.start("a", "b");
        cluster.startNode("c", "--node-capacity", "1");
    }

    @AfterAll
    static void stop() throws Exception {
        cluster.close();
    }

    private static JsonNode createOn(String node) {
        Http.Response r = cluster.api(node).post("/runcell/v1/sandboxes", "{}");
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        assertThat(r.header("X-Runcell-Node")).isEqualTo(node);
        return r.json();
    }

    @Test
    void nativeCallsThroughAnyNodeRunOnTheOwner() {
        String sbx = createOn("a").get("id").asText();
        // a sync execution through b runs on a, in a's sandbox: the file written there is read back through c
        Http.Response written = cluster.api("b")
                .post(
                        "/runcell/v1/sandboxes/" + sbx + "/executions",
                        "{\"command\":\"echo from-b > f.txt; hostname\",\"wait\":true}");
        assertThat(written.status()).as(written.body()).isEqualTo(200);
        assertThat(written.header("X-Runcell-Node")).isEqualTo("a");
        assertThat(written.json().get("exit_code").asInt()).isZero();
        Http.Response read = cluster.api("c")
                .post("/runcell/v1/sandboxes/" + sbx + "/executions", "{\"command\":\"cat f.txt\",\"wait\":true}");
        assertThat(read.header("X-Runcell-Node")).isEqualTo("a");
        assertThat(read.json().get("stdout").asText()).isEqualTo("from-b\n");

        // SSE through c: the stream flows from a as it is produced
        String id = cluster.api("b")
                .post(
                        "/runcell/v1/sandboxes/" + sbx + "/executions",
                        "{\"command\":\"echo one; sleep 1; echo two >&2\"}")
                .json()
                .get("id")
                .asText();
        Http.Response events = cluster.api("c").get("/runcell/v1/executions/" + id + "/events");
        assertThat(events.status()).isEqualTo(200);
        assertThat(events.header("content-type")).startsWith("text/event-stream");
        assertThat(events.header("X-Runcell-Node")).isEqualTo("a");
        assertThat(events.body())
                .contains("event:stdout")
                .contains("{\"data\":\"one\\n\"}")
                .contains("{\"data\":\"two\\n\"}")
                .contains("event:exit");

        // reads answer the same on every node; the listing of any node shows the sandbox
        for (String node : new String[] {"a", "b", "c"}) {
            Http.Response got = cluster.api(node).get("/runcell/v1/sandboxes/" + sbx);
            assertThat(got.json().get("state").asText()).isEqualTo("running");
            assertThat(got.json().get("node_id").asText()).isEqualTo("a");
            assertThat(cluster.api(node).get("/runcell/v1/sandboxes?limit=500").body())
                    .contains(sbx);
        }
    }

    @Test
    void instaVmSessionFromAExecutesAndPollsThroughOtherNodes() {
        Http a = cluster.node("a").http().withHeader("X-API-Key", cluster.adminKey);
        Http b = cluster.node("b").http().withHeader("X-API-Key", cluster.adminKey);
        Http c = cluster.node("c").http().withHeader("X-API-Key", cluster.adminKey);
        Http.Response session = a.post("/v1/sessions/session", "{}");
        assertThat(session.status()).as(session.body()).isEqualTo(200);
        String sessionId = session.json().get("session_id").asText();

        Http.Response sync = b.post(
                "/execute",
                "{\"command\":\"print(6*7)\",\"session_id\":\"" + sessionId + "\",\"language\":\"python\"}");
        assertThat(sync.status()).as(sync.body()).isEqualTo(200);
        assertThat(sync.header("X-Runcell-Node")).isEqualTo("a");
        assertThat(sync.json().get("stdout").asText()).isEqualTo("42\n");

        Http.Response async = c.post(
                "/execute_async",
                "{\"command\":\"import time; time.sleep(1); print('late')\",\"session_id\":\"" + sessionId + "\"}");
        assertThat(async.status()).as(async.body()).isEqualTo(200);
        String task = async.json().get("task_id").asText();
        await().atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> b.get("/v1/executions/" + task)
                        .json()
                        .get("is_complete")
                        .asBoolean());
        JsonNode done = b.get("/v1/executions/" + task).json();
        assertThat(done.get("serialized_stdout").asText()).isEqualTo("late\n");
    }

    @Test
    void vastExecuteThroughBHasAResultUrlAnyNodeServes() {
        long instance = createOn("a").get("number").asLong();
        Http.Response answer = cluster.api("b")
                .put(
                        "/api/v0/instances/command/" + instance + "/",
                        Http.JSON.createObjectNode().put("command", "ls /").toString());
        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
        assertThat(answer.header("X-Runcell-Node")).isEqualTo("a");
        URI result = URI.create(answer.json().get("result_url").asText());
        String path = result.getRawPath();
        // unauthenticated, read through c
        Http anonymous = new Http(cluster.url("c"));
        await().atMost(Duration.ofSeconds(20))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> anonymous.get(path).status() == 200);
        assertThat(anonymous.get(path).body()).contains("workspace");

        JsonNode listed =
                cluster.api("c").get("/api/v0/instances/" + instance + "/").json();
        assertThat(listed.get("instances").get("actual_status").asText()).isEqualTo("running");
    }

    @Test
    void hostupExecThroughCIsPolledThroughB() {
        String vps = "vps_" + createOn("a").get("id").asText().substring("sbx_".length());
        Http.Response started =
                cluster.api("c").post("/api/v2/vps/" + vps + "/agent/exec", "{\"command\":\"uname -s\"}");
        assertThat(started.status()).as(started.body()).isEqualTo(200);
        assertThat(started.header("X-Runcell-Node")).isEqualTo("a");
        long pid = started.json().get("pid").asLong();
        await().atMost(Duration.ofSeconds(20))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> cluster.api("b")
                        .get("/api/v2/vps/" + vps + "/agent/exec?pid=" + pid)
                        .json()
                        .get("exited")
                        .asBoolean());
        JsonNode done = cluster.api("b")
                .get("/api/v2/vps/" + vps + "/agent/exec?pid=" + pid)
                .json();
        assertThat(done.get("exitCode").asInt()).isZero();
        assertThat(done.get("stdout").asText()).isEqualTo("Linux\n");
        JsonNode probe =
                cluster.api("b").get("/api/v2/vps/" + vps + "/agent/exec").json();
        assertThat(probe.get("available").asBoolean()).isTrue();
    }

    @Test
    void aForgedInternalCredentialIsRefused() {
        String sbx = createOn("a").get("id").asText();
        for (String forged :
                new String[] {"node=a;ts=" + (System.currentTimeMillis() / 1000) + ";sig=AAAA", "node=a", "garbage", ""
                }) {
            Http.Response r = cluster.node("b")
                    .http()
                    .send(
                            "GET",
                            "/runcell/v1/sandboxes/" + sbx,
                            null,
                            Map.of("Authorization", "Bearer " + cluster.adminKey, "X-Runcell-Forwarded", forged));
            assertThat(r.status()).as(forged).isEqualTo(403);
            assertThat(r.header("X-Runcell-Node")).isEqualTo("b");
            assertThat(r.body()).contains("internal node credential");
        }
    }

    @Test
    void aRequestAnotherNodeRelayedIsNotRelayedOnButAnsweredAsNotRunning() {
        // b believes a owns the sandbox; a request that comes to b already relayed (say by c, whose view of the
        // owner differed for a moment) must not bounce on between nodes
        String sbx = createOn("a").get("id").asText();
        String path = "/runcell/v1/sandboxes/" + sbx;
        var fromC = new io.runcell.api.cluster.InternalCredential(cluster.relayKey(), "c", java.time.Clock.systemUTC());
        Http.Response r = cluster.node("b")
                .http()
                .send(
                        "GET",
                        path,
                        null,
                        Map.of(
                                "Authorization",
                                "Bearer " + cluster.adminKey,
                                "X-Runcell-Forwarded",
                                fromC.sign("GET", path)));
        assertThat(r.status()).as(r.body()).isEqualTo(409);
        assertThat(r.header("X-Runcell-Node")).isEqualTo("b");
        assertThat(r.body()).contains("served by node a");
        // the same request from a client is relayed to a and answered there
        Http.Response direct = cluster.api("b").get(path);
        assertThat(direct.status()).isEqualTo(200);
        assertThat(direct.header("X-Runcell-Node")).isEqualTo("a");
    }

    @Test
    void aFullNodePlacesNewSandboxesOnTheLeastLoadedOther() {
        // c's capacity is one sandbox: the first lands on c, the next through c lands elsewhere
        Http.Response first = cluster.api("c").post("/runcell/v1/sandboxes", "{}");
        assertThat(first.status()).as(first.body()).isEqualTo(201);
        assertThat(first.json().get("node_id").asText()).isEqualTo("c");
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            Http.Response next = cluster.api("c").post("/runcell/v1/sandboxes", "{}");
            assertThat(next.status()).as(next.body()).isEqualTo(201);
            assertThat(next.json().get("node_id").asText()).isIn("a", "b");
            assertThat(next.header("X-Runcell-Node"))
                    .isEqualTo(next.json().get("node_id").asText());
        });
    }

    /** A new account on the free plan (made through node a) and a key of it with {@code scopes} (a JSON array). */
    private static String freePlanKey(String name, String scopes) {
        Http admin = cluster.api("a");
        String account = admin.post("/runcell/v1/accounts", "{\"name\":\"" + name + "\",\"plan\":\"free\"}")
                .json()
                .get("id")
                .asText();
        return admin.post("/runcell/v1/accounts/" + account + "/keys", "{\"scopes\":" + scopes + "}")
                .json()
                .get("key")
                .asText();
    }

    @Test
    void aFreePlanClientHammeringEveryNodeGetsOneNodesQuota() throws Exception {
        Http admin = cluster.api("a");
        String key = freePlanKey("hammer", "[\"read:vm\"]");
        double rate = admin.get("/runcell/v1/plans/free")
                .json()
                .get("read_rate_per_second")
                .asDouble();
        java.util.concurrent.atomic.AtomicInteger allowed = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.atomic.AtomicInteger refused = new java.util.concurrent.atomic.AtomicInteger();
        java.util.Queue<String> other = new java.util.concurrent.ConcurrentLinkedQueue<>();
        long start = System.nanoTime();
        long end = start + Duration.ofSeconds(4).toNanos();
        java.util.List<Thread> threads = new java.util.ArrayList<>();
        for (String node : new String[] {"a", "b", "c", "a", "b", "c"}) {
            Http client = cluster.node(node).http().bearer(key);
            threads.add(Thread.ofVirtual().start(() -> {
                while (System.nanoTime() < end) {
                    Http.Response r = client.get("/runcell/v1/sandboxes");
                    if (r.status() == 200) {
                        allowed.incrementAndGet();
                    } else if (r.status() == 429) {
                        refused.incrementAndGet();
                    } else {
                        other.add(r.status() + " " + r.body());
                    }
                }
            }));
        }
        for (Thread t : threads) {
            t.join();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        assertThat(other).isEmpty();
        // one bucket shared by all nodes: the burst (ceil(rate)) plus the refill over the run, with 5 % slack
        double ceiling = (Math.ceil(rate) + rate * seconds) * 1.05;
        assertThat(allowed.get())
                .as("allowed %d, refused %d in %.1f s at %s/s", allowed.get(), refused.get(), seconds, rate)
                .isLessThanOrEqualTo((int) Math.floor(ceiling))
                .isGreaterThanOrEqualTo((int) Math.ceil(rate));
        assertThat(refused.get()).isPositive();
    }

    @Test
    void theConcurrentExecutionQuotaCountsEveryNode() {
        Http admin = cluster.api("a");
        String key = freePlanKey("busy", "[\"read:vm\",\"write:vm\"]");
        int max = admin.get("/runcell/v1/plans/free")
                .json()
                .get("max_concurrent_executions")
                .asInt();
        assertThat(max).isEqualTo(2);
        Http onA = cluster.node("a").http().bearer(key);
        Http onB = cluster.node("b").http().bearer(key);
        // the free plan's rates are shared by the nodes too: retry past its 429s
        String sa = past429(() -> onA.post("/runcell/v1/sandboxes", "{}"))
                .json()
                .get("id")
                .asText();
        String sb = past429(() -> onB.post("/runcell/v1/sandboxes", "{}"))
                .json()
                .get("id")
                .asText();
        // one long execution on each node: together they fill the plan, though each node runs only one
        assertThat(past429(() -> onA.post("/runcell/v1/sandboxes/" + sa + "/executions", "{\"command\":\"sleep 20\"}"))
                        .status())
                .isEqualTo(202);
        assertThat(past429(() -> onB.post("/runcell/v1/sandboxes/" + sb + "/executions", "{\"command\":\"sleep 20\"}"))
                        .status())
                .isEqualTo(202);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            Http.Response third = onA.post("/runcell/v1/sandboxes/" + sa + "/executions", "{\"command\":\"true\"}");
            assertThat(third.status()).as(third.body()).isEqualTo(409);
            assertThat(third.json().get("code").asText()).isEqualTo("quota_exceeded");
        });
    }

    private static Http.Response past429(java.util.function.Supplier<Http.Response> call) {
        Http.Response[] last = new Http.Response[1];
        await().atMost(Duration.ofSeconds(10))
                .pollInterval(Duration.ofMillis(250))
                .until(() -> (last[0] = call.get()).status() != 429);
        return last[0];
    }
}
