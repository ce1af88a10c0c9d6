package io.runcell.testing.plans;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.runcell.testing.Http;
import io.runcell.testing.TestServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Vaults on the real server and real sandboxes: injection, redaction, isolation, encryption at rest, rotation. */
class VaultsIT {

    static final String VALUE = "correct horse battery staple 42";
    static TestServer server;
    static Http admin;
    static Http alice;
    static Http bob;

    @BeforeAll
    static void start() {
        server = TestServer.start();
        admin = server.http().bearer(server.adminKey());
        alice = server.http().bearer(server.newAccountKey("alice"));
        bob = server.http().bearer(server.newAccountKey("bob"));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static String vault(Http who, String name, String secretName, String value) {
        var body = Http.JSON.createObjectNode().put("name", name);
        body.putObject("secrets").put(secretName, value);
        Http.Response r = who.post("/runcell/v1/vaults", body.toString());
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        return r.json().get("id").asText();
    }

    static String sandbox(Http who) {
        Http.Response r = who.post("/runcell/v1/sandboxes", "{}");
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        return r.json().get("id").asText();
    }

    static JsonNode run(Http who, String sandbox, String command, String vaultId) {
        var body = Http.JSON.createObjectNode().put("command", command).put("wait", true);
        if (vaultId != null) {
            body.putArray("vault_ids").add(vaultId);
        }
        Http.Response r = who.post("/runcell/v1/sandboxes/" + sandbox + "/executions", body.toString());
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.json();
    }

    static String sha256(String s) throws Exception {
        return HexFormat.of()
                .formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void createListGetAndManageSecretsShowNamesNeverValues() {
        var body = Http.JSON.createObjectNode().put("name", "ci");
        body.putObject("secrets").put("B_TOKEN", "bbbbbbbb").put("A_TOKEN", "aaaaaaaa");
        Http.Response created = alice.post("/runcell/v1/vaults", body.toString());
        assertThat(created.status()).isEqualTo(201);
        String id = created.json().get("id").asText();
        assertThat(id).startsWith("vlt_");
        assertThat(created.json().get("name").asText()).isEqualTo("ci");
        assertThat(created.json().get("secret_names").toString()).isEqualTo("[\"A_TOKEN\",\"B_TOKEN\"]");
        assertThat(created.body()).doesNotContain("aaaaaaaa");

        assertThat(alice.put("/runcell/v1/vaults/" + id + "/secrets/C_TOKEN", "{\"value\":\"cccccccc\"}")
                        .status())
                .isEqualTo(204);
        assertThat(alice.delete("/runcell/v1/vaults/" + id + "/secrets/A_TOKEN").status())
                .isEqualTo(204);
        Http.Response got = alice.get("/runcell/v1/vaults/" + id);
        assertThat(got.json().get("secret_names").toString()).isEqualTo("[\"B_TOKEN\",\"C_TOKEN\"]");
        Http.Response list = alice.get("/runcell/v1/vaults");
        assertThat(list.body()).contains(id).doesNotContain("bbbbbbbb").doesNotContain("cccccccc");

        assertThat(bob.get("/runcell/v1/vaults/" + id).status()).isEqualTo(404);
        assertThat(bob.get("/runcell/v1/vaults").body()).doesNotContain(id);
        assertThat(bob.put("/runcell/v1/vaults/" + id + "/secrets/X", "{\"value\":\"y\"}")
                        .status())
                .isEqualTo(404);
        assertThat(alice.put("/runcell/v1/vaults/" + id + "/secrets/1bad", "{\"value\":\"y\"}")
                        .status())
                .isEqualTo(400);

        assertThat(alice.delete("/runcell/v1/vaults/" + id).status()).isEqualTo(204);
        assertThat(alice.get("/runcell/v1/vaults/" + id).status()).isEqualTo(404);
    }

    @Test
    void theScriptSeesTheSecretButItsOutputNeverShowsIt() throws Exception {
        String v = vault(alice, "inject", "SECRET", VALUE);
        String s = sandbox(alice);

        JsonNode check = run(
                alice,
                s,
                "[ \"$SECRET\" = '" + "correct horse battery staple 4" + "'2 ] && echo match; "
                        + "printf %s \"$SECRET\" | sha256sum | cut -d' ' -f1",
                v);
        assertThat(check.get("stdout").asText()).isEqualTo("match\n" + sha256(VALUE) + "\n");

        assertThat(run(alice, s, "echo $SECRET", v).get("stdout").asText()).isEqualTo("[REDACTED:SECRET]\n");
        assertThat(run(alice, s, "echo \"$SECRET\" >&2", v).get("stderr").asText())
                .isEqualTo("[REDACTED:SECRET]\n");
        String env = run(alice, s, "env", v).get("stdout").asText();
        assertThat(env).contains("SECRET=[REDACTED:SECRET]").doesNotContain(VALUE);
        assertThat(run(alice, s, "printf %s \"$SECRET\" | base64", v)
                        .get("stdout")
                        .asText())
                .isEqualTo("[REDACTED:SECRET]\n");
        assertThat(run(alice, s, "echo \"$SECRET\" | base64", v).get("stdout").asText())
                .isEqualTo("[REDACTED:SECRET]\n");
        assertThat(run(
                                alice,
                                s,
                                "python3 -c 'import os,urllib.parse;print(urllib.parse.quote(os.environ[\"SECRET\"]))'",
                                v)
                        .get("stdout")
                        .asText())
                .isEqualTo("[REDACTED:SECRET]\n");

        // the same sandbox without the vault: nothing
        assertThat(run(alice, s, "echo \"${SECRET:-unset}\"; env | grep -c SECRET || true", null)
                        .get("stdout")
                        .asText())
                .isEqualTo("unset\n0\n");
        // nor in the sandbox's own record
        assertThat(alice.get("/runcell/v1/sandboxes/" + s).body())
                .doesNotContain(VALUE)
                .doesNotContain("SECRET");
    }

    @Test
    void aValueSplitAcrossWritesIsRedactedInPollsAndInTheEventStream() {
        String v = vault(alice, "stream", "SECRET", VALUE);
        String s = sandbox(alice);
        var body = Http.JSON
                .createObjectNode()
                .put(
                        "command",
                        "sleep 1; printf %s \"${SECRET:0:10}\"; sleep 0.5; printf '%s\\n' \"${SECRET:10}\"; sleep 0.3")
                .put("wait", false);
        body.putArray("vault_ids").add(v);
        Http.Response started = alice.post("/runcell/v1/sandboxes/" + s + "/executions", body.toString());
        assertThat(started.status()).as(started.body()).isEqualTo(202);
        String id = started.json().get("id").asText();

        Http.Response events = alice.get("/runcell/v1/executions/" + id + "/events");
        assertThat(events.status()).isEqualTo(200);
        StringBuilder streamed = new StringBuilder();
        String event = null;
        for (String line : events.body().split("\n")) {
            if (line.startsWith("event:")) {
                event = line.substring(6).strip();
            } else if (line.startsWith("data:") && "stdout".equals(event)) {
                try {
                    streamed.append(Http.JSON
                            .readTree(line.substring(5).strip())
                            .get("data")
                            .asText());
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
            }
        }
        assertThat(streamed.toString()).isEqualTo("[REDACTED:SECRET]\n");
        assertThat(events.body()).doesNotContain(VALUE).doesNotContain(VALUE.substring(10));
        JsonNode done = alice.get("/runcell/v1/executions/" + id).json();
        assertThat(done.get("stdout").asText()).isEqualTo("[REDACTED:SECRET]\n");
    }

    @Test
    void foreignAndUnknownVaultIdsAreRejected() {
        String bobs = vault(bob, "bobs", "BOB_SECRET", "bob-value-123");
        String mine = vault(alice, "mine", "X", "x-value-123");
        String s = sandbox(alice);
        var body = Http.JSON.createObjectNode().put("command", "env").put("wait", true);
        body.putArray("vault_ids").add(mine).add(bobs);
        Http.Response r = alice.post("/runcell/v1/sandboxes/" + s + "/executions", body.toString());
        assertThat(r.status()).as(r.body()).isEqualTo(400);
        assertThat(r.header("content-type")).startsWith("application/problem+json");
        assertThat(r.json().get("code").asText()).isEqualTo("invalid_request");
        assertThat(r.json().get("errors").get(0).get("pointer").asText()).isEqualTo("/vault_ids[1]");
        assertThat(r.body()).doesNotContain("bob-value-123");
        var unknown = Http.JSON.createObjectNode().put("command", "env").put("wait", true);
        unknown.putArray("vault_ids").add("vlt_01jz0000000000000000000000");
        assertThat(alice.post("/runcell/v1/sandboxes/" + s + "/executions", unknown.toString())
                        .status())
                .isEqualTo(400);
        // nothing ran
        assertThat(alice.get("/runcell/v1/sandboxes/" + s + "/executions")
                        .json()
                        .get("data")
                        .size())
                .isZero();
    }

    @Test
    void theDatabaseFilesNeverHoldThePlaintextAndRotationKeepsSecretsUsable() throws Exception {
        String plaintext = "plaintext-never-on-disk-" + System.nanoTime();
        String v = vault(alice, "disk", "DISK_SECRET", plaintext);
        String s = sandbox(alice);
        run(alice, s, "echo $DISK_SECRET", v);
        byte[] needle = plaintext.getBytes(StandardCharsets.UTF_8);
        for (String name : new String[] {"runcell.db", "runcell.db-wal"}) {
            Path file = server.dataDir().resolve(name);
            if (Files.exists(file)) {
                assertThat(indexOf(Files.readAllBytes(file), needle)).as(name).isEqualTo(-1);
            }
        }
        assertThat(server.dataDir().resolve("runcell.db")).exists();

        String keyBefore = Files.readString(server.dataDir().resolve("master.key"));
        assertThat(alice.post("/runcell/v1/admin/master-key/rotate", "{}").status())
                .isEqualTo(403);
        Http.Response rotated = admin.post("/runcell/v1/admin/master-key/rotate", "{}");
        assertThat(rotated.status()).as(rotated.body()).isEqualTo(200);
        assertThat(rotated.json().get("rotated_secrets").asInt()).isGreaterThanOrEqualTo(1);
        assertThat(Files.readString(server.dataDir().resolve("master.key"))).isNotEqualTo(keyBefore);

        JsonNode after =
                run(alice, s, "[ \"$DISK_SECRET\" = \"$(printf %s " + "'" + plaintext + "')\" ] && echo same", v);
        // the command text holds the value, so the comparison is all that is checked here
        assertThat(after.get("stdout").asText()).isEqualTo("same\n");
    }

    private static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
