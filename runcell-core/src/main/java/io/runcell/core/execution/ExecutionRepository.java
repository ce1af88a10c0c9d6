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

    /** How many of the account's executions are queued or running, on any node (the cluster-wide quota). */
    int countActive(String accountId);
}
