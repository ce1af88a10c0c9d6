package io.runcell.driver.qga;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One connection to a QEMU guest agent. Requests are serialised (the protocol has no request ids); a request
 * that times out leaves the stream out of step, so the next request first resynchronises with
 * {@code guest-sync-delimited}.
 *
 * <p>Threading: every method may be called from any thread; calls queue on one lock, and waits between
 * {@link #awaitExit} polls do not hold it.
 */
public final class QgaClient implements Closeable {

    /** Timeout of one ordinary request (not of the command a {@code guest-exec} runs). */
    public static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);

    private final JsonLineChannel channel;
    private final ReentrantLock lock = new ReentrantLock();
    private boolean needsSync = true;

    public QgaClient(JsonLineChannel channel) {
        this.channel = channel;
    }

    /** Connects to the host end of the agent's port; the agent need not be up yet ({@link #sync} waits). */
    public static QgaClient connect(Path socket, Instant deadline) throws IOException {
        return new QgaClient(JsonLineChannel.connect(socket, deadline));
    }

    /**
     * Brings the stream into step: sends {@code 0xFF} + {@code guest-sync-delimited} with a random id and drops
     * every message until the reply with that id, retrying with backoff (250 ms to 2 s) until {@code deadline}.
     * The backoff matters: until the guest opens its port QEMU does not drain the socket.
     */
    public void sync(Instant deadline) throws IOException {
        lock.lock();
        try {
            syncLocked(deadline);
        } finally {
            lock.unlock();
        }
    }

    private void syncLocked(Instant deadline) throws IOException {
        long waitMs = 250;
        while (true) {
            long id = ThreadLocalRandom.current().nextLong(1, 1L << 53);
            ObjectNode msg = JsonLineChannel.JSON.createObjectNode().put("execute", "guest-sync-delimited");
            msg.putObject("arguments").put("id", id);
            channel.send(JsonLineChannel.JSON.writeValueAsBytes(msg), true);
            Instant attemptEnd = min(deadline, Instant.now().plusMillis(waitMs));
            while (true) {
                JsonNode reply = channel.next(Duration.between(Instant.now(), attemptEnd));
                if (reply == null) {
                    break;
                }
                if (reply.path("return").isIntegralNumber()
                        && reply.path("return").asLong() == id) {
                    needsSync = false;
                    return;
                }
            }
            if (!Instant.now().isBefore(deadline)) {
                throw new QgaException("guest agent did not answer guest-sync in time");
            }
            waitMs = Math.min(waitMs * 3 / 2, 2000);
        }
    }

    /** Sends one command and returns its {@code return} value. */
    public JsonNode call(String execute, ObjectNode arguments, Duration timeout) throws IOException {
        lock.lock();
        try {
            if (needsSync) {
                syncLocked(Instant.now().plus(timeout));
            }
            ObjectNode msg = JsonLineChannel.JSON.createObjectNode().put("execute", execute);
            if (arguments != null) {
                msg.set("arguments", arguments);
            }
            channel.send(msg);
            JsonNode reply = channel.next(timeout);
            if (reply == null) {
                needsSync = true;
                throw new QgaException(null, execute + " timed out after " + timeout.toMillis() + " ms", null);
            }
            if (reply.has("error")) {
                JsonNode err = reply.get("error");
                throw new QgaException(
                        err.path("class").asText(), err.path("desc").asText(), null);
            }
            return reply.path("return");
        } finally {
            lock.unlock();
        }
    }

    public static ObjectNode args() {
        return JsonLineChannel.JSON.createObjectNode();
    }

    public void ping() throws IOException {
        call("guest-ping", null, REQUEST_TIMEOUT);
    }

    /** {@code guest-info}: the agent version and which commands it supports and has enabled. */
    public JsonNode info() throws IOException {
        return call("guest-info", null, REQUEST_TIMEOUT);
    }

    /**
     * {@code guest-exec} with {@code capture-output}: starts {@code path} with {@code args} and returns its guest
     * pid.
     *
     * @param env   the complete environment as {@code NAME=value} (null: inherit the agent's)
     * @param stdin bytes for standard input (sent base64 as {@code input-data}), or null
     */
    public long exec(String path, List<String> args, List<String> env, byte[] stdin) throws IOException {
        ObjectNode a = args().put("path", path).put("capture-output", true);
        ArrayNode arg = a.putArray("arg");
        args.forEach(arg::add);
        if (env != null) {
            ArrayNode e = a.putArray("env");
            env.forEach(e::add);
        }
        if (stdin != null && stdin.length > 0) {
            a.put("input-data", Base64.getEncoder().encodeToString(stdin));
        }
        return call("guest-exec", a, REQUEST_TIMEOUT).path("pid").asLong();
    }

    /** {@code guest-exec-status} once. */
    public GuestExecStatus execStatus(long pid) throws IOException {
        JsonNode r = call("guest-exec-status", args().put("pid", pid), REQUEST_TIMEOUT);
        return new GuestExecStatus(
                r.path("exited").asBoolean(false),
                r.has("exitcode") ? r.get("exitcode").asInt() : null,
                r.has("signal") ? r.get("signal").asInt() : null,
                decode(r.path("out-data")),
                decode(r.path("err-data")),
                r.path("out-truncated").asBoolean(false),
                r.path("err-truncated").asBoolean(false));
    }

    /**
     * Polls {@code guest-exec-status} with backoff (1 ms doubling to 20 ms) until the process has exited or
     * {@code deadline} passes; returns the last status either way.
     */
    public GuestExecStatus awaitExit(long pid, Instant deadline) throws IOException {
        long sleepMs = 1;
        while (true) {
            GuestExecStatus st = execStatus(pid);
            if (st.exited() || !Instant.now().isBefore(deadline)) {
                return st;
            }
            JsonLineChannel.sleep(Math.min(
                    sleepMs,
                    Math.max(1, Duration.between(Instant.now(), deadline).toMillis())));
            sleepMs = Math.min(sleepMs * 2, 20);
        }
    }

    /** {@code guest-file-open}; returns the handle. */
    public long fileOpen(String path, String mode) throws IOException {
        return call("guest-file-open", args().put("path", path).put("mode", mode), REQUEST_TIMEOUT)
                .asLong();
    }

    /** One {@code guest-file-read} of up to {@code count} bytes; an empty array means end of file. */
    public byte[] fileRead(long handle, int count) throws IOException {
        JsonNode r = call("guest-file-read", args().put("handle", handle).put("count", count), REQUEST_TIMEOUT);
        return decode(r.path("buf-b64"));
    }

    /** {@code guest-file-write} of all of {@code data}; returns the count the agent wrote. */
    public int fileWrite(long handle, byte[] data) throws IOException {
        ObjectNode a =
                args().put("handle", handle).put("buf-b64", Base64.getEncoder().encodeToString(data));
        return call("guest-file-write", a, REQUEST_TIMEOUT).path("count").asInt();
    }

    /** {@code guest-file-flush}: the agent's writes are buffered by its stdio until flushed or closed. */
    public void fileFlush(long handle) throws IOException {
        call("guest-file-flush", args().put("handle", handle), REQUEST_TIMEOUT);
    }

    public void fileClose(long handle) throws IOException {
        call("guest-file-close", args().put("handle", handle), REQUEST_TIMEOUT);
    }

    /** Reads a whole guest file through {@code guest-file-*}, up to {@code maxBytes}. */
    public byte[] readFile(String path, int maxBytes) throws IOException {
        long h = fileOpen(path, "r");
        try (var out = new java.io.ByteArrayOutputStream()) {
            while (out.size() < maxBytes) {
                JsonNode r = call(
                        "guest-file-read",
                        args().put("handle", h).put("count", Math.min(48 << 10, maxBytes - out.size())),
                        REQUEST_TIMEOUT);
                byte[] chunk = decode(r.path("buf-b64"));
                out.write(chunk);
                if (chunk.length == 0 || r.path("eof").asBoolean(false)) {
                    break;
                }
            }
            return out.toByteArray();
        } finally {
            fileClose(h);
        }
    }

    /**
     * {@code guest-shutdown}. On success the agent sends no reply (the guest goes down), so this only sends it
     * and waits {@code grace} for an error reply.
     */
    public void shutdown(String mode, Duration grace) throws IOException {
        lock.lock();
        try {
            ObjectNode msg = JsonLineChannel.JSON.createObjectNode().put("execute", "guest-shutdown");
            msg.putObject("arguments").put("mode", mode);
            channel.send(msg);
            JsonNode reply = channel.next(grace);
            needsSync = true;
            if (reply != null && reply.has("error")) {
                throw new QgaException(
                        reply.get("error").path("class").asText(),
                        reply.get("error").path("desc").asText(),
                        null);
            }
        } catch (QgaException closed) {
            if (closed.errorClass() != null) {
                throw closed;
            }
        } finally {
            lock.unlock();
        }
    }

    /** Marks the stream as out of step (for example after the guest rebooted); the next call resyncs first. */
    public void invalidate() {
        lock.lock();
        try {
            needsSync = true;
        } finally {
            lock.unlock();
        }
    }

    public boolean isOpen() {
        return channel.isOpen();
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }

    static byte[] decode(JsonNode b64) {
        return b64.isTextual() ? Base64.getMimeDecoder().decode(b64.asText()) : new byte[0];
    }

    private static Instant min(Instant a, Instant b) {
        return a.isBefore(b) ? a : b;
    }

    /** Formats an environment map as the {@code NAME=value} list {@code guest-exec} takes. */
    public static List<String> envList(Map<String, String> env) {
        return env.entrySet().stream()
                .map(e -> e.getKey() + "=" + e.getValue())
                .sorted()
                .toList();
    }
}
