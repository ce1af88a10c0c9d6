package io.runcell.core.execution;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * The durable record of one command run in a sandbox.
 *
 * @param seq     1, 2, ... per sandbox (Hostup pid)
 * @param command the command as the caller wrote it (shown back; never a secret's value)
 * @param argv    what was executed
 * @param signal  the signal that ended the command, if one did
 * @param error   why it could not run (backend failure), or null
 */
public record Execution(
        String id,
        String sandboxId,
        String accountId,
        long seq,
        String command,
        List<String> argv,
        ExecutionStatus status,
        Integer exitCode,
        Integer signal,
        boolean oomKilled,
        String stdout,
        String stderr,
        boolean stdoutTruncated,
        boolean stderrTruncated,
        Instant createdAt,
        Instant startedAt,
        Instant finishedAt,
        long cpuTimeMillis,
        String error,
        String nodeId) {

    public Execution {
        argv = List.copyOf(argv);
    }

    /** Wall time from start to finish (or to {@code now} while running), in milliseconds. */
    public long executionTimeMillis(Instant now) {
        if (startedAt == null) {
            return 0;
        }
        Instant end = finishedAt == null ? now : finishedAt;
        return Math.max(0, Duration.between(startedAt, end).toMillis());
    }

    public Execution withOutput(Output out) {
        return new Execution(
                id,
                sandboxId,
                accountId,
                seq,
                command,
                argv,
                status,
                exitCode,
                signal,
                oomKilled,
                out.stdout(),
                out.stderr(),
                out.stdoutTruncated(),
                out.stderrTruncated(),
                createdAt,
                startedAt,
                finishedAt,
                cpuTimeMillis,
                error,
                nodeId);
    }

    public Execution finished(
            ExecutionStatus newStatus,
            Integer newExitCode,
            Integer newSignal,
            boolean oom,
            Output out,
            Instant now,
            long cpuMillis,
            String newError) {
        return new Execution(
                id,
                sandboxId,
                accountId,
                seq,
                command,
                argv,
                newStatus,
                newExitCode,
                newSignal,
                oom,
                out.stdout(),
                out.stderr(),
                out.stdoutTruncated(),
                out.stderrTruncated(),
                createdAt,
                startedAt,
                now,
                cpuMillis,
                newError,
                nodeId);
    }

    /** A snapshot of captured output. */
    public record Output(String stdout, String stderr, boolean stdoutTruncated, boolean stderrTruncated) {
        public static final Output EMPTY = new Output("", "", false, false);
    }
}
