package io.runcell.api.instavm;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.runcell.api.common.ErrorMapper;
import io.runcell.api.common.Json;
import io.runcell.api.common.MalformedBodyException;
import io.runcell.api.common.RateLimitHeaders;
import io.runcell.core.error.ErrorCode;
import io.runcell.core.error.FieldError;
import io.runcell.core.error.RuncellException;
import java.util.List;
import java.util.Map;

/** Renders failures as FastAPI does: {@code {"detail": "..."}}, or a list of pydantic items for a 422. */
final class InstaVmErrors implements ErrorMapper {

    /** Core field names that InstaVM spells differently. */
    private static final Map<String, String> WIRE_NAMES = Map.of(
            "lifetime_seconds", "vm_lifetime_seconds",
            "vcpus", "vcpu_count");

    @Override
    public void render(ServerRequest req, ServerResponse res, RuncellException e) {
        ErrorCode code = e.code();
        if (code == ErrorCode.INVALID_REQUEST && !e.fieldErrors().isEmpty()) {
            renderValidation(
                    res,
                    new ValidationFailed(
                            e.fieldErrors().stream().map(InstaVmErrors::item).toList()));
            return;
        }
        if (code == ErrorCode.RATE_LIMITED) {
            RateLimitHeaders.of(e).forEach(res::header);
        } else if (e.retryAfterSeconds() > 0) {
            res.header(HeaderNames.RETRY_AFTER, Long.toString(e.retryAfterSeconds()));
        }
        if (code == ErrorCode.UNAUTHORIZED) {
            res.header(HeaderNames.WWW_AUTHENTICATE, "Bearer");
        }
        Json.send(res, Status.create(code.httpStatus()), detailBody(e));
    }

    /** {@code {"detail": "..."}} for a failure without field errors (401, 404, 409, 429...). */
    static ObjectNode detailBody(RuncellException e) {
        return Json.object().put("detail", detail(e));
    }

    void renderValidation(ServerResponse res, ValidationFailed e) {
        Json.send(res, Status.create(422, "Unprocessable Entity"), e.body());
    }

    @Override
    public void renderMalformed(ServerRequest req, ServerResponse res, MalformedBodyException e) {
        if (e.tooLarge()) {
            Json.send(res, Status.REQUEST_ENTITY_TOO_LARGE_413, Json.object().put("detail", e.getMessage()));
        } else {
            // what FastAPI answers for a form body it cannot parse
            Json.send(res, Status.BAD_REQUEST_400, Json.object().put("detail", "There was an error parsing the body"));
        }
    }

    @Override
    public void renderUnexpected(ServerRequest req, ServerResponse res) {
        Json.send(res, Status.INTERNAL_SERVER_ERROR_500, Json.object().put("detail", "Internal Server Error"));
    }

    private static String detail(RuncellException e) {
        return switch (e.code()) {
            case SANDBOX_NOT_FOUND -> "Session not found";
            case EXECUTION_NOT_FOUND -> "Task not found";
            default -> e.detail();
        };
    }

    /** {@code ["body", name]}, or {@code ["body", name, i]} for a core field {@code name[i]}. */
    static List<Object> loc(String field) {
        var m = java.util.regex.Pattern.compile("([a-z_]+)\\[(\\d{1,9})]").matcher(field);
        if (m.matches()) {
            return List.of("body", WIRE_NAMES.getOrDefault(m.group(1), m.group(1)), Integer.parseInt(m.group(2)));
        }
        return List.of("body", WIRE_NAMES.getOrDefault(field, field));
    }

    static ValidationFailed.Item item(FieldError f) {
        List<Object> loc = loc(f.field());
        String limit = f.limit() == null ? "" : Long.toString(f.limit());
        return switch (f.kind()) {
            case MISSING -> new ValidationFailed.Item(loc, "Field required", "missing");
            case TOO_LONG ->
                new ValidationFailed.Item(
                        loc, "String should have at most " + limit + " characters", "string_too_long");
            case TOO_SHORT ->
                new ValidationFailed.Item(
                        loc, "String should have at least " + limit + " characters", "string_too_short");
            case TOO_SMALL ->
                new ValidationFailed.Item(
                        loc, "Input should be greater than or equal to " + limit, "greater_than_equal");
            case TOO_LARGE ->
                new ValidationFailed.Item(loc, "Input should be less than or equal to " + limit, "less_than_equal");
            case INVALID_TYPE, INVALID_VALUE ->
                new ValidationFailed.Item(loc, "Value error, " + f.detail(), "value_error");
        };
    }
}
