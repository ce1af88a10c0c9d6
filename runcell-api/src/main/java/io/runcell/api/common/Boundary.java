package io.runcell.api.common;

import io.helidon.webserver.http.ServerRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Logs an unexpected failure once, at the HTTP boundary, with the request id; the client sees a generic message. */
public final class Boundary {

    private static final Logger LOG = LoggerFactory.getLogger(Boundary.class);

    private Boundary() {}

    public static void logUnexpected(ServerRequest req, Throwable error) {
        LOG.error(
                "unexpected error in {} {} (request {})",
                req.prologue().method().text(),
                req.path().absolute().rawPath(),
                RequestIds.of(req),
                error);
    }
}
