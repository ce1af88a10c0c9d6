package io.runcell.testing.plans;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.runcell.testing.Http;
import io.runcell.testing.TestServer;
import io.runcell.testing.hostup.HostupFixture;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The core's limiter, triggered for real, rendered in each dialect's own 429 shape. */
class DialectRateLimitIT {

    /** Vast's documented intervals: execute 1.5 s (2/3 per second), manage 1.0 s; reads at 2.0 s. */
    static final String VAST_PLAN = "vast-intervals";
    /** One call per second of each class: a call that took two tokens of a class could never pass. */
    static final String STEADY_PLAN = "one-per-second";

    static TestServer server;
    static Http admin;
    static Http free;
    /** A sandbox of the free-plan account, for the exec 429s. */
    static String sandbox;

    @BeforeAll
    static void start() {
        server = TestServer.start();
        admin = server.http().bearer(server.adminKey());
        free = server.http().bearer(keyOn("free", "limited"));
        Http.Response created = free.post("/runcell/v1/sandboxes", "{}");
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        sandbox = created.json().get("id").asText();
        plan("{\"name\":\"" + VAST_PLAN + "\",\"exec_rate_per_second\":0.6666666666666666,"
                + "\"manage_rate_per_second\":1,\"read_rate_per_second\":0.5}");
        plan("{\"name\":\"" + STEADY_PLAN + "\",\"exec_rate_per_second\":1,"
                + "\"manage_rate_per_second\":1,\"read_rate_per_second\":1}");
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    /** Calls until the limiter answers 429 (the free plan allows a few per second), at most 50 times. */
    static Http.Response until429(Supplier<Http.Response> call) {
        for (int i = 0; i < 50; i++) {
            Http.Response r = call.get();
            if (r.status() == 429) {
                return r;
            }
        }
        throw new AssertionError("no 429 after 50 calls");
    }

    /** A new account on {@code plan}; returns its key. */
    static String keyOn(String plan, String name) {
        String id = admin.post("/runcell/v1/accounts", "{\"name\":\"" + name + "\",\"plan\":\"" + plan + "\"}")
                .json()
                .get("id")
                .asText();
        return admin.post("/runcell/v1/accounts/" + id + "/keys", "{\"scopes\":[\"read:vm\",\"write:vm\"]}")
                .json()
                .get("key")
                .asText();
    }

    static void plan(String body) {
        Http.Response r = admin.post("/runcell/v1/plans", body);
        assertThat(r.status()).as(r.body()).isEqualTo(201);
    }

    /** An instance of a fresh account on the plan with Vast's intervals (its create takes the manage token). */
    static long vastInstance(Http vast) {
        Http.Response r = vast.put("/api/v0/asks/1/", "{}");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.json().get("new_contract").asLong();
    }

    @Test
    void vastExecuteAnswersItsOwnIntervalOfOnePointFiveSeconds() {
        Http vast = server.http().bearer(keyOn(VAST_PLAN, "vast-exec"));
        String path = "/api/v0/instances/command/" + vastInstance(vast) + "/";
        Http.Response first = vast.put(path, "{\"command\":\"ls\"}");
        assertThat(first.status()).as(first.body()).isEqualTo(200);
        // one call is one exec token: a second within 1.5 s is refused by the exec bucket, not by a read charged
        // for looking the instance up (that would print the read interval, 2.0)
        Http.Response r = vast.put(path, "{\"command\":\"ls\"}");
        assertThat(r.status()).as(r.body()).isEqualTo(429);
        assertThat(r.body()).isEqualTo("{\"detail\":\"API requests too frequent endpoint threshold=1.5\"}");
        assertThat(Long.parseLong(r.header("retry-after"))).isPositive();
    }

    @Test
    void vastManageAnswersItsOwnIntervalOfOneSecondAndTakesOneTokenForLabelAndState() {
        Http vast = server.http().bearer(keyOn(VAST_PLAN, "vast-manage"));
        String path = "/api/v0/instances/" + vastInstance(vast) + "/";
        // label and state in one call: one manage token, so it passes once the create's token is back
        Http.Response ok = PlansIT.past429(() -> vast.put(path, "{\"label\":\"first\",\"state\":\"stopped\"}"));
        assertThat(ok.body()).isEqualTo("{\"success\":true}");
        Http.Response r = vast.put(path, "{\"label\":\"second\"}");
        assertThat(r.status()).as(r.body()).isEqualTo(429);
        assertThat(r.body()).isEqualTo("{\"detail\":\"API requests too frequent endpoint threshold=1.0\"}");
        Http.Response shown = PlansIT.past429(() -> vast.get(path));
        assertThat(shown.json().get("instances").get("label").asText()).isEqualTo("first");
        assertThat(shown.json().get("instances").get("actual_status").asText()).isEqualTo("stopped");
    }

    @Test
    void instavmUsageIsOneReadSoAOnePerSecondPlanAnswersIt() {
        Http instavm = new Http(server.url()).withHeader("X-API-Key", keyOn(STEADY_PLAN, "instavm-usage"));
        Http.Response session = instavm.post("/v1/sessions/session", "{}");
        assertThat(session.status()).as(session.body()).isEqualTo(200);
        String path = "/v1/sessions/usage/" + session.json().get("session_id").asText();
        Http.Response usage = PlansIT.past429(() -> instavm.get(path));
        assertThat(usage.status()).as(usage.body()).isEqualTo(200);
        assertThat(usage.json().get("executions").asInt()).isZero();
    }

    @Test
    void hostupRestartIsOneManageCallSoItSucceedsOnAOnePerSecondPlan() {
        Http hostup = server.http().bearer(keyOn(STEADY_PLAN, "hostup-restart"));
        Http.Response created = hostup.post("/runcell/v1/sandboxes", "{}");
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        String vps = "vps_" + created.json().get("id").asText().substring("sbx_".length());
        Http.Response accepted = PlansIT.past429(() -> hostup.post("/api/v2/vps/" + vps + "/actions/restart", ""));
        assertThat(accepted.status()).as(accepted.body()).isEqualTo(202);
        String poll = accepted.json().get("operation").get("pollUrl").asText();
        AtomicReference<String> status = new AtomicReference<>();
        await().atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(300))
                .until(() -> {
                    Http.Response r = hostup.get(poll);
                    if (r.status() == 200) {
                        status.set(r.json().get("operation").get("status").asText());
                    }
                    return "succeeded".equals(status.get()) || "failed".equals(status.get());
                });
        assertThat(status.get()).isEqualTo("succeeded");
    }

