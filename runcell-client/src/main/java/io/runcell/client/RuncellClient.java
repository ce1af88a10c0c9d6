package io.runcell.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** Calls the native API with a Bearer key. Methods return the JSON answer or throw {@link RuncellClientException}. */
public final class RuncellClient {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private final HttpClient http;
    private final URI base;
    private final String apiKey;

    public RuncellClient(String baseUrl, String apiKey) {
        this.base = URI.create(baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl);
        this.apiKey = apiKey;
        this.http = HttpClient.newBuilder()
                .connectTimeout(Duration.ofSeconds(5))
                .version(HttpClient.Version.HTTP_1_1)
                .build();
    }

    public JsonNode createSandbox(Map<String, ?> request) {
        return call("POST", "/runcell/v1/sandboxes", MAPPER.valueToTree(request));
    }

    public JsonNode listSandboxes() {
        return call("GET", "/runcell/v1/sandboxes", null);
    }

    public JsonNode getSandbox(String id) {
        return call("GET", "/runcell/v1/sandboxes/" + id, null);
    }

    public JsonNode startSandbox(String id) {
        return call("POST", "/runcell/v1/sandboxes/" + id + "/start", null);
    }

    public JsonNode stopSandbox(String id) {
        return call("POST", "/runcell/v1/sandboxes/" + id + "/stop", null);
    }

    public void destroySandbox(String id) {
        call("DELETE", "/runcell/v1/sandboxes/" + id, null);
    }

    /** Runs {@code argv} and waits for the record. */
    public JsonNode exec(String sandboxId, List<String> argv, Integer timeoutSeconds) {
        ObjectNode body = MAPPER.createObjectNode();
        body.putArray("argv")
                .addAll(argv.stream().map(MAPPER.getNodeFactory()::textNode).toList());
        body.put("wait", true);
        if (timeoutSeconds != null) {
            body.put("timeout_seconds", timeoutSeconds);
        }
        return call("POST", "/runcell/v1/sandboxes/" + sandboxId + "/executions", body);
    }

    /** Runs {@code command} with bash; {@code wait} false returns at once with the running record. */
    public JsonNode execShell(String sandboxId, String command, boolean wait) {
        ObjectNode body = MAPPER.createObjectNode().put("command", command).put("wait", wait);
        return call("POST", "/runcell/v1/sandboxes/" + sandboxId + "/executions", body);
    }

    public JsonNode getExecution(String id) {
        return call("GET", "/runcell/v1/executions/" + id, null);
    }

    public JsonNode createKey(String accountId, String name, List<String> scopes) {
        ObjectNode body = MAPPER.createObjectNode().put("name", name);
        body.putArray("scopes")
                .addAll(scopes.stream().map(MAPPER.getNodeFactory()::textNode).toList());
        return call(
                "POST", accountId == null ? "/runcell/v1/keys" : "/runcell/v1/accounts/" + accountId + "/keys", body);
    }

    public JsonNode listKeys() {
        return call("GET", "/runcell/v1/keys", null);
    }

    public void revokeKey(String id) {
        call("DELETE", "/runcell/v1/keys/" + id, null);
    }

    /** Any native call; {@code body} may be null. */
    public JsonNode call(String method, String path, JsonNode body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path))
                .timeout(Duration.ofMinutes(65))
                .header("Authorization", "Bearer " + apiKey)
                .header("Accept", "application/json");
        if (body == null) {
            b.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            b.header("Content-Type", "application/json");
            b.method(method, HttpRequest.BodyPublishers.ofString(body.toString()));
        }
        try {
            HttpResponse<String> res = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
            if (res.statusCode() >= 400) {
                throw new RuncellClientException(res.statusCode(), res.body());
            }
            return res.body().isEmpty() ? MAPPER.nullNode() : MAPPER.readTree(res.body());
        } catch (IOException e) {
            throw new UncheckedIOException("calling " + base + path + " failed: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
