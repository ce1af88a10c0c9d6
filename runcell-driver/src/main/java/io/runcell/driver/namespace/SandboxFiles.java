package io.runcell.driver.namespace;

import io.runcell.driver.spi.SandboxSpec;
import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * The on-disk layout: {@code <dataDir>/sandboxes/<key>/{workspace,etc}} and {@code <dataDir>/state/<key>.{pid,log}}.
 * The data dir and {@code sandboxes/} are root-only (0700); sandboxes see only their own workspace, bound in.
 */
final class SandboxFiles {

    private static final Path HOST_LD_CACHE = Path.of("/etc/ld.so.cache");
    private static final Path HOST_RESOLV_CONF = Path.of("/etc/resolv.conf");

    private final Path sandboxes;
    private final Path state;

    SandboxFiles(Path dataDir) throws IOException {
        this.sandboxes = dataDir.resolve("sandboxes");
        this.state = dataDir.resolve("state");
        for (Path dir : new Path[] {dataDir, sandboxes, state}) {
            Files.createDirectories(dir);
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        }
    }

    Path sandboxDir(String key) {
        return sandboxes.resolve(key);
    }

    Path workspace(String key) {
        return sandboxDir(key).resolve("workspace");
    }

    Path etc(String key) {
        return sandboxDir(key).resolve("etc");
    }

    Path stateDir() {
        return state;
    }

    Path pidFile(String key) {
        return state.resolve(key + ".pid");
    }

    Path holderLog(String key) {
        return state.resolve(key + ".log");
    }

    /** Creates the workspace if missing (owned by the sandbox uid, 0700) and writes a fresh {@code /etc}. */
    void prepare(SandboxSpec spec, String hostname) throws IOException {
        Path workspace = workspace(spec.key());
        Files.createDirectories(workspace);
        Files.setAttribute(workspace, "unix:uid", spec.uid(), LinkOption.NOFOLLOW_LINKS);
        Files.setAttribute(workspace, "unix:gid", spec.uid(), LinkOption.NOFOLLOW_LINKS);
        Files.setPosixFilePermissions(workspace, PosixFilePermissions.fromString("rwx------"));
        writeEtc(etc(spec.key()), spec, hostname);
    }

    private static void writeEtc(Path etc, SandboxSpec spec, String hostname) throws IOException {
        Files.createDirectories(etc);
        Files.setPosixFilePermissions(etc, PosixFilePermissions.fromString("rwxr-xr-x"));
        int uid = spec.uid();
        Files.writeString(
                etc.resolve("passwd"),
                "root:x:0:0:root:/root:/bin/sh\n"
                        + "sandbox:x:" + uid + ":" + uid + ":sandbox:/workspace:/bin/sh\n"
                        + "nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n");
        Files.writeString(etc.resolve("group"), "root:x:0:\nsandbox:x:" + uid + ":\nnogroup:x:65534:\n");
        Files.writeString(etc.resolve("hostname"), hostname + "\n");
        Files.writeString(etc.resolve("hosts"), "127.0.0.1 localhost\n::1 localhost\n127.0.1.1 " + hostname + "\n");
        Files.writeString(etc.resolve("nsswitch.conf"), "passwd: files\ngroup: files\nhosts: files dns\n");
        if (Files.isRegularFile(HOST_LD_CACHE)) {
            Files.copy(HOST_LD_CACHE, etc.resolve("ld.so.cache"), StandardCopyOption.REPLACE_EXISTING);
        }
        Path resolv = etc.resolve("resolv.conf");
        if (spec.network() && Files.isRegularFile(HOST_RESOLV_CONF)) {
            Files.copy(HOST_RESOLV_CONF, resolv, StandardCopyOption.REPLACE_EXISTING);
        } else {
            Files.deleteIfExists(resolv);
        }
        try (var files = Files.list(etc)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
            }
        }
    }

    /** Deletes {@code root} and everything under it, deleting symlinks themselves and never following them. */
    static void deleteTree(Path root) throws IOException {
        deleteUnder(root, true);
    }

    /** Deletes everything inside {@code dir} (never following symlinks) and keeps {@code dir}. */
    static void emptyDir(Path dir) throws IOException {
        deleteUnder(dir, false);
    }

    private static void deleteUnder(Path root, boolean includeRoot) throws IOException {
        if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        // walkFileTree does not follow links unless asked: a symlink is visited as a file and unlinked.
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
                if (e instanceof NoSuchFileException) {
                    return FileVisitResult.CONTINUE;
                }
                throw e;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
                if (e != null) {
                    throw e;
                }
                if (includeRoot || !dir.equals(root)) {
                    delete(dir);
                }
                return FileVisitResult.CONTINUE;
            }
        });
    }

    private static void delete(Path path) throws IOException {
        Files.deleteIfExists(path);
    }
}
