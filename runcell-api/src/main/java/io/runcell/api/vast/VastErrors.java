package io.runcell.api.vast;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.runcell.api.common.ErrorMapper;
import io.runcell.api.common.Json;
import io.runcell.api.common.MalformedBodyException;
import io.runcell.core.error.ErrorCode;
import io.runcell.core.error.RuncellException;

/**
 * Renders core errors as Vast's {@code {"success":false,"error":...,"msg":...}}. On the execute endpoint a
 * missing instance is 400 {@code invalid_container_id} and an unusable one 400 {@code invalid_container}, as
 * the seed says; elsewhere a missing instance is 404. Malformed JSON is Vast's HTTP 483.
 */
final class VastErrors implements ErrorMapper {

    static final int INVALID_JSON_STATUS = 483;
    static final String INVALID_COMMAND = "Invalid command given.";
    static final String FAILED_INSTANCE = "The instance failed and cannot be started again.";

    @Override
    public void render(ServerRequest req, ServerResponse res, RuncellException e) {
        boolean execute = isExecute(req);
        ErrorCode code = e.code();
        if (code == ErrorCode.RATE_LIMITED) {
            if (e.retryAfterSeconds() > 0) {
                res.header(HeaderNames.RETRY_AFTER, Long.toString(e.retryAfterSeconds()));
            }
            String threshold = e.rateLimit()
                    .map(info -> formatSeconds(info.minIntervalSeconds()))
                    .orElse(execute ? "1.5" : "1.0");
            Json.send(res, Status.create(429), Json.object().put("detail", rateLimitDetail(threshold)));
            return;
        }
        switch (code) {
            case UNAUTHORIZED -> send(res, 401, "auth_error", "Invalid user key");
            case ACCOUNT_BLOCKED -> send(res, 403, "blacklisted", "This account is blacklisted.");
            case FORBIDDEN -> send(res, 403, "forbidden", code.publicMessage());
            case SANDBOX_NOT_FOUND -> {
                if (execute) {
                    send(res, 400, "invalid_container_id", "Invalid instance id given.");
                } else {
                    send(res, 404, "no_such_instance", "Instance not found.");
                }
            }
            case SANDBOX_FAILED, SANDBOX_NOT_RUNNING, SANDBOX_DESTROYED, INVALID_STATE -> {
                if (execute) {
                    send(res, 400, "invalid_container", "The instance is not in a usable state.");
                } else if (code == ErrorCode.SANDBOX_FAILED) {
                    send(res, 400, "invalid_state", FAILED_INSTANCE);
                } else {
                    send(res, 400, "invalid_state", detail(e));
                }
            }
            case COMMAND_NOT_ALLOWED, COMMAND_BLOCKED -> send(res, 400, "invalid_args", INVALID_COMMAND);
            case INVALID_REQUEST -> send(res, 400, "invalid_args", execute ? INVALID_COMMAND : detail(e));
            case PAYLOAD_TOO_LARGE -> send(res, 400, "invalid_args", "The request body is too large.");
            case QUOTA_EXCEEDED, CONFLICT -> send(res, 400, code.code(), detail(e));
            case BACKEND_UNAVAILABLE, INTERNAL -> send(res, code.httpStatus(), "server_error", code.publicMessage());
            case EXECUTION_NOT_FOUND, ACCOUNT_NOT_FOUND, KEY_NOT_FOUND, PLAN_NOT_FOUND, FILE_NOT_FOUND, NOT_FOUND ->
                send(res, 404, "not_found", detail(e));
            case RATE_LIMITED -> throw new IllegalStateException("rendered above");
        }
    }

    @Override
    public void renderMalformed(ServerRequest req, ServerResponse res, MalformedBodyException e) {
        if (e.tooLarge()) {
            send(res, 400, "invalid_args", "The request body is too large.");
        } else {
            send(res, INVALID_JSON_STATUS, "invalid_args", "Invalid json_body");
        }
    }

    @Override
    public void renderUnexpected(ServerRequest req, ServerResponse res) {
        send(res, 500, "server_error", ErrorCode.INTERNAL.publicMessage());
    }

    /** Vast's 429 text: the endpoint's minimum interval between calls, in seconds. */
    static String rateLimitDetail(String thresholdSeconds) {
        return "API requests too frequent endpoint threshold=" + thresholdSeconds;
    }

    /** Seconds as Vast prints them: at least one decimal ({@code 1.0}, {@code 1.5}, {@code 0.25}). */
    static String formatSeconds(double seconds) {
        String text = java.math.BigDecimal.valueOf(seconds)
                .setScale(3, java.math.RoundingMode.HALF_UP)
                .stripTrailingZeros()
                .toPlainString();
        return text.contains(".") ? text : text + ".0";
    }

    static boolean isExecute(ServerRequest req) {
        return req.path().absolute().path().startsWith(VastApi.V0 + "/instances/command/");
    }

    private static String detail(RuncellException e) {
        return e.detail() == null ? e.code().publicMessage() : e.detail();
    }

    private static void send(ServerResponse res, int status, String error, String msg) {
        ObjectNode body =
                Json.object().put("success", false).put("error", error).put("msg", msg);
        Json.send(res, Status.create(status), body);
    }
}
