package io.runcell.testing.instavm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.runcell.testing.Http;
import io.runcell.testing.TestServer;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/** Shortcuts over the InstaVM dialect, authenticating with {@code X-API-Key} as the official SDK does. */
final class InstaVmFixture {

    /** Without credentials. */
    final Http anon;

    final String key;
    final Http http;

    InstaVmFixture(TestServer server, String key) {
        this(server.http(), key);
    }

    /** Over any server ({@code anon} reaches it without credentials), e.g. a forked one. */
    InstaVmFixture(Http anon, String key) {
        this.anon = anon;
        this.key = key;
        this.http = anon.withHeader("X-API-Key", key);
    }

    /** Creates a session the SDK's way: the key only in the body. */
    String createSession(int lifetimeSeconds) {
        ObjectNode body = Http.JSON.createObjectNode().put("api_key", key).put("vm_lifetime_seconds", lifetimeSeconds);
        Http.Response r = anon.post("/v1/sessions/session", body.toString());
        if (r.status() != 200) {
            throw new AssertionError("session create failed: " + r.status() + " " + r.body());
        }
        return r.json().get("session_id").asText();
    }

    Http.Response execute(String session, String language, String command) {
        ObjectNode body = Http.JSON.createObjectNode().put("command", command).put("language", language);
        if (session != null) {
            body.put("session_id", session);
        }
        return http.post("/execute", body.toString());
    }

    /** Runs {@code command} with bash and returns the 200 answer. */
    JsonNode bash(String session, String command) {
        Http.Response r = execute(session, "bash", command);
        if (r.status() != 200) {
            throw new AssertionError("execute failed: " + r.status() + " " + r.body());
        }
        return r.json();
    }

    String stdout(String session, String command) {
        return bash(session, command).get("stdout").asText();
    }

    String vmStatus(String session) {
        return status(session).get("vm_status").asText();
    }

    /** {@code GET /v1/sessions/status/{id}}: {@code vm_status}, {@code expires_at}... */
    JsonNode status(String session) {
        return http.get("/v1/sessions/status/" + session).json();
    }

    /** A multipart/form-data body of text fields and one file part. */
    static byte[] multipart(String boundary, Map<String, String> fields, String fileName, byte[] file) {
        StringBuilder sb = new StringBuilder();
        fields.forEach((k, v) -> sb.append("--")
                .append(boundary)
                .append("\r\n")
                .append("Content-Disposition: form-data; name=\"")
                .append(k)
                .append("\"\r\n\r\n")
                .append(v)
                .append("\r\n"));
        byte[] head = sb.toString().getBytes(StandardCharsets.UTF_8);
        byte[] fileHead = ("--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"" + fileName
                        + "\"\r\nContent-Type: application/octet-stream\r\n\r\n")
                .getBytes(StandardCharsets.UTF_8);
        byte[] tail = ("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8);
        byte[] out = new byte[head.length + (file == null ? 0 : fileHead.length + file.length) + tail.length];
        int pos = 0;
        System.arraycopy(head, 0, out, pos, head.length);
        pos += head.length;
        if (file != null) {
            System.arraycopy(fileHead, 0, out, pos, fileHead.length);
            pos += fileHead.length;
            System.arraycopy(file, 0, out, pos, file.length);
            pos += file.length;
        } else {
            // no file part: the tail must still start a delimiter line
            tail = ("--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8);
            out = java.util.Arrays.copyOf(out, head.length + tail.length);
        }
        System.arraycopy(tail, 0, out, pos, tail.length);
        return out;
    }
}
