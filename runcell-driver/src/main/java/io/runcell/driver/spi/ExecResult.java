package io.runcell.driver.spi;

/**
 * How an execution ended.
 *
 * @param exitCode      the exit status if the command exited, or null if a signal ended it
 * @param signal        the signal that ended it, or null if it exited
 * @param timedOut      whether the driver killed it because {@link ExecRequest#timeoutMillis()} passed
 * @param killed        whether it was killed on request ({@link ExecHandle#kill()})
 * @param oomKilled     whether the sandbox's memory limit killed it
 * @param cpuTimeMicros user + system CPU time of the command and the children it waited for
 * @param error         a driver-side failure that kept the command from running, or null
 */
public record ExecResult(
        Integer exitCode,
        Integer signal,
        boolean timedOut,
        boolean killed,
        boolean oomKilled,
        long cpuTimeMicros,
        String error) {

    public static ExecResult exited(int exitCode, long cpuTimeMicros) {
        return new ExecResult(exitCode, null, false, false, false, cpuTimeMicros, null);
    }

    public static ExecResult failedToRun(String error) {
        return new ExecResult(null, null, false, false, false, 0, error);
    }
}
