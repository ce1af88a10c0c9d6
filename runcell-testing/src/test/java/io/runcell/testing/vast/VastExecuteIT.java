package io.runcell.testing.vast;

import static io.runcell.testing.vast.VastFixture.error;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.runcell.testing.Http;
import io.runcell.testing.TestServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Every row of seed 000 (execute) and the result_url it hands out. */
class VastExecuteIT {

    static final String BAD_ID = "Invalid instance id given.";
    static final String UNUSABLE = "The instance is not in a usable state.";

    static TestServer server;
    static Http user;
    static String key;
    static long instance;

    @BeforeAll
    static void start() {
        server = TestServer.start(c -> c.withCommandAllowlist(Set.of("ls", "rm", "du", "sleep")));
        key = VastFixture.account(server, "vast-exec")[1];
        user = server.http().bearer(key);
        instance = VastFixture.create(user, "exec");
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static Http.Response execute(long id, String command) {
        return user.put(
                "/api/v0/instances/command/" + id + "/",
                Http.JSON.createObjectNode().put("command", command).toString());
    }

    private static String resultOf(JsonNode answer) {
        String url = answer.get("result_url").asText();
        Http anonymous = new Http(server.url());
        await().atMost(Duration.ofSeconds(20))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> anonymous.get(url).status() == 200);
        Http.Response r = anonymous.get(url);
        assertThat(r.header("content-type")).startsWith("text/plain");
        return r.body();
    }

    @Test
    void successReturnsTheDocumentedBodyAndTheOutputAppearsAtTheResultUrl() {
        assertThat(execute(instance, "rm -f /workspace/none").status()).isEqualTo(200);
        Http.Response r = execute(instance, "ls -a /workspace");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        JsonNode b = r.json();
        assertThat(b.get("success").asBoolean()).isTrue();
        assertThat(b.get("writeable_path").asText()).isEqualTo("/workspace");
        assertThat(b.get("msg").asText())
                .isEqualTo("Command is executing, wait a few seconds and then view the result_url");
        assertThat(b.get("result_url").asText()).startsWith(server.url() + "/api/v0/results/");
        assertThat(b.size()).isEqualTo(4);
        assertThat(resultOf(b)).isEqualTo(".\n..\n");
        assertThat(resultOf(execute(instance, "du -s /workspace").json())).endsWith("\t/workspace\n");
    }

    @Test
    void resultUrlIs404UntilTheCommandHasEndedThenServesItsOutput() {
        JsonNode b = execute(instance, "sleep 2").json();
        String url = b.get("result_url").asText();
        Http.Response early = new Http(server.url()).get(url);
        assertThat(early.status()).isEqualTo(404);
        assertThat(early.header("content-type")).startsWith("text/plain");
        assertThat(resultOf(b)).isEmpty();
    }

