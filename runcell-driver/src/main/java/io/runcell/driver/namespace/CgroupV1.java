package io.runcell.driver.namespace;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.SortedSet;

/** Cgroup v1: one directory per slot in each of the memory, pids and cpu hierarchies. */
final class CgroupV1 implements CgroupHierarchy {

    private final Path memory;
    private final Path pids;
    private final Path cpu;

    CgroupV1(Path cgroupRoot, String instanceKey) {
        this.memory = cgroupRoot.resolve("memory/runcell").resolve(instanceKey);
        this.pids = cgroupRoot.resolve("pids/runcell").resolve(instanceKey);
        this.cpu = cgroupRoot.resolve("cpu/runcell").resolve(instanceKey);
    }

    private List<Path> dirs(int n) {
        String slot = "slot-" + n;
        return List.of(memory.resolve(slot), pids.resolve(slot), cpu.resolve(slot));
    }

    @Override
    public List<Path> createSlot(int n) throws IOException {
        List<Path> dirs = dirs(n);
        for (Path dir : dirs) {
            Files.createDirectories(dir);
        }
        return dirs;
    }

    @Override
    public void applyLimits(int n, long memoryBytes, int pidsMax, int vcpus) throws IOException {
        List<Path> dirs = dirs(n);
        Path mem = dirs.get(0);
        Path memsw = mem.resolve("memory.memsw.limit_in_bytes");
        // memsw must stay >= limit at every step: lift it, set the limit, then bring memsw down to it.
        boolean swapAccounting = Files.exists(memsw);
        if (swapAccounting) {
            CgroupHierarchy.write(memsw, "-1");
        }
        CgroupHierarchy.write(mem.resolve("memory.limit_in_bytes"), Long.toString(memoryBytes));
        if (swapAccounting) {
            CgroupHierarchy.write(memsw, Long.toString(memoryBytes));
        }
        CgroupHierarchy.write(dirs.get(1).resolve("pids.max"), Integer.toString(pidsMax));
        long period = Long.parseLong(
                Files.readString(dirs.get(2).resolve("cpu.cfs_period_us")).trim());
        CgroupHierarchy.write(dirs.get(2).resolve("cpu.cfs_quota_us"), Long.toString(period * vcpus));
    }

    @Override
    public Path procsFile(int n) {
        return dirs(n).get(0).resolve("cgroup.procs");
    }

    @Override
    public Set<Long> procs(int n) throws IOException {
        Set<Long> all = new LinkedHashSet<>();
        for (Path dir : dirs(n)) {
            all.addAll(CgroupHierarchy.readProcs(dir.resolve("cgroup.procs")));
        }
        return all;
    }

    @Override
    public Path oomKillsFile(int n) {
        return dirs(n).get(0).resolve("memory.oom_control");
    }

    @Override
    public void clearCharges(int n) {
        try {
            CgroupHierarchy.write(dirs(n).get(0).resolve("memory.force_empty"), "0");
        } catch (IOException e) {
            // best effort: charges are reclaimable page cache anyway
        }
    }

    @Override
    public SortedSet<Integer> existingSlots() throws IOException {
        SortedSet<Integer> slots = CgroupHierarchy.slotsIn(memory);
        slots.addAll(CgroupHierarchy.slotsIn(pids));
        slots.addAll(CgroupHierarchy.slotsIn(cpu));
        return slots;
    }

    @Override
    public void removeSlot(int n) throws IOException {
        for (Path dir : dirs(n)) {
            Files.deleteIfExists(dir);
        }
    }

    @Override
    public void removeInstance() throws IOException {
        for (Path dir : List.of(memory, pids, cpu)) {
            Files.deleteIfExists(dir);
        }
    }
}
