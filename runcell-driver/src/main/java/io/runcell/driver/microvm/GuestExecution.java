package io.runcell.driver.microvm;

import io.runcell.driver.qga.GuestExecStatus;
import io.runcell.driver.spi.ExecHandle;
import io.runcell.driver.spi.ExecResult;
import io.runcell.driver.spi.OutputSink;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One {@code guest-exec}ed command, watched by a virtual thread that polls {@code guest-exec-status} with
 * backoff (1 ms doubling to 20 ms). The command runs in its own guest cgroup and session (started through
 * {@code sandbox-exec}), so on timeout or {@link #kill} the whole tree is killed with {@code cgroup.kill} (which
 * also reaches processes that left the session), falling back to {@code kill -9 -- -PID}; if the agent cannot
 * do that the VM is reset. An exit by SIGKILL is checked against the cgroup's {@code memory.events} to report
 * OOM kills. Output arrives at exit (the agent does not stream) and is pushed to the
 * sink then, in 64 KiB pieces.
 */
final class GuestExecution implements ExecHandle {

    private static final Logger LOG = LoggerFactory.getLogger(GuestExecution.class);
    private static final Duration KILL_WAIT = Duration.ofSeconds(10);

    private final Vm vm;
    private final long pid;
    private final Instant deadline;
    private final OutputSink sink;
    private final CompletableFuture<ExecResult> completion = new CompletableFuture<>();
    private volatile boolean killRequested;

    GuestExecution(Vm vm, long pid, long timeoutMillis, OutputSink sink) {
        this.vm = vm;
        this.pid = pid;
        this.deadline = Instant.now().plusMillis(timeoutMillis);
        this.sink = sink;
    }

    GuestExecution start() {
        Thread.ofVirtual().name("microvm-exec-" + pid).start(this::watch);
        return this;
    }

    @Override
    public CompletableFuture<ExecResult> completion() {
        return completion;
    }

    @Override
    public void kill() {
        killRequested = true;
    }

    private void watch() {
        try {
            long sleepMs = 1;
            while (true) {
                GuestExecStatus st = vm.qga.execStatus(pid);
                if (st.exited()) {
                    finish(st, false, false);
                    return;
                }
                boolean timedOut = !Instant.now().isBefore(deadline);
                if (timedOut || killRequested) {
                    finish(killTree(), timedOut && !killRequested, killRequested);
                    return;
                }
                Thread.sleep(sleepMs);
                sleepMs = Math.min(sleepMs * 2, 20);
            }
        } catch (IOException e) {
            completion.complete(ExecResult.failedToRun("guest agent: " + e.getMessage()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            completion.complete(ExecResult.failedToRun("interrupted"));
        } catch (RuntimeException e) {
            LOG.warn("exec watcher failed", e);
            completion.complete(ExecResult.failedToRun("driver error: " + e));
        }
    }

    /** Kills the command's process group; returns its final status (with the output it had produced). */
    private GuestExecStatus killTree() throws IOException {
        try {
            String p = Long.toString(pid);
            String cg = "/sys/fs/cgroup/sandbox/e" + p;
            long killer = vm.qga.exec(
                    "/rc/bin/sh",
                    List.of(
                            "-c",
                            "echo 1 > " + cg + "/cgroup.kill 2>/dev/null; kill -9 -- -" + p + " 2>/dev/null || kill -9 "
                                    + p + " 2>/dev/null; true"),
                    null,
                    null);
            vm.qga.awaitExit(killer, Instant.now().plus(KILL_WAIT));
            GuestExecStatus st = vm.qga.awaitExit(pid, Instant.now().plus(KILL_WAIT));
            if (st.exited()) {
                return st;
            }
        } catch (IOException e) {
            LOG.warn("could not kill guest process {} through the agent: {}", pid, e.getMessage());
        }
        LOG.warn("guest process {} survived kill; resetting the VM", pid);
        vm.qmp.systemReset();
        vm.qga.invalidate();
        return new GuestExecStatus(true, null, 9, new byte[0], new byte[0], false, false);
    }

    /** Whether the guest's OOM killer ended the command: its cgroup's {@code memory.events} counts the kill. */
    private boolean oomKilled() {
        return cgroupValue("memory.events", "oom_kill") > 0;
    }

    /**
     * A {@code key value} line of a file of the command's guest cgroup, or 0 if it cannot be read (an old guest
     * image, or a later execution already removed the empty cgroup).
     */
    private long cgroupValue(String file, String key) {
        try {
            String text = new String(
                    vm.qga.readFile("/sys/fs/cgroup/sandbox/e" + pid + "/" + file, 4096),
                    java.nio.charset.StandardCharsets.US_ASCII);
            return text.lines()
                    .filter(l -> l.startsWith(key + " "))
                    .findFirst()
                    .map(l -> Long.parseLong(l.substring(key.length() + 1).strip()))
                    .orElse(0L);
        } catch (IOException | NumberFormatException e) {
            return 0;
        }
    }

    private void finish(GuestExecStatus st, boolean timedOut, boolean killed) {
        push(st.stdout(), true);
        push(st.stderr(), false);
        if (st.stdoutTruncated()) {
            sink.truncatedBySource(true);
        }
        if (st.stderrTruncated()) {
            sink.truncatedBySource(false);
        }
        Integer signal = st.signal();
        Integer exit = signal == null ? st.exitCode() : null;
        if (exit == null && signal == null) {
            signal = 9;
        }
        boolean oom = !timedOut && !killed && signal != null && signal == 9 && oomKilled();
        long cpuMicros = cgroupValue("cpu.stat", "usage_usec");
        completion.complete(new ExecResult(exit, signal, timedOut, killed, oom, cpuMicros, null));
    }

    private void push(byte[] data, boolean stdout) {
        for (int off = 0; off < data.length; off += 65536) {
            int len = Math.min(65536, data.length - off);
            if (stdout) {
                sink.stdout(data, off, len);
            } else {
                sink.stderr(data, off, len);
            }
        }
    }
}
