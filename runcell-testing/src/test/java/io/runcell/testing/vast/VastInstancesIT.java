package io.runcell.testing.vast;

import static io.runcell.testing.vast.VastFixture.error;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.runcell.testing.Http;
import io.runcell.testing.TestServer;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Every row of seed 002 (manage instance) plus create, list (v0 and paged v1), show and destroy. */
class VastInstancesIT {

    static final String NOT_FOUND = "Instance not found.";
    static final String FAILED = "The instance failed and cannot be started again.";

    static TestServer server;
    static Http user;
    static String key;

    @BeforeAll
    static void start() {
        server = TestServer.start();
        key = VastFixture.account(server, "vast-inst")[1];
        user = server.http().bearer(key);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static Http.Response manage(long id, String body) {
        return user.put("/api/v0/instances/" + id + "/", body);
    }

    @Test
    void createShowsTheInstanceWithTheFieldsTheClientsRead() {
        Http.Response r = user.put(
                "/api/v0/asks/555/",
                "{\"client_id\":\"me\",\"image\":\"debian:12\",\"disk\":8.0,"
                        + "\"label\":\"web\",\"env\":{\"FOO\":\"bar\",\"-p 8080:8080\":\"1\"},\"price\":null,\"onstart\":\"echo hi\","
                        + "\"runtype\":\"ssh\",\"unknown_field\":[1,2]}");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        long id = r.json().get("new_contract").asLong();
        assertThat(r.json().size()).isEqualTo(2);
        JsonNode i = VastFixture.show(user, id);
        assertThat(i.get("id").asLong()).isEqualTo(id);
        assertThat(i.get("actual_status").asText()).isEqualTo("running");
        assertThat(i.get("intended_status").asText()).isEqualTo("running");
        assertThat(i.get("cur_state").asText()).isEqualTo("running");
        assertThat(i.get("next_state").asText()).isEqualTo("running");
        assertThat(i.get("status_msg").isTextual()).isTrue();
        assertThat(i.get("label").asText()).isEqualTo("web");
        assertThat(i.get("image_uuid").asText()).isEqualTo("debian:12");
        assertThat(i.get("start_date").isNumber()).isTrue();
        assertThat(i.get("extra_env").toString()).isEqualTo("[[\"FOO\",\"bar\"]]");
        assertThat(i.get("disk_space").asDouble()).isEqualTo(8.0);
        for (String numeric : List.of("cpu_cores", "cpu_cores_effective", "cpu_ram", "dph_total", "num_gpus")) {
            assertThat(i.get(numeric).isNumber()).as(numeric).isTrue();
        }
        for (String nullable : List.of("gpu_util", "inet_up", "inet_down", "reliability2")) {
            assertThat(i.get(nullable).isNull() || i.get(nullable).isNumber())
                    .as(nullable)
                    .isTrue();
        }
        assertThat(user.get("/api/v0/instances/" + id)
                        .json()
                        .get("instances")
                        .get("id")
                        .asLong())
                .isEqualTo(id);
    }

    @Test
    void stopStartAndLabelAnswerSuccessAndChangeTheInstance() {
        long id = VastFixture.create(user, "m");
        assertThat(manage(id, "{\"state\":\"stopped\"}").body()).isEqualTo("{\"success\":true}");
        JsonNode stopped = VastFixture.show(user, id);
        assertThat(stopped.get("actual_status").asText()).isEqualTo("stopped");
        assertThat(stopped.get("intended_status").asText()).isEqualTo("stopped");
        assertThat(manage(id, "{\"state\":\"running\"}").body()).isEqualTo("{\"success\":true}");
        assertThat(VastFixture.show(user, id).get("actual_status").asText()).isEqualTo("running");
        assertThat(manage(id, "{\"label\":\"" + "x".repeat(1024) + "\"}").body())
                .isEqualTo("{\"success\":true}");
        assertThat(VastFixture.show(user, id).get("label").asText()).hasSize(1024);
        Http.Response both = user.put("/api/v0/instances/" + id, "{\"state\":\"stopped\",\"label\":\"both\"}");
        assertThat(both.body()).isEqualTo("{\"success\":true}");
        assertThat(VastFixture.show(user, id).get("label").asText()).isEqualTo("both");
        assertThat(VastFixture.show(user, id).get("actual_status").asText()).isEqualTo("stopped");
    }

    @Test
    void manageValidatesStateLabelAndPresence() {
        long id = VastFixture.create(user, "v");
        error(manage(id, "{}"), 400, "invalid_args", "Provide at least one of state or label.");
        error(manage(id, "{\"state\":\"paused\"}"), 400, "invalid_args", "state must be one of: stopped, running");
        error(manage(id, "{\"state\":\"RUNNING\"}"), 400, "invalid_args", "state must be one of: stopped, running");
        error(
                manage(id, "{\"label\":\"" + "x".repeat(1025) + "\"}"),
                400,
                "invalid_args",
                "label must be at most 1024 characters");
        error(manage(id, "{\"label\":5}"), 400, "invalid_args", "label must be a string");
        // a valid state with a bad label: refused as a whole, the state is not applied either
        error(
                manage(id, "{\"state\":\"stopped\",\"label\":\"" + "x".repeat(1025) + "\"}"),
                400,
                "invalid_args",
                "label must be at most 1024 characters");
        error(manage(id, "{\"state\": "), 483, "invalid_args", "Invalid json_body");
        assertThat(VastFixture.show(user, id).get("label").asText()).isEqualTo("v");
        assertThat(VastFixture.show(user, id).get("actual_status").asText()).isEqualTo("running");
    }

    @Test
    void unknownForeignAndDestroyedInstancesAreNotFound() {
        long id = VastFixture.create(user, "nf");
        Http other = server.http().bearer(VastFixture.account(server, "vast-other")[1]);
        error(
                other.put("/api/v0/instances/" + id + "/", "{\"state\":\"stopped\"}"),
                404,
                "no_such_instance",
                NOT_FOUND);
        error(other.get("/api/v0/instances/" + id + "/"), 404, "no_such_instance", NOT_FOUND);
        error(other.delete("/api/v0/instances/" + id + "/"), 404, "no_such_instance", NOT_FOUND);
        error(manage(987_654, "{\"state\":\"stopped\"}"), 404, "no_such_instance", NOT_FOUND);
        error(user.get("/api/v0/instances/abc/"), 404, "no_such_instance", NOT_FOUND);
        assertThat(user.send(
                                "DELETE",
                                "/api/v0/instances/" + id + "/",
                                "{}",
                                java.util.Map.of("Content-Type", "application/json"))
                        .body())
                .isEqualTo("{\"success\":true}");
        error(user.get("/api/v0/instances/" + id + "/"), 404, "no_such_instance", NOT_FOUND);
        error(manage(id, "{\"label\":\"x\"}"), 404, "no_such_instance", NOT_FOUND);
        assertThat(VastFixture.show(user, VastFixture.create(user, "still"))
                        .get("label")
                        .asText())
                .isEqualTo("still");
    }

    @Test
    void destroyWithoutTheTrailingSlashDestroys() {
        long id = VastFixture.create(user, "bare");
        assertThat(user.delete("/api/v0/instances/" + id).body()).isEqualTo("{\"success\":true}");
        error(user.get("/api/v0/instances/" + id), 404, "no_such_instance", NOT_FOUND);
        error(user.delete("/api/v0/instances/" + id), 404, "no_such_instance", NOT_FOUND);
    }

    @Test
    void labelAndStartOfAFailedInstanceIsRefusedAndKeepsTheOldLabel() {
        long failed = VastFixture.create(user, "old");
        assertThat(manage(failed, "{\"state\":\"stopped\"}").status()).isEqualTo(200);
        VastFixture.markFailed(server, failed);
        error(manage(failed, "{\"label\":\"new\",\"state\":\"running\"}"), 400, "invalid_state", FAILED);
        JsonNode shown = VastFixture.show(user, failed);
        assertThat(shown.get("label").asText()).isEqualTo("old");
        assertThat(shown.get("actual_status").asText()).isEqualTo("exited");
        // a label alone is still accepted on a failed instance
        assertThat(manage(failed, "{\"label\":\"new\"}").body()).isEqualTo("{\"success\":true}");
        assertThat(VastFixture.show(user, failed).get("label").asText()).isEqualTo("new");
    }

    @Test
    void bulkStartWithOneFailedInstanceChangesNoneOfTheIds() {
        long stopped = VastFixture.create(user, "bulk-ok");
        long failed = VastFixture.create(user, "bulk-failed");
        assertThat(user.put("/api/v0/instances/", "{\"state\":\"stopped\",\"ids\":[" + stopped + "," + failed + "]}")
                        .body())
                .isEqualTo("{\"success\":true}");
        VastFixture.markFailed(server, failed);
        error(
                user.put("/api/v0/instances/", "{\"state\":\"running\",\"ids\":[" + stopped + "," + failed + "]}"),
                400,
                "invalid_state",
                FAILED);
        assertThat(VastFixture.show(user, stopped).get("actual_status").asText())
                .isEqualTo("stopped");
        assertThat(VastFixture.show(user, failed).get("actual_status").asText()).isEqualTo("exited");
    }

    @Test
    void bulkStartAndStopApplyToEveryIdOrNone() {
        long a = VastFixture.create(user, "bulk");
        long b = VastFixture.create(user, "bulk");
        assertThat(user.put("/api/v0/instances/", "{\"state\":\"stopped\",\"ids\":[" + a + "," + b + "]}")
                        .body())
                .isEqualTo("{\"success\":true}");
        assertThat(VastFixture.show(user, a).get("actual_status").asText()).isEqualTo("stopped");
        assertThat(VastFixture.show(user, b).get("actual_status").asText()).isEqualTo("stopped");
        error(
                user.put("/api/v0/instances/", "{\"state\":\"running\",\"ids\":[" + a + ",999999]}"),
                404,
                "no_such_instance",
                NOT_FOUND);
        assertThat(VastFixture.show(user, a).get("actual_status").asText()).isEqualTo("stopped");
        assertThat(user.put("/api/v0/instances", "{\"state\":\"running\",\"ids\":[" + a + "," + b + "]}")
                        .status())
                .isEqualTo(200);
        assertThat(VastFixture.show(user, b).get("actual_status").asText()).isEqualTo("running");
        error(
                user.put("/api/v0/instances/", "{\"state\":\"running\"}"),
                400,
                "invalid_args",
                "ids must be a non-empty list of instance ids");
    }

    @Test
    void authIsBearerOrApiKeyQueryAndFailuresAre401() {
        Http anonymous = new Http(server.url());
        error(anonymous.get("/api/v0/instances/?owner=me"), 401, "auth_error", "Invalid user key");
        error(anonymous.get("/api/v0/instances?owner=me&api_key=nope"), 401, "auth_error", "Invalid user key");
        error(anonymous.put("/api/v0/instances/1/", "{\"state\":\"stopped\"}"), 401, "auth_error", "Invalid user key");
        assertThat(anonymous.get("/api/v0/instances?owner=me&api_key=" + key).status())
                .isEqualTo(200);
        Http.Response names = anonymous.get("/api/v0/gpu_names/unique/");
        assertThat(names.status()).isEqualTo(200);
        assertThat(names.json().get("gpu_names").isArray()).isTrue();
        error(user.get("/api/v0/no/such/thing/"), 404, "not_found", "No such endpoint.");
    }

    @Test
    void v0ListsEverythingAndV1PagesWithNextToken() {
        String[] acc = VastFixture.account(server, "vast-pager");
        Http pager = server.http().bearer(acc[1]);
        List<Long> ids = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            ids.add(VastFixture.create(pager, i % 2 == 0 ? "even" : "odd"));
        }
        JsonNode v0 = pager.get("/api/v0/instances?owner=me").json().get("instances");
        assertThat(v0).hasSize(5);
        assertThat(pager.get("/api/v0/instances/").json().get("instances")).hasSize(5);

        List<Long> seen = new ArrayList<>();
        String token = null;
        int pages = 0;
        do {
            String q = "?select_filters=" + enc("{}") + "&order_by=" + enc("[{\"col\":\"id\",\"dir\":\"asc\"}]")
                    + "&limit=2" + (token == null ? "" : "&after_token=" + enc(token));
            JsonNode page = pager.get("/api/v1/instances/" + q).json();
            page.get("instances").forEach(i -> seen.add(i.get("id").asLong()));
            assertThat(page.get("total_instances").asInt()).isEqualTo(5);
            assertThat(page.get("label_counts").toString()).isEqualTo("{\"even\":3,\"odd\":2}");
            token = page.get("next_token").isNull()
                    ? null
                    : page.get("next_token").asText();
            pages++;
        } while (token != null);
        assertThat(pages).isEqualTo(3);
        assertThat(seen).isEqualTo(ids);

        JsonNode filtered = pager.get("/api/v1/instances?select_filters=" + enc("{\"label\":{\"in\":[\"odd\"]}}")
                        + "&select_cols=" + enc("[\"id\",\"label\"]"))
                .json();
        assertThat(filtered.get("instances")).hasSize(2);
        assertThat(filtered.get("instances").get(0).size()).isEqualTo(2);
        assertThat(filtered.get("next_token").isNull()).isTrue();
        JsonNode combos = pager.get("/api/v0/instances/filters/").json().get("filters");
        assertThat(combos.get(0).get("actual_status").asText()).isEqualTo("running");
        error(
                pager.get("/api/v1/instances/?select_filters=" + enc("{\"label\":{\"like\":\"x\"}}")),
                400,
                "invalid_args",
                "select_filters operators are eq, neq, in, notin");
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
