package io.runcell.driver.microvm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.runcell.driver.microvm.MicrovmConfig.PoolShape;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The pool's bookkeeping with fake VMs (a {@code sleep} process each, no QEMU). */
class WarmPoolTest {

    static final PoolShape SMALL = new PoolShape(128, 1, false);
    static final PoolShape BIG = new PoolShape(256, 2, false);

    @TempDir
    Path root;

    final List<Vm> booted = new CopyOnWriteArrayList<>();
    WarmPool pool;

    Vm fakeBoot(Path dir, PoolShape shape) throws IOException {
        ProcessHandle p = new ProcessBuilder("sleep", "120").start().toHandle();
        Vm vm = new Vm(dir, p, shape, "tcg", "microvm", null, null, 1);
        booted.add(vm);
        return vm;
    }

    @AfterEach
    void close() {
        if (pool != null) {
            pool.close();
        }
        booted.forEach(vm -> vm.process.destroyForcibly());
    }

    @Test
    void fillsEachShapeToItsSizeAndRefillsAfterATake() {
        pool = new WarmPool(root, 2, 10_000, this::fakeBoot, List.of(SMALL));
        pool.start();
        await().atMost(Duration.ofSeconds(10)).until(() -> pool.ready(SMALL) == 2);

        Vm vm = pool.take(SMALL);

        assertThat(vm).isNotNull();
        assertThat(vm.fromPool).isTrue();
        await().atMost(Duration.ofSeconds(10)).until(() -> pool.ready(SMALL) == 2);
        assertThat(booted).hasSize(3);
    }

    @Test
    void neverHoldsMoreGuestMemoryThanTheBudget() {
        pool = new WarmPool(root, 3, 300, this::fakeBoot, List.of(SMALL, BIG));
        pool.start();
        await().atMost(Duration.ofSeconds(10)).until(() -> booted.size() >= 1);
        await().during(Duration.ofMillis(500))
                .atMost(Duration.ofSeconds(5))
                .until(() -> booted.stream().mapToInt(v -> v.shape.memoryMb()).sum() <= 300);
        assertThat(pool.ready(SMALL) * 128 + pool.ready(BIG) * 256).isLessThanOrEqualTo(300);
    }

    @Test
    void anUnknownShapeIsNotServedButLearnedFromDemand() {
        pool = new WarmPool(root, 1, 10_000, this::fakeBoot, List.of());
        pool.start();

        assertThat(pool.take(BIG)).isNull();

        await().atMost(Duration.ofSeconds(10)).until(() -> pool.ready(BIG) == 1);
    }

    @Test
    void aDeadIdleVmIsDiscardedAtTake() {
        pool = new WarmPool(root, 1, 10_000, this::fakeBoot, List.of(SMALL));
        pool.start();
        await().atMost(Duration.ofSeconds(10)).until(() -> pool.ready(SMALL) == 1);
        booted.getFirst().process.destroyForcibly();
        await().atMost(Duration.ofSeconds(5))
                .until(() -> !booted.getFirst().process.isAlive());

        assertThat(pool.take(SMALL)).isNull();
    }

    @Test
    void closeShutsDownIdleVmsAndASizeOfZeroBootsNothing() {
        pool = new WarmPool(root, 1, 10_000, this::fakeBoot, List.of(SMALL));
        pool.start();
        await().atMost(Duration.ofSeconds(10)).until(() -> pool.ready(SMALL) == 1);
        pool.close();
        assertThat(booted.getFirst().process.isAlive()).isFalse();

        WarmPool off = new WarmPool(root, 0, 10_000, this::fakeBoot, List.of(SMALL));
        off.start();
        assertThat(off.take(SMALL)).isNull();
        off.close();
        assertThat(booted).hasSize(1);
    }
}
