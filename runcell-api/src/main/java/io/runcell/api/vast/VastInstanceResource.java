package io.runcell.api.vast;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.runcell.api.common.Bodies;
import io.runcell.api.common.Fields;
import io.runcell.api.common.Guard;
import io.runcell.api.common.Json;
import io.runcell.core.Engine;
import io.runcell.core.account.Principal;
import io.runcell.core.error.FieldError;
import io.runcell.core.error.RuncellException;
import io.runcell.core.sandbox.Sandbox;
import io.runcell.core.sandbox.SandboxChange;
import io.runcell.core.sandbox.SandboxRequest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Vast instances: create ({@code PUT /asks/{offer}/}), list, show, manage state and label (one or in bulk),
 * destroy; plus the start-up lookups the CLI makes ({@code /gpu_names/unique/}, {@code /instances/filters/}).
 */
final class VastInstanceResource {

    private final Engine engine;
    private final VastApi api;

    VastInstanceResource(Engine engine, VastApi api) {
        this.engine = engine;
        this.api = api;
    }

    void register(HttpRules rules, Guard guard) {
        VastApi.both(rules, "GET", "/gpu_names/unique", guard.wrap(this::gpuNames));
        VastApi.both(rules, "PUT", "/asks/{offer}", guard.wrap(this::create));
        VastApi.both(rules, "GET", "/instances/filters", guard.wrap(this::filters));
        VastApi.both(rules, "GET", "/instances", guard.wrap(this::list));
        VastApi.both(rules, "PUT", "/instances", guard.wrap(this::manageMany));
        VastApi.both(rules, "GET", "/instances/{id}", guard.wrap(this::show));
        VastApi.both(rules, "PUT", "/instances/{id}", guard.wrap(this::manage));
        VastApi.both(rules, "DELETE", "/instances/{id}", guard.wrap(this::destroy));
    }

    /** Unauthenticated in Vast too; the CLI builds its {@code --gpu-name} choices from it at start-up. */
    private void gpuNames(ServerRequest req, ServerResponse res) {
        Json.send(res, Status.OK_200, Json.object().set("gpu_names", Json.array()));
    }

    private void create(ServerRequest req, ServerResponse res) {
        Principal p = api.principal(req);
        Fields f = Fields.of(Bodies.json(req));
        Map<String, String> metadata = new LinkedHashMap<>();
        putText(metadata, "image", f.node().get("image"));
        putText(metadata, "onstart", f.node().get("onstart"));
        putText(metadata, "disk", f.node().get("disk"));
        putText(metadata, "runtype", f.node().get("runtype"));
        putText(metadata, "offer_id", textNode(req.path().pathParameters().get("offer")));
        SandboxRequest request = new SandboxRequest(
                null,
                f.string("label"),
                null,
                null,
                null,
                null,
                null,
                VastJson.envOf(f.stringMap("env")),
                metadata,
                true);
        Sandbox s = engine.sandboxes().create(p, request);
        Json.send(res, Status.OK_200, Json.object().put("success", true).put("new_contract", s.number()));
    }

    private void list(ServerRequest req, ServerResponse res) {
        Principal p = api.principal(req);
        Instant now = engine.clock().instant();
        ArrayNode rows = Json.array();
        engine.sandboxes().listAll(p).forEach(s -> rows.add(VastJson.instance(s, now)));
        Json.send(res, Status.OK_200, Json.object().set("instances", rows));
    }

    private void filters(ServerRequest req, ServerResponse res) {
        Principal p = api.principal(req);
        Instant now = engine.clock().instant();
        Map<String, ObjectNode> combos = new LinkedHashMap<>();
        for (Sandbox s : engine.sandboxes().listAll(p)) {
            ObjectNode row = VastJson.instance(s, now);
            ObjectNode combo = Json.object();
            for (String col : new String[] {"actual_status", "verification", "gpu_name"}) {
                combo.set(col, row.get(col));
            }
            combos.putIfAbsent(combo.toString(), combo);
        }
        ArrayNode list = Json.array();
        combos.values().forEach(list::add);
        Json.send(res, Status.OK_200, Json.object().set("filters", list));
    }

    private void show(ServerRequest req, ServerResponse res) {
        Principal p = api.principal(req);
        Sandbox s = engine.sandboxes()
                .getByNumber(p, VastApi.instanceId(req.path().pathParameters().get("id")));
        Json.send(
                res,
                Status.OK_200,
                Json.object()
                        .set("instances", VastJson.instance(s, engine.clock().instant())));
    }

    private void manage(ServerRequest req, ServerResponse res) {
        Principal p = api.principal(req);
        SandboxChange change = parseChange(Fields.of(Bodies.json(req)));
        Sandbox s = api.instance(p, req);
        engine.sandboxes().change(p, List.of(s.id()), change);
        Json.send(res, Status.OK_200, Json.object().put("success", true));
    }

    /**
     * {@code vastai start|stop instances A B ...}: {@code {"state": ..., "ids": [...]}}. One call for the core, which
     * checks every id before it changes any.
     */
    private void manageMany(ServerRequest req, ServerResponse res) {
        Principal p = api.principal(req);
        Fields f = Fields.of(Bodies.json(req));
        SandboxChange change = parseChange(f);
        JsonNode ids = f.node().get("ids");
        if (ids == null || !ids.isArray() || ids.isEmpty()) {
            throw RuncellException.invalid(
                    FieldError.of("ids", FieldError.Kind.MISSING, "ids must be a non-empty list of instance ids"));
        }
        List<String> targets = new ArrayList<>();
        for (JsonNode id : ids) {
            if (!id.canConvertToLong() && !id.isTextual()) {
                throw RuncellException.invalid(
                        FieldError.of("ids", FieldError.Kind.INVALID_TYPE, "ids must be integers"));
            }
            targets.add(engine.sandboxes()
                    .ownedByNumber(p, VastApi.instanceId(id.asText()))
                    .id());
        }
        engine.sandboxes().change(p, targets, change);
        Json.send(res, Status.OK_200, Json.object().put("success", true));
    }

    private void destroy(ServerRequest req, ServerResponse res) {
        Principal p = api.principal(req);
        Sandbox s = api.instance(p, req);
        engine.sandboxes().destroy(p, s.id());
        Json.send(res, Status.OK_200, Json.object().put("success", true));
    }

    /** A manage-instance body: {@code state} (stopped|running) and/or {@code label} (≤1024, checked by the core). */
    static SandboxChange parseChange(Fields f) {
        String state = f.string("state");
        String label = f.string("label");
        if (state == null && label == null) {
            throw RuncellException.invalid(
                    FieldError.of("state", FieldError.Kind.MISSING, "Provide at least one of state or label."));
        }
        SandboxChange.Power power = null;
        if (state != null) {
            power = switch (state) {
                case "running" -> SandboxChange.Power.RUNNING;
                case "stopped" -> SandboxChange.Power.STOPPED;
                default ->
                    throw RuncellException.invalid(FieldError.of(
                            "state", FieldError.Kind.INVALID_VALUE, "state must be one of: stopped, running"));
            };
        }
        return new SandboxChange(label, power);
    }

    private static JsonNode textNode(String text) {
        return text == null ? null : Json.MAPPER.getNodeFactory().textNode(text);
    }

    private static void putText(Map<String, String> metadata, String key, JsonNode value) {
        if (value != null && value.isValueNode() && !value.isNull()) {
            metadata.put(key, value.asText());
        }
    }
}
