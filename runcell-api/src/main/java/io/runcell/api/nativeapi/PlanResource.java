package io.runcell.api.nativeapi;

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
import io.runcell.core.error.ErrorCode;
import io.runcell.core.error.FieldError;
import io.runcell.core.error.RuncellException;
import io.runcell.core.plan.Plan;

/**
 * Plans: list (any key), create and replace (admin). A create takes the limits it does not name from the
 * {@code default} plan; a replace keeps the plan's current values for fields it does not name.
 */
final class PlanResource {

    private final Engine engine;
    private final NativeApi api;

    PlanResource(Engine engine, NativeApi api) {
        this.engine = engine;
        this.api = api;
    }

    void register(HttpRules rules, Guard guard) {
        rules.get("/plans", guard.wrap(this::list))
                .get("/plans/{name}", guard.wrap(this::get))
                .post("/plans", guard.wrap(this::create))
                .put("/plans/{name}", guard.wrap(this::update));
    }

    private void list(ServerRequest req, ServerResponse res) {
        Principal p = api.principal(req);
        Json.send(res, Status.OK_200, NativeJson.data(engine.planService().list(p), NativeJson::plan));
    }

    private void get(ServerRequest req, ServerResponse res) {
        Principal p = api.principal(req);
        Json.send(
                res,
                Status.OK_200,
                NativeJson.plan(
                        engine.planService().get(p, req.path().pathParameters().get("name"))));
    }

    private void create(ServerRequest req, ServerResponse res) {
        Principal p = api.principal(req);
        Fields f = Fields.of(Bodies.json(req));
        String name = f.string("name");
        if (name == null) {
            throw RuncellException.invalid(FieldError.of("name", FieldError.Kind.MISSING, "name is required"));
        }
        Plan base = engine.plans().find(Plan.DEFAULT).orElseThrow(() -> RuncellException.of(ErrorCode.PLAN_NOT_FOUND));
        Plan created = engine.planService().create(p, merge(name, base, f));
        Json.send(res, Status.CREATED_201, NativeJson.plan(created));
    }

    private void update(ServerRequest req, ServerResponse res) {
        Principal p = api.principal(req);
        String name = req.path().pathParameters().get("name");
        Fields f = Fields.of(Bodies.json(req));
        if (f.present("name") && !name.equals(f.string("name"))) {
            throw RuncellException.invalid(
                    FieldError.of("name", FieldError.Kind.INVALID_VALUE, "a plan cannot be renamed"));
        }
        p.require(io.runcell.core.account.Scope.ADMIN);
        Plan base = engine.plans().find(name).orElseThrow(() -> RuncellException.of(ErrorCode.PLAN_NOT_FOUND));
        Json.send(res, Status.OK_200, NativeJson.plan(engine.planService().update(p, merge(name, base, f))));
    }

    private static Plan merge(String name, Plan b, Fields f) {
        return new Plan(
                name,
                integer(f, "max_sandboxes", b.maxSandboxes()),
                integer(f, "max_concurrent_executions", b.maxConcurrentExecutions()),
                integer(f, "default_lifetime_seconds", b.defaultLifetimeSeconds()),
                integer(f, "max_lifetime_seconds", b.maxLifetimeSeconds()),
                integer(f, "default_memory_mb", b.defaultMemoryMb()),
                integer(f, "max_memory_mb", b.maxMemoryMb()),
                integer(f, "default_vcpus", b.defaultVcpus()),
                integer(f, "max_vcpus", b.maxVcpus()),
                integer(f, "default_pids_max", b.defaultPidsMax()),
                integer(f, "max_pids_max", b.maxPidsMax()),
                integer(f, "default_exec_timeout_seconds", b.defaultExecTimeoutSeconds()),
                integer(f, "max_exec_timeout_seconds", b.maxExecTimeoutSeconds()),
                f.present("output_cap_bytes") ? integer(f, "output_cap_bytes", 0) : b.outputCapBytes(),
                number(f, "exec_rate_per_second", b.execRatePerSecond()),
                number(f, "manage_rate_per_second", b.manageRatePerSecond()),
                number(f, "read_rate_per_second", b.readRatePerSecond()),
                // an explicit null goes back to the server's allowlist
                f.node().has("command_allowlist") ? f.stringList("command_allowlist") : b.commandAllowlist());
    }

    private static int integer(Fields f, String name, int fallback) {
        Integer v = f.integer(name);
        return v == null ? fallback : v;
    }

    private static double number(Fields f, String name, double fallback) {
        Double v = f.number(name);
        return v == null ? fallback : v;
    }
}
