package io.runcell.api.hostup;

import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.runcell.api.common.Guard;
import io.runcell.api.common.Json;
import io.runcell.core.Engine;
import io.runcell.core.account.Principal;
import io.runcell.core.account.Scope;
import io.runcell.core.error.FieldError;
import io.runcell.core.error.RuncellException;
import io.runcell.core.power.Operation;
import io.runcell.core.power.PowerAction;

/**
 * {@code POST /api/v2/vps/{id}/actions/{start|shutdown|stop|restart|reset}} answers 202 with an operation;
 * {@code GET /api/v2/vps/{id}/operations/{operationId}} polls it.
 */
final class VpsActionResource {

    private final Engine engine;
    private final HostupApi api;

    VpsActionResource(Engine engine, HostupApi api) {
        this.engine = engine;
        this.api = api;
    }

    void register(HttpRules rules, Guard guard) {
        rules.post("/vps/{id}/actions/{action}", guard.wrap(this::act))
                .get("/vps/{id}/operations/{operation}", guard.wrap(this::poll));
    }

    private void act(ServerRequest req, ServerResponse res) {
        Principal p = api.principal(req, res);
        p.require(Scope.WRITE_VM);
        String sandboxId = HostupApi.sandboxId(req);
        String name = req.path().pathParameters().get("action");
        PowerAction action = PowerAction.fromWire(name)
                .orElseThrow(() -> RuncellException.invalid(FieldError.of(
                        "action",
                        FieldError.Kind.INVALID_VALUE,
                        "action must be one of start, shutdown, stop, restart, reset")));
        Operation op = engine.power().submit(p, sandboxId, action);
        Json.send(res, Status.ACCEPTED_202, HostupJson.operation(HostupApi.vpsId(sandboxId), op));
    }

    private void poll(ServerRequest req, ServerResponse res) {
        Principal p = api.principal(req, res);
        String sandboxId = HostupApi.sandboxId(req);
        Operation op =
                engine.power().get(p, sandboxId, req.path().pathParameters().get("operation"));
        Json.send(res, Status.OK_200, HostupJson.operation(HostupApi.vpsId(sandboxId), op));
    }
}
