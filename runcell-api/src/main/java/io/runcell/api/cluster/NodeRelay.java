package io.runcell.api.cluster;

import io.helidon.http.Header;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.runcell.api.common.Bodies;
import io.runcell.api.common.ErrorMapper;
import io.runcell.core.cluster.Node;
import io.runcell.core.cluster.NodeDirectory;
import io.runcell.core.error.ErrorCode;
import io.runcell.core.error.RuncellException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Relays a request whole to the node that owns what it names and the answer back unchanged: method, path, query,
 * headers (with this node's {@link InternalCredential} added), body; then status, headers and body, streamed as
 * it arrives (so an SSE stream flows through), over kept-alive {@link NodeConnection}s. An owner that cannot be
 * reached answers the dialect's not-running error at once rather than hanging.
 */
public final class NodeRelay {

    private static final Logger LOG = LoggerFactory.getLogger(NodeRelay.class);
    /** Largest request body relayed: InstaVM uploads are the biggest bodies a dialect accepts. */
    public static final int MAX_BODY_BYTES = 128 * 1024 * 1024;

    // hop-by-hop headers, and those the relay sets itself
    private static final Set<String> NOT_RELAYED_REQUEST = Set.of(
            "connection",
            "content-length",
            "expect",
            "host",
            "upgrade",
            "keep-alive",
            "transfer-encoding",
            "te",
            "trailer",
            "proxy-connection",
            "http2-settings",
            InternalCredential.HEADER.toLowerCase(Locale.ROOT));
    private static final Set<String> NOT_RELAYED_RESPONSE = Set.of(
            "connection",
            "content-length",
            "keep-alive",
            "transfer-encoding",
            "te",
            "trailer",
            "date",
            // this node already named the request; the owner's own id is in its log under the same request line
            "x-request-id");

    private final InternalCredential credential;
    private final NodeDirectory directory;
    private final NodeConnectionPool connections = new NodeConnectionPool();

    public NodeRelay(InternalCredential credential, NodeDirectory directory) {
        this.credential = credential;
        this.directory = directory;
    }

    /**
     * Relays {@code req} to {@code target} and writes the answer to {@code res}. Returns false, having written
     * nothing, when the owner is dead in this node's view by now: the connection was refused, reset or cut before an
     * answer (then it is suspected) or its lease lapsed while the answer was awaited. The caller then runs the
     * request here, where the dead owner's sandbox is read from the store and any action fails fast. Other failures
     * are rendered by {@code mapper} as the not-running error.
     */
    public boolean relay(ServerRequest req, ServerResponse res, Node target, ErrorMapper mapper) {
        String method = req.prologue().method().text();
        String pathAndQuery = ClusterFilter.requestLine(req);
        List<String[]> headers = new ArrayList<>();
        for (Header h : req.headers()) {
            if (!NOT_RELAYED_REQUEST.contains(h.name().toLowerCase(Locale.ROOT))) {
                for (String v : h.allValues()) {
                    headers.add(new String[] {h.name(), v});
                }
            }
        }
        headers.add(new String[] {InternalCredential.HEADER, credential.sign(method, pathAndQuery)});
        byte[] body = Bodies.replay(req, MAX_BODY_BYTES);
        URI base = URI.create(target.url());
        BooleanSupplier ownerLive =
                () -> directory.node(target.id()).map(Node::live).orElse(false);
        NodeConnection connection = null;
        NodeConnection.Head head = null;
        for (int attempt = 0; head == null; attempt++) {
            try {
                // a kept connection the owner has closed since fails at once: then once more on a new one
                connection = connections.take(base, attempt > 0);
                connection.send(method, pathAndQuery, headers, body);
                head = connection.readHead(ownerLive);
            } catch (NodeConnection.OwnerGone e) {
                close(connection);
                // now dead in this node's view: run here again, which reads from the store or fails fast, never acts
                LOG.warn("node {} died while a relayed request waited for its answer", target.id());
                return false;
            } catch (IOException | RuntimeException e) {
                close(connection);
                if (Thread.currentThread().isInterrupted()) {
                    mapper.render(req, res, unreachable(target));
                    return true;
                }
                if (connection != null && connection.reused() && attempt == 0) {
                    continue;
                }
                // refused, reset or cut off before an answer: the owner is taken for dead here until its heartbeat
                // advances, and the request runs here again (a read from the store, or a fast not-running error; a
                // dead owner's sandbox is never acted on here, so nothing can happen twice)
                LOG.warn("node {} at {} did not answer a relayed request: {}", target.id(), target.url(), e.toString());
                directory.suspect(target.id());
                return false;
            }
        }
        res.status(Status.create(head.status()));
        // grouped by name: setting a header replaces it (the owner's X-Runcell-Node replaces this node's)
        Map<String, List<String>> answerHeaders = new LinkedHashMap<>();
        for (String[] h : head.headers()) {
            if (!NOT_RELAYED_RESPONSE.contains(h[0].toLowerCase(Locale.ROOT))) {
                answerHeaders.computeIfAbsent(h[0], k -> new ArrayList<>()).add(h[1]);
            }
        }
        answerHeaders.forEach((name, values) -> res.header(HeaderNames.create(name), values.toArray(String[]::new)));
        try {
            InputStream answer = connection.body(method, head);
            if (isStream(head)) {
                try (OutputStream o = res.outputStream()) {
                    byte[] buf = new byte[8192];
                    int n;
                    while ((n = answer.read(buf)) > 0) {
                        o.write(buf, 0, n);
                        o.flush();
                    }
                }
            } else {
                res.send(answer.readAllBytes());
            }
            connections.release(connection);
        } catch (IOException | RuntimeException e) {
            // the owner went away mid-answer: the client sees the connection end, as it would have from the owner
            close(connection);
            LOG.warn("relaying the answer of node {} broke off: {}", target.id(), e.toString());
        }
        return true;
    }

    private static void close(NodeConnection connection) {
        if (connection != null) {
            connection.close();
        }
    }

    /** An event stream, or an answer of unknown length, is piped through as it arrives; a sized one sent whole. */
    private static boolean isStream(NodeConnection.Head head) {
        String type = head.first("Content-Type");
        return head.first("Content-Length") == null
                || type != null && type.toLowerCase(Locale.ROOT).startsWith("text/event-stream");
    }

    private static RuncellException unreachable(Node target) {
        return new RuncellException(
                ErrorCode.SANDBOX_NOT_RUNNING, "The sandbox's node " + target.id() + " is unreachable.");
    }
}
