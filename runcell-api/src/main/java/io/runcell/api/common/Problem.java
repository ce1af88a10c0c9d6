package io.runcell.api.common;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.runcell.core.error.FieldError;
import java.time.Instant;
import java.time.InstantSource;
import java.time.temporal.ChronoUnit;
import java.util.List;

/**
 * RFC 7807 problem documents ({@code application/problem+json}), shared by the dialects that use them. The
 * style fixes the {@code type} URI base and the spelling of the request id member.
 */
public final class Problem {

    public static final String CONTENT_TYPE = "application/problem+json";

    /** How one dialect spells its problems. */
    public record Style(String typeBase, String requestIdMember, String fieldMemberName) {}

    /** One field-level error: JSON pointer, sentence, machine code. */
    public record Item(String pointer, String detail, String code) {}

    private final Style style;
    private final InstantSource clock;

    public Problem(Style style, InstantSource clock) {
        this.style = style;
        this.clock = clock;
    }

    public ObjectNode body(ServerRequest req, int status, String code, String title, String detail, List<Item> errors) {
        ObjectNode body = Json.object();
        body.put("type", style.typeBase() + code);
        body.put("title", title);
        body.put("status", status);
        body.put("detail", detail);
        body.put("code", code);
        body.put("instance", req.path().absolute().rawPath());
        body.put(style.requestIdMember(), RequestIds.of(req));
        body.put("timestamp", clock.instant().truncatedTo(ChronoUnit.MILLIS).toString());
        if (!errors.isEmpty()) {
            ArrayNode list = body.putArray("errors");
            for (Item e : errors) {
                ObjectNode item = list.addObject();
                item.put(style.fieldMemberName(), e.pointer());
                item.put("detail", e.detail());
                item.put("code", e.code());
            }
        }
        return body;
    }

    public void send(
            ServerRequest req,
            ServerResponse res,
            int status,
            String code,
            String title,
            String detail,
            List<Item> errors) {
        res.status(Status.create(status));
        res.header(HeaderNames.CONTENT_TYPE, CONTENT_TYPE);
        res.send(Json.bytes(body(req, status, code, title, detail, errors)));
    }

    /** Field errors as problem items: a JSON pointer to the field and a stable code per kind. */
    public static List<Item> items(List<FieldError> errors) {
        return errors.stream()
                .map(f -> new Item("/" + f.field(), f.detail(), code(f.kind())))
                .toList();
    }

    /** The stable code of a field error kind ({@code missing_required}, {@code too_long}, ...). */
    public static String code(FieldError.Kind kind) {
        return switch (kind) {
            case MISSING -> "missing_required";
            case TOO_LONG -> "too_long";
            case TOO_SHORT -> "too_short";
            case TOO_SMALL -> "too_small";
            case TOO_LARGE -> "too_large";
            case INVALID_TYPE -> "invalid_type";
            case INVALID_VALUE -> "invalid_value";
        };
    }

    /** Seconds from now until {@code at}, at least 1 (for Retry-After). */
    public long secondsUntil(Instant at) {
        return Math.max(1, ChronoUnit.SECONDS.between(clock.instant(), at) + 1);
    }
}
