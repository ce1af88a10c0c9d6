package io.runcell.api.cluster;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.BooleanSupplier;

/**
 * One HTTP/1.1 keep-alive connection to another node: writes a request, reads the answer's head, then its body
 * (sized, chunked or up to the end of the connection). A relay is a blocking exchange on the request's own virtual
 * thread, so this is plain socket I/O: {@code java.net.http} hands every exchange between its selector thread and
 * an executor, which cost more than a millisecond per relayed request here.
 *
 * <p>Reads wake up every {@link #LIVENESS_CHECK_MILLIS} to ask whether the owner is still alive: a frozen or
 * partitioned owner accepts the connection but never answers, and its lapsed lease is what ends the wait
 * ({@link OwnerGone}). Not thread-safe: one exchange at a time.
 */
final class NodeConnection implements AutoCloseable {

    static final int CONNECT_TIMEOUT_MILLIS = 2_000;
    static final int LIVENESS_CHECK_MILLIS = 250;
    private static final int MAX_HEAD_BYTES = 64 * 1024;

    /** The owner's lease lapsed while its answer was awaited. */
    static final class OwnerGone extends IOException {
        OwnerGone() {
            super("the owner's lease lapsed", null);
        }
    }

    /** A response head: status and headers in the order and case the owner sent them. */
    record Head(int status, List<String[]> headers) {

        String first(String name) {
            for (String[] h : headers) {
                if (h[0].equalsIgnoreCase(name)) {
                    return h[1];
                }
            }
            return null;
        }
    }

    private final String key;
    private final String hostHeader;
    private final Socket socket;
    private final BufferedOutputStream out;
    private final BufferedInputStream in;
    private final LiveInput live;
    private boolean reused;
    private boolean reusable;
    private long idleSince;

    private NodeConnection(String key, String hostHeader, Socket socket) throws IOException {
        this.key = key;
        this.hostHeader = hostHeader;
        this.socket = socket;
        this.out = new BufferedOutputStream(socket.getOutputStream(), 16 * 1024);
        this.live = new LiveInput(socket.getInputStream());
        this.in = new BufferedInputStream(live, 16 * 1024);
    }

