package io.runcell.testing.nativeapi;

import com.fasterxml.jackson.databind.JsonNode;
import io.runcell.testing.Http;
import io.runcell.testing.TestServer;

/** Shortcuts over the native API for the integration tests. */
final class NativeFixture {

    final TestServer server;
    final Http http;

    NativeFixture(TestServer server, String key) {
        this.server = server;
        this.http = server.http().bearer(key);
    }

    String createSandbox(String body) {
        Http.Response r = http.post("/runcell/v1/sandboxes", body);
        if (r.status() != 201) {
            throw new AssertionError("create failed: " + r.status() + " " + r.body());
        }
        return r.json().get("id").asText();
    }

    /** Runs {@code command} with bash and waits for the record. */
    JsonNode run(String sandbox, String command) {
        return run(sandbox, command, null);
    }

    JsonNode run(String sandbox, String command, Integer timeoutSeconds) {
        var body = Http.JSON.createObjectNode().put("command", command).put("wait", true);
        if (timeoutSeconds != null) {
            body.put("timeout_seconds", timeoutSeconds);
        }
        Http.Response r = http.post("/runcell/v1/sandboxes/" + sandbox + "/executions", body.toString());
        if (r.status() != 200) {
            throw new AssertionError("exec failed: " + r.status() + " " + r.body());
        }
        return r.json();
    }

    String stdout(String sandbox, String command) {
        JsonNode rec = run(sandbox, command);
        return rec.get("stdout").asText();
    }
}
