package io.runcell.driver.namespace;

import io.runcell.driver.spi.ExecHandle;
import io.runcell.driver.spi.ExecRequest;
import io.runcell.driver.spi.ExecResult;
import io.runcell.driver.spi.OutputSink;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One execution: the exec helper process (our child) and the virtual threads that feed its stdin, read its frames
 * into the sink, and kill the command's process tree on timeout or {@link #kill()}.
 *
 * <p>The tree is the command's session: the helper makes the command a session leader, so every process of the
 * sandbox's memory cgroup whose session id equals the command's pid belongs to it. Background processes that start
 * their own session survive, which is how sandboxes keep servers running between executions.
 */
final class Execution implements ExecHandle {

    private static final Logger LOG = LoggerFactory.getLogger(Execution.class);
    private static final int MAX_ERROR_BYTES = 4096;
    private static final Duration KILL_PATIENCE = Duration.ofSeconds(10);
    private static final Duration PID_PATIENCE = Duration.ofSeconds(5);
    private static final int SIGKILL = 9;

    private enum KillCause {
        TIMEOUT,
        REQUEST
    }

    private final Holder holder;
    private final ExecRequest request;
    private final OutputSink sink;
    private final CgroupHierarchy cgroups;
    private final CompletableFuture<ExecResult> completion = new CompletableFuture<>();
    private final CompletableFuture<Long> commandPid = new CompletableFuture<>();
    private final CompletableFuture<Void> treeGone = new CompletableFuture<>();
    private final AtomicReference<KillCause> killCause = new AtomicReference<>();
    private final ByteArrayOutputStream helperErrors = new ByteArrayOutputStream();
    private volatile boolean commandReaped;
    // Written by start() before any thread that reads them is started.
    private Process process;
    private ScheduledFuture<?> timeout;
    private Consumer<Process> reusable;

    Execution(Holder holder, ExecRequest request, OutputSink sink, CgroupHierarchy cgroups) {
        this.holder = holder;
        this.request = request;
        this.sink = sink;
        this.cgroups = cgroups;
    }

    /**
     * The command line of a one-shot helper running {@code argv}: cgroups, namespaces of the holder, uid,
     * environment, then the argv. The driver itself uses {@link #waitingCommand}; tests drive this mode directly.
     */
    static List<String> command(Path helper, Holder holder, Map<String, String> extraEnv, List<String> argv) {
        List<String> cmd = helperArguments(helper, holder);
        forEachEnvToken(holder, extraEnv, cmd::add);
        cmd.add("--");
        cmd.addAll(argv);
        return cmd;
    }

    /**
     * The command line of a helper that joins the holder's cgroups and namespaces, then waits for {@link #request}
     * on its stdin. The driver starts one ahead of the next execution of a sandbox.
     */
    static List<String> waitingCommand(Path helper, Holder holder) {
        List<String> cmd = helperArguments(helper, holder);
        cmd.add("--request-on-stdin");
        return cmd;
    }

    /** The helper's own arguments, which both of its exec modes start with. */
    private static List<String> helperArguments(Path helper, Holder holder) {
        return new ArrayList<>(List.of(
                helper.toString(),
                "exec",
                Long.toString(holder.initPid()),
                Integer.toString(holder.spec().uid()),
                holder.slot().joinArgument(),
                "--oom-file=" + holder.slot().oomKillsFile()));
    }

    /**
     * The {@code -e NAME=VALUE} tokens: the sandbox's variables, then the execution's, each in name order (the helper
     * keeps the last of equal names, so the execution's win).
     */
    private static void forEachEnvToken(Holder holder, Map<String, String> extraEnv, Consumer<String> out) {
        for (Map<String, String> env : List.of(holder.spec().env(), extraEnv)) {
            if (env.isEmpty()) {
                continue;
            }
            for (Map.Entry<String, String> e : new TreeMap<>(env).entrySet()) {
                out.accept("-e");
                out.accept(e.getKey() + "=" + e.getValue());
            }
        }
    }

