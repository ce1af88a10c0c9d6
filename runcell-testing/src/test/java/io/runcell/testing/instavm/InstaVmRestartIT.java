package io.runcell.testing.instavm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.runcell.core.id.Ids;
import io.runcell.testing.Cleanup;
import io.runcell.testing.ForkedServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A session's deadline is stored and survives a crash of the server: a deadline that passed while the server was
 * down expires the session on restart; one still ahead is kept (the reaper expires the session at it, and an
 * execute before it resumes the same run).
 */
class InstaVmRestartIT {

    @Test
    void deadlinePassedWhileTheServerWasDownExpiresTheSession() throws Exception {
        Path dir = Files.createTempDirectory("runcell-instavm-restart-");
        try {
            JsonNode before = activeSessionThenCrash(dir, 20);
            String session = before.get("session_id").asText();
            Instant expiresAt = Instant.parse(before.get("expires_at").asText());
            await().atMost(Duration.ofSeconds(40))
                    .pollInterval(Duration.ofMillis(250))
                    .until(() -> Instant.now().isAfter(expiresAt.plusMillis(500)));

            try (ForkedServer second = ForkedServer.start(dir, Map.of())) {
                InstaVmFixture api = fixture(second);
                assertThat(api.vmStatus(session)).isEqualTo("expired");
                JsonNode fresh = api.bash(session, "ls -A /workspace | wc -l");
                assertThat(fresh.get("stdout").asText()).isEqualTo("0\n");
                assertThat(fresh.get("session_id").asText()).isEqualTo(session);
                assertThat(api.vmStatus(session)).isEqualTo("active");
            }
        } finally {
            Cleanup.deleteTree(dir);
        }
    }

    @Test
    void executeAfterARestartBeforeTheDeadlineResumesTheSameRunWithItsDeadline() throws Exception {
        Path dir = Files.createTempDirectory("runcell-instavm-restart-");
        try {
            JsonNode before = activeSessionThenCrash(dir, 600);
            String session = before.get("session_id").asText();
            String expiresAt = before.get("expires_at").asText();
            try (ForkedServer second = ForkedServer.start(dir, Map.of())) {
                InstaVmFixture api = fixture(second);
                JsonNode stopped = api.status(session);
                assertThat(stopped.get("vm_status").asText()).isEqualTo("stopped");
                assertThat(stopped.get("expires_at").asText()).isEqualTo(expiresAt);
                // the workspace is kept and the VM comes back until the deadline it had, not for a fresh lifetime
                assertThat(api.stdout(session, "cat /workspace/m")).isEqualTo("kept\n");
                JsonNode resumed = api.status(session);
                assertThat(resumed.get("vm_status").asText()).isEqualTo("active");
                assertThat(resumed.get("expires_at").asText()).isEqualTo(expiresAt);
            }
        } finally {
            Cleanup.deleteTree(dir);
        }
    }

    @Test
    void sessionStoppedByARestartIsExpiredAtItsDeadlineWithoutAnExecute() throws Exception {
        Path dir = Files.createTempDirectory("runcell-instavm-restart-");
        try {
            JsonNode before = activeSessionThenCrash(dir, 40);
            String session = before.get("session_id").asText();
            Instant expiresAt = Instant.parse(before.get("expires_at").asText());
            // the namespace backend's copy of the session's /workspace, to see when it is wiped
            Path marker = dir.resolve("namespace/sandboxes")
                    .resolve(Ids.sandboxIdFromUuid(session).orElseThrow())
                    .resolve("workspace/m");
            try (ForkedServer second = ForkedServer.start(dir, Map.of())) {
                InstaVmFixture api = fixture(second);
                assertThat(Instant.now())
                        .as("the second start must come before the deadline for this test to mean anything")
                        .isBefore(expiresAt.minusSeconds(2));
                assertThat(api.vmStatus(session)).isEqualTo("stopped");
                assertThat(marker).exists();

                // no execute: the reaper expires the stopped session at its deadline and wipes its workspace
                await().atMost(Duration.between(Instant.now(), expiresAt).plusSeconds(10))
                        .pollInterval(Duration.ofMillis(250))
                        .until(() -> api.vmStatus(session).equals("expired"));
                assertThat(Instant.now()).isAfterOrEqualTo(expiresAt);
                assertThat(marker).doesNotExist();

                assertThat(api.stdout(session, "ls -A /workspace | wc -l")).isEqualTo("0\n");
                JsonNode respawned = api.status(session);
                assertThat(respawned.get("vm_status").asText()).isEqualTo("active");
                assertThat(Instant.parse(respawned.get("expires_at").asText())).isAfter(expiresAt);
            }
        } finally {
            Cleanup.deleteTree(dir);
        }
    }

    /**
     * On a first server over {@code dir}: a session of {@code lifetimeSeconds} whose first execute wrote
     * {@code /workspace/m}; then the server is killed (SIGKILL, a crash). Returns the session's status as it was.
     */
    private static JsonNode activeSessionThenCrash(Path dir, int lifetimeSeconds) throws InterruptedException {
        ForkedServer first = ForkedServer.start(dir, Map.of());
        try {
            InstaVmFixture api = fixture(first);
            String session = api.createSession(lifetimeSeconds);
            api.bash(session, "echo kept > /workspace/m");
            JsonNode status = api.status(session);
            assertThat(status.get("vm_status").asText()).isEqualTo("active");
            return status;
        } finally {
            first.kill();
        }
    }

    /** The admin key: never rate limited. */
    private static InstaVmFixture fixture(ForkedServer server) {
        return new InstaVmFixture(server.http(), server.adminKey());
    }
}
