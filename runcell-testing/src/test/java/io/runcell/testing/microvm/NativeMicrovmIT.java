package io.runcell.testing.microvm;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.runcell.testing.Http;
import io.runcell.testing.TestServer;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The native API's flow on a real QEMU microvm sandbox (TCG here): one VM shared by the tests. */
class NativeMicrovmIT {

    static TestServer server;
    static Http api;
    static String sandbox;

    @BeforeAll
    static void start() {
        String cache = System.getenv().getOrDefault("RUNCELL_MICROVM_IMAGE_CACHE", "/var/tmp/runcell-microvm-images");
        server = TestServer.start(c -> c.withMicrovmImages(Path.of(cache)));
        api = server.http().bearer(server.newAccountKey("vm"));
        Http.Response created = api.post("/runcell/v1/sandboxes", "{\"backend\":\"microvm\",\"memory_mb\":256}");
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        sandbox = created.json().get("id").asText();
        assertThat(created.json().get("backend").asText()).isEqualTo("microvm");
        assertThat(created.json().get("state").asText()).isEqualTo("running");
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static JsonNode run(String command) {
        Http.Response r = api.post(
                "/runcell/v1/sandboxes/" + sandbox + "/executions",
                Http.JSON
                        .createObjectNode()
                        .put("command", command)
                        .put("wait", true)
                        .put("timeout_seconds", 60)
                        .toString());
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.json();
    }

    @Test
    void exitCodesStdoutAndStderrComeBack() {
        JsonNode rec = run("echo out; echo err >&2; python3 -c 'print(6*7)'; exit 3");
        assertThat(rec.get("status").asText()).isEqualTo("failed");
        assertThat(rec.get("exit_code").asInt()).isEqualTo(3);
        assertThat(rec.get("stdout").asText()).isEqualTo("out\n42\n");
        assertThat(rec.get("stderr").asText()).isEqualTo("err\n");
    }

    @Test
    void theGuestHasItsOwnKernelAndNoNetwork() {
        String out =
                run("uname -r; ls /sys/class/net | tr '\\n' ' '").get("stdout").asText();
        assertThat(out).contains("lo").doesNotContain("eth0");
    }

    @Test
    void stopAndStartKeepTheWorkspace() {
        run("echo kept > /workspace/vm.txt");
        assertThat(api.post("/runcell/v1/sandboxes/" + sandbox + "/stop", "")
                        .json()
                        .get("state")
                        .asText())
                .isEqualTo("stopped");
        assertThat(api.post("/runcell/v1/sandboxes/" + sandbox + "/start", "")
                        .json()
                        .get("state")
                        .asText())
                .isEqualTo("running");
        assertThat(run("cat /workspace/vm.txt").get("stdout").asText()).isEqualTo("kept\n");
    }
}
