package io.runcell.driver.qga;

/**
 * The answer of {@code guest-exec-status}, with the base64 output already decoded.
 *
 * @param exited        whether the process has ended; the other fields are only meaningful when true
 * @param exitCode      its exit status, or null if a signal ended it
 * @param signal        the signal that ended it, or null
 * @param stdout        captured standard output (empty until exit: the agent does not stream)
 * @param stderr        captured standard error
 * @param stdoutTruncated whether the agent dropped output beyond its own cap (16 MiB per stream in QEMU 7.2)
 * @param stderrTruncated the same for standard error
 */
public record GuestExecStatus(
        boolean exited,
        Integer exitCode,
        Integer signal,
        byte[] stdout,
        byte[] stderr,
        boolean stdoutTruncated,
        boolean stderrTruncated) {}
