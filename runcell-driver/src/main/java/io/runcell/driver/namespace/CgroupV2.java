package io.runcell.driver.namespace;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.SortedSet;

/**
 * Cgroup v2: one directory per slot under {@code <v2 root>/runcell/<instanceKey>}. Chosen only when the v2 hierarchy
 * has the memory, pids and cpu controllers; on the hybrid hosts this driver was first built on it does not, so this
 * class is exercised by a unit test against a directory that mimics the cgroup files.
 */
final class CgroupV2 implements CgroupHierarchy {

    private static final long CPU_PERIOD_US = 100_000;
    private static final String CONTROLLERS = "+memory +pids +cpu";

    private final Path base;

    CgroupV2(Path base) {
        this.base = base;
    }

    private Path dir(int n) {
        return base.resolve("slot-" + n);
    }

    @Override
    public List<Path> createSlot(int n) throws IOException {
        Files.createDirectories(base);
        // Children only get controllers their parent delegates; runcell/ and runcell/<instance> hold no processes.
        CgroupHierarchy.write(base.getParent().resolve("cgroup.subtree_control"), CONTROLLERS);
        CgroupHierarchy.write(base.resolve("cgroup.subtree_control"), CONTROLLERS);
        Files.createDirectories(dir(n));
        return List.of(dir(n));
    }

    @Override
    public void applyLimits(int n, long memoryBytes, int pidsMax, int vcpus) throws IOException {
        Path dir = dir(n);
        CgroupHierarchy.write(dir.resolve("memory.max"), Long.toString(memoryBytes));
        if (Files.exists(dir.resolve("memory.swap.max"))) {
            CgroupHierarchy.write(dir.resolve("memory.swap.max"), "0");
        }
        CgroupHierarchy.write(dir.resolve("pids.max"), Integer.toString(pidsMax));
        CgroupHierarchy.write(dir.resolve("cpu.max"), (CPU_PERIOD_US * vcpus) + " " + CPU_PERIOD_US);
    }

    @Override
    public Path procsFile(int n) {
        return dir(n).resolve("cgroup.procs");
    }

    @Override
    public Set<Long> procs(int n) throws IOException {
        return CgroupHierarchy.readProcs(procsFile(n));
    }

    @Override
    public Path oomKillsFile(int n) {
        return dir(n).resolve("memory.events");
    }

    @Override
    public void clearCharges(int n) {
        // v2 has no force_empty; an empty cgroup's page cache is reclaimed under pressure.
    }

    @Override
    public SortedSet<Integer> existingSlots() throws IOException {
        return CgroupHierarchy.slotsIn(base);
    }

    @Override
    public void removeSlot(int n) throws IOException {
        Files.deleteIfExists(dir(n));
    }

    @Override
    public void removeInstance() throws IOException {
        Files.deleteIfExists(base);
    }
}
