package io.runcell.testing.hostup;

import static io.runcell.testing.hostup.HostupFixture.problem;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.runcell.testing.Cleanup;
import io.runcell.testing.ForkedServer;
import io.runcell.testing.Http;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Hostup on a server in its own process, started as an operator starts it ({@code runcell serve} with a flag), so
 * its log is the file the shipped logback configuration writes and its store can be broken without harming other
 * tests.
 */
class HostupServerProcessIT {

    static Path base;
    static Path data;
    static ForkedServer server;
    static HostupFixture f;
    static Http admin;

    @BeforeAll
    static void start() throws Exception {
        base = Files.createTempDirectory("runcell-hostup-process-");
        data = base.resolve("data");
        Path rules = base.resolve("blocked.rules");
        Files.writeString(rules, "site.no-uptime program=uptime\n");
        server = ForkedServer.start(data, Map.of(), "--blocked-commands", rules.toString());
        admin = server.http().bearer(server.adminKey());
        Http.Response account = admin.post("/runcell/v1/accounts", "{\"name\":\"hostup-process\"}");
        assertThat(account.status()).as(account.body()).isEqualTo(201);
        Http.Response key = admin.post(
                "/runcell/v1/accounts/" + account.json().get("id").asText() + "/keys",
                "{\"name\":\"k\",\"scopes\":[\"write:vm\"]}");
        assertThat(key.status()).as(key.body()).isEqualTo(201);
        f = new HostupFixture(server.http(), key.json().get("key").asText());
    }

    @AfterAll
    static void stop() throws Exception {
        try {
            if (server != null) {
                server.close();
            }
        } finally {
            Cleanup.deleteTree(base);
        }
    }

    /**
     * Waits until one of the server log's lines that mention {@code text} satisfies {@code check}. The server writes
     * the line before it answers, but its stdout reaches the test's copy through a pipe and a reader thread, which
     * may not have caught up when the answer arrives.
     */
    private static void awaitLogLine(String text, Consumer<String> check) {
        Awaitility.await()
                .atMost(Duration.ofSeconds(10))
                .pollInterval(Duration.ofMillis(20))
                .untilAsserted(() -> assertThat(server.log()
                                .lines()
                                .filter(l -> l.contains(text))
                                .toList())
                        .anySatisfy(check));
    }

    @Test
    void theBlockedCommandsFlagLoadsTheOperatorsRuleFile() {
        String vps = f.newVps();
        String path = "/api/v2/vps/" + vps + "/agent/exec";
        JsonNode p =
                problem(f.hostup.post(path, "{\"command\":\"env /usr/bin/uptime\"}"), 400, "command_blocked", path);
        assertThat(p.get("detail").asText()).isEqualTo("This command has been blocked for safety reasons");
        JsonNode entry = admin.get("/runcell/v1/audit?sandbox_id=" + HostupFixture.sandboxId(vps))
                .json()
                .get("data")
                .get(0);
        assertThat(entry.get("rule").asText()).isEqualTo("site.no-uptime");
        assertThat(f.run(vps, "echo fine").get("stdout").asText()).isEqualTo("fine\n");
    }

    @Test
    void anErrorAnswersRequestIdIsInTheServerLogLine() {
        String path = "/api/v2/vps/vps_01hxa3b4c5d6e7f8g9h0j1k2m3";
        String requestId = problem(f.hostup.get(path), 404, "vps_not_found", path)
                .get("requestId")
                .asText();
        // the message carries the id whatever the log pattern
        awaitLogLine(requestId, line -> assertThat(line)
                .contains("hostup 404 vps_not_found GET " + path + " (request " + requestId + ")"));
    }

    @Test
    void aStoreFailureIsAGeneric500WhoseRequestIdIsLogged() {
        String vps = f.newVps("{\"start\": false}");
        HostupFixture.sql(data, "ALTER TABLE sandboxes RENAME TO sandboxes_gone");
        Http.Response r;
        try {
            r = f.hostup.get("/api/v2/vps");
        } finally {
            HostupFixture.sql(data, "ALTER TABLE sandboxes_gone RENAME TO sandboxes");
        }
        JsonNode p = problem(r, 500, "internal_error", "/api/v2/vps");
        assertThat(p.get("title").asText()).isEqualTo("Internal error");
        assertThat(p.get("detail").asText())
                .isEqualTo("Internal error. Retry later or contact support if the issue persists.");
        List<String> members = new ArrayList<>();
        p.fieldNames().forEachRemaining(members::add);
        assertThat(members)
                .containsExactlyInAnyOrder(
                        "type", "title", "status", "detail", "code", "instance", "requestId", "timestamp");
        assertThat(r.body().toLowerCase(Locale.ROOT))
                .doesNotContain("sandboxes")
                .doesNotContain("sql")
                .doesNotContain("exception");
        String requestId = p.get("requestId").asText();
        awaitLogLine(requestId, line -> assertThat(line)
                .contains("ERROR")
                .contains("unexpected error in GET /api/v2/vps (request " + requestId + ")"));
        // the cause is in the log, for the operator
        awaitLogLine("no such table: sandboxes", line -> assertThat(line).contains("sandboxes"));
        // the store is back: the same call answers again
        Http.Response again = f.hostup.get("/api/v2/vps");
        assertThat(again.status()).as(again.body()).isEqualTo(200);
        assertThat(again.json().get("data").findValuesAsText("id")).contains(vps);
    }
}
