package io.runcell.driver.namespace;

import io.runcell.driver.spi.SandboxSpec;
import java.util.concurrent.TimeUnit;

/**
 * A running sandbox: the outer bubblewrap process (our child), the sandbox's pid 1 (host pid {@code initPid}) and
 * the cgroup slot both are charged to. {@link #alive()} turns false as soon as the outer bubblewrap exits, which it
 * does when the sandbox's pid namespace dies.
 *
 * <p>It also keeps at most one helper process waiting for the sandbox's next execution, already in its cgroups and
 * namespaces, so an execution does not wait for a JVM spawn and a cgroup v1 migration (an RCU grace period, several
 * milliseconds). Thread-safe.
 */
final class Holder {

    private final SandboxSpec spec;
    private final Process process;
    private final long initPid;
    private final long initStartTime;
    private final CgroupPool.Slot slot;
    private volatile boolean alive = true;
    // The slot's OOM-kill count as last read: after the sandbox started and after each execution ended.
    // The helper waiting for this sandbox's next execution (see Execution.waitingCommand); guarded by this.
    private Process waiting;
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

    /** Takes the waiting helper, if there is a live one. */
    synchronized Process takeWaiting() {
        Process helper = waiting;
        waiting = null;
        if (helper != null && !helper.isAlive()) {
            return null;
        }
        return helper;
    }

    /** True if the caller should start a waiting helper: none is waiting or starting, and the holder is open. */
    synchronized boolean claimWarming() {
        if (closed || warming || waiting != null) {
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

    /** Takes back an idle helper after an execution; kills it if another is waiting or the holder is closed. */
    synchronized void giveBack(Process helper) {
        keep(helper);
    }

    private void keep(Process helper) {
        if (closed || waiting != null || !alive()) {
            helper.destroyForcibly();
            return;
        }
        waiting = helper;
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
        if (waiting != null) {
            waiting.destroyForcibly();
            waiting = null;
        }
        return true;
    }
}
