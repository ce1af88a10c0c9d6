package io.runcell.testing.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.runcell.testing.Http;
import io.runcell.testing.TestServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The {@code runcell} CLI as a user runs it: a separate process talking to a real server over HTTP. */
class CliIT {

    static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    record Run(int exit, String out, String err) {}

    private static Run cli(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                "io.runcell.server.cli.RuncellMain"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).start();
        p.getOutputStream().close();
        byte[] out = p.getInputStream().readAllBytes();
        byte[] err = p.getErrorStream().readAllBytes();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new Run(p.exitValue(), new String(out, StandardCharsets.UTF_8), new String(err, StandardCharsets.UTF_8));
    }

    private static String[] withServer(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--url", server.url(), "--api-key", server.adminKey()));
        return all.toArray(String[]::new);
    }

    @Test
    void createExecAndRemoveASandboxFromTheCommandLine() throws Exception {
        Run created = cli(withServer("sandbox", "create", "--label", "from-cli"));
        assertThat(created.exit()).as(created.err()).isZero();
        String id = Http.JSON.readTree(created.out()).get("id").asText();
        assertThat(id).startsWith("sbx_");

        List<String> exec = new ArrayList<>(List.of(withServer("exec", id)));
        exec.addAll(List.of("--", "sh", "-c", "echo out; echo err >&2; exit 3"));
        Run ran = cli(exec.toArray(String[]::new));
        assertThat(ran.out()).isEqualTo("out\n");
        assertThat(ran.err()).isEqualTo("err\n");
        assertThat(ran.exit()).isEqualTo(3);

        Run listed = cli(withServer("sandbox", "list"));
        assertThat(listed.out()).contains(id).contains("from-cli");
        assertThat(cli(withServer("sandbox", "rm", id)).exit()).isZero();
        assertThat(cli(withServer("sandbox", "show", id)).err()).contains("HTTP 404");
    }

    @Test
    void keysCanBeCreatedListedAndRevoked() throws Exception {
        Run created = cli(withServer("keys", "create", "--name", "cli-key", "--scope", "read:vm"));
        var key = Http.JSON.readTree(created.out());
        assertThat(key.get("key").asText()).startsWith("rc_");
        assertThat(cli(withServer("keys", "list")).out())
                .contains(key.get("id").asText())
                .doesNotContain(key.get("key").asText());
        assertThat(cli(withServer("keys", "revoke", key.get("id").asText())).exit())
                .isZero();
        assertThat(server.http()
                        .bearer(key.get("key").asText())
                        .get("/runcell/v1/sandboxes")
                        .status())
                .isEqualTo(401);
    }

    @Test
    void aWrongKeyIsAOneLineError() throws Exception {
        Run r = cli("sandbox", "list", "--url", server.url(), "--api-key", "rc_wrong");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).startsWith("error: HTTP 401").doesNotContain("Exception");
    }
}
