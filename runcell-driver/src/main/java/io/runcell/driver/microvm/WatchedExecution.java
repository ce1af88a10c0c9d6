package io.runcell.driver.microvm;

import io.runcell.driver.spi.ExecHandle;
import io.runcell.driver.spi.ExecResult;
import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A guest command watched by a virtual thread until it ends ({@link GuestExecution} through the agent,
 * {@link LaunchedExecution} through the launcher): {@link #kill} only sets a flag and wakes the watcher, and a
 * failure of the watch itself ends the execution as not run, with the reason.
 */
abstract class WatchedExecution implements ExecHandle {

    private static final Logger LOG = LoggerFactory.getLogger(WatchedExecution.class);

    protected final CompletableFuture<ExecResult> completion = new CompletableFuture<>();
    protected volatile boolean killRequested;

    @Override
    public final CompletableFuture<ExecResult> completion() {
        return completion;
    }

    @Override
    public final void kill() {
        killRequested = true;
        wake();
    }

    /** Starts the watcher thread. */
    protected final void startWatching(String threadName) {
        Thread.ofVirtual().name(threadName).start(this::run);
    }

    /** Wakes the watcher if it waits for a notice. */
    protected abstract void wake();

    /** Watches until the command has ended and {@link #completion} is completed. */
    protected abstract void watch() throws IOException, InterruptedException;

    /** Drops what the watch left on the VM's notice boards. */
    protected abstract void forget();

    private void run() {
        try {
            watch();
        } catch (IOException e) {
            completion.complete(ExecResult.failedToRun("guest agent: " + e.getMessage()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            completion.complete(ExecResult.failedToRun("interrupted"));
        } catch (RuntimeException e) {
            LOG.warn("exec watcher failed", e);
            completion.complete(ExecResult.failedToRun("driver error: " + e));
        } finally {
            forget();
        }
    }
}
