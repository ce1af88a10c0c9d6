package io.runcell.driver.microvm;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Configuration of the microvm driver.
 *
 * @param dataDir           root of sandbox state; VMs live under {@code <dataDir>/microvm/}
 * @param imageCacheDir     where {@link GuestImage} keeps the built kernel and initramfs (content-hashed)
 * @param qemuBinary        the QEMU system emulator ({@code qemu-system-x86_64})
 * @param accelerator       {@code AUTO} probes KVM once and falls back to TCG
 * @param kvmProbeTimeout   how long the KVM probe boot may take before KVM is declared unusable
 * @param bootTimeout       limit from launching QEMU to the guest agent answering
 * @param tcgCodeBufferMb   TCG translation cache per VM ({@code tb-size}; QEMU's default is 1 GiB)
 * @param poolSize          idle pre-booted VMs kept per {@link PoolShape}; 0 disables the pool
 * @param poolMemoryBudgetMb the most guest memory idle and booting pool VMs may hold together
 * @param warmShapes        shapes the pool fills from start-up; shapes seen in {@code start} are added
 * @param snapshots         start VMs by restoring a snapshot template of their shape (made by one boot, kept in
 *                          {@code imageCacheDir/templates}) instead of booting each; off: every VM boots
 */
public record MicrovmConfig(
        Path dataDir,
        Path imageCacheDir,
        String qemuBinary,
        Accelerator accelerator,
        Duration kvmProbeTimeout,
        Duration bootTimeout,
        int tcgCodeBufferMb,
        int poolSize,
        long poolMemoryBudgetMb,
        List<PoolShape> warmShapes,
        boolean snapshots) {

    /** Which QEMU accelerator to use. */
    public enum Accelerator {
        AUTO,
        KVM,
        TCG
    }

    /** A VM configuration a pooled VM can serve. */
    public record PoolShape(int memoryMb, int vcpus, boolean network) {}

    public MicrovmConfig {
        Objects.requireNonNull(dataDir, "dataDir");
        Objects.requireNonNull(imageCacheDir, "imageCacheDir");
        Objects.requireNonNull(qemuBinary, "qemuBinary");
        Objects.requireNonNull(accelerator, "accelerator");
        if (poolSize < 0 || poolMemoryBudgetMb < 0 || tcgCodeBufferMb <= 0) {
            throw new IllegalArgumentException("pool size, pool budget and tb size must not be negative");
        }
        warmShapes = List.copyOf(warmShapes);
    }

    /** Defaults: AUTO accelerator, 5 s KVM probe, 120 s boot limit, no pool, snapshot templates on. */
    public static MicrovmConfig defaults(Path dataDir) {
        return new MicrovmConfig(
                dataDir,
                dataDir.resolve("microvm-images"),
                "qemu-system-x86_64",
                Accelerator.AUTO,
                Duration.ofSeconds(5),
                Duration.ofSeconds(120),
                32,
                0,
                2048,
                List.of(),
                true);
    }

    public MicrovmConfig withPool(int size, long memoryBudgetMb, List<PoolShape> shapes) {
        return edit(d -> {
            d.poolSize = size;
            d.poolMemoryBudgetMb = memoryBudgetMb;
            d.warmShapes = shapes;
        });
    }

    public MicrovmConfig withImageCacheDir(Path dir) {
        return edit(d -> d.imageCacheDir = dir);
    }

    public MicrovmConfig withAccelerator(Accelerator a) {
        return edit(d -> d.accelerator = a);
    }

    public MicrovmConfig withSnapshots(boolean on) {
        return edit(d -> d.snapshots = on);
    }

    private MicrovmConfig edit(Consumer<Draft> change) {
        Draft d = new Draft(this);
        change.accept(d);
        return d.build();
    }

    /** Mutable copy of the components, so each wither names only what it changes. */
    private static final class Draft {
        Path dataDir;
        Path imageCacheDir;
        String qemuBinary;
        Accelerator accelerator;
        Duration kvmProbeTimeout;
        Duration bootTimeout;
        int tcgCodeBufferMb;
        int poolSize;
        long poolMemoryBudgetMb;
        List<PoolShape> warmShapes;
        boolean snapshots;

        Draft(MicrovmConfig c) {
            dataDir = c.dataDir;
            imageCacheDir = c.imageCacheDir;
            qemuBinary = c.qemuBinary;
            accelerator = c.accelerator;
            kvmProbeTimeout = c.kvmProbeTimeout;
            bootTimeout = c.bootTimeout;
            tcgCodeBufferMb = c.tcgCodeBufferMb;
            poolSize = c.poolSize;
            poolMemoryBudgetMb = c.poolMemoryBudgetMb;
            warmShapes = c.warmShapes;
            snapshots = c.snapshots;
        }

        MicrovmConfig build() {
            return new MicrovmConfig(
                    dataDir,
                    imageCacheDir,
                    qemuBinary,
                    accelerator,
                    kvmProbeTimeout,
                    bootTimeout,
                    tcgCodeBufferMb,
                    poolSize,
                    poolMemoryBudgetMb,
                    warmShapes,
                    snapshots);
        }
    }
}
