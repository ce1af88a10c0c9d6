package io.runcell.driver.microvm;

import io.runcell.driver.microvm.MicrovmConfig.PoolShape;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.SequencedSet;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Idle pre-booted VMs, {@code perShape} per {@link PoolShape}, refilled one boot at a time by a background
 * virtual thread (boots are CPU-bound, and one at a time keeps the host responsive). The guest memory of idle and
 * booting VMs together never exceeds {@code budgetMb}. Shapes come from the configuration and from demand
 * ({@link #want}); at most {@value #MAX_SHAPES} are remembered.
 *
 * <p>Threading: all methods may be called from any thread.
 */
final class WarmPool implements AutoCloseable {

    /** Boots one VM in a directory the pool owns. */
    interface Booter {
        Vm boot(Path dir, PoolShape shape) throws IOException;
    }

    private static final Logger LOG = LoggerFactory.getLogger(WarmPool.class);
    static final int MAX_SHAPES = 16;

    private final Path root;
    private final int perShape;
    private final long budgetMb;
    private final Booter booter;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final SequencedSet<PoolShape> shapes = new LinkedHashSet<>();
    private final Map<PoolShape, Deque<Vm>> idle = new HashMap<>();
    private final AtomicLong ids = new AtomicLong();
    private long bootingMb;
    private Path bootingDir;
    private boolean started;
    private boolean closed;
    private Thread filler;

    WarmPool(Path root, int perShape, long budgetMb, Booter booter, List<PoolShape> initial) {
        this.root = root;
        this.perShape = perShape;
        this.budgetMb = budgetMb;
        this.booter = booter;
        shapes.addAll(initial);
    }

    /** Starts refilling (after recovery has cleaned up what a previous run left in the pool directory). */
    void start() {
        lock.lock();
        try {
            if (started || closed || perShape == 0) {
                return;
            }
            started = true;
            filler = Thread.ofVirtual().name("microvm-pool-filler").start(this::fill);
        } finally {
            lock.unlock();
        }
    }

    /** A ready VM of this shape, or null; the caller owns it from now on. Triggers a refill. */
    Vm take(PoolShape shape) {
        lock.lock();
        try {
            want(shape);
            Deque<Vm> q = idle.get(shape);
            while (q != null && !q.isEmpty()) {
                Vm vm = q.pollFirst();
                changed.signalAll();
                if (vm.alive()) {
                    vm.fromPool = true;
                    return vm;
                }
                discard(vm);
            }
            return null;
        } finally {
            lock.unlock();
        }
    }

    /** Records demand for a shape so the pool keeps VMs of it. */
    void want(PoolShape shape) {
        lock.lock();
        try {
            shapes.remove(shape);
            shapes.addLast(shape);
            while (shapes.size() > MAX_SHAPES) {
                PoolShape old = shapes.removeFirst();
                Deque<Vm> q = idle.remove(old);
                if (q != null) {
                    q.forEach(this::discard);
                }
            }
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    int ready(PoolShape shape) {
        lock.lock();
        try {
            Deque<Vm> q = idle.get(shape);
            return q == null ? 0 : q.size();
        } finally {
            lock.unlock();
        }
    }

    private void fill() {
        long failures = 0;
        while (true) {
            PoolShape next = null;
            Path dir;
            lock.lock();
            try {
                while (!closed && (next = nextToBoot()) == null) {
                    changed.awaitUninterruptibly();
                }
                if (closed) {
                    return;
                }
                bootingMb += next.memoryMb();
                bootingDir = dir = root.resolve("vm" + ids.incrementAndGet());
            } finally {
                lock.unlock();
            }
            Vm vm = null;
            try {
                vm = booter.boot(dir, next);
                failures = 0;
            } catch (IOException | RuntimeException e) {
                failures++;
                LOG.warn("warm pool boot failed ({} in a row): {}", failures, e.getMessage());
            }
            lock.lock();
            try {
                bootingMb -= next.memoryMb();
                bootingDir = null;
                if (vm != null) {
                    if (closed) {
                        vm.shutdown(Duration.ofSeconds(2));
                        QemuProcesses.deleteTree(vm.dir());
                    } else if (!shapes.contains(next)) {
                        discard(vm);
                    } else {
                        idle.computeIfAbsent(next, s -> new ArrayDeque<>()).addLast(vm);
                    }
                }
                changed.signalAll();
                if (failures > 0 && !closed) {
                    changed.await(
                            Duration.ofSeconds(Math.min(60, 2L << Math.min(failures, 5)))
                                    .toMillis(),
                            java.util.concurrent.TimeUnit.MILLISECONDS);
                }
            } catch (InterruptedException | IOException e) {
                return;
            } finally {
                lock.unlock();
            }
        }
    }

    /** Under the lock: the shape most in need of a VM that fits the budget, or null. */
    private PoolShape nextToBoot() {
        long used = bootingMb;
        for (Deque<Vm> q : idle.values()) {
            for (Vm vm : q) {
                used += vm.shape.memoryMb();
            }
        }
        for (PoolShape s : shapes.reversed()) {
            Deque<Vm> q = idle.get(s);
            if ((q == null ? 0 : q.size()) < perShape && used + s.memoryMb() <= budgetMb) {
                return s;
            }
        }
        return null;
    }

    private void discard(Vm vm) {
        Thread.ofVirtual().start(() -> {
            vm.shutdown(Duration.ofSeconds(2));
            try {
                QemuProcesses.deleteTree(vm.dir());
            } catch (IOException e) {
                LOG.warn("could not delete pool VM dir {}: {}", vm.dir(), e.getMessage());
            }
        });
    }

    @Override
    public void close() {
        Thread t;
        lock.lock();
        try {
            closed = true;
            changed.signalAll();
            for (Deque<Vm> q : idle.values()) {
                for (Vm vm : q) {
                    vm.shutdown(Duration.ofSeconds(2));
                }
            }
            idle.clear();
            t = filler;
            if (bootingDir != null) {
                // cut a boot in progress short: its QEMU dies and the boot fails at once
                QemuProcesses.fromPidfile(bootingDir.resolve("run/qemu.pid"), bootingDir.toString())
                        .ifPresent(p -> QemuProcesses.kill(p, Duration.ofSeconds(5)));
            }
        } finally {
            lock.unlock();
        }
        if (t != null) {
            try {
                t.join(Duration.ofSeconds(30));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
