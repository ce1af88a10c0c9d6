package io.runcell.driver.microvm;

import io.runcell.driver.qga.QgaException;
import io.runcell.driver.spi.ExecResult;
import io.runcell.driver.spi.OutputSink;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * One command the guest's launcher runs ({@link Launcher}), watched by a virtual thread until its
 * {@link LaunchNotice} arrives: from the VM's notice export (delivered by the {@link ExitWatcher}, output moved
 * out of the guest's reach first), or, if the guest broke that export, from {@link Launcher#LOCAL_RESULTS}, read
 * through the agent every {@value #LOCAL_POLL_MS} ms. A notice must carry the request's random token; one that
 * does not is ignored. On timeout or {@link #kill} the tree is killed through the agent ({@link GuestKill}) and the
 * launcher's notice (signal 9, the output so far) is awaited; a tree that survives resets the VM.
 */
final class LaunchedExecution extends WatchedExecution {

    static final long LOCAL_POLL_MS = 1000;

    private final Vm vm;
    private final Launcher.Launch launch;
    private final Instant deadline;
    private final OutputSink sink;
    /** Completed with null by {@link #kill} to wake the watcher. */
    private volatile CompletableFuture<LaunchNotice> next;

    LaunchedExecution(Vm vm, Launcher.Launch launch, long timeoutMillis, OutputSink sink) {
        this.vm = vm;
        this.launch = launch;
        this.deadline = Instant.now().plusMillis(timeoutMillis);
        this.sink = sink;
    }

    LaunchedExecution start() {
        next = vm.launches.expect(launch.id());
        startWatching("microvm-launch-" + launch.id());
        return this;
    }

    @Override
    protected void wake() {
        next.complete(null);
    }

    @Override
    protected void forget() {
        vm.launches.forget(launch.id());
    }

    @Override
    protected void watch() throws IOException, InterruptedException {
        if (killRequested) {
            next.complete(null);
        }
        while (true) {
            long wait = Math.min(
                    LOCAL_POLL_MS,
                    Math.max(0, Duration.between(Instant.now(), deadline).toMillis()));
            Optional<LaunchNotice> notice = mine(ExitNoticeBoard.await(next, wait));
            if (notice.isPresent()) {
                finish(notice.get(), false, false);
                return;
            }
            if (!killRequested && finishedFromGuestCopy()) {
                return;
            }
            boolean timedOut = !Instant.now().isBefore(deadline);
            if (timedOut || killRequested) {
                killAndFinish(timedOut && !killRequested);
                return;
            }
        }
    }

    /** The notice if it carries this request's token; otherwise waits for the next one. */
    private Optional<LaunchNotice> mine(LaunchNotice n) {
        if (n == null) {
            if (next.isDone()) {
                next = vm.launches.expect(launch.id()); // kill woke us: keep listening for the killed command's end
            }
            return Optional.empty();
        }
        if (!n.token().equals(launch.token())) {
            next = vm.launches.expect(launch.id()); // forged or stale: the real one may still come
            discard(n);
            return Optional.empty();
        }
        return Optional.of(n);
    }

    /**
     * Finishes from the result the launcher left in the guest when it could not post it to the host, if there is
     * one yet (read through the agent: its name on the first line, then the output).
     */
    private boolean finishedFromGuestCopy() throws IOException {
        byte[] file;
        try {
            file = vm.qga.readFile(
                    Launcher.LOCAL_RESULTS + "/" + launch.cgroup(), (int) (2 * LaunchNotice.OUTPUT_MAX + 256));
        } catch (QgaException e) {
            if (e.errorClass() == null) {
                throw e; // the agent is gone
            }
            return false; // no such file: still running
        }
        int nl = indexOf(file, (byte) '\n');
        Optional<LaunchNotice> n =
                nl < 0 ? Optional.empty() : LaunchNotice.parse(new String(file, 0, nl, StandardCharsets.US_ASCII));
        if (n.isEmpty() || n.get().id() != launch.id() || !n.get().token().equals(launch.token())) {
            return false;
        }
        byte[] body = Arrays.copyOfRange(file, nl + 1, file.length);
        long want = n.get().stdoutLength() + n.get().stderrLength();
        if (body.length == want) {
            complete(n.get(), body, false, false);
        } else {
            completion.complete(ExecResult.failedToRun("the guest posted an unreadable result: " + body.length
                    + " bytes of output, not the announced " + want));
        }
        return true;
    }

    private void killAndFinish(boolean timedOut) throws InterruptedException {
        boolean empty = GuestKill.killTree(vm, launch.cgroup(), 0);
        // the launcher reaps the command and posts its notice with the output so far
        Instant until = Instant.now().plus(GuestKill.WAIT);
        while (Instant.now().isBefore(until)) {
            Optional<LaunchNotice> n = mine(ExitNoticeBoard.await(
                    next, Duration.between(Instant.now(), until).toMillis()));
            if (n.isPresent()) {
                finish(n.get(), timedOut, !timedOut);
                return;
            }
        }
        if (!empty) {
            GuestKill.reset(vm, "guest launch " + launch.cgroup());
        }
        completion.complete(new ExecResult(null, 9, timedOut, !timedOut, false, 0, null));
    }

    /** Finishes from a result delivered on the notice export (its output in the file the watcher moved). */
    private void finish(LaunchNotice n, boolean timedOut, boolean killed) {
        byte[] body;
        try {
            body = readBody(n);
        } catch (IOException e) {
            completion.complete(ExecResult.failedToRun("the guest posted an unreadable result: " + e.getMessage()));
            return;
        }
        complete(n, body, timedOut, killed);
    }

    /** @param body stdout then stderr, of the lengths {@code n} gives */
    private void complete(LaunchNotice n, byte[] body, boolean timedOut, boolean killed) {
        if (n.lost()) {
            completion.complete(ExecResult.failedToRun(
                    "the guest's exec launcher was restarted while the command ran; its output and exit are lost"));
            return;
        }
        int outLen = (int) n.stdoutLength();
        GuestOutcome.deliverOutput(
                sink,
                Arrays.copyOfRange(body, 0, outLen),
                Arrays.copyOfRange(body, outLen, body.length),
                n.stdoutTruncated(),
                n.stderrTruncated());
        completion.complete(
                GuestOutcome.result(n.exitCode(), n.signal(), timedOut, killed, n::oomKills, n.cpuMicros()));
    }

    /**
     * The output file, which the host moved out of the guest's export before looking at it: it must be a regular
     * file of exactly the length the name gives (nothing the guest made is followed or opened otherwise).
     */
    private static byte[] readBody(LaunchNotice n) throws IOException {
        if (!n.hasOutput()) {
            return new byte[0];
        }
        Path file = n.body();
        if (file == null) {
            throw new IOException("output announced but not delivered");
        }
        try {
            BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            long want = n.stdoutLength() + n.stderrLength();
            if (!a.isRegularFile() || a.size() != want) {
                throw new IOException("not a regular file of " + want + " bytes");
            }
            try (InputStream in = Files.newInputStream(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
                byte[] data = in.readNBytes((int) want);
                if (data.length != want) {
                    throw new IOException("short output file");
                }
                return data;
            }
        } finally {
            Files.deleteIfExists(file);
        }
    }

    private static void discard(LaunchNotice n) {
        if (n.body() != null) {
            try {
                Files.deleteIfExists(n.body());
            } catch (IOException ignored) {
                // it goes with run/ when the sandbox stops
            }
        }
    }

    private static int indexOf(byte[] data, byte b) {
        for (int i = 0; i < Math.min(data.length, 256); i++) {
            if (data[i] == b) {
                return i;
            }
        }
        return -1;
    }
}
