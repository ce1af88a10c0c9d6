package io.runcell.testing.nativeapi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.runcell.testing.Cleanup;
import io.runcell.testing.ForkedServer;
import io.runcell.testing.Http;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A server killed with SIGKILL mid-execution: after restart the execution is lost with its partial output, the sandbox stopped with its files. */
class NativeRestartIT {

    @Test
    void killedServerLeavesLostExecutionsAndStoppedSandboxes() throws Exception {
        Path dir = Files.createTempDirectory("runcell-restart-");
        try {
            String sandbox;
            String execution;
            ForkedServer first = ForkedServer.start(dir, Map.of());
            try {
                Http api = first.http().bearer(first.adminKey());
                sandbox =
                        api.post("/runcell/v1/sandboxes", "{}").json().get("id").asText();
                api.post(
                        "/runcell/v1/sandboxes/" + sandbox + "/executions",
                        "{\"command\":\"echo saved > f.txt\",\"wait\":true}");
                execution = api.post(
                                "/runcell/v1/sandboxes/" + sandbox + "/executions",
                                "{\"command\":\"echo partial; sleep 600\"}")
                        .json()
                        .get("id")
                        .asText();
                // wait until the partial output has been flushed to the store
                await().atMost(Duration.ofSeconds(10))
                        .pollDelay(Duration.ofMillis(700))
                        .until(() -> api.get("/runcell/v1/executions/" + execution)
                                .json()
                                .get("stdout")
                                .asText()
                                .equals("partial\n"));
                Thread.sleep(1200);
            } finally {
                first.kill();
            }
            // the sandbox's processes die with the server
            await().atMost(Duration.ofSeconds(10)).until(() -> noProcessMentions("sleep 600"));

            try (ForkedServer second = ForkedServer.start(dir, Map.of())) {
                Http api = second.http().bearer(second.adminKey());
                JsonNode rec = api.get("/runcell/v1/executions/" + execution).json();
                assertThat(rec.get("status").asText()).isEqualTo("lost");
                assertThat(rec.get("stdout").asText()).isEqualTo("partial\n");
                assertThat(api.get("/runcell/v1/sandboxes/" + sandbox)
                                .json()
                                .get("state")
                                .asText())
                        .isEqualTo("stopped");
                assertThat(api.post("/runcell/v1/sandboxes/" + sandbox + "/start", "")
                                .json()
                                .get("state")
                                .asText())
                        .isEqualTo("running");
                JsonNode cat = api.post(
                                "/runcell/v1/sandboxes/" + sandbox + "/executions",
                                "{\"command\":\"cat f.txt\",\"wait\":true}")
                        .json();
                assertThat(cat.get("stdout").asText()).isEqualTo("saved\n");
            }
        } finally {
            Cleanup.deleteTree(dir);
        }
    }

    private static boolean noProcessMentions(String text) throws Exception {
        try (var procs = Files.list(Path.of("/proc"))) {
            return procs.filter(p -> p.getFileName().toString().matches("\\d+")).noneMatch(p -> {
                try {
                    return new String(Files.readAllBytes(p.resolve("cmdline")))
                            .replace('\0', ' ')
                            .contains(text);
                } catch (Exception e) {
                    return false;
                }
            });
        }
    }
}
