package io.runcell.api.vast;

import com.fasterxml.jackson.databind.JsonNode;
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
import io.runcell.core.sandbox.Sandbox;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * {@code GET /api/v1/instances/}: {@code select_filters} (per column {@code in}, {@code notin}, {@code eq},
 * {@code neq} over the rendered instance fields), {@code select_cols}, {@code limit} (1..25, default 25) and
 * {@code after_token} paging with {@code next_token} (null on the last page), {@code total_instances} and
 * {@code label_counts}. Rows are always in ascending id order (creation order); {@code order_by} is accepted and
 * not otherwise applied.
 */
final class VastListing {

    static final int MAX_LIMIT = 25;

    private final Engine engine;
    private final VastApi api;

    VastListing(Engine engine, VastApi api) {
        this.engine = engine;
        this.api = api;
    }

    void register(HttpRules rules, Guard guard) {
        VastApi.both(rules, "GET", "/instances", guard.wrap(this::list));
    }

    private void list(ServerRequest req, ServerResponse res) {
        Principal p = api.principal(req);
        JsonNode filters = jsonParam(req, "select_filters");
        JsonNode cols = jsonParam(req, "select_cols");
        int limit = limit(req);
        long after = req.query()
                .first("after_token")
                .asOptional()
                .map(VastListing::token)
                .orElse(0L);
        Instant now = engine.clock().instant();
        List<ObjectNode> matching = new ArrayList<>();
        for (Sandbox s : engine.sandboxes().listAll(p)) {
            ObjectNode row = VastJson.instance(s, now);
            if (matches(row, filters)) {
                matching.add(row);
            }
        }
        Map<String, Integer> labels = new TreeMap<>();
        matching.forEach(r -> labels.merge(r.path("label").asText(""), 1, Integer::sum));
        List<ObjectNode> rest =
                matching.stream().filter(r -> r.get("id").asLong() > after).toList();
        List<ObjectNode> page = rest.subList(0, Math.min(limit, rest.size()));
        ArrayNode rows = Json.array();
        page.forEach(r -> rows.add(project(r, cols)));
        ObjectNode body = Json.object();
        body.set("instances", rows);
        body.put(
                "next_token",
                rest.size() > limit
                        ? Long.toString(page.get(page.size() - 1).get("id").asLong())
                        : null);
        body.put("total_instances", matching.size());
        ObjectNode counts = body.putObject("label_counts");
        labels.forEach(counts::put);
        Json.send(res, Status.OK_200, body);
    }

    private static boolean matches(ObjectNode row, JsonNode filters) {
        if (filters == null || !filters.isObject()) {
            return true;
        }
        for (var it = filters.fields(); it.hasNext(); ) {
            var e = it.next();
            JsonNode value = row.path(e.getKey());
            JsonNode cond = e.getValue();
            if (!cond.isObject()) {
                if (!same(value, cond)) {
                    return false;
                }
                continue;
            }
            for (var ops = cond.fields(); ops.hasNext(); ) {
                var op = ops.next();
                boolean ok =
                        switch (op.getKey()) {
                            case "eq" -> same(value, op.getValue());
                            case "neq" -> !same(value, op.getValue());
                            case "in" -> contains(op.getValue(), value);
                            case "notin" -> !contains(op.getValue(), value);
                            default ->
                                throw RuncellException.invalid(FieldError.of(
                                        "select_filters",
                                        FieldError.Kind.INVALID_VALUE,
                                        "select_filters operators are eq, neq, in, notin"));
                        };
                if (!ok) {
                    return false;
                }
            }
        }
        return true;
    }

    private static boolean contains(JsonNode list, JsonNode value) {
        if (!list.isArray()) {
            return same(value, list);
        }
        for (JsonNode item : list) {
            if (same(value, item)) {
                return true;
            }
        }
        return false;
    }

    private static boolean same(JsonNode a, JsonNode b) {
        boolean aNull = a == null || a.isNull() || a.isMissingNode();
        boolean bNull = b == null || b.isNull() || b.isMissingNode();
        if (aNull || bNull) {
            return aNull && bNull;
        }
        if (a.isNumber() && b.isNumber()) {
            return a.decimalValue().compareTo(b.decimalValue()) == 0;
        }
        return a.asText().equals(b.asText());
    }

    private static ObjectNode project(ObjectNode row, JsonNode cols) {
        if (cols == null || !cols.isArray() || cols.isEmpty()) {
            return row;
        }
        Set<String> keep = new HashSet<>();
        cols.forEach(c -> keep.add(c.asText()));
        keep.add("id");
        ObjectNode out = Json.object();
        row.fields().forEachRemaining(e -> {
            if (keep.contains(e.getKey())) {
                out.set(e.getKey(), e.getValue());
            }
        });
        return out;
    }

    private static int limit(ServerRequest req) {
        String text = req.query().first("limit").asOptional().orElse(null);
        if (text == null) {
            return MAX_LIMIT;
        }
        try {
            return Math.max(1, Math.min(MAX_LIMIT, Integer.parseInt(text.strip())));
        } catch (NumberFormatException e) {
            throw RuncellException.invalid(
                    FieldError.of("limit", FieldError.Kind.INVALID_TYPE, "limit must be an integer"));
        }
    }

    private static long token(String text) {
        try {
            return Long.parseLong(text.strip());
        } catch (NumberFormatException e) {
            throw RuncellException.invalid(FieldError.of(
                    "after_token", FieldError.Kind.INVALID_VALUE, "after_token is not a token of this listing"));
        }
    }

    private static JsonNode jsonParam(ServerRequest req, String name) {
        String text = req.query().first(name).asOptional().orElse(null);
        if (text == null || text.isBlank()) {
            return null;
        }
        try {
            return Json.MAPPER.readTree(text);
        } catch (IOException e) {
            throw RuncellException.invalid(FieldError.of(name, FieldError.Kind.INVALID_VALUE, name + " must be JSON"));
        }
    }
}
