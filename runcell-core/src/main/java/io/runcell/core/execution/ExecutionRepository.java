package io.runcell.core.execution;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** Persistence of execution records. */
public interface ExecutionRepository {

    void insert(Execution execution);

    /** Replaces status, exit, output, flags and times of the record with this id. */
    void update(Execution execution);

    /** Stores the output captured so far of a running execution (so a crash keeps it). */
    void updateOutput(String id, Execution.Output output);

    Optional<Execution> findById(String id);

    Optional<Execution> findBySeq(String sandboxId, long seq);

    /** Newest first, at most {@code limit}. */
    List<Execution> listBySandbox(String sandboxId, int limit);

    /**
     * Marks every execution of {@code nodeId} in one of {@code statuses} as lost, finished at {@code now}, keeping
     * its output; returns how many.
     */
    int markLost(Set<ExecutionStatus> statuses, String nodeId, Instant now);

    /**
     * Inserts {@code execution} unless its account already has {@code maxActive} executions queued or running on
     * any node; returns whether it did. Atomic across nodes: simultaneous inserts for one account never take it
     * past {@code maxActive} (the cluster-wide concurrency quota).
     */
    boolean insertIfActiveBelow(Execution execution, int maxActive);
}
