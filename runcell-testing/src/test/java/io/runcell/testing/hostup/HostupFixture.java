package io.runcell.testing.hostup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.runcell.testing.Http;
import io.runcell.testing.TestServer;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;

/**
 * Shortcuts for the Hostup integration tests: sandboxes come from the native API, everything else is Hostup.
 * Public only for {@link #problem}, which the cross-dialect tests use too.
 */
public final class HostupFixture {

    final Http hostup;
    final Http nativeApi;

    HostupFixture(TestServer server, String key) {
        this(server.http(), key);
    }

    /** For a server of any kind (in this JVM or forked) reached through {@code base}. */
    HostupFixture(Http base, String key) {
        this.hostup = base.bearer(key);
        this.nativeApi = base.bearer(key);
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

    /** POST a power action, expecting 202, and poll its operation until it ends; returns the final operation. */
    JsonNode act(String vps, String action) {
        Http.Response r = hostup.post("/api/v2/vps/" + vps + "/actions/" + action, "");
        assertThat(r.status()).as(r.body()).isEqualTo(202);
        String pollUrl = r.json().get("operation").get("pollUrl").asText();
        JsonNode[] last = new JsonNode[1];
        await().atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> {
                    Http.Response p = hostup.get(pollUrl);
                    assertThat(p.status()).as(p.body()).isEqualTo(200);
                    last[0] = p.json().get("operation");
                    String status = last[0].get("status").asText();
                    return status.equals("succeeded") || status.equals("failed");
                });
        return last[0];
    }

    /**
     * Runs one statement on the SQLite file of the server with data dir {@code dataDir}, beside the server's own
     * connections, as an operator with the sqlite3 shell would: for the states the API never produces (a key
     * without scopes, a store that fails).
     */
    static int sql(Path dataDir, String statement, Object... params) {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dataDir.resolve("runcell.db"))) {
            try (Statement pragma = c.createStatement()) {
                pragma.execute("PRAGMA busy_timeout = 10000");
            }
            try (PreparedStatement st = c.prepareStatement(statement)) {
                for (int i = 0; i < params.length; i++) {
                    st.setObject(i + 1, params[i]);
                }
                return st.executeUpdate();
            }
        } catch (SQLException e) {
            throw new IllegalStateException("could not run " + statement, e);
        }
    }

    /** Asserts a Hostup RFC 7807 problem with every required member; returns its body. */
    public static JsonNode problem(Http.Response r, int status, String code, String path) {
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
