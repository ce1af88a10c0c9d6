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
import io.runcell.core.error.ErrorCode;
import io.runcell.core.error.FieldError;
import io.runcell.core.error.RuncellException;
import io.runcell.core.vault.VaultService;
import java.util.Map;

/** Vaults: create with secrets, list and get (secret names only), put and delete a secret, delete; key rotation. */
final class VaultResource {

    private final Engine engine;
    private final NativeApi api;

    VaultResource(Engine engine, NativeApi api) {
        this.engine = engine;
        this.api = api;
    }

    void register(HttpRules rules, Guard guard) {
        rules.post("/vaults", guard.wrap(this::create))
                .get("/vaults", guard.wrap(this::list))
                .get("/vaults/{id}", guard.wrap(this::get))
                .delete("/vaults/{id}", guard.wrap(this::delete))
                .put("/vaults/{id}/secrets/{name}", guard.wrap(this::putSecret))
                .delete("/vaults/{id}/secrets/{name}", guard.wrap(this::deleteSecret))
                .post("/admin/master-key/rotate", guard.wrap(this::rotate));
    }

    private VaultService vaults() {
        if (engine.vaults() == null) {
            throw new RuncellException(ErrorCode.NOT_FOUND, "Vaults are not enabled on this server.");
        }
        return engine.vaults();
    }

    private void create(ServerRequest req, ServerResponse res) {
        Principal p = api.principal(req);
        Fields f = Fields.of(Bodies.json(req));
        Map<String, String> secrets = f.stringMap("secrets");
        var vault = vaults().create(p, f.string("name"), secrets == null ? Map.of() : secrets);
        res.header("Location", NativeApi.PREFIX + "/vaults/" + vault.id());
        Json.send(res, Status.CREATED_201, NativeJson.vault(vault));
    }

    private void list(ServerRequest req, ServerResponse res) {
        Principal p = api.principal(req);
        Json.send(res, Status.OK_200, NativeJson.data(vaults().list(p), NativeJson::vault));
    }

    private void get(ServerRequest req, ServerResponse res) {
        Principal p = api.principal(req);
        Json.send(
                res,
                Status.OK_200,
                NativeJson.vault(vaults().get(p, req.path().pathParameters().get("id"))));
    }

    private void delete(ServerRequest req, ServerResponse res) {
        Principal p = api.principal(req);
        vaults().delete(p, req.path().pathParameters().get("id"));
        res.status(Status.NO_CONTENT_204).send();
    }

    private void putSecret(ServerRequest req, ServerResponse res) {
        Principal p = api.principal(req);
        Fields f = Fields.of(Bodies.json(req));
        String value = f.string("value");
        if (value == null) {
            throw RuncellException.invalid(FieldError.of("value", FieldError.Kind.MISSING, "value is required"));
        }
        vaults().putSecret(
                        p,
                        req.path().pathParameters().get("id"),
                        req.path().pathParameters().get("name"),
                        value);
        res.status(Status.NO_CONTENT_204).send();
    }

    private void deleteSecret(ServerRequest req, ServerResponse res) {
        Principal p = api.principal(req);
        vaults().deleteSecret(
                        p,
                        req.path().pathParameters().get("id"),
                        req.path().pathParameters().get("name"));
        res.status(Status.NO_CONTENT_204).send();
    }

    private void rotate(ServerRequest req, ServerResponse res) {
        Principal p = api.principal(req);
        VaultService.Rotation r = vaults().rotateMasterKey(p);
        ObjectNode body = Json.object();
        body.put("rotated_secrets", r.secrets());
        body.put("operator_message", r.operatorMessage());
        Json.send(res, Status.OK_200, body);
    }
}
