package io.runcell.api.common;

import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;
import io.helidon.webserver.http.ServerRequest;
import io.runcell.core.id.Ids;
import java.time.InstantSource;
import org.slf4j.MDC;

/**
 * Gives every request a {@code req_<ulid>} id: set as the {@code X-Request-Id} response header, kept in the
 * request context for error bodies, and in the logging MDC as {@code requestId}.
 */
public final class RequestIds implements Filter {

    public static final HeaderName X_REQUEST_ID = HeaderNames.create("X-Request-Id");
    private static final String CONTEXT_KEY = "runcell.requestId";

    private final Ids ids;

    public RequestIds(InstantSource clock) {
        this.ids = new Ids(clock);
    }

    @Override
    public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
        String id = ids.next(Ids.REQUEST);
        req.context().register(CONTEXT_KEY, id);
        res.header(X_REQUEST_ID, id);
        MDC.put("requestId", id);
        try {
            chain.proceed();
        } finally {
            MDC.remove("requestId");
        }
    }

    /** The id of {@code req}, or a fresh one if the filter did not run. */
    public static String of(ServerRequest req) {
        return req.context().get(CONTEXT_KEY, String.class).orElse("req_unknown");
    }
}
