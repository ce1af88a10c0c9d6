package io.runcell.core.error;

/**
 * Every error the core can report. The {@link #code()} strings are stable API: names may change, codes may not.
 * Each dialect maps these to its own wire shape in exactly one mapper.
 */
public enum ErrorCode {
    INVALID_REQUEST("invalid_request", 400, false, "The request is invalid."),
    UNAUTHORIZED("unauthorized", 401, false, "Missing or invalid API key."),
    FORBIDDEN("forbidden", 403, false, "The API key lacks the scope this operation needs."),
    ACCOUNT_BLOCKED("account_blocked", 403, false, "This account is blocked."),
    SANDBOX_NOT_FOUND("sandbox_not_found", 404, false, "No such sandbox."),
    EXECUTION_NOT_FOUND("execution_not_found", 404, false, "No such execution."),
    OPERATION_NOT_FOUND("operation_not_found", 404, false, "No such operation."),
    ACCOUNT_NOT_FOUND("account_not_found", 404, false, "No such account."),
    KEY_NOT_FOUND("key_not_found", 404, false, "No such API key."),
    PLAN_NOT_FOUND("plan_not_found", 404, false, "No such plan."),
    FILE_NOT_FOUND("file_not_found", 404, false, "No such file in the workspace."),
    NOT_FOUND("not_found", 404, false, "Not found."),
    SANDBOX_NOT_RUNNING("sandbox_not_running", 409, true, "The sandbox is not running."),
    SANDBOX_FAILED("sandbox_failed", 409, false, "The sandbox failed and cannot run commands."),
    SANDBOX_DESTROYED("sandbox_destroyed", 409, false, "The sandbox has been destroyed."),
    INVALID_STATE("invalid_state", 409, false, "The operation is not possible in the current state."),
    CONFLICT("conflict", 409, false, "The resource already exists."),
    QUOTA_EXCEEDED("quota_exceeded", 409, false, "A quota of the account's plan is exhausted."),
    PAYLOAD_TOO_LARGE("payload_too_large", 413, false, "The payload is too large."),
    COMMAND_BLOCKED("command_blocked", 400, false, "This command has been blocked for safety reasons"),
    COMMAND_NOT_ALLOWED("command_not_allowed", 400, false, "Invalid command given."),
    RATE_LIMITED("rate_limited", 429, true, "Too many requests."),
    BACKEND_UNAVAILABLE("backend_unavailable", 503, true, "The sandbox backend is unavailable on this server."),
    INTERNAL("internal_error", 500, true, "Internal error.");

    private final String code;
    private final int httpStatus;
    private final boolean retryable;
    private final String publicMessage;

    ErrorCode(String code, int httpStatus, boolean retryable, String publicMessage) {
        this.code = code;
        this.httpStatus = httpStatus;
        this.retryable = retryable;
        this.publicMessage = publicMessage;
    }

    public String code() {
        return code;
    }

    public int httpStatus() {
        return httpStatus;
    }

    public boolean retryable() {
        return retryable;
    }

    public String publicMessage() {
        return publicMessage;
    }
}
