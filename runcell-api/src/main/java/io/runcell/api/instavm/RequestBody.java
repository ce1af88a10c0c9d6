package io.runcell.api.instavm;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.runcell.api.common.Json;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a JSON body field by field the way FastAPI validates a pydantic v2 model in lax mode: every field error
 * is collected (in field order) and {@link #check()} throws them all at once as one 422.
 */
final class RequestBody {

    private final JsonNode body;
    private final List<ValidationFailed.Item> errors = new ArrayList<>();

    private RequestBody(JsonNode body) {
        this.body = body;
    }

    /**
     * Parses {@code raw}: malformed JSON is {@code json_invalid}, a non-object is {@code model_attributes_type}, an
     * empty body is {@code missing} at {@code ["body"]} unless {@code emptyIsObject}.
     */
    static RequestBody parse(byte[] raw, boolean emptyIsObject) {
        if (raw.length == 0 || new String(raw, StandardCharsets.UTF_8).isBlank()) {
            if (emptyIsObject) {
                return new RequestBody(Json.object());
            }
            throw single(List.of("body"), "Field required", "missing");
        }
        JsonNode node;
        try {
            node = Json.MAPPER.readTree(raw);
        } catch (JsonParseException e) {
            // Python's json module reports the position of the error; parsing bytes, Jackson knows the byte offset
            var where = e.getLocation();
            long offset = where == null ? 0 : Math.max(0, Math.max(where.getCharOffset(), where.getByteOffset()));
            throw single(
                    List.of("body", (int) Math.min(offset, Integer.MAX_VALUE)), "JSON decode error", "json_invalid");
        } catch (IOException e) {
            throw single(List.of("body", 0), "JSON decode error", "json_invalid");
        }
        if (node == null || !node.isObject()) {
            throw single(
                    List.of("body"),
                    "Input should be a valid dictionary or object to extract fields from",
                    "model_attributes_type");
        }
        return new RequestBody(node);
    }

    /** A body made of form fields (all strings). */
    static RequestBody ofStrings(Map<String, String> fields) {
        ObjectNode o = Json.object();
        fields.forEach(o::put);
        return new RequestBody(o);
    }

    static ValidationFailed single(List<Object> loc, String msg, String type) {
        return new ValidationFailed(List.of(new ValidationFailed.Item(loc, msg, type)));
    }

    /** Throws every collected error. */
    void check() {
        if (!errors.isEmpty()) {
            throw new ValidationFailed(errors);
        }
    }

    void error(List<Object> loc, String msg, String type) {
        errors.add(new ValidationFailed.Item(loc, msg, type));
    }

    private JsonNode value(String name) {
        JsonNode n = body.get(name);
        return n == null ? NullNode.getInstance() : n;
    }

    /** {@code Optional[str]}: absent or null is null. */
    String optString(String name) {
        JsonNode n = value(name);
        if (n.isNull()) {
            return null;
        }
        if (!n.isTextual()) {
            error(List.of("body", name), "Input should be a valid string", "string_type");
            return null;
        }
        return n.asText();
    }

    /** {@code str} with no default: absent is {@code missing}. */
    String requiredString(String name) {
        if (!body.has(name)) {
            error(List.of("body", name), "Field required", "missing");
            return null;
        }
        JsonNode n = value(name);
        if (!n.isTextual()) {
            error(List.of("body", name), "Input should be a valid string", "string_type");
            return null;
        }
        return n.asText();
    }

    /** {@code int = Field(dflt, ge=min, le=max)}; {@code nullable} for {@code Optional[int]}. */
    Integer integer(String name, Integer dflt, boolean nullable, long min, long max) {
        JsonNode n = body.get(name);
        if (n == null) {
            return dflt;
        }
        if (n.isNull()) {
            if (nullable) {
                return null;
            }
            error(List.of("body", name), "Input should be a valid integer", "int_type");
            return null;
        }
        BigInteger v = toInteger(name, n);
        if (v == null) {
            return null;
        }
        if (v.compareTo(BigInteger.valueOf(min)) < 0) {
            error(List.of("body", name), "Input should be greater than or equal to " + min, "greater_than_equal");
            return null;
        }
        if (v.compareTo(BigInteger.valueOf(max)) > 0) {
            error(List.of("body", name), "Input should be less than or equal to " + max, "less_than_equal");
            return null;
        }
        return v.intValue();
    }

    private BigInteger toInteger(String name, JsonNode n) {
        List<Object> loc = List.of("body", name);
        if (n.isIntegralNumber()) {
            return n.bigIntegerValue();
        }
        if (n.isFloatingPointNumber()) {
            double d = n.doubleValue();
            if (Double.isFinite(d) && d == Math.rint(d)) {
                return n.decimalValue().toBigInteger();
            }
            error(loc, "Input should be a valid integer, got a number with a fractional part", "int_from_float");
            return null;
        }
        if (n.isBoolean()) {
            return n.booleanValue() ? BigInteger.ONE : BigInteger.ZERO;
        }
        if (n.isTextual()) {
            String s = n.asText().strip().replace("_", "");
            if (s.matches("[+-]?\\d{1,100}")) {
                return new BigInteger(s);
            }
            error(loc, "Input should be a valid integer, unable to parse string as an integer", "int_parsing");
            return null;
        }
        error(loc, "Input should be a valid integer", "int_type");
        return null;
    }

    /** {@code Optional[List[str]]}. */
    List<String> optStringList(String name) {
        JsonNode n = value(name);
        if (n.isNull()) {
            return null;
        }
        if (!n.isArray()) {
            error(List.of("body", name), "Input should be a valid list", "list_type");
            return null;
        }
        List<String> out = new ArrayList<>();
        boolean ok = true;
        for (int i = 0; i < n.size(); i++) {
            JsonNode item = n.get(i);
            if (!item.isTextual()) {
                error(List.of("body", name, i), "Input should be a valid string", "string_type");
                ok = false;
            } else {
                out.add(item.asText());
            }
        }
        return ok ? out : null;
    }

    /** {@code Optional[Dict[str, str]]} ({@code stringsOnly}) or {@code Optional[Dict[str, Any]]} (values as text). */
    Map<String, String> optMap(String name, boolean stringsOnly) {
        JsonNode n = value(name);
        if (n.isNull()) {
            return null;
        }
        if (!n.isObject()) {
            error(List.of("body", name), "Input should be a valid dictionary", "dict_type");
            return null;
        }
        Map<String, String> out = new LinkedHashMap<>();
        boolean ok = true;
        for (var it = n.fields(); it.hasNext(); ) {
            var e = it.next();
            JsonNode v = e.getValue();
            if (v.isTextual()) {
                out.put(e.getKey(), v.asText());
            } else if (stringsOnly) {
                error(List.of("body", name, e.getKey()), "Input should be a valid string", "string_type");
                ok = false;
            } else if (!v.isNull()) {
                out.put(e.getKey(), v.isValueNode() ? v.asText() : v.toString());
            }
        }
        return ok ? out : null;
    }
}
