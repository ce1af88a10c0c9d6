package io.runcell.testing.vast;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.runcell.core.sandbox.Sandbox;
import io.runcell.core.sandbox.SandboxRepository;
import io.runcell.core.sandbox.SandboxState;
import io.runcell.testing.Http;
import io.runcell.testing.TestServer;
import java.time.Instant;

/** Helpers shared by the Vast integration tests. */
final class VastFixture {

    private VastFixture() {}

    static long create(Http user, String label) {
        Http.Response r = user.put("/api/v0/asks/1/", label == null ? "{}" : "{\"label\":\"" + label + "\"}");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.json().get("success").asBoolean()).isTrue();
        return r.json().get("new_contract").asLong();
    }

    static JsonNode show(Http user, long id) {
        Http.Response r = user.get("/api/v0/instances/" + id + "/");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.json().get("instances");
    }

    /** Asserts Vast's error body exactly. */
    static void error(Http.Response r, int status, String error, String msg) {
        assertThat(r.status()).as(r.body()).isEqualTo(status);
        assertThat(r.header("content-type")).startsWith("application/json");
        JsonNode b = r.json();
        assertThat(b.size()).as(r.body()).isEqualTo(3);
        assertThat(b.get("success").asBoolean(true)).isFalse();
        assertThat(b.get("error").asText()).isEqualTo(error);
        if (msg != null) {
            assertThat(b.get("msg").asText()).isEqualTo(msg);
        } else {
            assertThat(b.get("msg").isTextual()).isTrue();
        }
    }

    /** Creates an account and returns {id, key}. */
    static String[] account(TestServer server, String name) {
        return account(server, name, null);
    }

    /** Creates an account on {@code plan} (null: the default plan) and returns {id, key}. */
    static String[] account(TestServer server, String name, String plan) {
        Http admin = server.http().bearer(server.adminKey());
        String planField = plan == null ? "" : ",\"plan\":\"" + plan + "\"";
        String id = admin.post("/runcell/v1/accounts", "{\"name\":\"" + name + "\"" + planField + "}")
                .json()
                .get("id")
                .asText();
        String key = admin.post(
                        "/runcell/v1/accounts/" + id + "/keys",
                        "{\"name\":\"k\",\"scopes\":[\"read:vm\",\"write:vm\"]}")
                .json()
                .get("key")
                .asText();
        return new String[] {id, key};
    }

    /**
     * Marks an instance failed in the store, as the core does when its backend cannot start it (the namespace
     * backend cannot be made to fail on demand). Stop it first so no processes are left.
     */
    /** Marks the sandbox failed through the server's own records (as a failed start would leave it). */
    static void markFailed(TestServer server, long number) {
        SandboxRepository records = server.server().sandboxRecords();
        Sandbox s = records.findByNumber(number).orElseThrow();
        records.update(s.withState(SandboxState.FAILED, "marked failed by the test", Instant.now()));
    }
}
