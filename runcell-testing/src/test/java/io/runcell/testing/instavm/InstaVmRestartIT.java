package io.runcell.testing.instavm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.runcell.testing.Cleanup;
import io.runcell.testing.ForkedServer;
import io.runcell.testing.Http;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A session's deadline is stored: a server that was down when it passed still expires the session on restart. */
class InstaVmRestartIT {

    @Test
    void deadlinePassedWhileTheServerWasDownExpiresTheSession() throws Exception {
        Path dir = Files.createTempDirectory("runcell-instavm-restart-");
        try {
            String session;
            Instant expiresAt;
            ForkedServer first = ForkedServer.start(dir, Map.of());
            try {
                String key = first.adminKey();
                Http anon = first.http();
                session = anon.post("/v1/sessions/session", "{\"api_key\":\"" + key + "\",\"vm_lifetime_seconds\":20}")
                        .json()
                        .get("session_id")
                        .asText();
                Http api = anon.withHeader("X-API-Key", key);
                Http.Response r = api.post(
                        "/execute",
                        "{\"command\":\"echo kept > /workspace/m\",\"language\":\"bash\"," + "\"session_id\":\""
                                + session + "\"}");
                assertThat(r.status()).as(r.body()).isEqualTo(200);
                JsonNode status = api.get("/v1/sessions/status/" + session).json();
                assertThat(status.get("vm_status").asText()).isEqualTo("active");
                expiresAt = Instant.parse(status.get("expires_at").asText());
            } finally {
                first.kill();
            }
            await().atMost(Duration.ofSeconds(40))
                    .pollInterval(Duration.ofMillis(250))
                    .until(() -> Instant.now().isAfter(expiresAt.plusMillis(500)));

            try (ForkedServer second = ForkedServer.start(dir, Map.of())) {
                Http api = second.http().withHeader("X-API-Key", second.adminKey());
                assertThat(api.get("/v1/sessions/status/" + session)
                                .json()
                                .get("vm_status")
                                .asText())
                        .isEqualTo("expired");
                JsonNode fresh = api.post(
                                "/execute",
                                "{\"command\":\"ls -A /workspace | wc -l\",\"language\":\"bash\"," + "\"session_id\":\""
                                        + session + "\"}")
                        .json();
                assertThat(fresh.get("stdout").asText()).isEqualTo("0\n");
                assertThat(fresh.get("session_id").asText()).isEqualTo(session);
                assertThat(api.get("/v1/sessions/status/" + session)
                                .json()
                                .get("vm_status")
                                .asText())
                        .isEqualTo("active");
            }
        } finally {
            Cleanup.deleteTree(dir);
        }
    }
}
