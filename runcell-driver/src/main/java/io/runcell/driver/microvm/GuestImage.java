package io.runcell.driver.microvm;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The guest kernel ({@code vmlinux}, uncompressed for the PVH entry) and initramfs, built by the
 * {@value #SCRIPT_RESOURCE} classpath resource from Debian packages and cached by a content hash under the
 * cache directory. The same script runs from the shell after a Maven build: {@code bash
 * runcell-driver/src/main/resources/io/runcell/driver/microvm/build-guest.sh OUTDIR
 * runcell-driver/target/classes/io/runcell/driver/microvm/guest}.
 *
 * <p>Threading: {@link #files()} may be called concurrently; the first caller builds, the others wait.
 */
public final class GuestImage {

    public static final String SCRIPT_RESOURCE = "/io/runcell/driver/microvm/build-guest.sh";
    /** The guest's static helpers, built from {@code src/main/c/}: the exec wrapper and the post-restore step. */
    static final String GUEST_BIN_RESOURCE = "/io/runcell/driver/microvm/guest/";

    static final List<String> GUEST_BINARIES = List.of("sandbox-exec", "sandbox-launcher", "guest-resume");

    /** The built artefacts. */
    public record Files(Path kernel, Path initrd) {}

    private final Path cacheDir;
    private final ReentrantLock lock = new ReentrantLock();
    private volatile Files files;

    public GuestImage(Path cacheDir) {
        this.cacheDir = cacheDir;
    }

    /** Returns the image, running the build script on first use (a cache hit takes a few seconds of apt-cache). */
    public Files files() throws IOException {
        Files f = files;
        if (f != null) {
            return f;
        }
        lock.lock();
        try {
            if (files == null) {
                files = build();
            }
            return files;
        } finally {
            lock.unlock();
        }
    }

    private Files build() throws IOException {
        java.nio.file.Files.createDirectories(cacheDir);
        Path script = extract(SCRIPT_RESOURCE, cacheDir.resolve("build-guest.sh"), false);
        Path bin = cacheDir.resolve("guest-bin");
        java.nio.file.Files.createDirectories(bin);
        for (String name : GUEST_BINARIES) {
            extract(GUEST_BIN_RESOURCE + name, bin.resolve(name), true);
        }
        Path log = cacheDir.resolve("build-guest.log");
        Process p = new ProcessBuilder("bash", script.toString(), cacheDir.toString(), bin.toString())
                .redirectError(log.toFile())
                .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        try {
            if (!p.waitFor(15, TimeUnit.MINUTES) || p.exitValue() != 0) {
                p.destroyForcibly();
                throw new IOException("guest image build failed, see " + log + ": " + tail(log));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
            throw new IOException("interrupted while building the guest image", e);
        }
        Path dir = Path.of(out.substring(out.lastIndexOf('\n') + 1));
        Files f = new Files(dir.resolve("vmlinux"), dir.resolve("initrd.img"));
        if (!java.nio.file.Files.isRegularFile(f.kernel()) || !java.nio.file.Files.isRegularFile(f.initrd())) {
            throw new IOException("guest image build printed " + dir + " but it holds no vmlinux/initrd.img");
        }
        return f;
    }

    /**
     * Copies a classpath resource into the cache directory, through a temporary file and a rename: a server
     * building concurrently (same cache directory) never runs a half-written copy.
     */
    private static Path extract(String resource, Path target, boolean executable) throws IOException {
        Path temp = java.nio.file.Files.createTempFile(
                target.getParent(), target.getFileName().toString(), ".tmp");
        try (InputStream in = GuestImage.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IOException("missing classpath resource " + resource
                        + (resource.startsWith(GUEST_BIN_RESOURCE)
                                ? " (the build could not link it statically: apt-get install libc6-dev, then rebuild)"
                                : ""));
            }
            java.nio.file.Files.copy(in, temp, StandardCopyOption.REPLACE_EXISTING);
            if (executable && !temp.toFile().setExecutable(true)) {
                throw new IOException("cannot make " + temp + " executable");
            }
            java.nio.file.Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            java.nio.file.Files.deleteIfExists(temp);
        }
        return target;
    }

    private static String tail(Path log) {
        try {
            String s = java.nio.file.Files.readString(log);
            return s.substring(Math.max(0, s.length() - 2000));
        } catch (IOException e) {
            return "(no log)";
        }
    }
}
