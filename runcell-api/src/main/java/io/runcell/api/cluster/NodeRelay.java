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
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Relays a request whole to the node that owns what it names and the answer back unchanged: method, path, query,
 * headers (with this node's {@link InternalCredential} added), body; then status, headers and body, streamed as
 * it arrives (so an SSE stream flows through). An owner that cannot be reached answers the dialect's not-running
 * error at once rather than hanging.
 */
public final class NodeRelay {

    private static final Logger LOG = LoggerFactory.getLogger(NodeRelay.class);
    /** Largest request body relayed: InstaVM uploads are the biggest bodies a dialect accepts. */
    public static final int MAX_BODY_BYTES = 128 * 1024 * 1024;

    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(2);
    private static final long LIVENESS_CHECK_MILLIS = 250;
    // hop-by-hop headers, and those the JDK client sets itself (it refuses them from callers)
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
            ":status",
            // this node already named the request; the owner's own id is in its log under the same request line
            "x-request-id");

    private final InternalCredential credential;
    private final NodeDirectory directory;
    private final HttpClient client;

    public NodeRelay(InternalCredential credential, NodeDirectory directory) {
        this.credential = credential;
        this.directory = directory;
        this.client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(CONNECT_TIMEOUT)
                .followRedirects(HttpClient.Redirect.NEVER)
                .executor(Executors.newThreadPerTaskExecutor(
                        Thread.ofVirtual().name("runcell-relay-", 0).factory()))
                .build();
    }

    /**
     * Relays {@code req} to {@code target} and writes the answer to {@code res}. Returns false, having written
     * nothing, when the owner is dead in this node's view by now: the connection was refused, reset or cut before an
     * answer (then it is suspected) or its lease lapsed while the answer was awaited. The caller then runs the request here, where the dead
     * owner's sandbox is read from the store and any action fails fast. Other failures are rendered by
     * {@code mapper} as the not-running error.
     */
    public boolean relay(ServerRequest req, ServerResponse res, Node target, ErrorMapper mapper) {
        String method = req.prologue().method().text();
        String pathAndQuery = ClusterFilter.requestLine(req);
        HttpRequest.Builder out = HttpRequest.newBuilder(URI.create(stripSlash(target.url()) + pathAndQuery));
        for (Header h : req.headers()) {
            if (!NOT_RELAYED_REQUEST.contains(h.name().toLowerCase(Locale.ROOT))) {
                for (String v : h.allValues()) {
                    out.header(h.name(), v);
                }
            }
        }
        out.header(InternalCredential.HEADER, credential.sign(method, pathAndQuery));
        byte[] body = Bodies.replay(req, MAX_BODY_BYTES);
        out.method(
                method,
                body.length == 0 ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
        HttpResponse<InputStream> answer;
        try {
            answer = awaitWhileLive(client.sendAsync(out.build(), NodeRelay::bodyOf), target);
        } catch (ExecutionException e) {
            // refused, reset or cut off before an answer: the owner is taken for dead here until its heartbeat
            // advances, and the request runs here again (a read from the store, or a fast not-running error; a dead
            // owner's sandbox is never acted on here, so nothing can happen twice)
            LOG.warn("node {} at {} did not answer a relayed request: {}", target.id(), target.url(), e.getCause());
            directory.suspect(target.id());
            return false;
        } catch (OwnerLost e) {
            // now dead in this node's view: run here again, which reads from the store or fails fast, never acts
            LOG.warn("node {} died while a relayed request waited for its answer", target.id());
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            mapper.render(req, res, unreachable(target));
            return true;
        }
        res.status(Status.create(answer.statusCode()));
        answer.headers().map().forEach((name, values) -> {
            if (!NOT_RELAYED_RESPONSE.contains(name.toLowerCase(Locale.ROOT))) {
                res.header(HeaderNames.create(canonical(name)), values.toArray(String[]::new));
            }
        });
        try (InputStream in = answer.body()) {
            if (isStream(answer.headers())) {
                try (OutputStream o = res.outputStream()) {
                    byte[] buf = new byte[8192];
                    int n;
                    while ((n = in.read(buf)) > 0) {
                        o.write(buf, 0, n);
                        o.flush();
                    }
                }
            } else {
                res.send(in.readAllBytes());
            }
        } catch (IOException e) {
            // the owner went away mid-answer: the client sees the connection end, as it would have from the owner
            LOG.warn("relaying the answer of node {} broke off: {}", target.id(), e.toString());
        }
        return true;
    }

    /** The owner's lease lapsed while its answer was awaited. */
    private static final class OwnerLost extends Exception {
        OwnerLost() {
            super(null, null, false, false);
        }
    }

    /**
     * Waits for the owner's answer as long as it takes (a synchronous execute may run for minutes) while the owner
     * is alive: a frozen or partitioned owner accepts the connection but never answers, and its lapsed lease is
     * what ends the wait.
     */
    private HttpResponse<InputStream> awaitWhileLive(
            java.util.concurrent.CompletableFuture<HttpResponse<InputStream>> pending, Node target)
            throws ExecutionException, InterruptedException, OwnerLost {
        while (true) {
            try {
                return pending.get(LIVENESS_CHECK_MILLIS, TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                boolean live = directory.node(target.id()).map(Node::live).orElse(false);
                if (!live) {
                    pending.cancel(true);
                    throw new OwnerLost();
                }
            }
        }
    }

    private static boolean isStream(java.net.http.HttpHeaders headers) {
        List<String> type = headers.allValues("content-type");
        return headers.firstValue("content-length").isEmpty()
                || type.stream().anyMatch(t -> t.toLowerCase(Locale.ROOT).startsWith("text/event-stream"));
    }

    /** A stream is piped through as it arrives; a sized answer is read whole first (cheaper than piping it). */
    private static HttpResponse.BodySubscriber<InputStream> bodyOf(HttpResponse.ResponseInfo info) {
        if (isStream(info.headers())) {
            return HttpResponse.BodySubscribers.ofInputStream();
        }
        return HttpResponse.BodySubscribers.mapping(
                HttpResponse.BodySubscribers.ofByteArray(), java.io.ByteArrayInputStream::new);
    }

    /** {@code x-runcell-node} → {@code X-Runcell-Node}: the JDK client lower-cases names; a direct answer does not. */
    static String canonical(String name) {
        StringBuilder b = new StringBuilder(name.length());
        boolean upper = true;
        for (char c : name.toCharArray()) {
            b.append(upper ? Character.toUpperCase(c) : c);
            upper = c == '-';
        }
        return b.toString();
    }

    private static RuncellException unreachable(Node target) {
        return new RuncellException(
                ErrorCode.SANDBOX_NOT_RUNNING, "The sandbox's node " + target.id() + " is unreachable.");
    }

    private static String stripSlash(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }
}
