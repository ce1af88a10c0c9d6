package io.runcell.api.cluster;

import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;
import io.helidon.webserver.http.ServerRequest;
import io.runcell.api.common.HandOver;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * Runs first on every request: names this node in {@code X-Runcell-Node}; checks an internal credential if the
 * request carries one (a forged or stale one is refused with 403 before anything else runs); and gives requests
 * from clients a {@link HandOver} through the relay. Without a cluster ({@code relay} null) any internal credential
 * is forged.
 */
public final class ClusterFilter implements Filter {

    public static final HeaderName X_RUNCELL_NODE = HeaderNames.create("X-Runcell-Node");
    private static final HeaderName FORWARDED = HeaderNames.create(InternalCredential.HEADER);

    private final String self;
    private final InternalCredential credential;
    private final NodeRelay relay;

    /** @param credential and {@code relay} null on a node without a cluster */
    public ClusterFilter(String self, InternalCredential credential, NodeRelay relay) {
        this.self = self;
        this.credential = credential;
        this.relay = relay;
    }

    @Override
    public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
        res.header(X_RUNCELL_NODE, self);
        Optional<String> presented = req.headers().first(FORWARDED);
        if (presented.isPresent()) {
            Optional<String> from = credential == null
                    ? Optional.empty()
                    : credential.verify(presented.get(), req.prologue().method().text(), requestLine(req));
            if (from.isEmpty()) {
                res.status(Status.FORBIDDEN_403)
                        .header(HeaderNames.CONTENT_TYPE, "application/problem+json")
                        .send(("{\"type\":\"about:blank\",\"title\":\"Forbidden\",\"status\":403,"
                                        + "\"detail\":\"The internal node credential is not valid.\"}")
                                .getBytes(StandardCharsets.UTF_8));
                return;
            }
        }
        // a request relayed here is not relayed on (the nodes disagree about an owner for a moment): without a
        // hand-over the guard answers it as not running instead of bouncing it around
        if (relay != null && presented.isEmpty()) {
            req.context().register(HandOver.class, (HandOver)
                    (q, s, elsewhere, mapper) -> relay.relay(q, s, elsewhere.node(), mapper));
        }
        chain.proceed();
    }

    /** The request's path and query exactly as the client sent them: what a credential signs. */
    static String requestLine(ServerRequest req) {
        String query = req.prologue().query().rawValue();
        String path = req.prologue().uriPath().absolute().rawPath();
        return query == null || query.isEmpty() ? path : path + "?" + query;
    }
}
