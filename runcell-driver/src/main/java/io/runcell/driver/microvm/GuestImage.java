package io.runcell.driver.microvm;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The guest kernel ({@code vmlinux}, uncompressed for the PVH entry) and initramfs, built by the
 * {@value #SCRIPT_RESOURCE} classpath resource from Debian packages and cached by a content hash under the
 * cache directory. The same script runs from the shell: {@code bash
 * runcell-driver/src/main/resources/io/runcell/driver/microvm/build-guest.sh OUTDIR}.
 *
 * <p>Threading: {@link #files()} may be called concurrently; the first caller builds, the others wait.
 */
public final class GuestImage {

    public static final String SCRIPT_RESOURCE = "/io/runcell/driver/microvm/build-guest.sh";

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
        Path script = cacheDir.resolve("build-guest.sh");
        try (InputStream in = GuestImage.class.getResourceAsStream(SCRIPT_RESOURCE)) {
            if (in == null) {
                throw new IOException("missing classpath resource " + SCRIPT_RESOURCE);
            }
            java.nio.file.Files.copy(in, script, StandardCopyOption.REPLACE_EXISTING);
        }
        Path log = cacheDir.resolve("build-guest.log");
        Process p = new ProcessBuilder("bash", script.toString(), cacheDir.toString())
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

    private static String tail(Path log) {
        try {
            String s = java.nio.file.Files.readString(log);
            return s.substring(Math.max(0, s.length() - 2000));
        } catch (IOException e) {
            return "(no log)";
        }
    }
}