    static NodeConnection open(URI base) throws IOException {
        int port = base.getPort() > 0 ? base.getPort() : 80;
        Socket socket = new Socket();
        try {
            socket.setTcpNoDelay(true);
            socket.connect(new InetSocketAddress(base.getHost(), port), CONNECT_TIMEOUT_MILLIS);
            socket.setSoTimeout(LIVENESS_CHECK_MILLIS);
            return new NodeConnection(keyOf(base), base.getHost() + ":" + port, socket);
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    static String keyOf(URI base) {
        return base.getHost() + ":" + (base.getPort() > 0 ? base.getPort() : 80);
    }

    String key() {
        return key;
    }

    /** True once this connection carried an earlier exchange (it may have been closed by the owner since). */
    boolean reused() {
        return reused;
    }

    long idleSince() {
        return idleSince;
    }

    /** Writes the request; {@code headers} are name/value pairs, without Host and Content-Length. */
    void send(String method, String target, List<String[]> headers, byte[] body) throws IOException {
        StringBuilder head = new StringBuilder(512)
                .append(method)
                .append(' ')
                .append(target)
                .append(" HTTP/1.1\r\nHost: ")
                .append(hostHeader)
                .append("\r\n");
        for (String[] h : headers) {
            head.append(h[0]).append(": ").append(h[1]).append("\r\n");
        }
        if (body.length > 0 || !method.equals("GET") && !method.equals("HEAD")) {
            head.append("Content-Length: ").append(body.length).append("\r\n");
        }
        head.append("\r\n");
        out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
        out.write(body);
        out.flush();
    }

    /** Reads the answer's head, waiting as long as {@code ownerLive} holds. */
    Head readHead(BooleanSupplier ownerLive) throws IOException {
        live.ownerLive = ownerLive;
        String status = line();
        if (!status.startsWith("HTTP/1.") || status.length() < 12) {
            throw new IOException("not an HTTP/1.x status line: " + status);
        }
        int code = Integer.parseInt(status.substring(9, 12));
        List<String[]> headers = new ArrayList<>();
        int size = status.length();
        for (String h = line(); !h.isEmpty(); h = line()) {
            size += h.length();
            if (size > MAX_HEAD_BYTES) {
                throw new IOException("the answer's head is larger than " + MAX_HEAD_BYTES + " bytes");
            }
            int colon = h.indexOf(':');
            if (colon <= 0) {
                throw new IOException("malformed header line: " + h);
            }
            headers.add(new String[] {
                h.substring(0, colon).trim(), h.substring(colon + 1).trim()
            });
        }
        return new Head(code, headers);
    }

    /**
     * The answer's body as a stream that ends where the body ends; once it has been read to its end the connection
     * can carry another exchange ({@link #reusable()}).
     */
    InputStream body(String method, Head head) {
        String connection = head.first("Connection");
        boolean keepAlive =
                connection == null || !connection.toLowerCase(Locale.ROOT).contains("close");
        if (method.equals("HEAD") || head.status() / 100 == 1 || head.status() == 204 || head.status() == 304) {
            reusable = keepAlive;
            return InputStream.nullInputStream();
        }
        String encoding = head.first("Transfer-Encoding");
        if (encoding != null && encoding.toLowerCase(Locale.ROOT).contains("chunked")) {
            return new ChunkedBody(keepAlive);
        }
        String length = head.first("Content-Length");
        if (length != null) {
            return new SizedBody(Long.parseLong(length.trim()), keepAlive);
        }
        return in; // delimited by the end of the connection, which then cannot be reused
    }

    boolean reusable() {
        return reusable;
    }

    /** Marks the connection idle after its body was read to the end. */
    void idle(long nowMillis) {
        reused = true;
        reusable = false;
        idleSince = nowMillis;
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException e) {
            // closing
        }
    }

    private String line() throws IOException {
        StringBuilder b = new StringBuilder(64);
        int c;
        while ((c = in.read()) != '\n') {
            if (c < 0) {
                throw new IOException("the node closed the connection");
            }
            if (c != '\r') {
                b.append((char) c);
            }
            if (b.length() > MAX_HEAD_BYTES) {
                throw new IOException("line longer than " + MAX_HEAD_BYTES + " bytes");
            }
        }
        return b.toString();
    }

    /** The socket's input, reading as long as the owner is alive: timeouts only trigger a liveness check. */
    private static final class LiveInput extends ChunkReader {
        private final InputStream socketIn;
        private volatile BooleanSupplier ownerLive = () -> true;

        LiveInput(InputStream socketIn) {
            this.socketIn = socketIn;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            while (true) {
                try {
                    return socketIn.read(b, off, len);
                } catch (SocketTimeoutException e) {
                    if (!ownerLive.getAsBoolean()) {
                        throw new OwnerGone();
                    }
                }
            }
        }
    }

    private final class SizedBody extends ChunkReader {
        private long left;
        private final boolean keepAlive;

        SizedBody(long length, boolean keepAlive) {
            this.left = length;
            this.keepAlive = keepAlive;
            reusable = keepAlive && length == 0;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (left == 0) {
                return -1;
            }
            int n = in.read(b, off, (int) Math.min(len, left));
            if (n < 0) {
                throw new IOException("the node closed the connection " + left + " bytes before the body's end");
            }
            left -= n;
            if (left == 0) {
                reusable = keepAlive;
            }
            return n;
        }
    }

    private final class ChunkedBody extends ChunkReader {
        private long chunkLeft;
        private boolean done;
        private final boolean keepAlive;

        ChunkedBody(boolean keepAlive) {
            this.keepAlive = keepAlive;
        }

        /** Returns at most the rest of the current chunk, so a streamed event is passed on as soon as it arrives. */
        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (done) {
                return -1;
            }
            if (chunkLeft == 0) {
                String size = line();
                int semicolon = size.indexOf(';');
                chunkLeft = Long.parseLong((semicolon >= 0 ? size.substring(0, semicolon) : size).trim(), 16);
                if (chunkLeft == 0) {
                    while (!line().isEmpty()) {
                        // trailers are not relayed
                    }
                    done = true;
                    reusable = keepAlive;
                    return -1;
                }
            }
            int n = in.read(b, off, (int) Math.min(len, chunkLeft));
            if (n < 0) {
                throw new IOException("the node closed the connection inside a chunk");
            }
            chunkLeft -= n;
            if (chunkLeft == 0) {
                line(); // the CRLF after the chunk
            }
            return n;
        }

        @Override
        public int available() throws IOException {
            return (int) Math.min(in.available(), chunkLeft);
        }
    }

    /** A stream whose bulk {@code read} does the work; a single byte is read through it. */
    private abstract static class ChunkReader extends InputStream {
        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }
    }
}
