package io.runcell.driver.spi;

import java.util.Collection;

/**
 * One isolation technology. A driver keeps, per sandbox key, a persistent {@code /workspace} and (while started)
 * the processes or VM that executions join.
 *
 * <p>Threading: every method may be called concurrently from virtual threads, for different keys and for the
 * same key; implementations serialise what must be serialised per key. Blocking calls block the caller only.
 */
public interface SandboxDriver extends AutoCloseable {

    /** The backend name as it appears in the API ({@code namespace}, {@code microvm}). */
    String name();

    /**
     * Called once at server start, before any other call, with every sandbox the store believes exists on this
     * node. Kills processes left over from a previous run of this node (a crash), reclaims their resources and
     * leaves each workspace as it is. After this returns no sandbox is running.
     */
    void recover(Collection<SandboxSpec> known) throws DriverException;

    /**
     * Starts the sandbox described by {@code spec}, creating its workspace if missing; returns when executions
     * can join it. Starting a running sandbox is a no-op.
     */
    void start(SandboxSpec spec) throws DriverException;

    /** Kills every process of the sandbox and keeps its workspace. Stopping a stopped sandbox is a no-op. */
    void stop(String key) throws DriverException;

    /** Stops the sandbox and deletes its workspace and every other trace of it. Idempotent. */
    void destroy(String key) throws DriverException;

    /** Deletes the workspace contents of a stopped sandbox so the next start is fresh (lifetime expiry). */
    void resetWorkspace(String key) throws DriverException;

    /** Whether the sandbox's processes (or VM) are alive right now. */
    boolean isRunning(String key);

    /**
     * Starts one execution in the running sandbox {@code key}. Output is pushed to {@code sink} as it arrives,
     * on a driver thread; the returned handle completes when the command has ended (and, on timeout or kill,
     * when its whole process tree is gone).
     *
     * @throws DriverException with {@link DriverException.Reason#NOT_RUNNING} if the sandbox is not running
     */
    ExecHandle exec(String key, ExecRequest request, OutputSink sink) throws DriverException;

    /** Stops every sandbox of this driver (server shutdown). */
    @Override
    void close();
}
