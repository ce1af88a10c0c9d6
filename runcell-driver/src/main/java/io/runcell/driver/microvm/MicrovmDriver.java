package io.runcell.driver.microvm;

import io.runcell.driver.microvm.MicrovmConfig.PoolShape;
import io.runcell.driver.microvm.Vm.GuestLimits;
import io.runcell.driver.qga.QgaClient;
import io.runcell.driver.spi.DriverException;
import io.runcell.driver.spi.DriverException.Reason;
import io.runcell.driver.spi.ExecHandle;
import io.runcell.driver.spi.ExecRequest;
import io.runcell.driver.spi.OutputSink;
import io.runcell.driver.spi.SandboxDriver;
import io.runcell.driver.spi.SandboxSpec;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code microvm} backend: one QEMU VM per running sandbox (see the package documentation for the guest,
 * the directories and the process model).
 *
 * <p>Threading: every method may be called concurrently; start, stop, destroy and reset are serialised per
 * key; executions in one VM share its agent connection, whose calls are serialised.
 */
public final class MicrovmDriver implements SandboxDriver {

    private static final Logger LOG = LoggerFactory.getLogger(MicrovmDriver.class);
    private static final String DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
    private static final Duration STOP_GRACE = Duration.ofSeconds(3);

    /** What a running sandbox's VM is, for operators and tests. */
    public record VmInfo(
            long pid,
            String accelerator,
            String machine,
            boolean fromPool,
            boolean restored,
            long bootMillis,
            Path workspace) {}

    private final MicrovmConfig config;
    private final Path root;
    private final ExitWatcher exitWatcher = new ExitWatcher();
    private final VmLauncher launcher;
    private final WarmPool pool;
    private final Map<String, Vm> running = new ConcurrentHashMap<>();
    private final Map<String, ReentrantLock> locks = new ConcurrentHashMap<>();
    private final Map<String, Map<String, String>> specEnv = new ConcurrentHashMap<>();
    /**
     * The guest limits the last sandbox of each shape asked for: pool VMs boot with them, so handing one out
     * usually needs no guest command (a remount and a cgroup write cost tens of milliseconds under TCG).
     */
    private final Map<PoolShape, GuestLimits> lastLimits = new ConcurrentHashMap<>();
    /** Null when snapshots are off. */
    private final SnapshotTemplates templates;
    /** Failed restores per shape; at {@value #RESTORE_FAILURES_TO_GIVE_UP} that shape boots from then on. */
    private final Map<PoolShape, Integer> restoreFailures = new ConcurrentHashMap<>();

    private static final int RESTORE_FAILURES_TO_GIVE_UP = 2;
    private volatile boolean closing;

    public MicrovmDriver(MicrovmConfig config) {
        this(config, new GuestImage(config.imageCacheDir()));
    }

    public MicrovmDriver(MicrovmConfig config, GuestImage image) {
        this.config = config;
        this.root = config.dataDir().resolve("microvm").toAbsolutePath();
        this.launcher = new VmLauncher(config, image, exitWatcher);
        this.templates = config.snapshots()
                ? new SnapshotTemplates(
                        config.imageCacheDir().resolve("templates"),
                        root.resolve(".templates"),
                        config,
                        image,
                        launcher)
                : null;
        this.pool = new WarmPool(
                root.resolve(".pool"),
                config.poolSize(),
                config.poolMemoryBudgetMb(),
                this::bootForPool,
                config.warmShapes());
    }

    /**
     * Boots a pool VM and runs one command in it the way executions run ({@link GuestCommand}), so the first
     * request's costs (opening the launcher's FIFO, translating the launcher's path in a fresh QEMU, the 9p lookups
     * of the host {@code /usr} for sh and its libraries) are paid before hand-out rather than by the sandbox's first
     * execution. A VM whose warm-up fails is not pooled.
     */
    private Vm bootForPool(Path dir, PoolShape shape) throws IOException {
        GuestLimits limits = lastLimits.getOrDefault(shape, new GuestLimits(Math.max(16, shape.memoryMb() / 4), 0));
        Vm vm = launch(dir, shape, limits);
        try {
            GuestCommand.Ended warm = GuestCommand.run(
                    vm,
                    List.of("sh", "-c", "true"),
                    QgaClient.envList(Map.of("PATH", DEFAULT_PATH)),
                    Duration.ofSeconds(30));
            if (!warm.succeeded()) {
                throw new IOException("the pool VM's warm-up execution failed: " + warm.describe());
            }
            return vm;
        } catch (IOException e) {
            vm.shutdown(STOP_GRACE);
            throw e;
        }
    }

