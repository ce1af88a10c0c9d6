package io.runcell.driver.namespace;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Numbered cgroup slots, handed out lowest-first and returned only once empty. Slots are reused across sandboxes
 * and never removed while the driver runs. Thread-safe.
 */
final class CgroupPool {

    /** One slot lent to a running sandbox. */
    record Slot(int index, List<Path> dirs, Path oomKillsFile) {

        /** The directories as the helper's comma-separated CGDIRS argument. */
        String joinArgument() {
            return String.join(",", dirs.stream().map(Path::toString).toList());
        }
    }

    private static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(10);

    private final CgroupHierarchy cgroups;
    private final TreeSet<Integer> free = new TreeSet<>();
    private final TreeSet<Integer> all = new TreeSet<>();

    CgroupPool(CgroupHierarchy cgroups) throws IOException {
        this.cgroups = cgroups;
        all.addAll(cgroups.existingSlots());
        free.addAll(all);
    }

    CgroupHierarchy cgroups() {
        return cgroups;
    }

    /** Lends out an empty slot with the given limits. */
    Slot acquire(long memoryBytes, int pidsMax, int vcpus) throws IOException {
        int index;
        synchronized (this) {
            Integer lowest = free.pollFirst();
            index = lowest != null ? lowest : (all.isEmpty() ? 0 : all.last() + 1);
            all.add(index);
        }
        try {
            List<Path> dirs = cgroups.createSlot(index);
            drain(index);
            cgroups.applyLimits(index, memoryBytes, pidsMax, vcpus);
            return new Slot(index, dirs, cgroups.oomKillsFile(index));
        } catch (IOException | RuntimeException e) {
            synchronized (this) {
                free.add(index);
            }
            throw e;
        }
    }

    /** Kills whatever is left in the slot, waits until it is empty, and makes it available again. */
    void release(Slot slot) throws IOException {
        drain(slot.index());
        cgroups.clearCharges(slot.index());
        synchronized (this) {
            free.add(slot.index());
        }
    }

    /** SIGKILLs every process in slot {@code n} until none remain. */
    void drain(int n) throws IOException {
        long deadline = System.nanoTime() + DRAIN_TIMEOUT.toNanos();
        while (true) {
            Set<Long> procs = cgroups.procs(n);
            if (procs.isEmpty()) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new IOException("cgroup slot " + n + " still has processes " + procs + " after SIGKILL");
            }
            procs.forEach(ProcStat::kill);
            sleepBriefly();
        }
    }

    /** Indices of every slot that exists (for recovery and teardown). */
    synchronized Set<Integer> slots() {
        return new TreeSet<>(all);
    }

    /** Removes every slot's directories (driver shutdown, after every sandbox stopped). */
    synchronized void removeAll() throws IOException {
        for (int n : all) {
            cgroups.removeSlot(n);
        }
        all.clear();
        free.clear();
        cgroups.removeInstance();
    }

    static void sleepBriefly() {
        try {
            Thread.sleep(1);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
