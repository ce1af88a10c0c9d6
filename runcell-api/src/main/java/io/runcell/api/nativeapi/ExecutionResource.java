package io.runcell.api.nativeapi;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.helidon.http.Status;
import io.helidon.http.sse.SseEvent;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.helidon.webserver.sse.SseSink;
import io.runcell.api.common.Bodies;
import io.runcell.api.common.Fields;
import io.runcell.api.common.Guard;
import io.runcell.api.common.Json;
import io.runcell.api.common.Utf8Decoder;
import io.runcell.core.Engine;
import io.runcell.core.account.Principal;
import io.runcell.core.error.FieldError;
import io.runcell.core.error.RuncellException;
import io.runcell.core.execution.ExecCommand;
import io.runcell.core.execution.Execution;
import io.runcell.core.execution.ExecutionListener;
import io.runcell.core.policy.PolicyProfile;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/** Executions: start (sync or async), get, list per sandbox, live events, cancel. */
final class ExecutionResource {

    private static final int EVENT_QUEUE = 8192;

    private final Engine engine;
    private final NativeApi api;

    ExecutionResource(Engine engine, NativeApi api) {
        this.engine = engine;
        this.api = api;
    }

    void register(HttpRules rules, Guard guard) {
        rules.post("/sandboxes/{id}/executions", guard.wrap(this::start))
                .get("/sandboxes/{id}/executions", guard.wrap(this::list))
                .get("/executions/{id}", guard.wrap(this::get))
                .get("/executions/{id}/events", guard.wrap(this::events))
                .post("/executions/{id}/cancel", guard.wrap(this::cancel));
    }

    private void start(ServerRequest req, ServerResponse res) {
        Principal p = api.principal(req);
        Fields f = Fields.of(Bodies.json(req));
        String command = f.string("command");
        List<String> argv = f.stringList("argv");
        if (command == null && argv == null) {
            throw RuncellException.invalid(
                    FieldError.of("command", FieldError.Kind.MISSING, "command or argv is required"));
        }
        if (command != null && argv != null) {
            throw RuncellException.invalid(
                    FieldError.of("argv", FieldError.Kind.INVALID_VALUE, "give command or argv, not both"));
        }
        if (argv != null && argv.isEmpty()) {
            throw RuncellException.invalid(FieldError.of("argv", FieldError.Kind.TOO_SHORT, "argv must not be empty"));
        }
        if (command != null && command.isBlank()) {
            throw RuncellException.invalid(
                    FieldError.of("command", FieldError.Kind.MISSING, "command must not be empty"));
        }
        List<String> run = argv != null ? argv : List.of("bash", "-c", command);
        String display = command != null ? command : String.join(" ", argv);
        Integer timeout = f.integer("timeout_seconds");
        boolean wait = Boolean.TRUE.equals(f.bool("wait"));
        ExecCommand cmd = new ExecCommand(
                run, display, f.stringMap("env"), timeout, false, null, PolicyProfile.OPEN, f.stringList("vault_ids"));
        Execution started = wait
                ? engine.executions().start(p, req.path().pathParameters().get("id"), cmd)
                : engine.executions().enqueue(p, req.path().pathParameters().get("id"), cmd);
        if (wait) {
            // the command ends by its own timeout; the margin covers the process-tree kill
            long waitSeconds = (timeout == null ? 3600 : timeout) + 30L;
            Execution done = engine.executions().await(p, started.id(), Duration.ofSeconds(waitSeconds));
            Json.send(
                    res,
                    Status.OK_200,
                    NativeJson.execution(done, engine.clock().instant()));
        } else {
            res.header("Location", NativeApi.PREFIX + "/executions/" + started.id());
            Json.send(
                    res,
                    Status.ACCEPTED_202,
                    NativeJson.execution(started, engine.clock().instant()));
        }
    }

    private void list(ServerRequest req, ServerResponse res) {
        Principal p = api.principal(req);
        int limit = Paging.limit(req, 100, 500);
        Instant now = engine.clock().instant();
        var page = engine.executions().list(p, req.path().pathParameters().get("id"), limit);
        Json.send(res, Status.OK_200, NativeJson.data(page, e -> NativeJson.execution(e, now)));
    }

    private void get(ServerRequest req, ServerResponse res) {
        Principal p = api.principal(req);
        Execution e = engine.executions().get(p, req.path().pathParameters().get("id"));
        Json.send(res, Status.OK_200, NativeJson.execution(e, engine.clock().instant()));
    }

    private void cancel(ServerRequest req, ServerResponse res) {
        Principal p = api.principal(req);
        Execution e = engine.executions().cancel(p, req.path().pathParameters().get("id"));
        Json.send(res, Status.OK_200, NativeJson.execution(e, engine.clock().instant()));
    }

    /** Server-Sent Events: {@code stdout}/{@code stderr} events with {@code {"data": text}}, then {@code exit} with the record. */
    private void events(ServerRequest req, ServerResponse res) throws InterruptedException {
        Principal p = api.principal(req);
        String id = req.path().pathParameters().get("id");
        BlockingQueue<Object> queue = new ArrayBlockingQueue<>(EVENT_QUEUE);
        ExecutionListener listener = new ExecutionListener() {
            @Override
            public void output(Stream stream, byte[] data) {
                queue.offer(new Chunk(stream, data));
            }

            @Override
            public void finished(Execution record) {
                // the end must arrive even when output overflowed the queue
                while (!queue.offer(record)) {
                    queue.poll();
                }
            }
        };
        Optional<Runnable> unsubscribe = engine.executions().subscribe(p, id, listener);
        try (SseSink sink = res.sink(SseSink.TYPE)) {
            if (unsubscribe.isEmpty()) {
                Execution done = engine.executions().get(p, id);
                replay(sink, done);
                return;
            }
            Utf8Decoder out = new Utf8Decoder();
            Utf8Decoder err = new Utf8Decoder();
            while (true) {
                Object item = queue.poll(15, TimeUnit.SECONDS);
                if (item == null) {
                    sink.emit(SseEvent.builder().comment("keep-alive").build());
                } else if (item instanceof Chunk c) {
                    boolean isOut = c.stream() == ExecutionListener.Stream.STDOUT;
                    String text = (isOut ? out : err).decode(c.data());
                    if (!text.isEmpty()) {
                        emit(sink, isOut ? "stdout" : "stderr", text);
                    }
                } else if (item instanceof Execution record) {
                    sink.emit(SseEvent.builder()
                            .name("exit")
                            .data(Json.MAPPER.writeValueAsString(
                                    NativeJson.execution(record, engine.clock().instant())))
                            .build());
                    return;
                }
            }
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        } finally {
            unsubscribe.ifPresent(Runnable::run);
        }
    }

    private void replay(SseSink sink, Execution done) throws com.fasterxml.jackson.core.JsonProcessingException {
        if (!done.stdout().isEmpty()) {
            emit(sink, "stdout", done.stdout());
        }
        if (!done.stderr().isEmpty()) {
            emit(sink, "stderr", done.stderr());
        }
        if (done.status().terminal()) {
            sink.emit(SseEvent.builder()
                    .name("exit")
                    .data(Json.MAPPER.writeValueAsString(
                            NativeJson.execution(done, engine.clock().instant())))
                    .build());
        }
    }

    private static void emit(SseSink sink, String name, String text) {
        ObjectNode data = Json.object().put("data", text);
        sink.emit(SseEvent.builder()
                .name(name)
                .data(new String(Json.bytes(data), java.nio.charset.StandardCharsets.UTF_8))
                .build());
    }

    private record Chunk(ExecutionListener.Stream stream, byte[] data) {}
}
