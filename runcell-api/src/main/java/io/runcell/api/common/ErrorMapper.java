package io.runcell.api.common;

import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.runcell.core.error.RuncellException;

/** A dialect's one mapping from failures to its wire shape. */
public interface ErrorMapper {

    void render(ServerRequest req, ServerResponse res, RuncellException error);

    void renderMalformed(ServerRequest req, ServerResponse res, MalformedBodyException error);

    /** An unexpected failure (already logged): a generic 500 in the dialect's shape. */
    void renderUnexpected(ServerRequest req, ServerResponse res);
}
