package io.runcell.api.cluster;

import io.helidon.http.Header;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.runcell.api.common.Bodies;
import io.runcell.api.common.ErrorMapper;
import io.runcell.core.cluster.Node;
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
import java.util.concurrent.Executors;
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
    private final HttpClient client;

    public NodeRelay(InternalCredential credential) {
        this.credential = credential;
        this.client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(CONNECT_TIMEOUT)
                .followRedirects(HttpClient.Redirect.NEVER)
                .executor(Executors.newThreadPerTaskExecutor(
                        Thread.ofVirtual().name("runcell-relay-", 0).factory()))
                .build();
    }

    /**
     * Relays {@code req} to {@code target} and writes the answer to {@code res}; failures to reach it are rendered
     * by {@code mapper} as the dialect's not-running error.
     */
    public void relay(ServerRequest req, ServerResponse res, Node target, ErrorMapper mapper) {
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
            answer = client.send(out.build(), HttpResponse.BodyHandlers.ofInputStream());
        } catch (IOException e) {
            LOG.warn("node {} at {} did not answer a relayed request: {}", target.id(), target.url(), e.toString());
            mapper.render(req, res, unreachable(target));
            return;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            mapper.render(req, res, unreachable(target));
            return;
        }
        res.status(Status.create(answer.statusCode()));
        answer.headers().map().forEach((name, values) -> {
            if (!NOT_RELAYED_RESPONSE.contains(name.toLowerCase(Locale.ROOT))) {
                res.header(HeaderNames.create(canonical(name)), values.toArray(String[]::new));
            }
        });
        try (InputStream in = answer.body()) {
            if (isStream(answer)) {
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
    }

    private static boolean isStream(HttpResponse<?> answer) {
        List<String> type = answer.headers().allValues("content-type");
        return answer.headers().firstValue("content-length").isEmpty()
                || type.stream().anyMatch(t -> t.toLowerCase(Locale.ROOT).startsWith("text/event-stream"));
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
