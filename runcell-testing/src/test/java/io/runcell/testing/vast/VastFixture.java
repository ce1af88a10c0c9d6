package io.runcell.testing.vast;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.runcell.testing.Http;
import io.runcell.testing.TestServer;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;

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
        Http admin = server.http().bearer(server.adminKey());
        String id = admin.post("/runcell/v1/accounts", "{\"name\":\"" + name + "\"}")
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
    static void markFailed(TestServer server, long number) {
        Path db = server.dataDir().resolve("runcell.db");
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
                PreparedStatement st = c.prepareStatement("UPDATE sandboxes SET state = 'failed' WHERE number = ?")) {
            st.setLong(1, number);
            assertThat(st.executeUpdate()).isEqualTo(1);
        } catch (SQLException e) {
            throw new AssertionError(e);
        }
    }
}
