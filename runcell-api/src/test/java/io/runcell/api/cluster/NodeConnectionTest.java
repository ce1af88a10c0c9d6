package io.runcell.api.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The relay's HTTP/1.1 connection against a scripted peer that answers each request with canned bytes. */
class NodeConnectionTest {

    /** Accepts connections; answers every request it reads with the next scripted answer. */
    private static final class ScriptedPeer implements AutoCloseable {
        final ServerSocket server;
        final BlockingQueue<String> answers = new LinkedBlockingQueue<>();
        final BlockingQueue<String> requests = new LinkedBlockingQueue<>();
        final AtomicInteger connections = new AtomicInteger();
        final AtomicBoolean closeAfterAnswer = new AtomicBoolean();

        ScriptedPeer() throws IOException {
            server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            Thread.ofVirtual().start(this::acceptLoop);
        }

        URI uri() {
            return URI.create("http://127.0.0.1:" + server.getLocalPort());
        }

        private void acceptLoop() {
            try {
                while (true) {
                    Socket s = server.accept();
                    connections.incrementAndGet();
                    Thread.ofVirtual().start(() -> serve(s));
                }
            } catch (IOException e) {
                // closed
            }
        }

        private void serve(Socket s) {
            try (s) {
                InputStream in = s.getInputStream();
                OutputStream out = s.getOutputStream();
                while (true) {
                    String request = readRequest(in);
                    if (request == null) {
                        return;
                    }
                    requests.add(request);
                    String answer = answers.poll(10, TimeUnit.SECONDS);
                    if (answer == null || answer.equals("SILENCE")) {
                        Thread.sleep(10_000);
                        return;
                    }
                    out.write(answer.getBytes(StandardCharsets.ISO_8859_1));
                    out.flush();
                    if (closeAfterAnswer.get()) {
                        return;
                    }
                }
            } catch (IOException | InterruptedException e) {
                // peer done
            }
        }

        /** The head plus a Content-Length body, or null at the end of the connection. */
        private static String readRequest(InputStream in) throws IOException {
            ByteArrayOutputStream head = new ByteArrayOutputStream();
            int matched = 0;
            int c;
            while (matched < 4 && (c = in.read()) >= 0) {
                head.write(c);
                matched = (c == '\r' || c == '\n') ? matched + 1 : 0;
            }
            if (head.size() == 0) {
                return null;
            }
            String text = head.toString(StandardCharsets.ISO_8859_1);
            int length = 0;
            for (String line : text.split("\r\n")) {
                if (line.toLowerCase().startsWith("content-length:")) {
                    length = Integer.parseInt(line.substring(15).trim());
                }
            }
            return text + new String(in.readNBytes(length), StandardCharsets.ISO_8859_1);
        }

        @Override
        public void close() throws IOException {
            server.close();
        }
    }

    private final ScriptedPeer peer;
    private final NodeConnectionPool pool = new NodeConnectionPool();

    NodeConnectionTest() throws IOException {
        peer = new ScriptedPeer();
    }

    @AfterEach
    void close() throws IOException {
        peer.close();
    }

    private String exchange(NodeConnection c, String method, String body) throws IOException {
        c.send(method, "/x?a=1", List.<String[]>of(new String[] {"X-Test", "yes"}), body.getBytes());
        NodeConnection.Head head = c.readHead(() -> true);
        String answer = head.status() + " " + new String(c.body(method, head).readAllBytes(), StandardCharsets.UTF_8);
        pool.release(c);
        return answer;
    }

