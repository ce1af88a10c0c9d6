package io.runcell.api.instavm;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.runcell.api.common.Json;
import java.util.List;

/** A 422 with one or more FastAPI/pydantic error items, rendered by {@link InstaVmErrors}. */
final class ValidationFailed extends RuntimeException {

    /** One pydantic error: {@code loc} holds strings and integers. */
    record Item(List<Object> loc, String msg, String type) {
        ObjectNode json() {
            ObjectNode o = Json.object();
            ArrayNode l = o.putArray("loc");
            for (Object part : loc) {
                if (part instanceof Integer i) {
                    l.add(i);
                } else {
                    l.add(String.valueOf(part));
                }
            }
            o.put("msg", msg);
            o.put("type", type);
            return o;
        }
    }

    private final List<Item> items;

    ValidationFailed(List<Item> items) {
        super("validation failed", null, false, false);
        this.items = List.copyOf(items);
    }

    List<Item> items() {
        return items;
    }

    ObjectNode body() {
        ObjectNode body = Json.object();
        ArrayNode detail = body.putArray("detail");
        items.forEach(i -> detail.add(i.json()));
        return body;
    }
}
