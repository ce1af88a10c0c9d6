package io.runcell.api.nativeapi;

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
import io.runcell.core.sandbox.Sandbox;
import io.runcell.core.sandbox.SandboxRequest;
import java.util.List;

/** {@code /runcell/v1/sandboxes}: create, list, get, start, stop, destroy. */
final class SandboxResource {

    private final Engine engine;
    private final NativeApi api;

    SandboxResource(Engine engine, NativeApi api) {
        this.engine = engine;
        this.api = api;
    }

    void register(HttpRules rules, Guard guard) {
        rules.post("/sandboxes", guard.wrap(this::create))
                .get("/sandboxes", guard.wrap(this::list))
                .get("/sandboxes/{id}", guard.wrap(this::get))
                .post("/sandboxes/{id}/start", guard.wrap(this::start))
                .post("/sandboxes/{id}/stop", guard.wrap(this::stop))
                .delete("/sandboxes/{id}", guard.wrap(this::destroy));
    }

    private void create(ServerRequest req, ServerResponse res) {
        Principal p = api.principal(req);
        Fields f = Fields.of(Bodies.json(req));
        Integer lifetime = f.integer("lifetime_seconds");
        SandboxRequest request = new SandboxRequest(
                f.string("backend"),
                f.string("label"),
                f.integer("memory_mb"),
                f.integer("vcpus"),
                f.integer("pids_max"),
                lifetime,
                f.bool("network"),
                f.stringMap("env"),
                f.stringMap("metadata"),
                !Boolean.FALSE.equals(f.bool("start")));
        Sandbox s = engine.sandboxes().create(p, request);
        res.header("Location", NativeApi.PREFIX + "/sandboxes/" + s.id());
        Json.send(res, Status.CREATED_201, NativeJson.sandbox(s));
    }

    private void list(ServerRequest req, ServerResponse res) {
        Principal p = api.principal(req);
        int limit = Paging.limit(req, 100, 500);
        String cursor = req.query().first("cursor").asOptional().orElse(null);
        List<Sandbox> page = engine.sandboxes().list(p, cursor, limit);
        ObjectNode body = NativeJson.data(page, NativeJson::sandbox);
        body.put("next_cursor", page.size() == limit ? page.get(page.size() - 1).id() : null);
        Json.send(res, Status.OK_200, body);
    }

    private void get(ServerRequest req, ServerResponse res) {
        Principal p = api.principal(req);
        Json.send(res, Status.OK_200, NativeJson.sandbox(engine.sandboxes().get(p, id(req))));
    }

    private void start(ServerRequest req, ServerResponse res) {
        Principal p = api.principal(req);
        Json.send(res, Status.OK_200, NativeJson.sandbox(engine.sandboxes().start(p, id(req))));
    }

    private void stop(ServerRequest req, ServerResponse res) {
        Principal p = api.principal(req);
        Json.send(res, Status.OK_200, NativeJson.sandbox(engine.sandboxes().stop(p, id(req))));
    }

    private void destroy(ServerRequest req, ServerResponse res) {
        Principal p = api.principal(req);
        engine.sandboxes().destroy(p, id(req));
        res.status(Status.NO_CONTENT_204).send();
    }

    private static String id(ServerRequest req) {
        return req.path().pathParameters().get("id");
    }
}
