package io.runcell.testing.plans;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.runcell.testing.Http;
import io.runcell.testing.TestServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Plans on the real server: rates give 429 with the numbers, quotas give quota_exceeded, assignment changes them. */
class PlansIT {

    static TestServer server;
    static Http admin;

    @BeforeAll
    static void start() {
        server = TestServer.start();
        admin = server.http().bearer(server.adminKey());
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    record Account(String id, Http http) {}

    static Account account(String name, String plan) {
        Http.Response r = admin.post("/runcell/v1/accounts", "{\"name\":\"" + name + "\",\"plan\":\"" + plan + "\"}");
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        String id = r.json().get("id").asText();
        Http.Response k = admin.post(
                "/runcell/v1/accounts/" + id + "/keys", "{\"name\":\"k\",\"scopes\":[\"read:vm\",\"write:vm\"]}");
        assertThat(k.status()).as(k.body()).isEqualTo(201);
        return new Account(id, server.http().bearer(k.json().get("key").asText()));
    }

    /** Retries while the answer is 429 (waiting for the bucket to refill is not what these steps test). */
    static Http.Response past429(java.util.function.Supplier<Http.Response> call) {
        AtomicReference<Http.Response> last = new AtomicReference<>();
        await().atMost(Duration.ofSeconds(20))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> {
                    last.set(call.get());
                    return last.get().status() != 429;
                });
        return last.get();
    }

    static String createSandbox(Account a) {
        Http.Response r = past429(() -> a.http().post("/runcell/v1/sandboxes", "{}"));
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        return r.json().get("id").asText();
    }

    static JsonNode problem(Http.Response r, int status, String code) {
        assertThat(r.status()).as(r.body()).isEqualTo(status);
        assertThat(r.header("content-type")).startsWith("application/problem+json");
        JsonNode body = r.json();
        assertThat(body.get("code").asText()).isEqualTo(code);
        assertThat(body.get("status").asInt()).isEqualTo(status);
        return body;
    }

    @Test
    void seededPlansAreListed() {
        Http.Response r = admin.get("/runcell/v1/plans");
        assertThat(r.status()).isEqualTo(200);
        List<String> names = new ArrayList<>();
        r.json().get("data").forEach(p -> names.add(p.get("name").asText()));
        assertThat(names).contains("default", "free", "pro", "unlimited");
        JsonNode free = null;
        for (JsonNode p : r.json().get("data")) {
            if (p.get("name").asText().equals("free")) {
                free = p;
            }
        }
        assertThat(free.get("exec_rate_per_second").asDouble()).isEqualTo(2.0);
        // null: the server's configured allowlist (--command-allowlist)
        assertThat(free.get("command_allowlist").isNull()).isTrue();
    }

    @Test
    void aFreeClientOverItsExecRateGets429WithTheHeadersAndNoRecord() {
        Account a = account("free-exec", "free");
        String sandbox = createSandbox(a);
        String path = "/runcell/v1/sandboxes/" + sandbox + "/executions";
        int accepted = 0;
        Http.Response limited = null;
        for (int i = 0; i < 20 && limited == null; i++) {
            Http.Response r = a.http().post(path, "{\"command\":\"true\"}");
            if (r.status() == 202) {
                accepted++;
            } else {
                limited = r;
            }
        }
        assertThat(limited).as("no 429 within 20 quick requests").isNotNull();
        JsonNode body = problem(limited, 429, "rate_limited");
        assertThat(body.get("detail").asText()).contains("exec");
        assertThat(Long.parseLong(limited.header("retry-after"))).isBetween(1L, 2L);
        assertThat(limited.header("x-ratelimit-limit")).isEqualTo("2");
        assertThat(limited.header("x-ratelimit-remaining")).isEqualTo("0");
        assertThat(Long.parseLong(limited.header("x-ratelimit-reset"))).isBetween(1L, 2L);

        int expected = accepted;
        Http.Response list = past429(() -> a.http().get(path));
        assertThat(list.status()).isEqualTo(200);
        assertThat(list.json().get("data").size())
                .as("only accepted executions have records")
                .isEqualTo(expected);
    }

    @Test
    void aRefusedCreateLeavesNoSandboxAndQuotaIsDistinctFromRate() {
        Account a = account("free-quota", "free");
        createSandbox(a);
        // manage is 1/s: an immediate second create is refused and leaves nothing behind
        Http.Response fast = a.http().post("/runcell/v1/sandboxes", "{}");
        if (fast.status() == 429) {
            problem(fast, 429, "rate_limited");
            Http.Response list = past429(() -> a.http().get("/runcell/v1/sandboxes"));
            assertThat(list.json().get("data").size()).isEqualTo(1);
            createSandbox(a);
        } else {
            assertThat(fast.status()).as(fast.body()).isEqualTo(201);
        }
        // the free plan holds two sandboxes: the third is a quota, not a rate
        Http.Response third = past429(() -> a.http().post("/runcell/v1/sandboxes", "{}"));
        problem(third, 409, "quota_exceeded");
        assertThat(third.header("x-ratelimit-limit")).isNull();
    }

