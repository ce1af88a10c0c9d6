package io.runcell.api.instavm;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.runcell.api.common.Bodies;
import io.runcell.api.common.Json;
import io.runcell.core.Engine;
import io.runcell.core.account.Principal;
import io.runcell.core.execution.Execution;
import io.runcell.core.execution.ExecutionService;
import io.runcell.core.sandbox.Sandbox;
import io.runcell.core.sandbox.SandboxRequest;
import java.util.List;
import java.util.Optional;

/** Sessions: create (lazy: no VM yet), info, status, usage, list, kill. */
final class SessionResource {

    static final int DEFAULT_LIFETIME = 300;

    private final Engine engine;
    private final InstaVmApi api;

    SessionResource(Engine engine, InstaVmApi api) {
        this.engine = engine;
        this.api = api;
    }

    void register(HttpRules rules) {
        rules.post("/v1/sessions/session", api.handler(this::create))
                .get("/v1/sessions/session/{id}", api.handler(this::info))
                .get("/v1/sessions/status/{id}", api.handler(this::status))
                .get("/v1/sessions/usage/{id}", api.handler(this::usage))
                .get("/v1/sessions/sandboxes", api.handler(this::list))
                .post("/kill", api.handler(this::kill));
    }

    private void create(ServerRequest req, ServerResponse res) {
        RequestBody body = RequestBody.parse(Bodies.raw(req, Bodies.MAX_JSON_BYTES), true);
        String apiKey = body.optString("api_key");
        Integer lifetime = body.integer("vm_lifetime_seconds", DEFAULT_LIFETIME, false, 20, 86_400);
        Integer memory = body.integer("memory_mb", null, true, 128, 8192);
        Integer vcpus = body.integer("vcpu_count", null, true, 1, 8);
        var metadata = body.optMap("metadata", false);
        var env = body.optMap("env", true);
        body.check();
        Principal p = api.principal(req, apiKey);
        Sandbox s = engine.sandboxes()
                .create(p, new SandboxRequest(null, null, memory, vcpus, null, lifetime, null, env, metadata, false));
        Json.send(res, Status.OK_200, InstaVmJson.session(s));
    }

    private void info(ServerRequest req, ServerResponse res) {
        Principal p = api.principal(req, null);
        Json.send(res, Status.OK_200, InstaVmJson.session(session(p, req)));
    }

    private void status(ServerRequest req, ServerResponse res) {
        Principal p = api.principal(req, null);
        Sandbox s = session(p, req);
        ObjectNode o = Json.object();
        o.put("session_id", InstaVmJson.sessionId(s));
        o.put("vm_status", InstaVmJson.vmStatus(s));
        o.put("expires_at", InstaVmJson.time(s.expiresAt()));
        o.put("vm_lifetime_seconds", s.lifetimeSeconds());
        o.put("created_at", InstaVmJson.time(s.createdAt()));
        Json.send(res, Status.OK_200, o);
    }

    /**
     * Totals over the session's most recent {@value ExecutionService#MAX_LIST} executions. InstaVM's current SDK
     * asks without any key, so a keyless request is answered for the session its id names (the id is the capability,
     * like a result URL); a request with a key is checked as everywhere else.
     */
    private void usage(ServerRequest req, ServerResponse res) {
        Optional<Principal> caller = api.principalIfKeyed(req, null);
        Sandbox s;
        List<Execution> executions;
        if (caller.isPresent()) {
            // one read: the listing is charged, so the session is looked up without a second token
            s = engine.sandboxes().ownedIncludingDestroyed(caller.get(), sessionSandboxId(req));
            executions = engine.executions().list(caller.get(), s.id(), ExecutionService.MAX_LIST);
        } else {
            s = engine.sandboxes().getByCapability(sessionSandboxId(req));
            executions = engine.executions().listByCapability(s.id(), ExecutionService.MAX_LIST);
        }
        long cpuMillis = 0;
        long wallMillis = 0;
        var now = engine.clock().instant();
        for (Execution e : executions) {
            cpuMillis += e.cpuTimeMillis();
            wallMillis += e.executionTimeMillis(now);
        }
        ObjectNode o = Json.object();
        o.put("session_id", InstaVmJson.sessionId(s));
        o.put("vm_status", InstaVmJson.vmStatus(s));
        o.put("cpu_time", InstaVmJson.seconds(cpuMillis));
        o.put("execution_time", InstaVmJson.seconds(wallMillis));
        o.put("executions", executions.size());
        o.put("memory_mb", s.memoryMb());
        o.put("vcpu_count", s.vcpus());
        Json.send(res, Status.OK_200, o);
    }

    private void list(ServerRequest req, ServerResponse res) {
        Principal p = api.principal(req, null);
        int limit = limit(req);
        ArrayNode rows = Json.array();
        engine.sandboxes().list(p, null, limit).forEach(s -> rows.add(InstaVmJson.sandboxRow(s)));
        Json.send(res, Status.OK_200, rows);
    }

    private void kill(ServerRequest req, ServerResponse res) {
        RequestBody body = RequestBody.parse(Bodies.raw(req, Bodies.MAX_JSON_BYTES), false);
        String sessionId = body.requiredString("session_id");
        String apiKey = body.optString("api_key");
        body.check();
        Principal p = api.principal(req, apiKey);
        String id = InstaVmApi.sandboxId(sessionId);
        engine.sandboxes().destroy(p, id);
        ObjectNode o = Json.object();
        o.put("message", "VM killed");
        o.put("session_id", sessionId.strip());
        o.put("vm_id", sessionId.strip());
        o.put("vm_status", "killed");
        Json.send(res, Status.OK_200, o);
    }

    private static int limit(ServerRequest req) {
        var raw = req.query().first("limit").asOptional();
        if (raw.isEmpty()) {
            return 100;
        }
        String s = raw.get().strip();
        if (!s.matches("[+-]?\\d{1,9}")) {
            throw RequestBody.single(
                    List.of("query", "limit"),
                    "Input should be a valid integer, unable to parse string as an integer",
                    "int_parsing");
        }
        int v = Integer.parseInt(s);
        if (v < 1) {
            throw RequestBody.single(
                    List.of("query", "limit"), "Input should be greater than or equal to 1", "greater_than_equal");
        }
        if (v > 1000) {
            throw RequestBody.single(
                    List.of("query", "limit"), "Input should be less than or equal to 1000", "less_than_equal");
        }
        return v;
    }

    private Sandbox session(Principal p, ServerRequest req) {
        return engine.sandboxes().getIncludingDestroyed(p, sessionSandboxId(req));
    }

    private static String sessionSandboxId(ServerRequest req) {
        return InstaVmApi.sandboxId(req.path().pathParameters().get("id"));
    }
}