    /**
     * A VM in {@code dir}: restored from the shape's snapshot template when snapshots are on (the first VM of a
     * shape pays one boot to make the template), booted otherwise. A failed restore discards the template and
     * boots; after {@value #RESTORE_FAILURES_TO_GIVE_UP} failures the shape is booted from then on.
     */
    private Vm launch(Path dir, PoolShape shape, GuestLimits limits) throws IOException {
        if (templates != null && restoreFailures.getOrDefault(shape, 0) < RESTORE_FAILURES_TO_GIVE_UP) {
            SnapshotTemplates.Template template = null;
            try {
                template = templates.get(shape, launcher.machine());
                return launcher.restore(dir, shape, template, limits);
            } catch (IOException e) {
                if (closing) {
                    throw e; // close() killed the VM: neither the template's fault nor worth a boot
                }
                if (template != null) {
                    templates.discard(template);
                }
                int failures = restoreFailures.merge(shape, 1, Integer::sum);
                LOG.warn(
                        "microvm snapshot restore failed for {} MiB/{} vcpu ({}), booting instead{}",
                        shape.memoryMb(),
                        shape.vcpus(),
                        e.getMessage(),
                        failures >= RESTORE_FAILURES_TO_GIVE_UP ? "; this shape boots from now on" : "");
            }
        }
        return launcher.boot(dir, shape, limits);
    }

    @Override
    public String name() {
        return "microvm";
    }

    @Override
    public void recover(Collection<SandboxSpec> known) throws DriverException {
        try {
            Files.createDirectories(root);
            try (var dirs = Files.list(root)) {
                for (Path dir : dirs.toList()) {
                    killOrphan(dir);
                    if (dir.getFileName().toString().startsWith(".")) {
                        try (var sub = Files.list(dir)) {
                            for (Path d : sub.toList()) {
                                killOrphan(d);
                            }
                        }
                        QemuProcesses.deleteTree(dir);
                    } else {
                        QemuProcesses.deleteTree(dir.resolve("run"));
                    }
                }
            }
        } catch (IOException e) {
            throw new DriverException(Reason.FAILED, "microvm recovery failed: " + e.getMessage(), e);
        }
        pool.start();
    }

    private void killOrphan(Path dir) {
        QemuProcesses.fromPidfile(dir.resolve("run/qemu.pid"), root.toString()).ifPresent(p -> {
            LOG.warn("killing orphaned qemu pid {} of {}", p.pid(), dir.getFileName());
            QemuProcesses.kill(p, Duration.ofSeconds(5));
        });
    }

