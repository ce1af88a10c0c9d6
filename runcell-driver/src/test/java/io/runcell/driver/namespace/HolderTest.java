package io.runcell.driver.namespace;

import static org.assertj.core.api.Assertions.assertThat;

import io.runcell.driver.spi.SandboxSpec;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The idle exec helpers a sandbox keeps: one while idle, up to {@link Holder#MAX_IDLE} while executions overlap. */
class HolderTest {

    private final List<Process> started = new ArrayList<>();
    private Holder holder;

    @BeforeEach
    void open() throws IOException {
        SandboxSpec spec = new SandboxSpec("h", 100_301, 64, 1, 16, 16, false, Map.of());
        holder = new Holder(spec, sleeper(), 1, 0, new CgroupPool.Slot(0, List.of(), Path.of("/nonexistent")));
    }

    @AfterEach
    void close() {
        started.forEach(Process::destroyForcibly);
    }

    private Process sleeper() throws IOException {
        Process p = new ProcessBuilder("sleep", "60").start();
        started.add(p);
        return p;
    }

    private static boolean dies(Process p) throws InterruptedException {
        return p.waitFor(10, TimeUnit.SECONDS);
    }

    @Test
    void keepsUpToMaxIdleHelpersAndKillsTheNext() throws Exception {
        List<Process> helpers = new ArrayList<>();
        for (int i = 0; i < Holder.MAX_IDLE + 1; i++) {
            helpers.add(sleeper());
            holder.giveBack(helpers.get(i));
        }
        assertThat(holder.waitingCount()).isEqualTo(Holder.MAX_IDLE);
        assertThat(dies(helpers.get(Holder.MAX_IDLE))).isTrue();
        // the most recently returned first: it ran last, so its pages are warmest
        assertThat(holder.takeWaiting()).isSameAs(helpers.get(Holder.MAX_IDLE - 1));
        assertThat(holder.claimWarming()).isFalse();
    }

    @Test
    void extrasIdleForTooLongAreTrimmedDownToOne() throws Exception {
        Process older = sleeper();
        Process newer = sleeper();
        holder.giveBack(older);
        holder.giveBack(newer);
        holder.trimIdle(System.nanoTime());
        assertThat(holder.waitingCount()).isEqualTo(2);
        holder.trimIdle(System.nanoTime() + Holder.EXTRA_IDLE_NANOS + 1);
        assertThat(holder.waitingCount()).isEqualTo(1);
        assertThat(dies(older)).isTrue();
        assertThat(newer.isAlive()).isTrue();
        assertThat(holder.takeWaiting()).isSameAs(newer);
        assertThat(holder.takeWaiting()).isNull();
        assertThat(holder.claimWarming()).isTrue();
    }

    @Test
    void closeKillsEveryIdleHelperAndRefusesMore() throws Exception {
        Process a = sleeper();
        Process b = sleeper();
        holder.giveBack(a);
        holder.giveBack(b);
        assertThat(holder.close(1000)).isTrue();
        assertThat(dies(a)).isTrue();
        assertThat(dies(b)).isTrue();
        Process late = sleeper();
        holder.giveBack(late);
        assertThat(dies(late)).isTrue();
        assertThat(holder.waitingCount()).isZero();
    }
}
