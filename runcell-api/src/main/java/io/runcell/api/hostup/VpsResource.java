package io.runcell.api.hostup;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.runcell.api.common.Guard;
import io.runcell.api.common.Json;
import io.runcell.core.Engine;
import io.runcell.core.account.Principal;
import io.runcell.core.error.FieldError;
import io.runcell.core.error.RuncellException;
import io.runcell.core.id.Ids;
import io.runcell.core.sandbox.Sandbox;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

/** {@code GET /api/v2/vps} (paged) and {@code GET /api/v2/vps/{id}}. */
final class VpsResource {

    static final int DEFAULT_LIMIT = 25;
    static final int MAX_LIMIT = 100;
    private static final String CURSOR_VERSION = "v1:";

    private final Engine engine;
    private final HostupApi api;

    VpsResource(Engine engine, HostupApi api) {
        this.engine = engine;
        this.api = api;
    }

    void register(HttpRules rules, Guard guard) {
        rules.get("/vps", guard.wrap(this::list)).get("/vps/{id}", guard.wrap(this::get));
    }

    private void list(ServerRequest req, ServerResponse res) {
        Principal p = api.principal(req, res);
        int limit = limit(req);
        String after = req.query()
                .first("cursor")
                .asOptional()
                .map(VpsResource::decodeCursor)
                .orElse(null);
        // one more than asked tells whether another page exists, so the last page has no nextCursor
        List<Sandbox> rows = engine.sandboxes().list(p, after, limit + 1);
        List<Sandbox> page = rows.subList(0, Math.min(limit, rows.size()));
        ObjectNode body = Json.object();
        ArrayNode data = body.putArray("data");
        page.forEach(s -> data.add(HostupJson.vps(s)));
        body.putObject("pagination")
                .put(
                        "nextCursor",
                        rows.size() > limit ? encodeCursor(page.getLast().id()) : null);
        Json.send(res, Status.OK_200, body);
    }

    private void get(ServerRequest req, ServerResponse res) {
        Principal p = api.principal(req, res);
        Sandbox s = engine.sandboxes().get(p, HostupApi.sandboxId(req));
        ObjectNode body = Json.object();
        body.set("data", HostupJson.vps(s));
        Json.send(res, Status.OK_200, body);
    }

    static int limit(ServerRequest req) {
        var value = req.query().first("limit").asOptional();
        if (value.isEmpty()) {
            return DEFAULT_LIMIT;
        }
        int n;
        try {
            n = Integer.parseInt(value.get().strip());
        } catch (NumberFormatException e) {
            throw RuncellException.invalid(
                    FieldError.of("limit", FieldError.Kind.INVALID_TYPE, "limit must be an integer"));
        }
        if (n < 1) {
            throw RuncellException.invalid(
                    new FieldError("limit", FieldError.Kind.TOO_SMALL, "limit must be at least 1", 1L));
        }
        if (n > MAX_LIMIT) {
            throw RuncellException.invalid(new FieldError(
                    "limit", FieldError.Kind.TOO_LARGE, "limit must be at most " + MAX_LIMIT, (long) MAX_LIMIT));
        }
        return n;
    }

    static String encodeCursor(String sandboxId) {
        return Base64.getUrlEncoder()
                .withoutPadding()
                .encodeToString((CURSOR_VERSION + sandboxId).getBytes(StandardCharsets.UTF_8));
    }

    static String decodeCursor(String cursor) {
        try {
            String text = new String(Base64.getUrlDecoder().decode(cursor.strip()), StandardCharsets.UTF_8);
            if (text.startsWith(CURSOR_VERSION)) {
                String id = text.substring(CURSOR_VERSION.length());
                if (Ids.ulidOf(Ids.SANDBOX, id).isPresent()) {
                    return id;
                }
            }
        } catch (IllegalArgumentException e) {
            // falls through to the validation error
        }
        throw RuncellException.invalid(FieldError.of(
                "cursor",
                FieldError.Kind.INVALID_VALUE,
                "cursor must be a pagination.nextCursor value returned by this endpoint"));
    }
}
