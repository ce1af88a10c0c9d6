package io.runcell.testing.nativeapi;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.runcell.testing.TestServer;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Memory, pids, timeout and output limits on a real namespace sandbox. */
class NativeLimitsIT {

    static TestServer server;
    static NativeFixture api;

    @BeforeAll
    static void start() {
        server = TestServer.start();
        api = new NativeFixture(server, server.newAccountKey("limits"));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void memoryHogIsKilledAndTheRecordSaysOom() {
        String s = api.createSandbox("{\"memory_mb\": 128}");
        JsonNode rec = api.run(s, "python3 -c 'x = bytearray(1024*1024*1024); print(\"allocated\")'");
        assertThat(rec.get("status").asText()).isEqualTo("failed");
        assertThat(rec.get("oom_killed").asBoolean()).isTrue();
        assertThat(rec.get("exit_code").asInt()).isEqualTo(137);
        assertThat(rec.get("stdout").asText()).doesNotContain("allocated");
    }

    @Test
    void forkBombIsContainedAndTheServerStaysResponsive() {
        String s = api.createSandbox("{\"pids_max\": 64}");
        // the bomb outlives its first shell, so only the timeout's process-tree kill can end it
        CompletableFuture<JsonNode> bomb =
                CompletableFuture.supplyAsync(() -> api.run(s, "bomb() { bomb | bomb & }; bomb; sleep 30", 3));
        // while the bomb runs, the API still answers and another sandbox still executes
        String other = api.createSandbox("{}");
        assertThat(api.stdout(other, "echo alive")).isEqualTo("alive\n");
        assertThat(server.http().get("/healthz").status()).isEqualTo(200);
        JsonNode rec = bomb.join();
        assertThat(rec.get("status").asText()).isEqualTo("timed_out");
        String count = api.stdout(s, "ls /proc | grep -cE '^[0-9]+$'");
        assertThat(Integer.parseInt(count.strip())).isLessThan(10);
    }

    @Test
    void timeoutKillsTheWholeProcessTree() {
        String s = api.createSandbox("{}");
        JsonNode rec = api.run(s, "sleep 1000 & sleep 1000; echo never", 1);
        assertThat(rec.get("status").asText()).isEqualTo("timed_out");
        assertThat(rec.get("stdout").asText()).doesNotContain("never");
        assertThat(api.stdout(s, "ps -eo args= | grep -c '^sleep 1000$' || true")
                        .strip())
                .isEqualTo("0");
    }

    @Test
    void outputPastTheCapIsTruncatedWithTheFlag() {
        String s = api.createSandbox("{}");
        JsonNode rec = api.run(s, "head -c 3000000 /dev/zero | tr '\\0' a; echo err >&2");
        assertThat(rec.get("status").asText()).isEqualTo("succeeded");
        assertThat(rec.get("stdout").asText()).hasSize(1024 * 1024);
        assertThat(rec.get("stdout_truncated").asBoolean()).isTrue();
        assertThat(rec.get("stderr").asText()).isEqualTo("err\n");
        assertThat(rec.get("stderr_truncated").asBoolean()).isFalse();
    }
}
