package io.runcell.driver.microvm;

import java.nio.file.Path;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the guest's launcher posts when a request's command has ended (see {@code sandbox-launcher.c}), parsed from
 * the name of the file it makes in the VM's notice directory:
 * {@code x<id>-<token>-<c|s><code or signal>-<cpu usec>-<oom kills>-<stdout len>-<stderr len>-<truncated bits>},
 * or {@code x<id>-<token>-lost} when a restarted launcher found the command's cgroup orphaned. A file with output
 * holds stdout then stderr; {@link #body} is where the host moved it, out of the guest's reach, or null.
 *
 * <p>The guest makes these names, so they are checked strictly; the figures in them are the guest's own, as the
 * agent's would be.
 */
record LaunchNotice(
        long id,
        String token,
        boolean lost,
        Integer exitCode,
        Integer signal,
        long cpuMicros,
        long oomKills,
        long stdoutLength,
        long stderrLength,
        boolean stdoutTruncated,
        boolean stderrTruncated,
        Path body) {

    /** The launcher's cap per stream, qemu-ga's guest-exec cap. */
    static final long OUTPUT_MAX = 16L << 20;

    private static final Pattern RESULT = Pattern.compile(
            "x(\\d{1,18})-([0-9a-f]{16})-(?:(lost)|([cs])(\\d{1,3})-(\\d{1,18})-(\\d{1,18})-(\\d{1,9})-(\\d{1,9})-([0-3]))");

    /** The notice a file name holds, or empty for any other name. */
    static Optional<LaunchNotice> parse(String name) {
        Matcher m = RESULT.matcher(name);
        if (!m.matches()) {
            return Optional.empty();
        }
        long id = Long.parseLong(m.group(1));
        if (id == 0) {
            return Optional.empty();
        }
        if (m.group(3) != null) {
            return Optional.of(new LaunchNotice(id, m.group(2), true, null, null, 0, 0, 0, 0, false, false, null));
        }
        int status = Integer.parseInt(m.group(5));
        boolean signalled = m.group(4).equals("s");
        long out = Long.parseLong(m.group(8));
        long err = Long.parseLong(m.group(9));
        if (status > (signalled ? 64 : 255) || out > OUTPUT_MAX || err > OUTPUT_MAX) {
            return Optional.empty();
        }
        int truncated = Integer.parseInt(m.group(10));
        return Optional.of(new LaunchNotice(
                id,
                m.group(2),
                false,
                signalled ? null : status,
                signalled ? status : null,
                Long.parseLong(m.group(6)),
                Long.parseLong(m.group(7)),
                out,
                err,
                (truncated & 1) != 0,
                (truncated & 2) != 0,
                null));
    }

    boolean hasOutput() {
        return stdoutLength + stderrLength > 0;
    }

    LaunchNotice withBody(Path file) {
        return new LaunchNotice(
                id,
                token,
                lost,
                exitCode,
                signal,
                cpuMicros,
                oomKills,
                stdoutLength,
                stderrLength,
                stdoutTruncated,
                stderrTruncated,
                file);
    }
}
