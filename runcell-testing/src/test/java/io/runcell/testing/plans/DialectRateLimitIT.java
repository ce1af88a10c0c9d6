package io.runcell.testing.plans;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.runcell.testing.Http;
import io.runcell.testing.TestServer;
import io.runcell.testing.hostup.HostupFixture;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The core's limiter, triggered for real, rendered in each dialect's own 429 shape. */
class DialectRateLimitIT {

    static TestServer server;
    static Http admin;
    static Http free;
    static String sandbox;

    @BeforeAll
    static void start() {
        server = TestServer.start();
        admin = server.http().bearer(server.adminKey());
        String id = admin.post("/runcell/v1/accounts", "{\"name\":\"limited\",\"plan\":\"free\"}")
                .json()
                .get("id")
                .asText();
        String key = admin.post("/runcell/v1/accounts/" + id + "/keys", "{\"scopes\":[\"read:vm\",\"write:vm\"]}")
                .json()
                .get("key")
                .asText();
        free = server.http().bearer(key);
        Http.Response created = free.post("/runcell/v1/sandboxes", "{}");
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        sandbox = created.json().get("id").asText();
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

    @Test
    void vastAnswersWithTheEndpointsThreshold() {
        long number = PlansIT.past429(() -> free.get("/runcell/v1/sandboxes/" + sandbox))
                .json()
                .get("number")
                .asLong();
        Http.Response r = until429(() -> free.put("/api/v0/instances/command/" + number + "/", "{\"command\":\"ls\"}"));
        assertThat(r.json().get("detail").asText()).matches("API requests too frequent endpoint threshold=\\d+\\.\\d+");
        assertThat(r.json().size()).isEqualTo(1);
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
