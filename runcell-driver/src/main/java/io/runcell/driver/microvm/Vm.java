package io.runcell.driver.microvm;

import io.runcell.driver.microvm.MicrovmConfig.PoolShape;
import io.runcell.driver.qga.QgaClient;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * One booted QEMU: its directory ({@code run/} for sockets, pidfile and console log; {@code workspace/}), its
 * process and its agent and QMP connections ({@code run/exits/} is exported to the guest for exit notices). A
 * pool VM is {@link #relocate relocated} into a sandbox's directory on hand-out; the open connections and the 9p
 * exports survive the rename.
 */
final class Vm {

    /** The limits a guest applies itself: its /tmp size (MiB) and executions' pids.max (0: no limit). */
    record GuestLimits(int tmpSizeMb, int pidsMax) {}

    private volatile Path dir;
    final ProcessHandle process;
    final PoolShape shape;
    final String accelerator;
    final String machine;
    final QgaClient qga;
    final QmpClient qmp;
    /** How long the boot or restore took, set once the VM is ready. */
    volatile long bootMillis;

    volatile boolean fromPool;
    /** The snapshot template this VM was restored from, or null if it booted. */
    volatile Path template;
    /** The guest's /tmp size and executions' pids.max as last set (boot arguments, then a hand-out's change). */
    volatile GuestLimits limits;
    /** Exit notices of this VM's guest-exec'ed executions, fed by the driver's {@link ExitWatcher}. */
    final ExitNoticeBoard<ExitNotice> notices = new ExitNoticeBoard<>(ExitNotice::pid);
    /** Results of the executions its launcher ran, fed by the same watcher. */
    final ExitNoticeBoard<LaunchNotice> launches = new ExitNoticeBoard<>(LaunchNotice::id);
    /** The guest's exec launcher, reached through {@link #qga}. */
    final Launcher launcher;

    private volatile ExitWatcher watcher;

    Vm(
            Path dir,
            ProcessHandle process,
            PoolShape shape,
            String accelerator,
            String machine,
            QgaClient qga,
            QmpClient qmp,
            long bootMillis) {
        this.dir = dir;
        this.process = process;
        this.shape = shape;
        this.accelerator = accelerator;
        this.machine = machine;
        this.qga = qga;
        this.qmp = qmp;
        this.bootMillis = bootMillis;
        this.launcher = new Launcher(qga);
    }

    Path dir() {
        return dir;
    }

    Path workspace() {
        return dir.resolve("workspace");
    }

    /** The host end of the guest's {@code /run/runcell}, where its exec wrapper and launcher post exit notices. */
    Path noticeDir() {
        return dir.resolve("run").resolve("exits");
    }

    /**
     * Where the host moves the output files of the launcher's results, out of the guest's export (the guest can
     * no longer replace them with something else once they are here).
     */
    Path resultDir() {
        return dir.resolve("run").resolve("results");
    }

    void relocate(Path newDir) {
        dir = newDir;
    }

    boolean alive() {
        return process.isAlive();
    }

    /** Asks QEMU to quit, then SIGKILLs it if it has not exited within {@code grace}. */
    void shutdown(Duration grace) {
        if (process.isAlive() && qmp == null) {
            QemuProcesses.kill(process, Duration.ofSeconds(5)); // nothing to ask politely
        } else if (process.isAlive()) {
            qmp.quit();
            try {
                process.onExit().get(grace.toMillis(), TimeUnit.MILLISECONDS);
            } catch (Exception slow) {
                QemuProcesses.kill(process, Duration.ofSeconds(5));
            }
        }
        closeClients();
    }

    /** Has {@code watcher} deliver this VM's exit notices until the VM shuts down. */
    void watchNotices(ExitWatcher w) throws IOException {
        watcher = w;
        w.watch(this);
    }

    void closeClients() {
        ExitWatcher w = watcher;
        if (w != null) {
            w.unwatch(this);
        }
        close(qga, qmp);
    }

    /** Closes an agent and a QMP connection, either of which may be null or already dead. */
    static void close(QgaClient qga, QmpClient qmp) {
        try (var a = qga;
                var b = qmp) {
            // closes both
        } catch (IOException ignored) {
            // closing a dead socket
        }
    }
}
