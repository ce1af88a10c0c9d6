package io.runcell.driver.microvm;

import io.runcell.driver.spi.ExecHandle;
import io.runcell.driver.spi.ExecResult;
import io.runcell.driver.spi.OutputSink;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Starts a command in a VM the way every execution starts: through the guest's launcher when it takes the request,
 * else {@code guest-exec} of the exec wrapper. The driver's own commands (a pool VM's warm-up, a clone's
 * guest-resume) go the same way, so the code they warm in a fresh QEMU's translation cache is the code the
 * sandbox's first execution runs.
 */
final class GuestCommand {

    /** Guest wrapper (src/main/c/sandbox-exec.c) for the guest-exec path. */
    static final String EXEC_WRAPPER = "/rc/bin/sandbox-exec";

    /** How a command the driver ran for itself ended, with its stderr (small). */
    record Ended(ExecResult result, String stderr) {
        boolean succeeded() {
            return result.error() == null && Integer.valueOf(0).equals(result.exitCode());
        }

        String describe() {
            return result.error() != null
                    ? result.error()
                    : "exit " + result.exitCode() + " / signal " + result.signal() + ": " + stderr.strip();
        }
    }

    private GuestCommand() {}

    /** @param env the command's whole environment, as {@code NAME=value} */
    static ExecHandle start(
            Vm vm, List<String> argv, List<String> env, byte[] stdin, long timeoutMillis, OutputSink sink)
            throws IOException {
        Optional<Launcher.Launch> launched = vm.launcher.send(argv, env, stdin);
        if (launched.isPresent()) {
            return new LaunchedExecution(vm, launched.get(), timeoutMillis, sink).start();
        }
        long pid = vm.qga.exec(EXEC_WRAPPER, argv, env, stdin);
        return new GuestExecution(vm, pid, timeoutMillis, sink).start();
    }

    /** Runs a command of the driver's own to its end, keeping its stderr and dropping its stdout. */
    static Ended run(Vm vm, List<String> argv, List<String> env, Duration timeout) throws IOException {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        OutputSink sink = new OutputSink() {
            @Override
            public void stdout(byte[] buffer, int offset, int length) {}

            @Override
            public synchronized void stderr(byte[] buffer, int offset, int length) {
                err.write(buffer, offset, Math.min(length, Math.max(0, 4096 - err.size())));
            }
        };
        ExecHandle h = start(vm, argv, env, null, timeout.toMillis(), sink);
        try {
            ExecResult r = h.completion().get(timeout.toMillis() + 30_000, TimeUnit.MILLISECONDS);
            synchronized (sink) {
                return new Ended(r, err.toString(StandardCharsets.UTF_8));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            h.kill();
            throw new IOException("interrupted", e);
        } catch (ExecutionException | TimeoutException e) {
            h.kill();
            throw new IOException("the command did not end: " + e, e);
        }
    }
}
