package io.runcell.core.error;

import java.util.List;
import java.util.Optional;

/**
 * An expected failure: carries a catalogued {@link ErrorCode}, a detail sentence safe to show the caller, and
 * optional field errors. Dialect mappers render it; it never carries a stack trace to the client and is not
 * logged as an error.
 */
public final class RuncellException extends RuntimeException {

    private final ErrorCode code;
    private final List<FieldError> fieldErrors;
    private final long retryAfterSeconds;
    private final RateLimitInfo rateLimit;

    public RuncellException(ErrorCode code, String detail) {
        this(code, detail, List.of(), 0);
    }

    public RuncellException(ErrorCode code, String detail, List<FieldError> fieldErrors, long retryAfterSeconds) {
        this(code, detail, fieldErrors, retryAfterSeconds, null);
    }

    /** With the numbers of a rate limit ({@link ErrorCode#RATE_LIMITED}); {@code rateLimit} may be null. */
    public RuncellException(
            ErrorCode code,
            String detail,
            List<FieldError> fieldErrors,
            long retryAfterSeconds,
            RateLimitInfo rateLimit) {
        super(detail == null ? code.publicMessage() : detail, null, false, false);
        this.code = code;
        this.fieldErrors = List.copyOf(fieldErrors);
        this.retryAfterSeconds = retryAfterSeconds;
        this.rateLimit = rateLimit;
    }

    public static RuncellException of(ErrorCode code) {
        return new RuncellException(code, code.publicMessage());
    }

    public static RuncellException invalid(FieldError error) {
        return new RuncellException(ErrorCode.INVALID_REQUEST, error.detail(), List.of(error), 0);
    }

    public ErrorCode code() {
        return code;
    }

    public String detail() {
        return getMessage();
    }

    public List<FieldError> fieldErrors() {
        return fieldErrors;
    }

    public long retryAfterSeconds() {
        return retryAfterSeconds;
    }

    /** The rate limit that was hit, for {@link ErrorCode#RATE_LIMITED}; empty otherwise. */
    public Optional<RateLimitInfo> rateLimit() {
        return Optional.ofNullable(rateLimit);
    }
}