    @Test
    void resultUrlIsAbsoluteFromTheHostHeaderAndUnguessable() {
        Http.Response r = user.send(
                "PUT",
                "/api/v0/instances/command/" + instance + "/",
                "{\"command\":\"ls\"}",
                Map.of("Content-Type", "application/json"));
        String url = r.json().get("result_url").asText();
        assertThat(url)
                .matches("http://127\\.0\\.0\\.1:" + server.port()
                        + "/api/v0/results/exe_[0-9a-z]{26}\\.\\d+\\.[A-Za-z0-9_-]{43}");
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 3; i++) {
            assertThat(seen.add(execute(instance, "ls").json().get("result_url").asText()))
                    .isTrue();
        }
        String token = url.substring(url.lastIndexOf('/') + 1);
        String[] parts = token.split("\\.");
        Http anonymous = new Http(server.url());
        resultOf(r.json());
        for (String forged : new String[] {
            parts[0] + "." + parts[1] + "." + "A".repeat(43),
            parts[0] + "." + (Long.parseLong(parts[1]) + 1) + "." + parts[2],
            parts[0],
            "nothing",
            parts[0] + "." + parts[1]
        }) {
            Http.Response f = anonymous.get("/api/v0/results/" + forged);
            assertThat(f.status()).as(forged).isEqualTo(404);
            assertThat(f.body()).isEqualTo("Not Found\n");
        }
    }

    @Test
    void resultUrlExpires() throws Exception {
        Http.Response r = execute(instance, "ls -a");
        String url = r.json().get("result_url").asText();
        resultOf(r.json());
        String executionId = url.substring(url.lastIndexOf('/') + 1).split("\\.")[0];
        byte[] secret = Files.readAllBytes(server.dataDir().resolve("result-links.key"));
        assertThat(Files.getPosixFilePermissions(server.dataDir().resolve("result-links.key")))
                .containsExactlyInAnyOrder(
                        java.nio.file.attribute.PosixFilePermission.OWNER_READ,
                        java.nio.file.attribute.PosixFilePermission.OWNER_WRITE);
        Http anonymous = new Http(server.url());
        long now = Instant.now().getEpochSecond();
        assertThat(anonymous
                        .get("/api/v0/results/" + sign(secret, executionId, now + 60))
                        .status())
                .isEqualTo(200);
        assertThat(anonymous
                        .get("/api/v0/results/" + sign(secret, executionId, now - 1))
                        .status())
                .isEqualTo(404);
    }

    private static String sign(byte[] secret, String executionId, long expiry) throws Exception {
        String payload = executionId + "." + expiry;
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(secret, "HmacSHA256"));
        return payload + "."
                + Base64.getUrlEncoder()
                        .withoutPadding()
                        .encodeToString(mac.doFinal(payload.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void commandsOutsideTheAllowlistOrWithShellSyntaxAreInvalidArgs() {
        for (String bad : new String[] {
            "cat /etc/passwd",
            "ls; id",
            "ls | id",
            "ls $(id)",
            "ls `id`",
            "ls > x",
            "ls 'a b'",
            "ls *",
            "/bin/ls",
            "bash -c ls",
            "",
            "   ",
            "ls\nid",
            "ls " + "a".repeat(510)
        }) {
            error(execute(instance, bad), 400, "invalid_args", "Invalid command given.");
        }
        error(
                user.put("/api/v0/instances/command/" + instance + "/", "{}"),
                400,
                "invalid_args",
                "Invalid command given.");
        error(
                user.put("/api/v0/instances/command/" + instance + "/", "{\"command\": 5}"),
                400,
                "invalid_args",
                "Invalid command given.");
        assertThat(execute(instance, "ls " + "a".repeat(509)).status()).isEqualTo(200);
    }

    @Test
    void unknownOrForeignInstanceIsInvalidContainerId() {
        error(execute(999_999, "ls"), 400, "invalid_container_id", BAD_ID);
        error(user.put("/api/v0/instances/command/abc/", "{\"command\":\"ls\"}"), 400, "invalid_container_id", BAD_ID);
        Http other = server.http().bearer(VastFixture.account(server, "vast-exec-other")[1]);
        error(
                other.put("/api/v0/instances/command/" + instance + "/", "{\"command\":\"ls\"}"),
                400,
                "invalid_container_id",
                BAD_ID);
    }

    @Test
    void stoppedFailedAndDestroyedInstancesCannotExecute() {
        long stopped = VastFixture.create(user, "stopped");
        assertThat(user.put("/api/v0/instances/" + stopped + "/", "{\"state\":\"stopped\"}")
                        .status())
                .isEqualTo(200);
        error(execute(stopped, "ls"), 400, "invalid_container", UNUSABLE);

        long failed = VastFixture.create(user, "failed");
        assertThat(user.put("/api/v0/instances/" + failed + "/", "{\"state\":\"stopped\"}")
                        .status())
                .isEqualTo(200);
        VastFixture.markFailed(server, failed);
        assertThat(VastFixture.show(user, failed).get("actual_status").asText()).isEqualTo("exited");
        error(execute(failed, "ls"), 400, "invalid_container", UNUSABLE);
        error(
                user.put("/api/v0/instances/" + failed + "/", "{\"state\":\"running\"}"),
                400,
                "invalid_state",
                "The instance failed and cannot be started again.");
        assertThat(VastFixture.show(user, failed).get("actual_status").asText()).isEqualTo("exited");

        long destroyed = VastFixture.create(user, "destroyed");
        assertThat(user.delete("/api/v0/instances/" + destroyed + "/").status()).isEqualTo(200);
        error(execute(destroyed, "ls"), 400, "invalid_container_id", BAD_ID);
    }

    @Test
    void authFailuresBlockedAccountsAndMalformedJson() {
        Http anonymous = new Http(server.url());
        error(
                anonymous.put("/api/v0/instances/command/" + instance + "/", "{\"command\":\"ls\"}"),
                401,
                "auth_error",
                "Invalid user key");
        error(
                anonymous.bearer("wrong").put("/api/v0/instances/command/" + instance + "/", "{\"command\":\"ls\"}"),
                401,
                "auth_error",
                "Invalid user key");
        assertThat(anonymous
                        .put("/api/v0/instances/command/" + instance + "/?api_key=" + key, "{\"command\":\"ls\"}")
                        .status())
                .isEqualTo(200);
        error(
                user.put("/api/v0/instances/command/" + instance + "/", "{\"command\": "),
                483,
                "invalid_args",
                "Invalid json_body");

        String[] blocked = VastFixture.account(server, "vast-blocked");
        Http b = server.http().bearer(blocked[1]);
        long id = VastFixture.create(b, null);
        server.http()
                .bearer(server.adminKey())
                .put("/runcell/v1/accounts/" + blocked[0] + "/blocked", "{\"blocked\":true}");
        Http.Response r = b.put("/api/v0/instances/command/" + id + "/", "{\"command\":\"ls\"}");
        error(r, 403, "blacklisted", "This account is blacklisted.");
        error(
                b.put("/api/v0/instances/" + id + "/", "{\"label\":\"x\"}"),
                403,
                "blacklisted",
                "This account is blacklisted.");
    }

    @Test
    void executeWithoutTheTrailingSlashRuns() {
        Http.Response r = user.put("/api/v0/instances/command/" + instance, "{\"command\":\"ls -a /workspace\"}");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(resultOf(r.json())).isEqualTo(".\n..\n");
    }

    @Test
    void aConfiguredPublicUrlIsTheBaseOfResultUrl() {
        try (TestServer proxied = TestServer.start(c -> c.withPublicUrl("https://runcell.example.com/"))) {
            Http http = proxied.http().bearer(VastFixture.account(proxied, "vast-public")[1]);
            long id = VastFixture.create(http, "pub");
            Http.Response r = http.put("/api/v0/instances/command/" + id + "/", "{\"command\":\"ls -a /workspace\"}");
            assertThat(r.status()).as(r.body()).isEqualTo(200);
            String url = r.json().get("result_url").asText();
            assertThat(url)
                    .matches(
                            "https://runcell\\.example\\.com/api/v0/results/exe_[0-9a-z]{26}\\.\\d+\\.[A-Za-z0-9_-]{43}");
            // the path behind the public base is served by this server
            String path = url.substring("https://runcell.example.com".length());
            Http anonymous = new Http(proxied.url());
            await().atMost(Duration.ofSeconds(20))
                    .pollInterval(Duration.ofMillis(100))
                    .until(() -> anonymous.get(path).status() == 200);
            assertThat(anonymous.get(path).body()).isEqualTo(".\n..\n");
        }
    }

    @Test
    void aPlansOwnAllowlistDecidesWhatItsAccountsMayExecute() {
        Http admin = server.http().bearer(server.adminKey());
        for (String plan : new String[] {
            "{\"name\":\"vast-cat\",\"command_allowlist\":[\"cat\"]}",
            // exactly the default programs, on a server whose --command-allowlist adds sleep
            "{\"name\":\"vast-strict\",\"command_allowlist\":[\"ls\",\"rm\",\"du\"]}"
        }) {
            Http.Response created = admin.post("/runcell/v1/plans", plan);
            assertThat(created.status()).as(created.body()).isEqualTo(201);
        }
        Http cat = onPlan("vast-cat");
        long catInstance = VastFixture.create(cat, "cat");
        Http.Response r =
                cat.put("/api/v0/instances/command/" + catInstance + "/", "{\"command\":\"cat /etc/nsswitch.conf\"}");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(resultOf(r.json())).isEqualTo("passwd: files\ngroup: files\nhosts: files dns\n");
        error(
                cat.put("/api/v0/instances/command/" + catInstance + "/", "{\"command\":\"ls\"}"),
                400,
                "invalid_args",
                "Invalid command given.");

        Http strict = onPlan("vast-strict");
        long strictInstance = VastFixture.create(strict, "strict");
        error(
                strict.put("/api/v0/instances/command/" + strictInstance + "/", "{\"command\":\"sleep 0\"}"),
                400,
                "invalid_args",
                "Invalid command given.");
        assertThat(strict.put("/api/v0/instances/command/" + strictInstance + "/", "{\"command\":\"ls\"}")
                        .status())
                .isEqualTo(200);
        // the default plan names no list and follows the server's, which allows sleep
        assertThat(execute(instance, "sleep 0").status()).isEqualTo(200);
    }

    /** A new account on {@code plan}, as an HTTP client with its key. */
    private static Http onPlan(String plan) {
        return server.http().bearer(VastFixture.account(server, "on-" + plan, plan)[1]);
    }
}
