package io.runcell.driver.microvm;

import io.runcell.driver.qga.GuestExecStatus;
import io.runcell.driver.spi.OutputSink;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One {@code guest-exec}ed command, watched by a virtual thread. The command runs under the guest's exec wrapper
 * ({@code sandbox-exec}) in its own guest cgroup and session; when it ends the wrapper posts an
 * {@link ExitNotice} (see {@link ExitWatcher}), and the watcher asks the agent ({@code guest-exec-status}) at
 * once, taking the CPU time and OOM count from the notice. The agent's status is the truth: a notice whose
 * process has not exited yet (the wrapper posts just before it exits, or the guest forged it) is followed by
 * quick re-polls (1 ms doubling). The agent is also polled in case no notice comes: every
 * {@value #NOTICED_POLL_MS} ms in a VM that has posted notices before, otherwise from {@value #FIRST_POLL_MS} ms
 * doubling to {@value #MAX_POLL_MS} ms; without a notice the cgroup's counters are read through the agent.
 * On timeout or {@link #kill} the whole tree is killed with {@code cgroup.kill} (which also reaches processes that
 * left the session), falling back to {@code kill -9 -- -PID}; if the agent cannot do that the VM is reset. Output
 * arrives at exit (the agent does not stream) and is pushed to the sink then, in 64 KiB pieces.
 */
final class GuestExecution extends WatchedExecution {

    private static final Logger LOG = LoggerFactory.getLogger(GuestExecution.class);
    static final long FIRST_POLL_MS = 25;
    static final long MAX_POLL_MS = 250;
    /** The safety-net poll once the VM is known to post notices: an early poll only steals the guest's CPU. */
    static final long NOTICED_POLL_MS = 1000;
    /** Completed with null by {@link #kill} to wake the watcher. */
    private volatile CompletableFuture<ExitNotice> nextNotice = new CompletableFuture<>();

    private final Vm vm;
    private final long pid;
    private final Instant deadline;
    private final OutputSink sink;

    GuestExecution(Vm vm, long pid, long timeoutMillis, OutputSink sink) {
        this.vm = vm;
        this.pid = pid;
        this.deadline = Instant.now().plusMillis(timeoutMillis);
        this.sink = sink;
    }

    GuestExecution start() {
        startWatching("microvm-exec-" + pid);
        return this;
    }

    @Override
    protected void wake() {
        nextNotice.complete(null);
    }

    @Override
    protected void forget() {
        vm.notices.forget(pid);
    }

    @Override
    protected void watch() throws IOException, InterruptedException {
        nextNotice = vm.notices.expect(pid);
        if (killRequested) {
            nextNotice.complete(null);
        }
        ExitNotice notice = null;
        boolean noticed = vm.notices.delivered();
        long pollMs = noticed ? NOTICED_POLL_MS : FIRST_POLL_MS;
        long maxPollMs = noticed ? NOTICED_POLL_MS : MAX_POLL_MS;
        long retryMs = 1;
        while (true) {
            long wait = Math.min(
                    notice != null ? retryMs : pollMs,
                    Math.max(0, Duration.between(Instant.now(), deadline).toMillis()));
            ExitNotice fresh = ExitNoticeBoard.await(nextNotice, wait);
            if (fresh != null) {
                notice = fresh;
                nextNotice = vm.notices.expect(pid); // a forged notice must not hide the real one
            } else if (notice != null) {
                retryMs = Math.min(retryMs * 2, maxPollMs);
            } else {
                pollMs = Math.min(pollMs * 2, maxPollMs);
            }
            GuestExecStatus st = vm.qga.execStatus(pid);
            if (st.exited()) {
                finish(st, false, false, notice);
                return;
            }
            boolean timedOut = !Instant.now().isBefore(deadline);
            if (timedOut || killRequested) {
                finish(killTree(), timedOut && !killRequested, killRequested, null);
                return;
            }
        }
    }

    /** Kills the command's process tree; returns its final status (with the output it had produced). */
    private GuestExecStatus killTree() throws IOException {
        GuestKill.killTree(vm, "e" + pid, pid);
        try {
            GuestExecStatus st = vm.qga.awaitExit(pid, Instant.now().plus(GuestKill.WAIT));
            if (st.exited()) {
                return st;
            }
        } catch (IOException e) {
            LOG.warn("could not learn the end of guest process {} through the agent: {}", pid, e.getMessage());
        }
        GuestKill.reset(vm, "guest process " + pid);
        return new GuestExecStatus(true, null, 9, new byte[0], new byte[0], false, false);
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

    /** @param notice the wrapper's exit notice, or null to read the cgroup's counters through the agent */
    private void finish(GuestExecStatus st, boolean timedOut, boolean killed, ExitNotice notice) {
        GuestOutcome.deliverOutput(sink, st.stdout(), st.stderr(), st.stdoutTruncated(), st.stderrTruncated());
        long cpuMicros = notice != null ? notice.cpuMicros() : cgroupValue("cpu.stat", "usage_usec");
        completion.complete(GuestOutcome.result(
                st.exitCode(),
                st.signal(),
                timedOut,
                killed,
                () -> notice != null ? notice.oomKills() : cgroupValue("memory.events", "oom_kill"),
                cpuMicros));
    }
}
