package io.runcell.api.common;

import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.runcell.core.cluster.OwnedElsewhere;

/**
 * What {@link Guard} does with a request the core handed over to another node. The cluster filter puts one in the
 * context of a client's request; on a single node, or for a request another node relayed here, there is none and
 * the request is answered as not running.
 */
@FunctionalInterface
public interface HandOver {

    /**
     * Answers {@code req} through the owning node. Returns false, having written nothing, when the owner could not
     * be reached before it saw the request (it is then treated as dead here and the request may run again here).
     */
    boolean handOver(ServerRequest req, ServerResponse res, OwnedElsewhere elsewhere, ErrorMapper mapper);
}
