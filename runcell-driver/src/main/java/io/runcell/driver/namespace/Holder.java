package io.runcell.driver.namespace;

import io.runcell.driver.spi.SandboxSpec;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.concurrent.TimeUnit;

/**
 * A running sandbox: the outer bubblewrap process (our child), the sandbox's pid 1 (host pid {@code initPid}) and
 * the cgroup slot both are charged to. {@link #alive()} turns false as soon as the outer bubblewrap exits, which it
 * does when the sandbox's pid namespace dies.
 *
 * <p>It also keeps helper processes waiting for the sandbox's next executions, already in its cgroups and namespaces,
 * so an execution does not wait for a JVM spawn and a cgroup v1 migration (an RCU grace period, several
 * milliseconds). One is kept while the sandbox is idle; up to {@link #MAX_IDLE} when executions overlap, because a
 * helper serves one execution at a time and each execution beyond the idle helpers costs a fresh helper: without
 * them, every overlapping execution spawned one and killed one again. The extras are trimmed by
 * {@link #trimIdle} once they have been idle for {@link #EXTRA_IDLE_NANOS}, so an idle sandbox keeps one.
 * Thread-safe.
 */
final class Holder {

    private final SandboxSpec spec;
    private final Process process;
    private final long initPid;
    private final long initStartTime;
    private final CgroupPool.Slot slot;
    /** Idle helpers kept at most, while executions overlap: as many as the dispatcher starts at once by default. */
    static final int MAX_IDLE = 8;
    /** How long an idle helper beyond the first is kept. */
    static final long EXTRA_IDLE_NANOS = TimeUnit.SECONDS.toNanos(2);

    private volatile boolean alive = true;
    // Helpers waiting for this sandbox's next executions (see Execution.waitingCommand), the most recently returned
    // first; guarded by this.
    private final ArrayDeque<Idle> waiting = new ArrayDeque<>();
    private boolean warming;
    private boolean closed;

    Holder(SandboxSpec spec, Process process, long initPid, long initStartTime, CgroupPool.Slot slot) {
        this.spec = spec;
        this.process = process;
        this.initPid = initPid;
        this.initStartTime = initStartTime;
        this.slot = slot;
        process.onExit().thenRun(() -> alive = false);
    }

    SandboxSpec spec() {
        return spec;
    }

    Process process() {
        return process;
    }

    long initPid() {
        return initPid;
    }

    long initStartTime() {
        return initStartTime;
    }

    CgroupPool.Slot slot() {
        return slot;
    }

    boolean alive() {
        return alive && process.isAlive();
    }

    private record Idle(Process helper, long sinceNanos) {}

    /** Takes a waiting helper (the most recently used live one), or null if none is waiting. */
    synchronized Process takeWaiting() {
        Idle idle;
        while ((idle = waiting.pollFirst()) != null) {
            if (idle.helper().isAlive()) {
                return idle.helper();
            }
        }
        return null;
    }

    /** Helpers waiting now (tests). */
    synchronized int waitingCount() {
        return waiting.size();
    }

    /** True if the caller should start a waiting helper: none is waiting or starting, and the holder is open. */
    synchronized boolean claimWarming() {
        if (closed || warming || !waiting.isEmpty()) {
            return false;
        }
        warming = true;
        return true;
    }

    /**
     * Hands over a helper started after {@link #claimWarming} (null if it could not be started). One that is not
     * wanted is SIGKILLed here, before {@link #close} returns, so it cannot join the cgroup slot after it is released.
     */
    synchronized void offerWaiting(Process helper) {
        warming = false;
        notifyAll();
        if (helper == null) {
            return;
        }
        keep(helper);
    }

    /** Takes back an idle helper after an execution; kills it if {@link #MAX_IDLE} wait or the holder is closed. */
    synchronized void giveBack(Process helper) {
        keep(helper);
    }

    private void keep(Process helper) {
        if (closed || waiting.size() >= MAX_IDLE || !alive()) {
            helper.destroyForcibly();
            return;
        }
        waiting.addFirst(new Idle(helper, System.nanoTime()));
    }

    /** SIGKILLs idle helpers beyond the first that have waited longer than {@link #EXTRA_IDLE_NANOS} by {@code now}. */
    synchronized void trimIdle(long nowNanos) {
        Iterator<Idle> oldestFirst = waiting.descendingIterator();
        while (waiting.size() > 1 && oldestFirst.hasNext()) {
            Idle idle = oldestFirst.next();
            if (nowNanos - idle.sinceNanos() < EXTRA_IDLE_NANOS) {
                return;
            }
            oldestFirst.remove();
            idle.helper().destroyForcibly();
        }
    }

    /**
     * Stops accepting waiting helpers, waits up to {@code timeoutMillis} for one being started, and SIGKILLs the
     * waiting one, if any. Returns false if a helper was still being started.
     */
    synchronized boolean close(long timeoutMillis) throws InterruptedException {
        closed = true;
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        while (warming) {
            long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
            if (left <= 0) {
                return false;
            }
            wait(left);
        }
        waiting.forEach(idle -> idle.helper().destroyForcibly());
        waiting.clear();
        return true;
    }
}
