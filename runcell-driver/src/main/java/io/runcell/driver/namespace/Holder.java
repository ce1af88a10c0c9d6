package io.runcell.driver.namespace;

import io.runcell.driver.spi.SandboxSpec;

/**
 * A running sandbox: the outer bubblewrap process (our child), the sandbox's pid 1 (host pid {@code initPid}) and
 * the cgroup slot both are charged to. {@link #alive()} turns false as soon as the outer bubblewrap exits, which it
 * does when the sandbox's pid namespace dies.
 */
final class Holder {

    private final SandboxSpec spec;
    private final Process process;
    private final long initPid;
    private final long initStartTime;
    private final CgroupPool.Slot slot;
    private volatile boolean alive = true;

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
}
