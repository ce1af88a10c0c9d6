package io.runcell.testing.hostup;

import static io.runcell.testing.hostup.HostupFixture.problem;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.runcell.testing.Http;
import io.runcell.testing.TestServer;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Blocked commands are refused before anything starts, look-alikes run, and both are in the audit log. */
class HostupPolicyIT {

    static TestServer server;
    static HostupFixture f;
    static Http admin;
    static String vps;
    static String execPath;

    static final List<String> BLOCKED = List.of(
            "reboot",
            "sudo /sbin/reboot",
            "shutdown -h now",
            "init 0",
            "systemctl poweroff",
            "echo ok; halt",
            "true && poweroff",
            "mkfs.ext4 /dev/sda1",
            "rm -rf /",
            "rm -fr /*",
            "rm -rf --no-preserve-root /",
            "dd if=/dev/zero of=/dev/sda",
            "echo x > /dev/sda",
            ":(){ :|:& };:",
            "env  \"re\"boot",
            "echo $(reboot)",
            "nohup reboot &",
            "bash -c 'reboot'");
    static final List<String> HARMLESS = List.of(
            "echo reboot",
            "ls /dev",
            "grep shutdown /dev/null || true",
            "echo 'rm -rf /'",
            "command -v reboot || true",
            "dd if=/dev/zero of=/tmp/x bs=1k count=1");

    @BeforeAll
    static void start() {
        server = TestServer.start();
        f = new HostupFixture(server, server.newAccountKey("hostup-policy"));
        admin = server.http().bearer(server.adminKey());
        vps = f.newVps();
        execPath = "/api/v2/vps/" + vps + "/agent/exec";
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void blockedCommandsAre400CommandBlockedAndAudited() {
        for (String command : BLOCKED) {
            Http.Response r = f.hostup.post(
                    execPath,
                    Http.JSON.createObjectNode().put("command", command).toString());
            JsonNode p = problem(r, 400, "command_blocked", execPath);
            assertThat(p.get("detail").asText())
                    .as(command)
                    .isEqualTo("This command has been blocked for safety reasons");
            assertThat(p.has("errors")).isFalse();
        }
        // nothing ran: the VPS is still up and no pid was used
        assertThat(f.exec(vps, "true")).endsWith("?pid=1");
        List<JsonNode> blocked = audit("?sandbox_id=" + HostupFixture.sandboxId(vps) + "&limit=500").stream()
                .filter(e -> e.get("decision").asText().equals("blocked"))
                .toList();
        assertThat(blocked).extracting(e -> e.get("command").asText()).containsExactlyInAnyOrderElementsOf(BLOCKED);
        JsonNode reboot = blocked.stream()
                .filter(e -> e.get("command").asText().equals("sudo /sbin/reboot"))
                .findFirst()
                .orElseThrow();
        assertThat(reboot.get("rule").asText()).isEqualTo("power.reboot");
        assertThat(reboot.get("command_sha256").asText()).hasSize(64);
        assertThat(reboot.get("policy").asText()).isEqualTo("guarded");
        assertThat(reboot.get("account_id").asText()).startsWith("acc_");
        assertThat(reboot.get("key_id").asText()).startsWith("key_");
    }

    @Test
    void lookAlikesRunAndAreAuditedAsAllowed() {
        String other = f.newVps();
        for (String command : HARMLESS) {
            JsonNode done = f.run(other, command);
            assertThat(done.get("exitCode").asInt()).as(command).isZero();
        }
        List<JsonNode> entries = audit("?sandbox_id=" + HostupFixture.sandboxId(other));
        assertThat(entries).extracting(e -> e.get("command").asText()).containsExactlyElementsOf(HARMLESS.reversed());
        assertThat(entries).allSatisfy(e -> {
            assertThat(e.get("decision").asText()).isEqualTo("allowed");
            assertThat(e.get("rule").isNull()).isTrue();
        });
    }

    @Test
    void blockedCheckRunsBeforeTheReadinessCheck() {
        String stopped = f.newVps("{\"start\": false}");
        String path = "/api/v2/vps/" + stopped + "/agent/exec";
        problem(f.hostup.post(path, "{\"command\":\"reboot\"}"), 400, "command_blocked", path);
        problem(f.hostup.post(path, "{\"command\":\"uptime\"}"), 409, "vps_not_ready", path);
    }

    @Test
    void auditIsAdminOnlyAndPaged() {
        String other = f.newVps();
        for (int i = 0; i < 3; i++) {
            f.exec(other, "echo " + i);
        }
        Http.Response denied = f.hostup.get("/runcell/v1/audit");
        assertThat(denied.status()).isEqualTo(403);
        String sbx = HostupFixture.sandboxId(other);
        JsonNode first =
                admin.get("/runcell/v1/audit?sandbox_id=" + sbx + "&limit=2").json();
        assertThat(first.get("data")).hasSize(2);
        String cursor = first.get("next_cursor").asText();
        JsonNode second = admin.get("/runcell/v1/audit?sandbox_id=" + sbx + "&limit=2&cursor=" + cursor)
                .json();
        assertThat(second.get("data")).hasSize(1);
        assertThat(second.get("next_cursor").isNull()).isTrue();
        List<String> commands = new ArrayList<>();
        first.get("data").forEach(e -> commands.add(e.get("command").asText()));
        second.get("data").forEach(e -> commands.add(e.get("command").asText()));
        assertThat(commands).containsExactly("echo 2", "echo 1", "echo 0");
        assertThat(admin.get("/runcell/v1/audit?cursor=bogus").status()).isEqualTo(400);
    }

    @Test
    void theRuleFileIsConfigurable(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        java.nio.file.Path rules = dir.resolve("blocked.rules");
        java.nio.file.Files.writeString(rules, "site.no-uptime program=uptime\n");
        try (TestServer custom = TestServer.start(c -> c.withBlockedCommands(rules))) {
            HostupFixture g = new HostupFixture(custom, custom.newAccountKey("custom-rules"));
            String box = g.newVps();
            String path = "/api/v2/vps/" + box + "/agent/exec";
            problem(g.hostup.post(path, "{\"command\":\"env /usr/bin/uptime\"}"), 400, "command_blocked", path);
            assertThat(g.run(box, "echo fine").get("stdout").asText()).isEqualTo("fine\n");
            JsonNode entry = custom.http()
                    .bearer(custom.adminKey())
                    .get("/runcell/v1/audit?limit=1")
                    .json()
                    .get("data")
                    .get(0);
            assertThat(entry.get("decision").asText()).isEqualTo("allowed");
            JsonNode blocked = custom.http()
                    .bearer(custom.adminKey())
                    .get("/runcell/v1/audit")
                    .json()
                    .get("data")
                    .get(1);
            assertThat(blocked.get("rule").asText()).isEqualTo("site.no-uptime");
        }
    }

    private static List<JsonNode> audit(String query) {
        Http.Response r = admin.get("/runcell/v1/audit" + query);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return StreamSupport.stream(r.json().get("data").spliterator(), false).toList();
    }
}
