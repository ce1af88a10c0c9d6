package io.runcell.testing.hostup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.runcell.testing.Http;
import io.runcell.testing.TestServer;
import java.time.Duration;
import java.time.Instant;

/** Shortcuts for the Hostup integration tests: sandboxes come from the native API, everything else is Hostup. */
final class HostupFixture {

    final TestServer server;
    final Http hostup;
    final Http nativeApi;

    HostupFixture(TestServer server, String key) {
        this.server = server;
        this.hostup = server.http().bearer(key);
        this.nativeApi = server.http().bearer(key);
    }

    /** A new running sandbox of this key's account, as its VPS id. */
    String newVps() {
        return newVps("{}");
    }

    String newVps(String nativeBody) {
        Http.Response r = nativeApi.post("/runcell/v1/sandboxes", nativeBody);
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        return "vps_" + r.json().get("id").asText().substring("sbx_".length());
    }

    static String sandboxId(String vpsId) {
        return "sbx_" + vpsId.substring("vps_".length());
    }

    /** POST exec, expecting 200; returns the pollUrl. */
    String exec(String vps, String command) {
        Http.Response r = hostup.post(
                "/api/v2/vps/" + vps + "/agent/exec",
                Http.JSON.createObjectNode().put("command", command).toString());
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.json().get("pollUrl").asText();
    }

    /** Polls {@code pollUrl} until {@code exited}, as a script would. */
    JsonNode pollUntilExited(String pollUrl) {
        JsonNode[] last = new JsonNode[1];
        await().atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> {
                    Http.Response r = hostup.get(pollUrl);
                    assertThat(r.status()).as(r.body()).isEqualTo(200);
                    last[0] = r.json();
                    return last[0].get("exited").asBoolean();
                });
        return last[0];
    }

    JsonNode run(String vps, String command) {
        return pollUntilExited(exec(vps, command));
    }

    /** Asserts a Hostup RFC 7807 problem with every required member; returns its body. */
    static JsonNode problem(Http.Response r, int status, String code, String path) {
        assertThat(r.status()).as(r.body()).isEqualTo(status);
        assertThat(r.header("content-type")).startsWith("application/problem+json");
        JsonNode p = r.json();
        assertThat(p.get("type").asText()).isEqualTo("https://developer.hostup.se/errors/" + code);
        assertThat(p.get("title").asText()).isNotBlank();
        assertThat(p.get("status").asInt()).isEqualTo(status);
        assertThat(p.get("detail").asText()).isNotBlank();
        assertThat(p.get("code").asText()).isEqualTo(code);
        assertThat(p.get("instance").asText()).isEqualTo(path);
        assertThat(p.get("requestId").asText())
                .matches("req_[0-9a-hjkmnp-tv-z]{26}")
                .isEqualTo(r.header("x-request-id"));
        Instant at = Instant.parse(p.get("timestamp").asText());
        assertThat(at).isBetween(Instant.now().minusSeconds(60), Instant.now().plusSeconds(5));
        assertThat(p.get("timestamp").asText()).endsWith("Z");
        return p;
    }
}
