package io.runcell.api.common;

import com.fasterxml.jackson.databind.JsonNode;
import io.runcell.core.error.FieldError;
import io.runcell.core.error.RuncellException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Typed access to fields of a JSON object body. A field of the wrong JSON type raises {@link RuncellException}
 * with a {@link FieldError} of kind {@code INVALID_TYPE}; absent and {@code null} fields read as Java null.
 * Strings of digits are not accepted where an integer is wanted (dialects that coerce do it themselves).
 */
public final class Fields {

    private final JsonNode body;

    private Fields(JsonNode body) {
        this.body = body;
    }

    /** Wraps an object body; throws INVALID_TYPE for a body that is not an object (null reads as empty). */
    public static Fields of(JsonNode body) {
        if (body == null || body.isNull() || body.isMissingNode()) {
            return new Fields(Json.object());
        }
        if (!body.isObject()) {
            throw RuncellException.invalid(
                    FieldError.of("body", FieldError.Kind.INVALID_TYPE, "The body must be a JSON object."));
        }
        return new Fields(body);
    }

    public JsonNode node() {
        return body;
    }

    public boolean present(String name) {
        JsonNode n = body.get(name);
        return n != null && !n.isNull();
    }

    public String string(String name) {
        JsonNode n = body.get(name);
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isTextual()) {
            throw typeError(name, "a string");
        }
        return n.asText();
    }

    public Integer integer(String name) {
        JsonNode n = body.get(name);
        if (n == null || n.isNull()) {
            return null;
        }
        if (n.isIntegralNumber() && n.canConvertToInt()) {
            return n.intValue();
        }
        if (n.isFloatingPointNumber()
                && n.doubleValue() == Math.rint(n.doubleValue())
                && Math.abs(n.doubleValue()) < Integer.MAX_VALUE) {
            return (int) n.doubleValue();
        }
        throw typeError(name, "an integer");
    }

    /** A JSON number (integer or fraction). */
    public Double number(String name) {
        JsonNode n = body.get(name);
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isNumber()) {
            throw typeError(name, "a number");
        }
        return n.doubleValue();
    }

    public Boolean bool(String name) {
        JsonNode n = body.get(name);
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isBoolean()) {
            throw typeError(name, "a boolean");
        }
        return n.booleanValue();
    }

    /** An object whose values are strings (numbers and booleans are taken as their text). */
    public Map<String, String> stringMap(String name) {
        JsonNode n = body.get(name);
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isObject()) {
            throw typeError(name, "an object");
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (var it = n.fields(); it.hasNext(); ) {
            var e = it.next();
            JsonNode v = e.getValue();
            if (v.isNull()) {
                continue;
            }
            if (!v.isValueNode()) {
                throw typeError(name, "an object of strings");
            }
            out.put(e.getKey(), v.asText());
        }
        return out;
    }

    public List<String> stringList(String name) {
        JsonNode n = body.get(name);
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isArray()) {
            throw typeError(name, "an array of strings");
        }
        List<String> out = new ArrayList<>();
        for (JsonNode item : n) {
            if (!item.isTextual()) {
                throw typeError(name, "an array of strings");
            }
            out.add(item.asText());
        }
        return out;
    }

    private static RuncellException typeError(String name, String what) {
        return RuncellException.invalid(FieldError.of(name, FieldError.Kind.INVALID_TYPE, name + " must be " + what));
    }
}
