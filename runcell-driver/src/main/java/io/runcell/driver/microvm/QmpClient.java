package io.runcell.driver.microvm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.runcell.driver.qga.JsonLineChannel;
import io.runcell.driver.qga.QgaException;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Predicate;

/**
 * A QMP connection for VM lifecycle: capabilities negotiation, events ({@code VSERPORT_CHANGE}), status, quit,
 * reset, migration and {@code cont}. Events read while waiting for a reply are kept (bounded) for
 * {@link #awaitEvent}.
 *
 * <p>Threading: calls are serialised on one lock.
 */
public final class QmpClient implements Closeable {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final JsonLineChannel channel;
    private final ReentrantLock lock = new ReentrantLock();
    private final Deque<JsonNode> events = new ArrayDeque<>();

    private QmpClient(JsonLineChannel channel) {
        this.channel = channel;
    }

    /** Connects, reads the greeting and negotiates capabilities. */
    public static QmpClient connect(Path socket, Instant deadline) throws IOException {
        QmpClient c = new QmpClient(JsonLineChannel.connect(socket, deadline));
        try {
            JsonNode greeting = c.channel.next(TIMEOUT);
            if (greeting == null || !greeting.has("QMP")) {
                throw new QgaException("no QMP greeting on " + socket);
            }
            c.execute("qmp_capabilities", null);
            return c;
        } catch (IOException e) {
            c.close();
            throw e;
        }
    }

    public JsonNode execute(String command, ObjectNode arguments) throws IOException {
        lock.lock();
        try {
            ObjectNode msg = JSON.createObjectNode().put("execute", command);
            if (arguments != null) {
                msg.set("arguments", arguments);
            }
            channel.send(msg);
            Instant end = Instant.now().plus(TIMEOUT);
            while (true) {
                JsonNode r = channel.next(Duration.between(Instant.now(), end));
                if (r == null) {
                    throw new QgaException("QMP " + command + " timed out");
                }
                if (r.has("event")) {
                    keep(r);
                } else if (r.has("error")) {
                    throw new QgaException(
                            r.get("error").path("class").asText(),
                            r.get("error").path("desc").asText(),
                            null);
                } else if (r.has("return")) {
                    return r.get("return");
                }
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Waits for an event named {@code name} whose {@code data} matches, or until {@code deadline}; returns it
     * or null. {@code stillWorthIt} is checked between reads (for example, whether the QEMU process lives).
     */
    public JsonNode awaitEvent(
            String name, Predicate<JsonNode> data, Instant deadline, java.util.function.BooleanSupplier stillWorthIt)
            throws IOException {
        lock.lock();
        try {
            for (JsonNode e : events) {
                if (name.equals(e.path("event").asText()) && data.test(e.path("data"))) {
                    events.remove(e);
                    return e;
                }
            }
            while (Instant.now().isBefore(deadline) && stillWorthIt.getAsBoolean()) {
                Duration slice = Duration.between(Instant.now(), deadline);
                JsonNode r = channel.next(slice.compareTo(Duration.ofMillis(200)) < 0 ? slice : Duration.ofMillis(200));
                if (r != null && r.has("event")) {
                    if (name.equals(r.path("event").asText()) && data.test(r.path("data"))) {
                        return r;
                    }
                    keep(r);
                }
            }
            return null;
        } finally {
            lock.unlock();
        }
    }

    /** {@code query-status}: {@code running}, {@code paused}, {@code inmigrate}, … */
    public String status() throws IOException {
        return execute("query-status", null).path("status").asText();
    }

    public void cont() throws IOException {
        execute("cont", null);
    }

    public void systemReset() throws IOException {
        execute("system_reset", null);
    }

    /** Starts a migration to {@code uri} (for snapshots: {@code exec:cat > FILE}). */
    public void migrate(String uri) throws IOException {
        execute("migrate", JSON.createObjectNode().put("uri", uri));
    }

    /** Starts an incoming migration from {@code uri} in a QEMU started with {@code -incoming defer}. */
    public void migrateIncoming(String uri) throws IOException {
        execute("migrate-incoming", JSON.createObjectNode().put("uri", uri));
    }

    /** {@code migrate-set-capabilities} for one capability (both ends of a migration must agree). */
    public void migrationCapability(String capability, boolean on) throws IOException {
        ObjectNode args = JSON.createObjectNode();
        args.putArray("capabilities").addObject().put("capability", capability).put("state", on);
        execute("migrate-set-capabilities", args);
    }

    /** {@code query-migrate}: {@code status} ({@code active}, {@code completed}, {@code failed}, …), {@code error-desc}. */
    public JsonNode migration() throws IOException {
        return execute("query-migrate", null);
    }

    /** Asks QEMU to exit; the connection closes with it, so a missing reply is not an error. */
    public void quit() {
        try {
            execute("quit", null);
        } catch (IOException gone) {
            // QEMU may close the socket before its reply is read
        }
    }

    private void keep(JsonNode event) {
        if (events.size() >= 64) {
            events.removeFirst();
        }
        events.addLast(event);
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
