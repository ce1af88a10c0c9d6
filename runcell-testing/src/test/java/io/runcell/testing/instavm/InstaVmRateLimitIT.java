package io.runcell.testing.instavm;

import static org.assertj.core.api.Assertions.assertThat;

import io.runcell.testing.Http;
import io.runcell.testing.TestServer;
import java.time.Duration;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A plan's exec rate refuses with FastAPI's 429 {@code {"detail": ...}}, which the SDK reads into RateLimitError. */
class InstaVmRateLimitIT {

    static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void execsOverThePlanRateGet429WithDetail() {
        Http admin = server.http().bearer(server.adminKey());
        String account = admin.post("/runcell/v1/accounts", "{\"name\":\"free-insta\",\"plan\":\"free\"}")
                .json()
                .get("id")
                .asText();
        String key = admin.post(
                        "/runcell/v1/accounts/" + account + "/keys",
                        "{\"name\":\"k\",\"scopes\":[\"read:vm\",\"write:vm\"]}")
                .json()
                .get("key")
                .asText();
        InstaVmFixture api = new InstaVmFixture(server, key);
        String[] session = new String[1];
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> {
            Http.Response r = server.http().post("/v1/sessions/session", "{\"api_key\":\"" + key + "\"}");
            if (r.status() == 200) {
                session[0] = r.json().get("session_id").asText();
            }
            return r.status() != 429;
        });
        assertThat(session[0]).isNotNull();

        Http.Response limited = null;
        for (int i = 0; i < 20 && limited == null; i++) {
            Http.Response r = api.http.post(
                    "/execute_async",
                    "{\"command\":\"true\",\"language\":\"bash\",\"session_id\":\"" + session[0] + "\"}");
            if (r.status() != 200) {
                limited = r;
            }
        }
        assertThat(limited).as("no 429 within 20 quick requests").isNotNull();
        assertThat(limited.status()).as(limited.body()).isEqualTo(429);
        assertThat(limited.header("content-type")).startsWith("application/json");
        assertThat(limited.json().size()).isEqualTo(1);
        assertThat(limited.json().get("detail").asText()).isNotBlank();
        assertThat(Long.parseLong(limited.header("retry-after"))).isBetween(1L, 2L);
        assertThat(limited.header("x-ratelimit-remaining")).isEqualTo("0");
    }
}
