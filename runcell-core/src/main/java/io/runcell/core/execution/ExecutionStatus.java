package io.runcell.core.execution;

import java.util.Locale;

/**
 * {@code queued → running → succeeded | failed | timed_out | cancelled | lost}. {@code failed} means the command
 * ran and exited non-zero (or was killed by a signal or its memory limit); {@code lost} means the node died or
 * restarted while it ran.
 */
public enum ExecutionStatus {
    QUEUED,
    RUNNING,
    SUCCEEDED,
    FAILED,
    TIMED_OUT,
    CANCELLED,
    LOST;

    public boolean terminal() {
        return this != QUEUED && this != RUNNING;
    }

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }
}
