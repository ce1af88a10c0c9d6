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
import io.runcell.core.error.FieldError;
import io.runcell.core.error.RuncellException;

/** Accounts (admin scope): create, list, get, block, assign a plan. */
final class AccountResource {

    private final Engine engine;
    private final NativeApi api;

    AccountResource(Engine engine, NativeApi api) {
        this.engine = engine;
        this.api = api;
    }

    void register(HttpRules rules, Guard guard) {
        rules.post("/accounts", guard.wrap(this::create))
                .get("/accounts", guard.wrap(this::list))
                .get("/accounts/{id}", guard.wrap(this::get))
                .put("/accounts/{id}/plan", guard.wrap(this::setPlan))
                .put("/accounts/{id}/blocked", guard.wrap(this::setBlocked));
    }

    private void create(ServerRequest req, ServerResponse res) {
        Principal p = api.principal(req);
        Fields f = Fields.of(Bodies.json(req));
        var account = engine.accounts().createAccount(p, f.string("name"), f.string("plan"));
        Json.send(res, Status.CREATED_201, NativeJson.account(account));
    }

    private void list(ServerRequest req, ServerResponse res) {
        Principal p = api.principal(req);
        Json.send(res, Status.OK_200, NativeJson.data(engine.accounts().listAccounts(p), NativeJson::account));
    }

    private void get(ServerRequest req, ServerResponse res) {
        Principal p = api.principal(req);
        Json.send(
                res,
                Status.OK_200,
                NativeJson.account(engine.accounts()
                        .getAccount(p, req.path().pathParameters().get("id"))));
    }

    private void setPlan(ServerRequest req, ServerResponse res) {
        Principal p = api.principal(req);
        Fields f = Fields.of(Bodies.json(req));
        String plan = f.string("plan");
        if (plan == null) {
            throw RuncellException.invalid(FieldError.of("plan", FieldError.Kind.MISSING, "plan is required"));
        }
        Json.send(
                res,
                Status.OK_200,
                NativeJson.account(
                        engine.accounts().setPlan(p, req.path().pathParameters().get("id"), plan)));
    }

    private void setBlocked(ServerRequest req, ServerResponse res) {
        Principal p = api.principal(req);
        Fields f = Fields.of(Bodies.json(req));
        Boolean blocked = f.bool("blocked");
        if (blocked == null) {
            throw RuncellException.invalid(FieldError.of("blocked", FieldError.Kind.MISSING, "blocked is required"));
        }
        Json.send(
                res,
                Status.OK_200,
                NativeJson.account(engine.accounts()
                        .setBlocked(p, req.path().pathParameters().get("id"), blocked)));
    }
}
