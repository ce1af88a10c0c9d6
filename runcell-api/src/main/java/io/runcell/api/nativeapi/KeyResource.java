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
import io.runcell.core.account.AccountService;
import io.runcell.core.account.Principal;
import io.runcell.core.account.Scope;
import io.runcell.core.error.FieldError;
import io.runcell.core.error.RuncellException;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/** API keys: create (the token is shown only in this answer), list, revoke. */
final class KeyResource {

    private final Engine engine;
    private final NativeApi api;

    KeyResource(Engine engine, NativeApi api) {
        this.engine = engine;
        this.api = api;
    }

    void register(HttpRules rules, Guard guard) {
        rules.post("/keys", guard.wrap((req, res) -> create(req, res, null)))
                .get("/keys", guard.wrap((req, res) -> list(req, res, null)))
                .post(
                        "/accounts/{id}/keys",
                        guard.wrap((req, res) ->
                                create(req, res, req.path().pathParameters().get("id"))))
                .get(
                        "/accounts/{id}/keys",
                        guard.wrap((req, res) ->
                                list(req, res, req.path().pathParameters().get("id"))))
                .delete("/keys/{id}", guard.wrap(this::revoke));
    }

    private void create(ServerRequest req, ServerResponse res, String accountId) {
        Principal p = api.principal(req);
        Fields f = Fields.of(Bodies.json(req));
        List<String> names = f.stringList("scopes");
        Set<Scope> scopes = EnumSet.noneOf(Scope.class);
        if (names == null) {
            scopes.add(Scope.READ_VM);
            scopes.add(Scope.WRITE_VM);
        } else {
            for (String n : names) {
                scopes.add(Scope.fromWire(n)
                        .orElseThrow(() -> RuncellException.invalid(FieldError.of(
                                "scopes",
                                FieldError.Kind.INVALID_VALUE,
                                "scopes must be among read:vm, write:vm, admin"))));
            }
        }
        AccountService.CreatedKey created = engine.accounts().createKey(p, accountId, f.string("name"), scopes);
        ObjectNode body = NativeJson.key(created.key());
        body.put("key", created.token());
        Json.send(res, Status.CREATED_201, body);
    }

    private void list(ServerRequest req, ServerResponse res, String accountId) {
        Principal p = api.principal(req);
        Json.send(res, Status.OK_200, NativeJson.data(engine.accounts().listKeys(p, accountId), NativeJson::key));
    }

    private void revoke(ServerRequest req, ServerResponse res) {
        Principal p = api.principal(req);
        engine.accounts().revokeKey(p, req.path().pathParameters().get("id"));
        res.status(Status.NO_CONTENT_204).send();
    }
}
