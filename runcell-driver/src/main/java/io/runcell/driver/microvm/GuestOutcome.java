package io.runcell.driver.microvm;

import io.runcell.driver.spi.ExecResult;
import io.runcell.driver.spi.OutputSink;
import java.util.function.LongSupplier;

/** How a guest command's ending reaches the caller, the same whether the agent or the launcher ran it. */
final class GuestOutcome {

    private GuestOutcome() {}

    /** Pushes the output (it arrives whole, at exit) in 64 KiB pieces, then the guest side's truncation. */
    static void deliverOutput(OutputSink sink, byte[] out, byte[] err, boolean outTruncated, boolean errTruncated) {
        push(sink, out, true);
        push(sink, err, false);
        if (outTruncated) {
            sink.truncatedBySource(true);
        }
        if (errTruncated) {
            sink.truncatedBySource(false);
        }
    }

    /**
     * The result of an ending with this exit code or signal (neither: the guest lost it, reported as SIGKILL).
     * An unrequested SIGKILL is an OOM kill if the command's cgroup counted one ({@code oomKills} is asked only
     * then).
     */
    static ExecResult result(
            Integer exitCode, Integer signal, boolean timedOut, boolean killed, LongSupplier oomKills, long cpuMicros) {
        Integer sig = signal;
        Integer exit = sig == null ? exitCode : null;
        if (exit == null && sig == null) {
            sig = 9;
        }
        boolean sigkill = !timedOut && !killed && sig != null && sig == 9;
        boolean oom = sigkill && oomKills.getAsLong() > 0;
        return new ExecResult(exit, sig, timedOut, killed, oom, cpuMicros, null);
    }

    private static void push(OutputSink sink, byte[] data, boolean stdout) {
        for (int off = 0; off < data.length; off += 65536) {
            int len = Math.min(65536, data.length - off);
            if (stdout) {
                sink.stdout(data, off, len);
            } else {
                sink.stderr(data, off, len);
            }
        }
    }
}
