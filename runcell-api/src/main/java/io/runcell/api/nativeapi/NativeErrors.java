package io.runcell.api.nativeapi;

import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.runcell.api.common.ErrorMapper;
import io.runcell.api.common.MalformedBodyException;
import io.runcell.api.common.Problem;
import io.runcell.api.common.RateLimitHeaders;
import io.runcell.core.error.ErrorCode;
import io.runcell.core.error.RuncellException;
import java.time.InstantSource;
import java.util.List;
import java.util.Locale;

/** Renders core errors as the native API's RFC 7807 problems. */
final class NativeErrors implements ErrorMapper {

    static final Problem.Style STYLE = new Problem.Style("https://runcell.io/errors/", "request_id", "pointer");

    private final Problem problem;

    NativeErrors(InstantSource clock) {
        this.problem = new Problem(STYLE, clock);
    }

    @Override
    public void render(ServerRequest req, ServerResponse res, RuncellException e) {
        ErrorCode code = e.code();
        if (code == ErrorCode.RATE_LIMITED) {
            RateLimitHeaders.of(e).forEach(res::header);
        }
        List<Problem.Item> items = Problem.items(e.fieldErrors());
        problem.send(req, res, code.httpStatus(), code.code(), title(code), e.detail(), items);
    }

    @Override
    public void renderMalformed(ServerRequest req, ServerResponse res, MalformedBodyException e) {
        ErrorCode code = e.tooLarge() ? ErrorCode.PAYLOAD_TOO_LARGE : ErrorCode.INVALID_REQUEST;
        problem.send(req, res, code.httpStatus(), code.code(), title(code), e.getMessage(), List.of());
    }

    @Override
    public void renderUnexpected(ServerRequest req, ServerResponse res) {
        ErrorCode code = ErrorCode.INTERNAL;
        problem.send(req, res, 500, code.code(), title(code), code.publicMessage(), List.of());
    }

    private static String title(ErrorCode code) {
        String words = code.code().replace('_', ' ');
        return words.substring(0, 1).toUpperCase(Locale.ROOT) + words.substring(1);
    }
}