    @Test
    void planLimitsOnSizesAndLifetimeAreEnforced() {
        Account a = account("free-size", "free");
        JsonNode m = problem(
                past429(() -> a.http().post("/runcell/v1/sandboxes", "{\"memory_mb\": 1024}")), 400, "invalid_request");
        assertThat(m.get("errors").get(0).get("pointer").asText()).isEqualTo("/memory_mb");
        JsonNode v = problem(
                past429(() -> a.http().post("/runcell/v1/sandboxes", "{\"vcpus\": 2}")), 400, "invalid_request");
        assertThat(v.get("errors").get(0).get("pointer").asText()).isEqualTo("/vcpus");
        JsonNode l = problem(
                past429(() -> a.http().post("/runcell/v1/sandboxes", "{\"lifetime_seconds\": 7200}")),
                400,
                "invalid_request");
        assertThat(l.get("errors").get(0).get("pointer").asText()).isEqualTo("/lifetime_seconds");
        // without a lifetime the free plan's default (its maximum) applies
        Http.Response ok = past429(() -> a.http().post("/runcell/v1/sandboxes", "{}"));
        assertThat(ok.status()).as(ok.body()).isEqualTo(201);
        assertThat(ok.json().get("lifetime_seconds").asInt()).isEqualTo(3600);
    }

    @Test
    void assigningAPlanChangesTheLimitsAtOnce() {
        Account a = account("upgrade", "free");
        String sandbox = createSandbox(a);
        String path = "/runcell/v1/sandboxes/" + sandbox + "/executions";
        Http.Response assigned = admin.put("/runcell/v1/accounts/" + a.id() + "/plan", "{\"plan\":\"unlimited\"}");
        assertThat(assigned.status()).as(assigned.body()).isEqualTo(200);
        assertThat(assigned.json().get("plan").asText()).isEqualTo("unlimited");
        for (int i = 0; i < 15; i++) {
            assertThat(a.http().post(path, "{\"command\":\"true\"}").status()).isEqualTo(202);
        }
        Http.Response back = admin.put("/runcell/v1/accounts/" + a.id() + "/plan", "{\"plan\":\"free\"}");
        assertThat(back.status()).isEqualTo(200);
        boolean limited = false;
        for (int i = 0; i < 20 && !limited; i++) {
            limited = a.http().post(path, "{\"command\":\"true\"}").status() == 429;
        }
        assertThat(limited).isTrue();
    }

    @Test
    void adminsCreateAndChangePlansOthersMayNot() {
        Http.Response created = admin.post(
                "/runcell/v1/plans",
                "{\"name\":\"tiny\",\"exec_rate_per_second\":0.5,\"max_sandboxes\":1,\"command_allowlist\":[\"ls\"]}");
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        assertThat(created.json().get("exec_rate_per_second").asDouble()).isEqualTo(0.5);
        assertThat(created.json().get("max_memory_mb").asInt()).isEqualTo(8192);
        problem(admin.post("/runcell/v1/plans", "{\"name\":\"tiny\"}"), 409, "conflict");
        Http.Response changed = admin.put("/runcell/v1/plans/tiny", "{\"max_sandboxes\":3}");
        assertThat(changed.status()).as(changed.body()).isEqualTo(200);
        assertThat(changed.json().get("max_sandboxes").asInt()).isEqualTo(3);
        assertThat(changed.json().get("exec_rate_per_second").asDouble()).isEqualTo(0.5);
        assertThat(changed.json().get("command_allowlist").toString()).isEqualTo("[\"ls\"]");
        Http.Response reset = admin.put("/runcell/v1/plans/tiny", "{\"command_allowlist\":null}");
        assertThat(reset.status()).as(reset.body()).isEqualTo(200);
        assertThat(reset.json().get("command_allowlist").isNull()).isTrue();
        JsonNode bad =
                problem(admin.put("/runcell/v1/plans/tiny", "{\"default_memory_mb\":99999}"), 400, "invalid_request");
        assertThat(bad.get("errors").get(0).get("pointer").asText()).isEqualTo("/default_memory_mb");
        problem(admin.put("/runcell/v1/plans/nope", "{}"), 404, "plan_not_found");

        Account user = account("not-admin", "default");
        problem(user.http().post("/runcell/v1/plans", "{\"name\":\"mine\"}"), 403, "forbidden");
        problem(user.http().put("/runcell/v1/plans/tiny", "{}"), 403, "forbidden");
    }
}
