package io.runcell.driver.namespace;

import java.io.IOException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Starts every process of the driver from a fixed set of long-lived platform threads. {@code PR_SET_PDEATHSIG}
 * (bwrap's {@code --die-with-parent}, the helper's own) fires when the <em>thread</em> that forked the child exits,
 * so a process forked from a virtual thread's carrier or a pool thread that later retires would be killed at a
 * random moment. These threads live as long as the driver.
 */
final class Spawner implements AutoCloseable {

    private static final int THREADS = 2;

    private final ExecutorService threads;

    Spawner() {
        AtomicInteger count = new AtomicInteger();
        // A fixed pool never retires its core threads, and submit() keeps task exceptions from killing a worker.
        this.threads = Executors.newFixedThreadPool(THREADS, task -> {
            Thread thread = new Thread(task, "runcell-ns-spawner-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
    }

    /** Starts {@code builder} on a spawner thread; blocks the caller (a virtual thread) until it has started. */
    Process start(ProcessBuilder builder) throws IOException {
        Future<Process> started = threads.submit(builder::start);
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return started.get();
                } catch (InterruptedException e) {
                    // The process may be starting right now; return it so the caller can clean it up.
                    interrupted = true;
                } catch (ExecutionException e) {
                    if (e.getCause() instanceof IOException io) {
                        throw io;
                    }
                    throw new IOException("could not start " + builder.command().get(0), e.getCause());
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * Starts {@code builder} on a spawner thread in the background and hands the process to {@code started}, or
     * null if it could not be started.
     */
    void startLater(ProcessBuilder builder, java.util.function.Consumer<Process> started) {
        try {
            threads.execute(() -> {
                Process process = null;
                try {
                    process = builder.start();
                } catch (IOException | RuntimeException e) {
                    // The caller falls back to starting a process when it needs one.
                }
                started.accept(process);
            });
        } catch (java.util.concurrent.RejectedExecutionException e) {
            started.accept(null);
        }
    }

    @Override
    public void close() {
        threads.shutdown();
    }
}
