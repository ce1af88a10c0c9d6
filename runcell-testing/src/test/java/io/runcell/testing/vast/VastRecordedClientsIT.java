package io.runcell.testing.vast;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.runcell.testing.Http;
import io.runcell.testing.TestServer;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Replays, in order, every request the official Vast clients sent in {@code vast/recorded-clients.json} (vast.py
 * v1.0.13 and master, the vastai package CLI and SDK: create, list in both styles with paging, show, execute with
 * result_url polling, stop, start, bulk start/stop, label, destroy, wrong key) against a fresh server and checks
 * each answer equals the recorded one the client accepted. Only values that depend on time or on the run
 * (start_date, uptime_mins, runcell_id, the result_url's host and token) are compared by type and shape.
 */
class VastRecordedClientsIT {

    private static final Set<String> BY_TYPE = Set.of("start_date", "uptime_mins", "runcell_id");

    static TestServer server;
    static String key;

    @BeforeAll
    static void start() {
        server = TestServer.start();
        key = VastFixture.account(server, "vast-replay")[1];
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void theOfficialClientsRecordedExchangesReplayIdentically() throws IOException {
        JsonNode doc;
        try (InputStream in = VastRecordedClientsIT.class.getResourceAsStream("/vast/recorded-clients.json")) {
            doc = Http.JSON.readTree(in);
        }
        Map<String, String> tokens = new HashMap<>();
        Http http = new Http(server.url());
        int replayed = 0;
        JsonNode exchanges = doc.get("exchanges");
        for (int n = 0; n < exchanges.size(); n++) {
            JsonNode x = exchanges.get(n);
            String where = "#" + n + " " + x.get("tag").asText() + " "
                    + x.get("method").asText() + " " + x.get("path").asText();
            String path = substitute(x.get("path").asText(), tokens);
            if (path.startsWith("/api/v0/results/")) {
                if (x.get("status").asInt() == 404) {
                    continue; // an early poll; how many the client made depends on timing
                }
                await().atMost(Duration.ofSeconds(20))
                        .pollInterval(Duration.ofMillis(100))
                        .until(() -> http.get(path).status() == 200);
                Http.Response r = http.get(path);
                assertThat(r.header("content-type")).as(where).startsWith("text/plain");
                assertThat(r.body()).as(where).isEqualTo(x.get("response").asText());
                replayed++;
                continue;
            }
            Map<String, String> headers = new LinkedHashMap<>();
            x.get("headers")
                    .fields()
                    .forEachRemaining(
                            h -> headers.put(h.getKey(), substitute(h.getValue().asText(), tokens)));
            String body = x.get("body").asText();
            Http.Response r = http.send(x.get("method").asText(), path, body.isEmpty() ? null : body, headers);
            assertThat(r.status())
                    .as(where + " -> " + r.body())
                    .isEqualTo(x.get("status").asInt());
            assertThat(r.header("content-type"))
                    .as(where)
                    .isEqualTo(x.get("content_type").asText());
            JsonNode expected = Http.JSON.readTree(x.get("response").asText());
            JsonNode actual = r.json();
            if (expected.has("result_url")) {
                String want = expected.get("result_url").asText();
                String got = actual.get("result_url").asText();
                assertThat(got).as(where).startsWith(server.url() + "/api/v0/results/");
                tokens.put(want.substring(want.lastIndexOf('/') + 1), got.substring(got.lastIndexOf('/') + 1));
                ((ObjectNode) expected).put("result_url", got);
            }
            same(where, "", expected, actual);
            replayed++;
        }
        assertThat(replayed).isGreaterThan(45);
    }

    private static String substitute(String text, Map<String, String> tokens) {
        String out = text.replace("${KEY}", key);
        for (var e : tokens.entrySet()) {
            out = out.replace(e.getKey(), e.getValue());
        }
        return out;
    }

    private static void same(String where, String at, JsonNode expected, JsonNode actual) {
        String field = at.substring(at.lastIndexOf('/') + 1);
        if (BY_TYPE.contains(field)) {
            assertThat(actual.getNodeType()).as(where + " at " + at).isEqualTo(expected.getNodeType());
            return;
        }
        if (expected.isObject()) {
            assertThat(actual.isObject()).as(where + " at " + at).isTrue();
            assertThat(iterable(actual.fieldNames()))
                    .as(where + " keys at " + at)
                    .containsExactlyElementsOf(iterable(expected.fieldNames()));
            expected.fields()
                    .forEachRemaining(e -> same(where, at + "/" + e.getKey(), e.getValue(), actual.get(e.getKey())));
        } else if (expected.isArray()) {
            assertThat(actual.size()).as(where + " size at " + at).isEqualTo(expected.size());
            for (int i = 0; i < expected.size(); i++) {
                same(where, at + "/" + i, expected.get(i), actual.get(i));
            }
        } else {
            assertThat(actual).as(where + " at " + at).isEqualTo(expected);
        }
    }

    private static java.util.List<String> iterable(java.util.Iterator<String> it) {
        java.util.List<String> out = new java.util.ArrayList<>();
        it.forEachRemaining(out::add);
        return out;
    }
}
