package io.runcell.core.sandbox;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** Persistence of sandboxes. */
public interface SandboxRepository {

    /** Allocates the next sandbox number (1, 2, ...), unique across the store. */
    long nextNumber();

    void insert(Sandbox sandbox);

    void update(Sandbox sandbox);

    Optional<Sandbox> findById(String id);

    Optional<Sandbox> findByNumber(long number);

    /**
     * The account's sandboxes not in {@code excluded} states, ordered by id ascending, starting after
     * {@code afterId} (null for the first page), at most {@code limit}.
     */
    List<Sandbox> listByAccount(String accountId, Set<SandboxState> excluded, String afterId, int limit);

    /** Sandboxes in any of {@code states} owned by {@code nodeId}. */
    List<Sandbox> listByStates(Set<SandboxState> states, String nodeId);

    /** Running or stopped sandboxes of {@code nodeId} whose {@code expiresAt} is at or before {@code now}. */
    List<Sandbox> findExpired(Instant now, String nodeId);

    /** How many sandboxes of the account are in none of the {@code excluded} states. */
    int countByAccount(String accountId, Set<SandboxState> excluded);

    /**
     * Reserves the next {@code count} execution sequence numbers of this sandbox (Hostup pids) and returns the
     * last: the block is {@code last - count + 1 .. last}. Numbers are never handed out twice, across restarts and
     * concurrent callers; a block not used up leaves a gap.
     */
    long reserveExecutionSeqs(String sandboxId, int count);
}
