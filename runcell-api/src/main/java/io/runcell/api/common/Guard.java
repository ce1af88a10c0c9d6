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
        return (req, res) -> {
            try {
                action.handle(req, res);
            } catch (RuncellException e) {
                if (!res.isSent()) {
                    mapper.render(req, res, e);
                }
            } catch (OwnedElsewhere e) {
                if (!res.isSent()) {
                    handOver(req, res, e);
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
        };
    }

    private void handOver(ServerRequest req, ServerResponse res, OwnedElsewhere e) {
        req.context()
                .get(HandOver.class, HandOver.class)
                .ifPresentOrElse(
                        h -> h.handOver(req, res, e, mapper),
                        () -> mapper.render(
                                req,
                                res,
                                new RuncellException(
                                        ErrorCode.SANDBOX_NOT_RUNNING,
                                        "The sandbox is served by node "
                                                + e.node().id() + ".")));
    }
}
