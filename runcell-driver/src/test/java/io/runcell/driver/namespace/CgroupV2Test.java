package io.runcell.driver.namespace;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * This host's cgroup v2 hierarchy has only hugetlb, so the v2 writer is tested against a directory that mimics
 * the cgroup files it touches.
 */
class CgroupV2Test {

    @TempDir
    Path root;

    @Test
    void writesLimitsAndReadsMembershipAndOomKills() throws IOException {
        Path base = root.resolve("runcell/inst");
        CgroupV2 v2 = new CgroupV2(base);
        assertThat(v2.existingSlots()).isEmpty();

        assertThat(v2.createSlot(3)).containsExactly(base.resolve("slot-3"));
        assertThat(Files.readString(root.resolve("runcell/cgroup.subtree_control")))
                .isEqualTo("+memory +pids +cpu");
        assertThat(Files.readString(base.resolve("cgroup.subtree_control"))).isEqualTo("+memory +pids +cpu");

        Path slot = base.resolve("slot-3");
        Files.writeString(slot.resolve("memory.swap.max"), "max\n");
        v2.applyLimits(3, 128L << 20, 64, 2);
        assertThat(Files.readString(slot.resolve("memory.max"))).isEqualTo("134217728");
        assertThat(Files.readString(slot.resolve("memory.swap.max"))).isEqualTo("0");
        assertThat(Files.readString(slot.resolve("pids.max"))).isEqualTo("64");
        assertThat(Files.readString(slot.resolve("cpu.max"))).isEqualTo("200000 100000");

        Files.writeString(slot.resolve("cgroup.procs"), "12\n34\n");
        assertThat(v2.procs(3)).containsExactly(12L, 34L);
        assertThat(v2.procsFile(3)).isEqualTo(slot.resolve("cgroup.procs"));

        Files.writeString(slot.resolve("memory.events"), "low 0\nhigh 0\nmax 5\noom 2\noom_kill 2\n");
        assertThat(v2.oomKills(3)).isEqualTo(2);
        assertThat(v2.existingSlots()).containsExactly(3);
    }

    @Test
    void readsOomKillsFromV1OomControl() throws IOException {
        Path file = root.resolve("memory.oom_control");
        Files.writeString(file, "oom_kill_disable 0\nunder_oom 0\noom_kill 7\n");
        assertThat(CgroupHierarchy.readOomKills(file)).isEqualTo(7);
    }

    @Test
    void emptySlotDirectoryHasNoProcesses() throws IOException {
        assertThat(new CgroupV2(root).procs(1)).isEmpty();
    }
}
