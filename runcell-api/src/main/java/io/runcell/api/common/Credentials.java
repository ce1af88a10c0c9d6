package io.runcell.api.common;

import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;
import java.util.Locale;
import java.util.Optional;

/** Reads a presented API key from the places dialects accept it. */
public final class Credentials {

    public static final HeaderName X_API_KEY = HeaderNames.create("X-API-Key");

    private Credentials() {}

    /** The token of an {@code Authorization: Bearer <token>} header. */
    public static Optional<String> bearer(ServerRequest req) {
        return req.headers()
                .first(HeaderNames.AUTHORIZATION)
                .filter(v -> v.length() > 7
                        && v.substring(0, 7).toLowerCase(Locale.ROOT).equals("bearer "))
                .map(v -> v.substring(7).strip())
                .filter(v -> !v.isEmpty());
    }

    public static Optional<String> header(ServerRequest req, HeaderName name) {
        return req.headers().first(name).map(String::strip).filter(v -> !v.isEmpty());
    }

    public static Optional<String> query(ServerRequest req, String name) {
        return req.query().first(name).asOptional().map(String::strip).filter(v -> !v.isEmpty());
    }
}