    @Override
    public void start(SandboxSpec spec) throws DriverException {
        ReentrantLock lock = lockFor(spec.key());
        lock.lock();
        try {
            Vm current = running.get(spec.key());
            if (current != null && current.alive()) {
                return;
            }
            if (current != null) {
                running.remove(spec.key());
                current.shutdown(STOP_GRACE);
            }
            pool.start();
            Path dir = root.resolve(spec.key());
            Files.createDirectories(dir.resolve("workspace"));
            PoolShape shape = new PoolShape(spec.memoryMb(), spec.vcpus(), spec.network());
            GuestLimits limits = new GuestLimits(spec.tmpSizeMb(), spec.pidsMax());
            lastLimits.put(shape, limits);
            Vm vm = pool.take(shape);
            if (vm != null) {
                try {
                    handOver(vm, dir, limits);
                } catch (IOException e) {
                    LOG.warn("pool hand-out to {} failed, booting cold: {}", spec.key(), e.getMessage());
                    vm.shutdown(STOP_GRACE);
                    vm = null;
                }
            }
            if (vm == null) {
                vm = launch(dir, shape, limits);
            }
            specEnv.put(spec.key(), spec.env());
            running.put(spec.key(), vm);
            LOG.info(
                    "started microvm {} (pid {}, {}, {})",
                    spec.key(),
                    vm.process.pid(),
                    vm.accelerator,
                    vm.fromPool
                            ? "from pool"
                            : (vm.template != null ? "restored in " : "booted in ") + vm.bootMillis + " ms");
        } catch (IOException e) {
            throw new DriverException(Reason.FAILED, "microvm " + spec.key() + " did not start: " + e.getMessage(), e);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Makes a pool VM the sandbox's: moves the sandbox's existing workspace entries into the pool VM's exported
     * directory, renames that directory to the sandbox's workspace path (QEMU holds the export by fd, so the
     * guest mount follows), moves {@code run/} along and applies the spec's /tmp size and pids limit unless the
     * VM was booted with them.
     */
    private void handOver(Vm vm, Path dir, GuestLimits wanted) throws IOException {
        Path poolWs = vm.workspace();
        Path ws = dir.resolve("workspace");
        try (var entries = Files.list(ws)) {
            for (Path e : entries.toList()) {
                Files.move(e, poolWs.resolve(e.getFileName()), StandardCopyOption.ATOMIC_MOVE);
            }
        }
        Files.delete(ws);
        Files.move(poolWs, ws, StandardCopyOption.ATOMIC_MOVE);
        QemuProcesses.deleteTree(dir.resolve("run"));
        Files.move(vm.dir().resolve("run"), dir.resolve("run"), StandardCopyOption.ATOMIC_MOVE);
        QemuProcesses.deleteTree(vm.dir());
        vm.relocate(dir);
        if (wanted.equals(vm.limits)) {
            return;
        }
        long pid = vm.qga.exec(
                "/rc/bin/sh",
                List.of(
                        "-c",
                        "mount -o remount,size=" + wanted.tmpSizeMb() + "m /tmp; echo "
                                + (wanted.pidsMax() > 0 ? Integer.toString(wanted.pidsMax()) : "max") // 0: no limit
                                + " > /sys/fs/cgroup/sandbox/pids.max"),
                null,
                null);
        vm.qga.awaitExit(pid, Instant.now().plusSeconds(10));
        vm.limits = wanted;
    }

    @Override
    public void stop(String key) throws DriverException {
        ReentrantLock lock = lockFor(key);
        lock.lock();
        try {
            Vm vm = running.remove(key);
            specEnv.remove(key);
            if (vm != null) {
                vm.shutdown(STOP_GRACE);
            }
            killOrphan(root.resolve(key));
            QemuProcesses.deleteTree(root.resolve(key).resolve("run"));
        } catch (IOException e) {
            throw new DriverException(Reason.FAILED, "microvm " + key + " did not stop cleanly: " + e.getMessage(), e);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void destroy(String key) throws DriverException {
        ReentrantLock lock = lockFor(key);
        lock.lock();
        try {
            stop(key);
            QemuProcesses.deleteTree(root.resolve(key));
        } catch (IOException e) {
            throw new DriverException(Reason.FAILED, "microvm " + key + " was not deleted: " + e.getMessage(), e);
        } finally {
            lock.unlock();
            locks.remove(key);
        }
    }

    @Override
    public void resetWorkspace(String key) throws DriverException {
        ReentrantLock lock = lockFor(key);
        lock.lock();
        try {
            Path ws = root.resolve(key).resolve("workspace");
            if (Files.isDirectory(ws)) {
                try (var entries = Files.list(ws)) {
                    for (Path e : entries.toList()) {
                        QemuProcesses.deleteTree(e);
                    }
                }
            }
        } catch (IOException e) {
            throw new DriverException(Reason.FAILED, "workspace of " + key + " not reset: " + e.getMessage(), e);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public boolean isRunning(String key) {
        Vm vm = running.get(key);
        return vm != null && vm.alive();
    }

    /** The VM behind a running sandbox, if any. */
    public Optional<VmInfo> vmInfo(String key) {
        Vm vm = running.get(key);
        return vm == null
                ? Optional.empty()
                : Optional.of(new VmInfo(
                        vm.process.pid(),
                        vm.accelerator,
                        vm.machine,
                        vm.fromPool,
                        vm.template != null,
                        vm.bootMillis,
                        vm.workspace()));
    }

    /** The snapshot template a running sandbox's VM was restored from (for tests). */
    Optional<Path> templateOf(String key) {
        Vm vm = running.get(key);
        return vm == null ? Optional.empty() : Optional.ofNullable(vm.template);
    }

    /**
     * The guest agent connection of a running sandbox's VM, for benchmarks and diagnostics (bench/microvm takes
     * its bare {@code guest-exec} baseline through it). It is the driver's own connection: calls queue with the
     * sandbox's executions.
     */
    public Optional<QgaClient> agent(String key) {
        Vm vm = running.get(key);
        return vm == null || !vm.alive() ? Optional.empty() : Optional.of(vm.qga);
    }

    /** How many idle pool VMs of this shape are ready. */
    public int poolReady(int memoryMb, int vcpus, boolean network) {
        return pool.ready(new PoolShape(memoryMb, vcpus, network));
    }

    @Override
    public ExecHandle exec(String key, ExecRequest request, OutputSink sink) throws DriverException {
        Vm vm = running.get(key);
        if (vm == null || !vm.alive()) {
            throw new DriverException(Reason.NOT_RUNNING, "sandbox " + key + " is not running");
        }
        Map<String, String> env = new LinkedHashMap<>();
        env.put("PATH", DEFAULT_PATH);
        env.put("HOME", "/root");
        env.put("LANG", "C.UTF-8");
        env.putAll(specEnv.getOrDefault(key, Map.of()));
        env.putAll(request.env());
        try {
            byte[] stdin = null;
            if (request.stdin() != null) {
                try (InputStream in = request.stdin()) {
                    stdin = in.readAllBytes();
                }
            }
            return GuestCommand.start(vm, request.argv(), QgaClient.envList(env), stdin, request.timeoutMillis(), sink);
        } catch (IOException e) {
            if (!vm.alive()) {
                throw new DriverException(Reason.NOT_RUNNING, "sandbox " + key + " VM has exited", e);
            }
            throw new DriverException(Reason.FAILED, "guest-exec failed in " + key + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        closing = true;
        pool.close();
        for (String key : List.copyOf(running.keySet())) {
            try {
                stop(key);
            } catch (DriverException e) {
                LOG.warn("stopping {} at close: {}", key, e.getMessage());
            }
        }
        try {
            exitWatcher.close();
        } catch (IOException e) {
            LOG.warn("closing the exit notice watch: {}", e.getMessage());
        }
    }

    private ReentrantLock lockFor(String key) {
        return locks.computeIfAbsent(key, k -> new ReentrantLock());
    }
}
