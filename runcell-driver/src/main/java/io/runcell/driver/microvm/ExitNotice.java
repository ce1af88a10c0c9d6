package io.runcell.driver.microvm;

import java.util.Optional;

/**
 * What the guest's exec wrapper reports when a command has exited: the name of an empty file it creates in the
 * VM's notice directory, {@code <wrapper pid>-<cgroup cpu usec>-<cgroup oom kills>} (see {@code sandbox-exec.c}).
 * The guest controls that directory, so a notice is a hint that the agent is worth asking now, never proof of
 * an exit; its CPU time and OOM count are the guest's own figures, as they were when read through the agent.
 */
record ExitNotice(long pid, long cpuMicros, long oomKills) {

    /** The notice a file name holds, or empty for any other name (a temporary file, garbage, a forged name). */
    static Optional<ExitNotice> parse(String name) {
        String[] parts = name.split("-", -1);
        if (parts.length != 3) {
            return Optional.empty();
        }
        long[] v = new long[3];
        for (int i = 0; i < 3; i++) {
            String p = parts[i];
            if (p.isEmpty() || p.length() > 18 || !p.chars().allMatch(c -> c >= '0' && c <= '9')) {
                return Optional.empty();
            }
            v[i] = Long.parseLong(p);
        }
        return v[0] == 0 ? Optional.empty() : Optional.of(new ExitNotice(v[0], v[1], v[2]));
    }
}