    @Test
    void sizedAndChunkedAnswersAreReadWholeAndTheConnectionIsKept() throws Exception {
        peer.answers.add("HTTP/1.1 201 Created\r\nContent-Length: 5\r\nX-Runcell-Node: n2\r\n\r\nhello");
        peer.answers.add(
                "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3;ext=1\r\nabc\r\n2\r\nde\r\n0\r\nT: x\r\n\r\n");
        peer.answers.add("HTTP/1.1 204 No Content\r\n\r\n");

        assertThat(exchange(pool.take(peer.uri(), false), "POST", "{\"a\":1}")).isEqualTo("201 hello");
        assertThat(exchange(pool.take(peer.uri(), false), "GET", "")).isEqualTo("200 abcde");
        assertThat(exchange(pool.take(peer.uri(), false), "DELETE", "")).isEqualTo("204 ");

        assertThat(peer.connections.get()).isEqualTo(1);
        String first = peer.requests.take();
        assertThat(first)
                .startsWith("POST /x?a=1 HTTP/1.1\r\n")
                .contains("Host: 127.0.0.1:" + peer.server.getLocalPort() + "\r\n")
                .contains("X-Test: yes\r\n")
                .contains("Content-Length: 7\r\n")
                .endsWith("\r\n\r\n{\"a\":1}");
        assertThat(peer.requests.take()).doesNotContain("Content-Length");
    }

    @Test
    void aChunkedStreamIsHandedOnChunkByChunk() throws Exception {
        peer.answers.add("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "6\r\ndata:1\r\n6\r\ndata:2\r\n0\r\n\r\n");
        NodeConnection c = pool.take(peer.uri(), false);
        c.send("GET", "/events", List.of(), new byte[0]);
        NodeConnection.Head head = c.readHead(() -> true);
        InputStream body = c.body("GET", head);
        byte[] buf = new byte[64];
        assertThat(new String(buf, 0, body.read(buf))).isEqualTo("data:1");
        assertThat(new String(buf, 0, body.read(buf))).isEqualTo("data:2");
        assertThat(body.read(buf)).isEqualTo(-1);
        assertThat(c.reusable()).isTrue();
    }

    @Test
    void anAnswerEndedByClosingIsReadToTheEndAndTheConnectionIsNotKept() throws Exception {
        peer.closeAfterAnswer.set(true);
        peer.answers.add("HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nall of it");
        NodeConnection c = pool.take(peer.uri(), false);
        assertThat(exchange(c, "GET", "")).isEqualTo("200 all of it");
        assertThat(c.reusable()).isFalse();
        peer.answers.add("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
        assertThat(exchange(pool.take(peer.uri(), false), "GET", "")).isEqualTo("200 ok");
        assertThat(peer.connections.get()).isEqualTo(2);
    }

    @Test
    void aKeptConnectionTheOwnerClosedFailsAtOnceAndIsMarkedReused() throws Exception {
        peer.closeAfterAnswer.set(true);
        peer.answers.add("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
        NodeConnection first = pool.take(peer.uri(), false);
        assertThat(exchange(first, "GET", "")).isEqualTo("200 ok");
        NodeConnection again = pool.take(peer.uri(), false);
        assertThat(again).isSameAs(first);
        assertThat(again.reused()).isTrue();
        assertThatThrownBy(() -> {
                    again.send("GET", "/x", List.of(), new byte[0]);
                    again.readHead(() -> true);
                })
                .isInstanceOf(IOException.class)
                .isNotInstanceOf(NodeConnection.OwnerGone.class);
    }

    @Test
    void anOwnerThatNeverAnswersIsGivenUpWhenItsLeaseLapses() throws Exception {
        peer.answers.add("SILENCE");
        NodeConnection c = pool.take(peer.uri(), false);
        c.send("POST", "/execute", List.of(), "{}".getBytes());
        AtomicInteger checks = new AtomicInteger();
        // alive for the first two checks, then its lease has lapsed
        assertThatThrownBy(() -> c.readHead(() -> checks.incrementAndGet() <= 2))
                .isInstanceOf(NodeConnection.OwnerGone.class);
        assertThat(checks.get()).isEqualTo(3);
    }

    @Test
    void aBodyCutShortIsAnError() throws Exception {
        peer.closeAfterAnswer.set(true);
        peer.answers.add("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort");
        NodeConnection c = pool.take(peer.uri(), false);
        c.send("GET", "/x", List.of(), new byte[0]);
        NodeConnection.Head head = c.readHead(() -> true);
        assertThatThrownBy(() -> c.body("GET", head).readAllBytes())
                .isInstanceOf(IOException.class)
                .hasMessageContaining("before the body's end");
        assertThat(c.reusable()).isFalse();
    }
}
