package io.runcell.driver.microvm;

import io.runcell.driver.microvm.MicrovmConfig.PoolShape;
import io.runcell.driver.qga.QgaClient;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * One booted QEMU: its directory ({@code run/} for sockets, pidfile and console log; {@code workspace/}), its
 * process and its agent and QMP connections. A pool VM is {@link #relocate relocated} into a sandbox's directory
 * on hand-out; the open connections and the 9p export survive the rename.
 */
final class Vm {

    private volatile Path dir;
    final ProcessHandle process;
    final PoolShape shape;
    final String accelerator;
    final String machine;
    final QgaClient qga;
    final QmpClient qmp;
    final long bootMillis;
    volatile boolean fromPool;

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
    }

    Path dir() {
        return dir;
    }

    Path workspace() {
        return dir.resolve("workspace");
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

    void closeClients() {
        try (var a = qga;
                var b = qmp) {
            // closes both, either may be null
        } catch (IOException ignored) {
            // closing a dead socket
        }
    }
}
