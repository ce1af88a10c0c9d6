package io.runcell.api.nativeapi;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.runcell.api.common.Guard;
import io.runcell.api.common.Json;
import io.runcell.core.Engine;
import io.runcell.core.account.Principal;
import io.runcell.core.audit.AuditEntry;
import java.util.List;

/** {@code GET /runcell/v1/audit?sandbox_id=&limit=&cursor=}: the policy audit log, newest first (admin scope). */
final class AuditResource {

    private final Engine engine;
    private final NativeApi api;

    AuditResource(Engine engine, NativeApi api) {
        this.engine = engine;
        this.api = api;
    }

    void register(HttpRules rules, Guard guard) {
        rules.get("/audit", guard.wrap(this::list));
    }

    private void list(ServerRequest req, ServerResponse res) {
        Principal p = api.principal(req);
        int limit = Paging.limit(req, 100, 500);
        String sandboxId = req.query().first("sandbox_id").asOptional().orElse(null);
        String cursor = req.query().first("cursor").asOptional().orElse(null);
        List<AuditEntry> page = engine.audit().list(p, sandboxId, cursor, limit);
        ObjectNode body = NativeJson.data(page, AuditResource::entry);
        body.put("next_cursor", page.size() == limit ? page.getLast().id() : null);
        Json.send(res, Status.OK_200, body);
    }

    private static ObjectNode entry(AuditEntry e) {
        ObjectNode o = Json.object();
        o.put("id", e.id());
        o.put("created_at", e.createdAt().toString());
        o.put("account_id", e.accountId());
        o.put("key_id", e.keyId());
        o.put("sandbox_id", e.sandboxId());
        o.put("policy", e.policy());
        o.put("decision", e.decision().wire());
        o.put("rule", e.rule());
        o.put("command_sha256", e.commandSha256());
        o.put("command", e.command());
        return o;
    }
}
