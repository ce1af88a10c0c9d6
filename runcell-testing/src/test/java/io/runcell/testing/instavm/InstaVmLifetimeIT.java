package io.runcell.testing.instavm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.runcell.testing.TestServer;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The first execute spawns the VM, later ones reuse it, the reaper kills it at expiry, the next execute respawns. */
class InstaVmLifetimeIT {

    static TestServer server;
    static InstaVmFixture api;

    @BeforeAll
    static void start() {
        server = TestServer.start();
        api = new InstaVmFixture(server, server.newAccountKey("lifetime"));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void execAfterLifetimeSpawnsFreshSandbox() {
        String session = api.createSession(20);
        assertThat(api.vmStatus(session)).isEqualTo("pending");

        // a uniquely named process (the sandbox itself holds a plain "sleep")
        api.bash(
                session,
                "echo kept > /workspace/marker; cp /usr/bin/sleep /tmp/napper; nohup /tmp/napper 600 >/dev/null 2>&1 &");
        JsonNode status = api.http.get("/v1/sessions/status/" + session).json();
        assertThat(status.get("vm_status").asText()).isEqualTo("active");
        Instant expiresAt = Instant.parse(status.get("expires_at").asText());
        assertThat(Duration.between(Instant.now(), expiresAt))
                .isBetween(Duration.ofSeconds(10), Duration.ofSeconds(21));

        // reuse: same workspace and the background process still there
        assertThat(api.stdout(session, "cat /workspace/marker; pgrep -x napper >/dev/null && echo alive"))
                .isEqualTo("kept\nalive\n");
        assertThat(api.http
                        .get("/v1/sessions/status/" + session)
                        .json()
                        .get("expires_at")
                        .asText())
                .as("a reuse does not extend the lifetime")
                .isEqualTo(status.get("expires_at").asText());

        // the reaper expires it without any request touching the session
        await().atMost(Duration.ofSeconds(40))
                .pollInterval(Duration.ofMillis(500))
                .until(() -> api.vmStatus(session).equals("expired"));

        // the next execute spawns a fresh VM: empty workspace, no old processes, same session id
        JsonNode fresh =
                api.bash(session, "ls -A /workspace | wc -l; pgrep -x napper >/dev/null && echo alive || echo gone");
        assertThat(fresh.get("stdout").asText()).isEqualTo("0\ngone\n");
        assertThat(fresh.get("session_id").asText()).isEqualTo(session);
        JsonNode again = api.http.get("/v1/sessions/status/" + session).json();
        assertThat(again.get("vm_status").asText()).isEqualTo("active");
        assertThat(Instant.parse(again.get("expires_at").asText())).isAfter(expiresAt);
    }
}
