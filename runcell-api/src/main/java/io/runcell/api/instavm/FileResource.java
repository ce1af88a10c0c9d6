package io.runcell.api.instavm;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.runcell.api.common.Bodies;
import io.runcell.api.common.Forms;
import io.runcell.api.common.Json;
import io.runcell.core.Engine;
import io.runcell.core.account.Principal;
import io.runcell.core.files.WorkspacePath;
import java.io.ByteArrayInputStream;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** {@code /upload} (multipart into {@code /workspace}) and {@code /download} (form or JSON; base64 content). */
final class FileResource {

    private final Engine engine;
    private final InstaVmApi api;
    /** Largest upload body accepted, in bytes (the whole form is held in memory). */
    private final int maxUploadBytes;

    FileResource(Engine engine, InstaVmApi api, int maxUploadBytes) {
        this.engine = engine;
        this.api = api;
        this.maxUploadBytes = maxUploadBytes;
    }

    void register(HttpRules rules) {
        rules.post("/upload", api.handler(this::upload)).post("/download", api.handler(this::download));
    }

    private void upload(ServerRequest req, ServerResponse res) {
        Map<String, Forms.Part> form = Forms.read(req, maxUploadBytes).orElse(Map.of());
        RequestBody body = RequestBody.ofStrings(texts(form, "session_id", "remote_path", "api_key"));
        Forms.Part file = form.get("file");
        if (file == null) {
            body.error(List.of("body", "file"), "Field required", "missing");
        }
        String sessionId = body.requiredString("session_id");
        String remote = body.optString("remote_path");
        String apiKey = body.optString("api_key");
        body.check();
        Principal p = api.principal(req, apiKey);
        String target = remote == null || remote.isBlank()
                ? baseName(file.filename())
                : remote.endsWith("/") ? remote + baseName(file.filename()) : remote;
        WorkspacePath path = WorkspacePath.parse("remote_path", target);
        engine.files().write(p, InstaVmApi.sandboxId(sessionId), path, new ByteArrayInputStream(file.data()), true);
        ObjectNode o = Json.object();
        o.put("success", true);
        o.put("message", "File uploaded");
        o.put("path", path.absolute());
        o.put("size", file.data().length);
        Json.send(res, Status.OK_200, o);
    }

    private void download(ServerRequest req, ServerResponse res) {
        Optional<Map<String, Forms.Part>> form = Forms.read(req, Bodies.MAX_JSON_BYTES);
        RequestBody body = form.isPresent()
                ? RequestBody.ofStrings(texts(form.get(), "session_id", "remote_path", "filename", "api_key"))
                : RequestBody.parse(Bodies.raw(req, Bodies.MAX_JSON_BYTES), false);
        String sessionId = body.requiredString("session_id");
        String remote = body.optString("remote_path");
        String filename = body.optString("filename");
        String apiKey = body.optString("api_key");
        if (remote == null && filename == null) {
            body.error(List.of("body", "remote_path"), "Field required", "missing");
        }
        body.check();
        Principal p = api.principal(req, apiKey);
        String name = remote != null ? remote : filename;
        WorkspacePath path = WorkspacePath.parse(remote != null ? "remote_path" : "filename", name);
        byte[] data = engine.files().read(p, InstaVmApi.sandboxId(sessionId), path, true);
        ObjectNode o = Json.object();
        o.put("success", true);
        o.put("filename", baseName(path.absolute()));
        o.put("path", path.absolute());
        o.put("size", data.length);
        o.put("content", Base64.getEncoder().encodeToString(data));
        Json.send(res, Status.OK_200, o);
    }

    private static Map<String, String> texts(Map<String, Forms.Part> form, String... names) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String n : names) {
            Forms.Part part = form.get(n);
            if (part != null) {
                out.put(n, part.text());
            }
        }
        return out;
    }

    private static String baseName(String name) {
        if (name == null || name.isBlank()) {
            return "upload";
        }
        String n = name.replace('\\', '/');
        return n.substring(n.lastIndexOf('/') + 1);
    }
}
