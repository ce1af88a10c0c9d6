package io.runcell.driver.microvm;

import io.runcell.driver.qga.GuestExecStatus;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kills a guest command's whole process tree through the agent: {@code cgroup.kill} of its execution cgroup
 * (which also reaches processes that left its session), then, if a session is named, {@code kill -9} of that
 * process group as a fallback. Used on timeout and on request, by both exec paths.
 */
final class GuestKill {

    static final Duration WAIT = Duration.ofSeconds(10);
    private static final Logger LOG = LoggerFactory.getLogger(GuestKill.class);

    private GuestKill() {}

    /**
     * @param cgroup     the execution's cgroup under {@code /sys/fs/cgroup/sandbox}
     * @param sessionPid the session leader to kill as well, or 0
     * @return whether the agent ran the kill and the cgroup is empty (or gone) within about a second after it
     */
    static boolean killTree(Vm vm, String cgroup, long sessionPid) {
        String cg = "/sys/fs/cgroup/sandbox/" + cgroup;
        String session = sessionPid > 0
                ? "kill -9 -- -" + sessionPid + " 2>/dev/null || kill -9 " + sessionPid + " 2>/dev/null; "
                : "";
        String script = "echo 1 > " + cg + "/cgroup.kill 2>/dev/null; " + session
                + "i=0; while [ -s " + cg + "/cgroup.procs ] && [ $i -lt 100 ]; do usleep 10000; i=$((i+1)); done; "
                + "[ ! -s " + cg + "/cgroup.procs ]";
        try {
            long killer = vm.qga.exec("/rc/bin/sh", List.of("-c", script), null, null);
            GuestExecStatus st = vm.qga.awaitExit(killer, Instant.now().plus(WAIT));
            return st.exited() && Integer.valueOf(0).equals(st.exitCode());
        } catch (IOException e) {
            LOG.warn("could not kill guest cgroup {} through the agent: {}", cgroup, e.getMessage());
            return false;
        }
    }

    /** The last resort when a tree survives its kill: reset the VM (its workspace is on the host). */
    static void reset(Vm vm, String what) {
        LOG.warn("{} survived kill; resetting the VM", what);
        try {
            vm.qmp.systemReset();
        } catch (IOException e) {
            LOG.warn("could not reset the VM in {}: {}", vm.dir(), e.getMessage());
        } finally {
            vm.qga.invalidate();
        }
    }
}
