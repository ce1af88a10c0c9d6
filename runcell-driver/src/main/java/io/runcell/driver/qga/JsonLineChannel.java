package io.runcell.driver.qga;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.net.SocketException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Newline-delimited JSON over a unix stream socket, as QMP and the guest agent speak it. A virtual thread reads
 * and parses lines into a bounded queue; {@code 0xFF} bytes (the agent's resync delimiter, never valid in UTF-8)
 * are dropped and unparsable lines are skipped, so a reader that lost its place finds the next message.
 *
 * <p>Threading: {@link #send} and {@link #next} may be called from any thread; callers that need
 * request/response pairing serialise themselves.
 */
public final class JsonLineChannel implements Closeable {

    static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_LINE_BYTES = 64 << 20;
    private static final JsonNode EOF = JSON.createObjectNode().put("__eof", true);

    private final SocketChannel channel;
    private final BlockingQueue<JsonNode> lines = new LinkedBlockingQueue<>(4096);
    private final ReentrantLock writeLock = new ReentrantLock();
    private volatile boolean closed;

    public JsonLineChannel(SocketChannel channel, String name) {
        this.channel = channel;
        Thread.ofVirtual().name("jsonl-" + name).start(this::readLoop);
    }

    /** Connects to {@code socket}, retrying while it does not exist or refuses, until {@code deadline}. */
    public static JsonLineChannel connect(Path socket, Instant deadline) throws IOException {
        long backoffMs = 2;
        while (true) {
            SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
            try {
                ch.connect(UnixDomainSocketAddress.of(socket));
                return new JsonLineChannel(ch, socket.getFileName().toString());
            } catch (SocketException | NoSuchFileException e) {
                ch.close();
                if (Instant.now().isAfter(deadline)) {
                    throw new QgaException(null, "cannot connect to " + socket, e);
                }
                sleep(backoffMs);
                backoffMs = Math.min(backoffMs * 2, 100);
            }
        }
    }

    public void send(JsonNode message) throws IOException {
        send(JSON.writeValueAsBytes(message), false);
    }

    /** Sends one message; with {@code resync} it is preceded by {@code 0xFF} so the agent drops partial input. */
    public void send(byte[] json, boolean resync) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(json.length + 2);
        if (resync) {
            buf.put((byte) 0xFF);
        }
        buf.put(json).put((byte) '\n').flip();
        writeLock.lock();
        try {
            while (buf.hasRemaining()) {
                channel.write(buf);
            }
        } finally {
            writeLock.unlock();
        }
    }

    /** The next message, or null if none arrived within {@code timeout}; throws once the peer has closed. */
    public JsonNode next(Duration timeout) throws IOException {
        JsonNode node;
        try {
            node = lines.poll(Math.max(0, timeout.toNanos()), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new QgaException(null, "interrupted", e);
        }
        if (node == EOF) {
            lines.offer(EOF);
            throw new QgaException("connection closed");
        }
        return node;
    }

    public boolean isOpen() {
        return !closed && channel.isOpen();
    }

    @Override
    public void close() throws IOException {
        closed = true;
        channel.close();
    }

    private void readLoop() {
        ByteBuffer in = ByteBuffer.allocate(64 << 10);
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        try {
            while (channel.read(in.clear()) >= 0) {
                in.flip();
                while (in.hasRemaining()) {
                    byte b = in.get();
                    if (b == '\n') {
                        deliver(line.toByteArray());
                        line.reset();
                    } else if (b != (byte) 0xFF && line.size() < MAX_LINE_BYTES) {
                        line.write(b);
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            // the peer went away or we were closed; waiters see EOF
        } finally {
            closed = true;
            lines.clear();
            lines.offer(EOF);
        }
    }

    private void deliver(byte[] bytes) {
        if (bytes.length == 0) {
            return;
        }
        try {
            JsonNode node = JSON.readTree(bytes);
            if (node != null && node.isObject()) {
                if (!lines.offer(node)) {
                    lines.poll(); // a peer nobody listens to (QMP events) must not block the reader
                    lines.offer(node);
                }
            }
        } catch (IOException garbage) {
            // a line torn by a resync or a restarted agent: skip it
        }
    }

    static void sleep(long millis) throws QgaException {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new QgaException(null, "interrupted", e);
        }
    }
}
