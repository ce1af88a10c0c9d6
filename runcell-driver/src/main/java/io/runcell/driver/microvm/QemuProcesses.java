package io.runcell.driver.microvm;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/** Finds and kills QEMU processes by their pidfiles, sparing pids that now belong to something else. */
final class QemuProcesses {

    private QemuProcesses() {}

    /** The live QEMU process that {@code pidfile} names, if its command line mentions {@code marker}. */
    static Optional<ProcessHandle> fromPidfile(Path pidfile, String marker) {
        try {
            long pid = Long.parseLong(Files.readString(pidfile).strip());
            Path cmdline = Path.of("/proc", Long.toString(pid), "cmdline");
            String cmd = new String(Files.readAllBytes(cmdline), StandardCharsets.UTF_8).replace('\0', ' ');
            if (!cmd.contains("qemu-system") || !cmd.contains(marker)) {
                return Optional.empty();
            }
            return ProcessHandle.of(pid).filter(ProcessHandle::isAlive);
        } catch (IOException | NumberFormatException gone) {
            return Optional.empty();
        }
    }

    /** SIGKILLs the process and waits (bounded) until it is gone. */
    static void kill(ProcessHandle p, Duration wait) {
        p.destroyForcibly();
        try {
            p.onExit().get(wait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception stillThere) {
            // a daemonized QEMU is reparented to init, which reaps it; nothing more to do from here
        }
    }

    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (var walk = Files.walk(dir)) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
