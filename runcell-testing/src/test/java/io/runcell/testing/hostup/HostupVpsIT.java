package io.runcell.testing.hostup;

import static io.runcell.testing.hostup.HostupFixture.problem;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.runcell.testing.Http;
import io.runcell.testing.TestServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** VPS listing with paging, one VPS, and power actions as polled operations. */
class HostupVpsIT {

    static TestServer server;
    static HostupFixture f;

    @BeforeAll
    static void start() {
        server = TestServer.start();
        f = new HostupFixture(server, server.newAccountKey("hostup-vps"));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void listPagesInStableOrderWithAnOpaqueCursor() {
        HostupFixture mine = new HostupFixture(server, server.newAccountKey("hostup-list"));
        List<String> created = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            created.add(mine.newVps("{\"start\": false, \"label\": \"box-" + i + "\"}"));
        }
        List<String> seen = new ArrayList<>();
        String cursor = null;
        int pages = 0;
        do {
            Http.Response r = mine.hostup.get("/api/v2/vps?limit=2" + (cursor == null ? "" : "&cursor=" + cursor));
            assertThat(r.status()).as(r.body()).isEqualTo(200);
            JsonNode body = r.json();
            body.get("data").forEach(v -> seen.add(v.get("id").asText()));
            JsonNode next = body.get("pagination").get("nextCursor");
            cursor = next.isNull() ? null : next.asText();
            if (cursor != null) {
                assertThat(cursor).doesNotContain("sbx_").doesNotContain("vps_");
            }
            pages++;
        } while (cursor != null);
        assertThat(pages).isEqualTo(3);
        assertThat(seen).containsExactlyElementsOf(created.stream().sorted().toList());
        JsonNode all = mine.hostup.get("/api/v2/vps?limit=100").json();
        assertThat(all.get("data")).hasSize(5);
        assertThat(all.get("pagination").get("nextCursor").isNull()).isTrue();
    }

    @Test
    void listAndGetRenderTheVps() {
        String vps = f.newVps("{\"label\": \"web-1\"}");
        assertThat(vps).matches("vps_[0-9a-hjkmnp-tv-z]{26}");
        JsonNode one = f.hostup.get("/api/v2/vps/" + vps).json().get("data");
        assertThat(one.get("id").asText()).isEqualTo(vps);
        assertThat(one.get("name").asText()).isEqualTo("web-1");
        assertThat(one.get("powerState").asText()).isEqualTo("running");
        assertThat(one.get("serviceStatus").asText()).isEqualTo("active");
        assertThat(one.has("primaryIp")).isTrue();
        assertThat(one.get("resources").get("memoryMb").asInt()).isPositive();
        assertThat(one.get("resources").get("vcpus").asInt()).isPositive();
        assertThat(f.hostup.get("/api/v2/vps?limit=100").json().get("data").findValuesAsText("id"))
                .contains(vps);
        // the same sandbox, seen through the native API
        assertThat(f.nativeApi
                        .get("/runcell/v1/sandboxes/" + HostupFixture.sandboxId(vps))
                        .status())
                .isEqualTo(200);
    }

    @Test
    void badLimitOrCursorIs400() {
        for (String q : List.of("limit=0", "limit=101", "limit=abc", "cursor=%21%21", "cursor=c2J4X25vcGU")) {
            JsonNode p = problem(f.hostup.get("/api/v2/vps?" + q), 400, "invalid_request", "/api/v2/vps");
            assertThat(p.get("errors").get(0).get("pointer").asText()).isIn("/limit", "/cursor");
        }
        assertThat(f.hostup.get("/api/v2/vps?limit=1").status()).isEqualTo(200);
        assertThat(f.hostup.get("/api/v2/vps?limit=100").status()).isEqualTo(200);
    }

    private JsonNode act(String vps, String action) {
        Http.Response r = f.hostup.post("/api/v2/vps/" + vps + "/actions/" + action, "");
        assertThat(r.status()).as(r.body()).isEqualTo(202);
        JsonNode op = r.json().get("operation");
        assertThat(op.get("id").asText()).startsWith("op_");
        assertThat(op.get("status").asText()).isIn("pending", "running", "succeeded");
        assertThat(op.get("pollUrl").asText())
                .isEqualTo("/api/v2/vps/" + vps + "/operations/" + op.get("id").asText());
        return op;
    }

    private JsonNode awaitOperation(JsonNode op) {
        JsonNode[] last = new JsonNode[1];
        await().atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> {
                    Http.Response r = f.hostup.get(op.get("pollUrl").asText());
                    assertThat(r.status()).as(r.body()).isEqualTo(200);
                    last[0] = r.json().get("operation");
                    return last[0].get("status").asText().equals("succeeded")
                            || last[0].get("status").asText().equals("failed");
                });
        return last[0];
    }

    @Test
    void powerActionsAreOperationsThatReachTheirState() {
        String vps = f.newVps();
        f.run(vps, "echo kept > /workspace/note");
        assertThat(awaitOperation(act(vps, "shutdown")).get("status").asText()).isEqualTo("succeeded");
        assertThat(f.hostup
                        .get("/api/v2/vps/" + vps)
                        .json()
                        .get("data")
                        .get("powerState")
                        .asText())
                .isEqualTo("stopped");
        assertThat(f.hostup
                        .get("/api/v2/vps/" + vps + "/agent/exec")
                        .json()
                        .get("vmRunning")
                        .asBoolean())
                .isFalse();

        assertThat(awaitOperation(act(vps, "start")).get("status").asText()).isEqualTo("succeeded");
        assertThat(f.hostup
                        .get("/api/v2/vps/" + vps + "/agent/exec")
                        .json()
                        .get("available")
                        .asBoolean())
                .isTrue();
        assertThat(f.run(vps, "cat /workspace/note").get("stdout").asText()).isEqualTo("kept\n");

        f.exec(vps, "sleep 300");
        await().atMost(Duration.ofSeconds(10)).until(() -> f.run(vps, "pgrep -c -f 'slee[p] 300' || true")
                .get("stdout")
                .asText()
                .strip()
                .equals("1"));
        assertThat(awaitOperation(act(vps, "restart")).get("status").asText()).isEqualTo("succeeded");
        assertThat(f.run(vps, "pgrep -c -f 'slee[p] 300' || true")
                        .get("stdout")
                        .asText()
                        .strip())
                .isEqualTo("0");
        assertThat(awaitOperation(act(vps, "reset")).get("status").asText()).isEqualTo("succeeded");
        assertThat(awaitOperation(act(vps, "stop")).get("status").asText()).isEqualTo("succeeded");
    }

    @Test
    void unknownActionIs400AndUnknownOperationIs404() {
        String vps = f.newVps("{\"start\": false}");
        String path = "/api/v2/vps/" + vps + "/actions/explode";
        JsonNode p = problem(f.hostup.post(path, "{}"), 400, "invalid_request", path);
        assertThat(p.get("errors").get(0).get("pointer").asText()).isEqualTo("/action");
        String op = "/api/v2/vps/" + vps + "/operations/op_01hxa3b4c5d6e7f8g9h0j1k2m3";
        problem(f.hostup.get(op), 404, "not_found", op);
    }
}