    @Test
    void hostupAnswersProblemJsonWithRateLimitHeaders() {
        Http.Response r = until429(() -> free.get("/api/v2/vps"));
        assertThat(r.header("content-type")).startsWith("application/problem+json");
        assertThat(r.json().get("code").asText()).isEqualTo("rate_limited");
        assertThat(r.json().get("requestId").asText()).startsWith("req_");
        assertThat(Long.parseLong(r.header("retry-after"))).isPositive();
        assertThat(Long.parseLong(r.header("x-ratelimit-limit"))).isPositive();
        assertThat(r.header("x-ratelimit-remaining")).isEqualTo("0");
        assertThat(r.header("x-ratelimit-reset")).isNotNull();
    }

    @Test
    void hostupExecAnswersACompleteProblemWithRateLimitHeaders() {
        String path = "/api/v2/vps/vps_" + sandbox.substring("sbx_".length()) + "/agent/exec";
        Http.Response r = until429(() -> free.post(path, "{\"command\":\"true\"}"));
        JsonNode p = HostupFixture.problem(r, 429, "rate_limited", path);
        assertThat(p.get("title").asText()).isEqualTo("Too many requests");
        // the free plan's exec class: 2 per second, a bucket of 2 that refills within a second
        assertThat(p.get("detail").asText())
                .isEqualTo("Rate limit of 2 exec requests per second exceeded; retry in 1 s.");
        assertThat(p.has("errors")).isFalse();
        assertThat(r.header("retry-after")).isEqualTo("1");
        assertThat(r.header("x-ratelimit-limit")).isEqualTo("2");
        assertThat(r.header("x-ratelimit-remaining")).isEqualTo("0");
        assertThat(r.header("x-ratelimit-reset")).isEqualTo("1");
    }

    @Test
    void nativeAnswersProblemJsonWithTheSameHeaders() {
        Http.Response r = until429(() -> free.get("/runcell/v1/sandboxes"));
        assertThat(r.json().get("code").asText()).isEqualTo("rate_limited");
        assertThat(r.header("x-ratelimit-limit")).isNotNull();
    }
}
