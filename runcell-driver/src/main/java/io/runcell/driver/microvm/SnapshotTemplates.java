package io.runcell.driver.microvm;

import io.runcell.driver.microvm.MicrovmConfig.PoolShape;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Snapshot templates: for each VM shape, a guest booted once and saved, which every later VM of that shape is
 * restored from instead of booting (under TCG a restore is ready in well under a second, a boot takes about five).
 *
 * <p>A template is a directory {@code <root>/<key>/} with {@code ram} (the guest's RAM: QEMU wrote through it while
 * the template ran) and {@code state} (the device state, saved by a migration with {@code x-ignore-shared}, so it
 * holds no RAM and is tens of kilobytes). Clones map {@code ram} copy-on-write, so the pages none of them changed
 * are shared in the host page cache. The key hashes everything a saved state depends on: the guest image files,
 * the QEMU binary (path, size, modification time), the accelerator, the machine and the shape; a different input
 * gets a different directory, which is why templates can live in the shared image cache and be reused across
 * servers and restarts. A template is made in a private directory and renamed into place, and never written after
 * that (clones map it); unused ones are deleted after a day.
 *
 * <p>Threading: {@link #get} may be called concurrently; one caller makes a missing template, the others of the
 * same key wait for it.
 */
final class SnapshotTemplates {

    private static final Logger LOG = LoggerFactory.getLogger(SnapshotTemplates.class);
    private static final Duration UNUSED_FOR = Duration.ofDays(1);
    private static final Duration SAVE_TIMEOUT = Duration.ofSeconds(60);

    /** A saved template: {@code ram} and {@code state} in {@code dir}, made with {@code machine}. */
    record Template(Path dir, String machine) {
        Path ram() {
            return dir.resolve("ram");
        }

        Path state() {
            return dir.resolve("state");
        }
    }

    private final Path root;
    private final Path vmRoot;
    private final MicrovmConfig config;
    private final GuestImage image;
    private final VmLauncher launcher;
    private final Map<String, ReentrantLock> making = new ConcurrentHashMap<>();

    /**
     * @param root   where templates are kept (shareable between servers)
     * @param vmRoot where the VMs that make templates run: the server's own data directory, so that the pidfile
     *               of one left by a crash is found and its QEMU killed at recovery
     */
    SnapshotTemplates(Path root, Path vmRoot, MicrovmConfig config, GuestImage image, VmLauncher launcher) {
        this.root = root;
        this.vmRoot = vmRoot;
        this.config = config;
        this.image = image;
        this.launcher = launcher;
    }

    /** The template for {@code shape} with {@code machine}, made first if there is none (a boot, seconds). */
    Template get(PoolShape shape, String machine) throws IOException {
        String key = key(shape, machine);
        Template t = new Template(root.resolve(key), machine);
        if (ready(t)) {
            return used(t);
        }
        ReentrantLock lock = making.computeIfAbsent(key, k -> new ReentrantLock());
        lock.lock();
        try {
            if (ready(t)) {
                return used(t);
            }
            make(t, shape);
            return t;
        } finally {
            lock.unlock();
        }
    }

    /** Deletes a template a restore failed from, so the next {@link #get} makes a fresh one. */
    void discard(Template t) {
        try {
            QemuProcesses.deleteTree(t.dir());
        } catch (IOException e) {
            LOG.warn("could not delete snapshot template {}: {}", t.dir(), e.getMessage());
        }
    }

    private static boolean ready(Template t) {
        return Files.isRegularFile(t.state()) && Files.isRegularFile(t.ram());
    }

    /** Marks a template as in use, so the cleanup of unused templates spares it. */
    private static Template used(Template t) {
        try {
            Files.setLastModifiedTime(t.dir(), FileTime.from(Instant.now()));
        } catch (IOException e) {
            // deleted by a concurrent cleanup: the restore fails and a new template is made
        }
        return t;
    }

    private void make(Template t, PoolShape shape) throws IOException {
        Files.createDirectories(root);
        Files.createDirectories(vmRoot);
        long t0 = System.nanoTime();
        Path work = Files.createTempDirectory(root, ".make-");
        Path vmDir = Files.createTempDirectory(vmRoot, "t");
        try {
            Vm vm = launcher.bootTemplate(vmDir, shape, work.resolve("ram"));
            long booted = System.nanoTime();
            long saved;
            try {
                save(vm, work.resolve("state"));
            } finally {
                saved = System.nanoTime();
                vm.shutdown(Duration.ofSeconds(5));
            }
            LOG.debug(
                    "template of {} MiB saved in {} ms, its VM shut down in {} ms",
                    shape.memoryMb(),
                    (saved - booted) / 1_000_000,
                    (System.nanoTime() - saved) / 1_000_000);
            if (!t.machine().equals(vm.machine)) {
                throw new IOException("template booted as " + vm.machine + ", not " + t.machine());
            }
            publish(work, t.dir());
            LOG.info(
                    "made microvm snapshot template {} ({} MiB, {} vcpu) in {} ms",
                    t.dir().getFileName(),
                    shape.memoryMb(),
                    shape.vcpus(),
                    (System.nanoTime() - t0) / 1_000_000);
        } finally {
            QemuProcesses.deleteTree(work);
            QemuProcesses.deleteTree(vmDir);
        }
        deleteUnused(t.dir());
    }

    /** Pauses the guest and saves its device state (the RAM is in the RAM file already). */
    private static void save(Vm vm, Path state) throws IOException {
        vm.qmp.execute("stop", null);
        vm.qmp.migrationCapability(VmLauncher.IGNORE_SHARED, true);
        vm.qmp.migrate("exec:cat > " + VmLauncher.shellQuote(state));
        Instant deadline = Instant.now().plus(SAVE_TIMEOUT);
        while (true) {
            var m = vm.qmp.migration();
            String status = m.path("status").asText();
            if (status.equals("completed")) {
                return;
            }
            if (status.equals("failed")
                    || status.equals("cancelled")
                    || !Instant.now().isBefore(deadline)) {
                throw new IOException("saving the template failed (" + status + "): "
                        + m.path("error-desc").asText());
            }
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while saving a template", e);
            }
        }
    }

    /** Renames the finished template into place; if another server made the same one meanwhile, keeps theirs. */
    private static void publish(Path work, Path target) throws IOException {
        try {
            Files.move(work, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (FileAlreadyExistsException | DirectoryNotEmptyException | AtomicMoveNotSupportedException e) {
            if (!ready(new Template(target, ""))) {
                throw e;
            }
        }
    }

    private void deleteUnused(Path keep) {
        Instant cutoff = Instant.now().minus(UNUSED_FOR);
        try (var dirs = Files.list(root)) {
            for (Path d : dirs.toList()) {
                if (!d.equals(keep) && Files.getLastModifiedTime(d).toInstant().isBefore(cutoff)) {
                    QemuProcesses.deleteTree(d); // clones still running keep their mapping of a deleted file
                }
            }
        } catch (IOException e) {
            LOG.warn("cleaning up old snapshot templates in {}: {}", root, e.getMessage());
        }
    }

    private String key(PoolShape shape, String machine) throws IOException {
        GuestImage.Files img = image.files();
        Path qemu = Executables.find(config.qemuBinary())
                .orElseThrow(() -> new IOException(config.qemuBinary() + " is neither an executable path nor on PATH"))
                .toRealPath();
        String input = String.join(
                "\n",
                img.kernel().toAbsolutePath().toString(), // the image directory's name is its content hash
                img.initrd().toAbsolutePath().toString(),
                qemu.toString(),
                Long.toString(Files.size(qemu)),
                Files.getLastModifiedTime(qemu).toString(),
                launcher.accelerator(),
                machine,
                shape.memoryMb() + "M/" + shape.vcpus() + "cpu/" + (shape.network() ? "net" : "nonet"));
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(input.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