    /**
     * The request a {@link #waitingCommand} helper reads: a 4-byte big-endian length, then NUL-terminated tokens
     * (the options and argv of {@link #command}, without the helper's own arguments). With {@code lastWithStdin} the
     * rest of the helper's stdin is the command's and the helper exits afterwards. Encoded straight into one array:
     * this runs on every execution's critical path.
     */
    static byte[] request(Holder holder, Map<String, String> extraEnv, List<String> argv, boolean lastWithStdin) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        out.writeBytes(new byte[4]);
        if (lastWithStdin) {
            token(out, "-s");
        }
        forEachEnvToken(holder, extraEnv, t -> token(out, t));
        token(out, "--");
        for (String arg : argv) {
            token(out, arg);
        }
        byte[] bytes = out.toByteArray();
        int length = bytes.length - 4;
        bytes[0] = (byte) (length >>> 24);
        bytes[1] = (byte) (length >>> 16);
        bytes[2] = (byte) (length >>> 8);
        bytes[3] = (byte) length;
        return bytes;
    }

    private static void token(ByteArrayOutputStream out, String token) {
        out.writeBytes(token.getBytes(StandardCharsets.UTF_8));
        out.write(0);
    }

    /**
     * Takes over {@code helper}, an idle {@link #waitingCommand} helper of this holder, sends it the request and
     * starts the threads that serve it. If the helper can serve another execution afterwards, it is handed to
     * {@code reusable} before {@link #completion()} completes.
     */
    void start(Process helper, ScheduledExecutorService timer, Consumer<Process> reusable) {
        process = helper;
        this.reusable = reusable;
        timeout = timer.schedule(() -> requestKill(KillCause.TIMEOUT), request.timeoutMillis(), TimeUnit.MILLISECONDS);
        // Each thread is a wake-up on the critical path, so the common case (no stdin) has only the frame reader.
        if (request.stdin() == null) {
            sendRequest();
        } else {
            Thread.ofVirtual().name("runcell-exec-stdin").start(this::feedStdin);
        }
        Thread.ofVirtual().name("runcell-exec-frames").start(this::readFrames);
    }

    private void sendRequest() {
        try {
            // Small next to a pipe buffer, and the helper reads it right after entering the namespaces.
            OutputStream toHelper = process.getOutputStream();
            toHelper.write(request(holder, request.env(), request.argv(), false));
            toHelper.flush();
        } catch (IOException e) {
            // The helper died before reading the request; its stderr says why.
        }
    }

    @Override
    public CompletableFuture<ExecResult> completion() {
        return completion;
    }

    @Override
    public void kill() {
        requestKill(KillCause.REQUEST);
    }

    private void requestKill(KillCause cause) {
        if (!completion.isDone() && killCause.compareAndSet(null, cause)) {
            Thread.ofVirtual().name("runcell-exec-kill").start(this::killTree);
        }
    }

    private void feedStdin() {
        try (OutputStream toCommand = process.getOutputStream()) {
            toCommand.write(request(holder, request.env(), request.argv(), true));
            toCommand.flush();
            InputStream stdin = request.stdin();
            if (stdin != null) {
                stdin.transferTo(toCommand);
            }
        } catch (IOException e) {
            // The command exited or closed its stdin before reading everything: not an error. (If the helper died
            // before reading the request, its stderr says why.)
        }
    }

    private void captureHelperErrors() {
        try (InputStream in = process.getErrorStream()) {
            byte[] buffer = new byte[1024];
            int n;
            while ((n = in.read(buffer)) >= 0) {
                synchronized (helperErrors) {
                    helperErrors.write(buffer, 0, Math.min(n, Math.max(0, MAX_ERROR_BYTES - helperErrors.size())));
                }
            }
        } catch (IOException e) {
            // helper gone
        }
    }

    private void readFrames() {
        Frames.Exit exit = null;
        String failure = null;
        boolean reuse = request.stdin() == null;
        // Not closed when the helper is reused: nothing follows the 'x' frame until the next request, so this
        // buffer never holds another execution's bytes.
        DataInputStream in = new DataInputStream(new BufferedInputStream(process.getInputStream(), 1 << 16));
        try {
            Frames.Frame frame;
            while ((exit == null || !reuse) && (frame = Frames.read(in)) != null) {
                switch (frame.type()) {
                    case 'p' -> commandPid.complete(Long.parseLong(frame.text().trim()));
                    case 'o' -> deliver(frame.payload(), true);
                    case 'e' -> deliver(frame.payload(), false);
                    case 'x' -> {
                        exit = Frames.Exit.parse(frame.text());
                        commandReaped = true;
                    }
                    default -> throw new IOException("unknown frame type " + (int) frame.type());
                }
            }
        } catch (IOException | RuntimeException e) {
            failure = "reading the helper's output failed: " + e.getMessage();
            process.destroyForcibly();
        }
        commandReaped = true;
        commandPid.complete(-1L);
        try {
            timeout.cancel(false);
            if (exit != null && reuse && failure == null && killCause.get() == null) {
                reusable.accept(process);
            } else if (exit == null) {
                // The helper died (it closes both pipes at exit); only its own messages go to its stderr.
                captureHelperErrors();
                process.waitFor();
            } else {
                process.destroyForcibly();
            }
            if (killCause.get() != null) {
                treeGone.get(KILL_PATIENCE.toMillis() * 2, TimeUnit.MILLISECONDS);
            }
            completion.complete(result(exit, failure));
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            completion.complete(ExecResult.failedToRun("execution did not finish cleanly: " + e));
        }
    }

    private void deliver(byte[] payload, boolean stdout) {
        try {
            if (stdout) {
                sink.stdout(payload, 0, payload.length);
            } else {
                sink.stderr(payload, 0, payload.length);
            }
        } catch (RuntimeException e) {
            // Keep reading so the helper is never blocked on a full pipe by a faulty sink.
            LOG.warn("output sink failed; dropping output", e);
        }
    }

    private ExecResult result(Frames.Exit exit, String failure) throws IOException {
        KillCause cause = killCause.get();
        boolean timedOut = cause == KillCause.TIMEOUT;
        boolean killed = cause == KillCause.REQUEST;
        if (exit == null) {
            if (cause != null) {
                return new ExecResult(null, SIGKILL, timedOut, killed, false, 0, null);
            }
            String error;
            synchronized (helperErrors) {
                error = helperErrors.toString(StandardCharsets.UTF_8).trim().replace("runcell-sandbox: ", "");
            }
            if (error.isEmpty()) {
                error = failure != null ? failure : "the exec helper exited with status " + process.exitValue();
            }
            return ExecResult.failedToRun(error);
        }
        if (exit.exited()) {
            return new ExecResult(exit.exitCode(), null, timedOut, killed, false, exit.cpuMicros(), null);
        }
        // counted by the helper around this command (another command of the sandbox running at the same time and
        // killed by the OOM killer counts too: the cgroup cannot tell them apart)
        boolean oom = exit.signal() == SIGKILL && exit.oomKills() > 0;
        return new ExecResult(null, exit.signal(), timedOut, killed, oom, exit.cpuMicros(), null);
    }

    /** SIGKILLs the command and every process of its session until none is left. */
    private void killTree() {
        try {
            long pid;
            try {
                pid = commandPid.get(PID_PATIENCE.toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                // The helper is stuck before starting the command; its child (if any) dies with it (PDEATHSIG).
                process.destroyForcibly();
                pid = commandPid.get();
            }
            if (pid > 0) {
                killSession(pid);
            }
        } catch (Exception e) {
            LOG.warn("killing an execution's process tree failed", e);
        } finally {
            treeGone.complete(null);
        }
    }

    private void killSession(long pid) throws IOException {
        long deadline = System.nanoTime() + KILL_PATIENCE.toNanos();
        while (true) {
            List<Long> members = new ArrayList<>();
            for (long member :
                    CgroupHierarchy.readProcs(cgroups.procsFile(holder.slot().index()))) {
                ProcStat.read(member)
                        .filter(s -> s.session() == pid && s.state() != 'Z')
                        .ifPresent(s -> members.add(member));
            }
            boolean reaped = commandReaped;
            if (!reaped) {
                // Not yet reaped by the helper, so the pid cannot have been reused.
                ProcStat.kill(pid);
            }
            if (members.isEmpty() && reaped) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new IOException("processes of session " + pid + " survive SIGKILL: " + members);
            }
            members.forEach(ProcStat::kill);
            CgroupPool.sleepBriefly();
        }
    }
}
