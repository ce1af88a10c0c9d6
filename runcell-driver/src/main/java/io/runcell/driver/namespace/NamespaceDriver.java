package io.runcell.driver.namespace;

import io.runcell.driver.spi.DriverException;
import io.runcell.driver.spi.DriverException.Reason;
import io.runcell.driver.spi.ExecHandle;
import io.runcell.driver.spi.ExecRequest;
import io.runcell.driver.spi.OutputSink;
import io.runcell.driver.spi.SandboxDriver;
import io.runcell.driver.spi.SandboxSpec;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code namespace} backend. Each running sandbox is one bubblewrap holder (new pid, net, ipc, uts, mount and
 * cgroup namespaces; no user namespace) whose processes are charged to a pooled cgroup slot; each execution is the
 * {@code runcell-sandbox} helper entering that holder as the sandbox's uid.
 *
 * <p>Needs root, bubblewrap and cgroup v1 (memory, pids, cpu) or v2 with those controllers; the constructor throws
 * {@link Reason#UNAVAILABLE} otherwise. This JVM is the direct parent of every holder and helper and reaps them.
 * Thread-safe; operations on one key are serialised, executions run concurrently.
 */
public final class NamespaceDriver implements SandboxDriver {

    private static final Logger LOG = LoggerFactory.getLogger(NamespaceDriver.class);
    private static final Pattern CHILD_PID = Pattern.compile("\"child-pid\"\\s*:\\s*(\\d+)");
    private static final long START_TIMEOUT_MILLIS = 10_000;
    private static final long STOP_TIMEOUT_MILLIS = 10_000;
    private static final int MAX_INFO_BYTES = 4096;

    private final NamespaceDriverConfig config;
    private final SandboxFiles files;
    private final CgroupPool pool;
    private final Path helper;
    private final Spawner spawner = new Spawner();
    private final ScheduledExecutorService timer;
    private final Map<String, Holder> running = new ConcurrentHashMap<>();
    private final Map<String, ReentrantLock> locks = new ConcurrentHashMap<>();

    /**
     * Checks the host, prepares the data dir and the instance's cgroup pool, and installs the helper.
     *
     * @throws DriverException {@link Reason#UNAVAILABLE} without root, bubblewrap or usable cgroups
     */
    public NamespaceDriver(NamespaceDriverConfig config) throws DriverException {
        this.config = config;
        if (!Files.isExecutable(config.bwrap())) {
            throw new DriverException(Reason.UNAVAILABLE, "bubblewrap not found at " + config.bwrap());
        }
        this.pool = newPool(config);
        try {
            this.files = new SandboxFiles(config.dataDir());
        } catch (IOException e) {
            throw new DriverException(Reason.UNAVAILABLE, "cannot prepare the data dir " + config.dataDir(), e);
        }
        this.helper = config.helperBinary() != null
                ? config.helperBinary()
                : HelperBinary.extract(config.dataDir().resolve("bin"));
        this.timer = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "runcell-ns-timeouts");
            thread.setDaemon(true);
            return thread;
        });
        // idle helpers kept while executions overlapped: back to one per sandbox soon after
        timer.scheduleWithFixedDelay(this::trimIdleHelpers, 1, 1, TimeUnit.SECONDS);
    }

    private static CgroupPool newPool(NamespaceDriverConfig config) throws DriverException {
        try {
            return new CgroupPool(CgroupHierarchy.detect(config.cgroupRoot(), config.instanceKey()));
        } catch (IOException e) {
            throw new DriverException(Reason.UNAVAILABLE, "cannot read the cgroup pool", e);
        }
    }

    @Override
    public String name() {
        return "namespace";
    }

    @Override
    public void recover(Collection<SandboxSpec> known) throws DriverException {
        for (String key : List.copyOf(running.keySet())) {
            stop(key);
        }
        try (DirectoryStream<Path> pidFiles = Files.newDirectoryStream(files.stateDir(), "*.pid")) {
            for (Path pidFile : pidFiles) {
                PidFile.read(pidFile).ifPresent(PidFile::kill);
                Files.deleteIfExists(pidFile);
            }
            for (int slot : pool.slots()) {
                pool.drain(slot);
            }
        } catch (IOException e) {
            throw new DriverException(Reason.FAILED, "could not clean up after the previous run", e);
        }
    }

    @Override
    public void start(SandboxSpec spec) throws DriverException {
        ReentrantLock lock = lock(spec.key());
        lock.lock();
        try {
            Holder current = running.get(spec.key());
            if (current != null && current.alive()) {
                return;
            }
            if (current != null) {
                stopLocked(spec.key());
            }
            running.put(spec.key(), launch(spec));
        } finally {
            lock.unlock();
        }
    }

    private Holder launch(SandboxSpec spec) throws DriverException {
        String key = spec.key();
        CgroupPool.Slot slot;
        try {
            files.prepare(spec, HolderCommand.hostname(key));
            slot = pool.acquire(spec.memoryMb() * 1024L * 1024L, spec.pidsMax(), spec.vcpus());
        } catch (IOException e) {
            throw new DriverException(Reason.FAILED, "could not prepare sandbox " + key, e);
        }
        Process process = null;
        try {
            ProcessBuilder builder = new ProcessBuilder(HolderCommand.build(
                            helper, slot.joinArgument(), config.bwrap(), spec, files.workspace(key), files.etc(key)))
                    .redirectInput(
                            ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                    .redirectError(files.holderLog(key).toFile());
            process = spawner.start(builder);
            long initPid = readChildPid(process, files.holderLog(key));
            awaitHolderReady(process, initPid, slot, files.holderLog(key));
            ProcStat init = ProcStat.read(initPid)
                    .orElseThrow(() -> new IOException("the sandbox's pid 1 exited right after starting"));
            PidFile.write(
                    files.pidFile(key),
                    process.pid(),
                    ProcStat.read(process.pid()).map(ProcStat::startTime).orElse(0L),
                    initPid,
                    init.startTime());
            return new Holder(spec, process, initPid, init.startTime(), slot);
        } catch (IOException | RuntimeException e) {
            if (process != null) {
                process.destroyForcibly();
                waitQuietly(process);
            }
            releaseQuietly(slot);
            throw new DriverException(Reason.FAILED, "could not start sandbox " + key + ": " + e.getMessage(), e);
        }
    }

    /** Reads bubblewrap's {@code --info-fd} JSON from its stdout, with a deadline. */
    private static long readChildPid(Process process, Path log) throws IOException {
        CompletableFuture<String> info = new CompletableFuture<>();
        Thread.ofVirtual().name("runcell-holder-info").start(() -> {
            try (InputStream in = process.getInputStream()) {
                StringBuilder text = new StringBuilder();
                int b;
                while (text.length() < MAX_INFO_BYTES && (b = in.read()) >= 0) {
                    text.append((char) b);
                    if (b == '}') {
                        break;
                    }
                }
                info.complete(text.toString());
            } catch (IOException e) {
                info.completeExceptionally(e);
            }
        });
        String text;
        try {
            text = info.get(START_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            throw new IOException("bubblewrap did not report its child pid", e);
        }
        Matcher m = CHILD_PID.matcher(text);
        if (!m.find()) {
            waitQuietly(process);
            throw new IOException("bubblewrap failed: " + tail(log));
        }
        return Long.parseLong(m.group(1));
    }

    /**
     * Waits until the sandbox's pid 1 has started the holder command. bubblewrap reports the child pid before the
     * child has built the mount namespace, and an exec entering it earlier would find no {@code /workspace}.
     */
    private void awaitHolderReady(Process process, long initPid, CgroupPool.Slot slot, Path log) throws IOException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(START_TIMEOUT_MILLIS);
        while (System.nanoTime() < deadline) {
            // bubblewrap set the sandbox up and exec'd its pid 1 (the sandbox's cgroups hold it)
            if (pool.cgroups().procs(slot.index()).contains(initPid) && isHolderCommand(initPid)) {
                return;
            }
            if (!process.isAlive()) {
                throw new IOException("bubblewrap exited: " + tail(log));
            }
            CgroupPool.sleepBriefly();
        }
        throw new IOException("the sandbox did not become ready within " + START_TIMEOUT_MILLIS + " ms");
    }

    private static boolean isHolderCommand(long pid) {
        try {
            return Files.readString(Path.of("/proc", Long.toString(pid), "comm"))
                    .strip()
                    .equals(HolderCommand.INIT_COMM);
        } catch (IOException e) {
            return false;
        }
    }

    private static String tail(Path log) {
        try {
            byte[] bytes = Files.readAllBytes(log);
            int from = Math.max(0, bytes.length - 1024);
            return new String(bytes, from, bytes.length - from, StandardCharsets.UTF_8).trim();
        } catch (IOException e) {
            return "(no log)";
        }
    }

    @Override
    public void stop(String key) throws DriverException {
        ReentrantLock lock = lock(key);
        lock.lock();
        try {
            stopLocked(key);
        } finally {
            lock.unlock();
        }
    }

    private void stopLocked(String key) throws DriverException {
        Holder holder = running.remove(key);
        if (holder == null) {
            return;
        }
        // SIGKILL to the sandbox's pid 1 kills its whole pid namespace; the outer bwrap then exits.
        ProcStat.kill(holder.initPid(), holder.initStartTime());
        holder.process().destroyForcibly();
        try {
            if (!holder.close(STOP_TIMEOUT_MILLIS)) {
                throw new DriverException(Reason.FAILED, "sandbox " + key + " is still starting an exec helper");
            }
            if (!holder.process().waitFor(STOP_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS)) {
                throw new DriverException(Reason.FAILED, "sandbox " + key + " did not exit after SIGKILL");
            }
            pool.release(holder.slot());
            Files.deleteIfExists(files.pidFile(key));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DriverException(Reason.FAILED, "interrupted while stopping sandbox " + key, e);
        } catch (IOException e) {
            throw new DriverException(Reason.FAILED, "could not stop sandbox " + key + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void destroy(String key) throws DriverException {
        ReentrantLock lock = lock(key);
        lock.lock();
        try {
            stopLocked(key);
            SandboxFiles.deleteTree(files.sandboxDir(key));
            Files.deleteIfExists(files.pidFile(key));
            Files.deleteIfExists(files.holderLog(key));
        } catch (IOException e) {
            throw new DriverException(Reason.FAILED, "could not delete sandbox " + key, e);
        } finally {
            lock.unlock();
            locks.remove(key, lock);
        }
    }

    @Override
    public void resetWorkspace(String key) throws DriverException {
        ReentrantLock lock = lock(key);
        lock.lock();
        try {
            if (isRunning(key)) {
                throw new DriverException(Reason.FAILED, "sandbox " + key + " is running; stop it first");
            }
            SandboxFiles.emptyDir(files.workspace(key));
        } catch (IOException e) {
            throw new DriverException(Reason.FAILED, "could not reset the workspace of " + key, e);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public boolean isRunning(String key) {
        Holder holder = running.get(key);
        return holder != null && holder.alive();
    }

    @Override
    public ExecHandle exec(String key, ExecRequest request, OutputSink sink) throws DriverException {
        Holder holder = running.get(key);
        if (holder == null || !holder.alive()) {
            throw new DriverException(Reason.NOT_RUNNING, "sandbox " + key + " is not running");
        }
        for (Map<String, String> env : List.of(holder.spec().env(), request.env())) {
            for (Map.Entry<String, String> e : env.entrySet()) {
                if (e.getKey().isEmpty()
                        || e.getKey().indexOf('=') >= 0
                        || e.getKey().indexOf('\0') >= 0
                        || e.getValue().indexOf('\0') >= 0) {
                    throw new DriverException(Reason.FAILED, "invalid environment variable " + e.getKey());
                }
            }
        }
        Execution execution = new Execution(holder, request, sink, pool.cgroups());
        try {
            Process waiting = holder.takeWaiting();
            if (waiting == null) {
                waiting = spawner.start(new ProcessBuilder(Execution.waitingCommand(helper, holder)));
            }
            execution.start(waiting, timer, holder::giveBack);
            // Only afterwards, and only if the helper was not reusable: a cgroup v1 migration holds a global lock
            // that every fork() waits for, so a helper joining the cgroups now would delay this execution's fork.
            execution.completion().whenComplete((result, failure) -> warmUp(holder));
        } catch (IOException e) {
            throw new DriverException(Reason.FAILED, "could not start the exec helper: " + e.getMessage(), e);
        }
        return execution;
    }

    private void trimIdleHelpers() {
        try {
            long now = System.nanoTime();
            running.values().forEach(h -> h.trimIdle(now));
        } catch (RuntimeException e) {
            // keep the schedule alive: a failed round only leaves extra idle helpers until the next one
            LOG.warn("trimming idle exec helpers failed", e);
        }
    }

    /** Starts a helper waiting for the next execution of {@code holder}, unless one is waiting or starting. */
    private void warmUp(Holder holder) {
        if (!holder.claimWarming()) {
            return;
        }
        spawner.startLater(new ProcessBuilder(Execution.waitingCommand(helper, holder)), holder::offerWaiting);
    }

    /** Stops every sandbox, then removes this instance's cgroup slots (they are only reused while we run). */
    @Override
    public void close() {
        for (String key : List.copyOf(running.keySet())) {
            try {
                stop(key);
            } catch (DriverException e) {
                LOG.warn("could not stop sandbox {} at shutdown", key, e);
            }
        }
        try {
            pool.removeAll();
        } catch (IOException e) {
            LOG.warn("could not remove the cgroup pool", e);
        }
        timer.shutdownNow();
        spawner.close();
    }

    /** The helper binary in use (tests drive it directly). */
    Path helper() {
        return helper;
    }

    /** The running holder of {@code key}, or null (tests inspect its cgroups). */
    Holder holder(String key) {
        return running.get(key);
    }

    CgroupHierarchy cgroups() {
        return pool.cgroups();
    }

    SandboxFiles files() {
        return files;
    }

    private ReentrantLock lock(String key) {
        return locks.computeIfAbsent(key, k -> new ReentrantLock());
    }

    private void releaseQuietly(CgroupPool.Slot slot) {
        try {
            pool.release(slot);
        } catch (IOException e) {
            LOG.warn("could not release cgroup slot {}", slot.index(), e);
        }
    }

    private static void waitQuietly(Process process) {
        try {
            process.waitFor(STOP_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
