package io.runcell.driver.namespace;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The fields of {@code /proc/PID/stat} the driver needs, with pids as seen from the host's pid namespace.
 *
 * @param startTime clock ticks after boot; with the pid it identifies a process across pid reuse
 */
record ProcStat(long pid, char state, long ppid, long session, long startTime) {

    /** Parses a stat line. The command name (field 2) may hold spaces and parentheses, so fields are counted from
     * its last {@code )}. */
    static ProcStat parse(String line) {
        int close = line.lastIndexOf(')');
        int open = line.indexOf('(');
        if (open < 0 || close < open) {
            throw new IllegalArgumentException("not a /proc/PID/stat line");
        }
        long pid = Long.parseLong(line.substring(0, open).trim());
        String[] rest = line.substring(close + 1).trim().split(" ");
        // rest[0] is field 3 (state): ppid is field 4, session field 6, starttime field 22.
        return new ProcStat(
                pid, rest[0].charAt(0), Long.parseLong(rest[1]), Long.parseLong(rest[3]), Long.parseLong(rest[19]));
    }

    /** The process's current stat, or empty if it is gone. */
    static Optional<ProcStat> read(long pid) {
        try {
            return Optional.of(parse(Files.readString(Path.of("/proc", Long.toString(pid), "stat"))));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** Sends SIGKILL to {@code pid} if it is still the process that started at {@code startTime}. */
    static void kill(long pid, long startTime) {
        read(pid).filter(s -> s.startTime() == startTime).ifPresent(s -> kill(pid));
    }

    /** Sends SIGKILL to {@code pid} (any process this one may signal, not only children). */
    static void kill(long pid) {
        if (pid > 1 && pid != ProcessHandle.current().pid()) {
            ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
        }
    }
}
