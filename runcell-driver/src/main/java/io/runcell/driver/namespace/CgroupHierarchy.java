package io.runcell.driver.namespace;

import io.runcell.driver.spi.DriverException;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * The cgroup files the driver uses for one pool of numbered slots: limits (memory, pids, cpu), membership
 * ({@code cgroup.procs}) and the OOM-kill counter. Slot directories are created once and reused, never removed per
 * sandbox (removing memory cgroups leaves dying memcgs behind after churn).
 */
sealed interface CgroupHierarchy permits CgroupV1, CgroupV2 {

    /** Creates slot {@code n}'s directories if missing and returns those a process joins (all controllers). */
    List<Path> createSlot(int n) throws IOException;

    /** Sets the limits of an empty slot. {@code memoryBytes} in bytes, {@code vcpus} in cores. */
    void applyLimits(int n, long memoryBytes, int pidsMax, int vcpus) throws IOException;

    /** The {@code cgroup.procs} of the slot's memory cgroup: every process charged to the sandbox. */
    Path procsFile(int n);

    /** Processes in any of the slot's directories. */
    Set<Long> procs(int n) throws IOException;

    /**
     * The flat-keyed file whose {@code oom_kill} line counts the processes of the slot the OOM killer has killed
     * ({@code memory.oom_control} on v1, {@code memory.events} on v2). The exec helper reads it around each command.
     */
    Path oomKillsFile(int n);

    /** How many times the OOM killer has killed a process of the slot. */
    default long oomKills(int n) throws IOException {
        return readOomKills(oomKillsFile(n));
    }

    /** Resets charges left by the previous user of an empty slot (page cache of its files). */
    void clearCharges(int n);

    /** Slot numbers whose directories exist (left by an earlier run of this instance). */
    SortedSet<Integer> existingSlots() throws IOException;

    /** Removes the slot's directories; only when the whole pool is torn down. */
    void removeSlot(int n) throws IOException;

    /** Removes the instance's own directories once every slot is gone. */
    void removeInstance() throws IOException;

    /**
     * Picks v2 when a v2 hierarchy has the memory, pids and cpu controllers, else v1, and checks that this process
     * may create cgroups.
     */
    static CgroupHierarchy detect(Path cgroupRoot, String instanceKey) throws DriverException {
        CgroupHierarchy chosen;
        Path v2 = v2Root(cgroupRoot);
        if (v2 != null) {
            chosen = new CgroupV2(v2.resolve("runcell").resolve(instanceKey));
        } else if (Files.exists(cgroupRoot.resolve("memory/memory.limit_in_bytes"))
                // the root pids cgroup has no pids.max
                && Files.exists(cgroupRoot.resolve("pids/cgroup.procs"))
                && Files.exists(cgroupRoot.resolve("cpu/cpu.cfs_quota_us"))) {
            chosen = new CgroupV1(cgroupRoot, instanceKey);
        } else {
            throw new DriverException(
                    DriverException.Reason.UNAVAILABLE,
                    "no usable cgroups under " + cgroupRoot + ": need v1 memory, pids and cpu hierarchies or a v2"
                            + " hierarchy with those controllers");
        }
        try {
            chosen.existingSlots();
            chosen.createSlot(0);
        } catch (AccessDeniedException e) {
            throw new DriverException(
                    DriverException.Reason.UNAVAILABLE,
                    "cannot create cgroups (the namespace driver must run as root): " + e.getMessage(),
                    e);
        } catch (IOException e) {
            throw new DriverException(
                    DriverException.Reason.UNAVAILABLE, "cannot create cgroups under " + cgroupRoot + ": " + e, e);
        }
        return chosen;
    }

    private static Path v2Root(Path cgroupRoot) {
        for (Path candidate : List.of(cgroupRoot, cgroupRoot.resolve("unified"))) {
            try {
                Set<String> controllers = Set.of(Files.readString(candidate.resolve("cgroup.controllers"))
                        .trim()
                        .split("\\s+"));
                if (controllers.containsAll(Set.of("memory", "pids", "cpu"))) {
                    return candidate;
                }
            } catch (IOException e) {
                // not a v2 hierarchy
            }
        }
        return null;
    }

    static Set<Long> readProcs(Path procsFile) throws IOException {
        Set<Long> pids = new LinkedHashSet<>();
        try {
            for (String line : Files.readAllLines(procsFile)) {
                if (!line.isBlank()) {
                    pids.add(Long.parseLong(line.trim()));
                }
            }
        } catch (NoSuchFileException e) {
            // slot directory not created yet
        }
        return pids;
    }

    /** Reads {@code oom_kill N} from a flat-keyed file ({@code memory.oom_control}, {@code memory.events}). */
    static long readOomKills(Path file) throws IOException {
        for (String line : Files.readAllLines(file)) {
            String[] parts = line.trim().split("\\s+");
            if (parts.length == 2 && parts[0].equals("oom_kill")) {
                return Long.parseLong(parts[1]);
            }
        }
        return 0;
    }

    static SortedSet<Integer> slotsIn(Path dir) throws IOException {
        SortedSet<Integer> slots = new TreeSet<>();
        if (!Files.isDirectory(dir)) {
            return slots;
        }
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir, "slot-*")) {
            for (Path entry : entries) {
                try {
                    slots.add(Integer.parseInt(entry.getFileName().toString().substring("slot-".length())));
                } catch (NumberFormatException e) {
                    // not ours
                }
            }
        }
        return slots;
    }

    static void write(Path file, String value) throws IOException {
        Files.writeString(file, value);
    }
}
