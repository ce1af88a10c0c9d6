package io.runcell.api.hostup;

import io.helidon.http.Method;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.runcell.api.common.ErrorMapper;
import io.runcell.api.common.MalformedBodyException;
import io.runcell.api.common.Problem;
import io.runcell.api.common.RateLimitHeaders;
import io.runcell.api.common.RequestIds;
import io.runcell.core.error.ErrorCode;
import io.runcell.core.error.RuncellException;
import java.time.InstantSource;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Renders core errors as Hostup's RFC 7807 problems with Hostup's stable codes. */
final class HostupErrors implements ErrorMapper {

    private static final Logger LOG = LoggerFactory.getLogger(HostupErrors.class);

    static final Problem.Style STYLE = new Problem.Style("https://developer.hostup.se/errors/", "requestId", "pointer");
    static final String BODY_INVALID = "The request body failed validation.";
    static final String PARAMS_INVALID = "The request parameters failed validation.";

    /** One Hostup error: status, code, title. */
    record Wire(int status, String code, String title) {}

    private final Problem problem;
    private final InstantSource clock;

    HostupErrors(InstantSource clock) {
        this.problem = new Problem(STYLE, clock);
        this.clock = clock;
    }

    @Override
    public void render(ServerRequest req, ServerResponse res, RuncellException e) {
        Wire wire = wire(e.code());
        if (e.code() == ErrorCode.RATE_LIMITED) {
            RateLimitHeaders.of(e).forEach(res::header);
        }
        String detail =
                switch (e.code()) {
                    case INVALID_REQUEST -> req.prologue().method() == Method.GET ? PARAMS_INVALID : BODY_INVALID;
                    case SANDBOX_NOT_FOUND, SANDBOX_DESTROYED ->
                        "The VPS does not exist or is not owned by the caller.";
                    case SANDBOX_NOT_RUNNING, SANDBOX_FAILED, BACKEND_UNAVAILABLE ->
                        "The VPS is not running or its guest agent is not available.";
                    default -> e.detail();
                };
        List<Problem.Item> items = Problem.items(e.fieldErrors());
        log(req, wire.status(), wire.code());
        problem.send(req, res, wire.status(), wire.code(), wire.title(), detail, items);
    }

    /** One line per error answer, so a requestId a client reports can be found in the server log. */
    private static void log(ServerRequest req, int status, String code) {
        LOG.info(
                "hostup {} {} {} {} (request {})",
                status,
                code,
                req.prologue().method().text(),
                req.path().absolute().rawPath(),
                RequestIds.of(req));
    }

    @Override
    public void renderMalformed(ServerRequest req, ServerResponse res, MalformedBodyException e) {
        log(req, e.tooLarge() ? 413 : 400, e.tooLarge() ? "payload_too_large" : "invalid_request");
        if (e.tooLarge()) {
            problem.send(req, res, 413, "payload_too_large", "Payload too large", e.getMessage(), List.of());
            return;
        }
        problem.send(
                req,
                res,
                400,
                "invalid_request",
                "Validation failed",
                BODY_INVALID,
                List.of(new Problem.Item("", e.getMessage(), "invalid_json")));
    }

    @Override
    public void renderUnexpected(ServerRequest req, ServerResponse res) {
        problem.send(
                req,
                res,
                500,
                "internal_error",
                "Internal error",
                "Internal error. Retry later or contact support if the issue persists.",
                List.of());
    }

    static Wire wire(ErrorCode code) {
        return switch (code) {
            case INVALID_REQUEST -> new Wire(400, "invalid_request", "Validation failed");
            case COMMAND_BLOCKED -> new Wire(400, "command_blocked", "Command blocked");
            case COMMAND_NOT_ALLOWED -> new Wire(400, "command_blocked", "Command blocked");
            case UNAUTHORIZED -> new Wire(401, "unauthorized", "Unauthorized");
            case FORBIDDEN, ACCOUNT_BLOCKED -> new Wire(403, "forbidden", "Forbidden");
            case SANDBOX_NOT_FOUND, SANDBOX_DESTROYED -> new Wire(404, "vps_not_found", "VPS not found");
            case EXECUTION_NOT_FOUND,
                    OPERATION_NOT_FOUND,
                    NOT_FOUND,
                    ACCOUNT_NOT_FOUND,
                    KEY_NOT_FOUND,
                    PLAN_NOT_FOUND,
                    FILE_NOT_FOUND -> new Wire(404, "not_found", "Not found");
            case SANDBOX_NOT_RUNNING, SANDBOX_FAILED, BACKEND_UNAVAILABLE ->
                new Wire(409, "vps_not_ready", "VPS not ready");
            case INVALID_STATE, CONFLICT -> new Wire(409, "conflict", "Conflict");
            case QUOTA_EXCEEDED -> new Wire(409, "quota_exceeded", "Quota exceeded");
            case PAYLOAD_TOO_LARGE -> new Wire(413, "payload_too_large", "Payload too large");
            case RATE_LIMITED -> new Wire(429, "rate_limited", "Too many requests");
            case INTERNAL -> new Wire(500, "internal_error", "Internal error");
        };
    }
}
