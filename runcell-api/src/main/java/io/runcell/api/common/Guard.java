package io.runcell.api.common;

import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.runcell.core.cluster.OwnedElsewhere;
import io.runcell.core.error.ErrorCode;
import io.runcell.core.error.RuncellException;

/** Wraps a dialect's handlers so every failure is rendered by that dialect's {@link ErrorMapper}, never a bare 500. */
public final class Guard {

    /** A handler that may throw. */
    @FunctionalInterface
    public interface Action {
        void handle(ServerRequest req, ServerResponse res) throws Exception;
    }

    private final ErrorMapper mapper;

    public Guard(ErrorMapper mapper) {
        this.mapper = mapper;
    }

    public Handler wrap(Action action) {
        return (req, res) -> run(action, req, res, true);
    }

    private void run(Action action, ServerRequest req, ServerResponse res, boolean mayRelay) {
        try {
            action.handle(req, res);
        } catch (RuncellException e) {
            if (!res.isSent()) {
                mapper.render(req, res, e);
            }
        } catch (OwnedElsewhere e) {
            if (!res.isSent() && !handOver(req, res, e, mayRelay)) {
                // the owner was unreachable and is now taken for dead: the request is answered here
                run(action, req, res, false);
            }
        } catch (MalformedBodyException e) {
            if (!res.isSent()) {
                mapper.renderMalformed(req, res, e);
            }
        } catch (Exception e) {
            Boundary.logUnexpected(req, e);
            if (!res.isSent()) {
                mapper.renderUnexpected(req, res);
            }
        }
    }

    /** Returns false when the request should run again here. */
    private boolean handOver(ServerRequest req, ServerResponse res, OwnedElsewhere e, boolean mayRelay) {
        java.util.Optional<HandOver> relay = req.context().get(HandOver.class, HandOver.class);
        if (relay.isPresent() && mayRelay) {
            return relay.get().handOver(req, res, e, mapper);
        }
        mapper.render(
                req,
                res,
                new RuncellException(
                        ErrorCode.SANDBOX_NOT_RUNNING,
                        "The sandbox is served by node " + e.node().id() + ", which cannot take this request now."));
        return true;
    }
}
