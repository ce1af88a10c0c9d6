package io.runcell.core.execution;

/** Told about every finished execution (metrics). Must be cheap and non-blocking. */
public interface ExecutionObserver {

    ExecutionObserver NONE = (record, nanos) -> {};

    /** {@code totalNanos} is from the start request to the final record being stored. */
    void finished(Execution record, long totalNanos);
}
