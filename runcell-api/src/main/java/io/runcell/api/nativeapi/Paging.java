package io.runcell.api.nativeapi;

import io.helidon.webserver.http.ServerRequest;
import io.runcell.core.error.FieldError;
import io.runcell.core.error.RuncellException;

/** {@code ?limit=} parsing shared by the native list endpoints. */
final class Paging {

    private Paging() {}

    static int limit(ServerRequest req, int dflt, int max) {
        var value = req.query().first("limit").asOptional();
        if (value.isEmpty()) {
            return dflt;
        }
        try {
            int n = Integer.parseInt(value.get());
            if (n < 1 || n > max) {
                throw RuncellException.invalid(new FieldError(
                        "limit", FieldError.Kind.INVALID_VALUE, "limit must be between 1 and " + max, (long) max));
            }
            return n;
        } catch (NumberFormatException e) {
            throw RuncellException.invalid(
                    FieldError.of("limit", FieldError.Kind.INVALID_TYPE, "limit must be an integer"));
        }
    }
}
