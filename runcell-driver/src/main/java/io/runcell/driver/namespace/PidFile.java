package io.runcell.driver.namespace;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * What a running sandbox leaves on disk so a restarted server can kill it: the outer bubblewrap and the sandbox's
 * pid 1, each with its start time so a reused pid is never killed.
 */
record PidFile(long holderPid, long holderStart, long initPid, long initStart) {

    static void write(Path file, long holderPid, long holderStart, long initPid, long initStart) throws IOException {
        Path temp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(temp, holderPid + " " + holderStart + " " + initPid + " " + initStart + "\n");
        Files.move(
                temp,
                file,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE,
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }

    static Optional<PidFile> read(Path file) {
        try {
            String[] f = Files.readString(file).trim().split(" ");
            return Optional.of(new PidFile(
                    Long.parseLong(f[0]), Long.parseLong(f[1]), Long.parseLong(f[2]), Long.parseLong(f[3])));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** SIGKILLs both processes if they are still the ones recorded. */
    void kill() {
        ProcStat.kill(initPid, initStart);
        ProcStat.kill(holderPid, holderStart);
    }
}
