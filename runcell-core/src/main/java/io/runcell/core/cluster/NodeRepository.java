package io.runcell.core.cluster;

import java.util.List;
import java.util.Optional;

/**
 * Port: the node registry in the shared database. Leases are measured on the database's clock, so nodes whose
 * clocks differ still agree on who is alive.
 */
public interface NodeRepository {

    /** A registered node as stored, with its lease judged against the database's clock now. */
    record NodeRow(
            String id,
            String url,
            int capacity,
            String state,
            String incarnation,
            long heartbeatAt,
            boolean leaseCurrent,
            boolean declaredDead,
            int sandboxes) {}

    /** Registers (or re-registers under a new incarnation) node {@code id}, active, with a lease from now. */
    void register(String id, String url, int capacity, String incarnation, long leaseMillis);

    /**
     * Extends the lease of {@code id} if it is still this {@code incarnation}. Returns empty when the row is gone
     * or belongs to another incarnation, else whether survivors declared this node dead since the last call.
     */
    Optional<Boolean> heartbeat(String id, String incarnation, long leaseMillis);

    /** Forgets that {@code id} was declared dead (it has reconciled). */
    void clearDeclaredDead(String id, String incarnation);

    /** Every registered node, with its count of sandboxes that are not destroyed. */
    List<NodeRow> list();

    /**
     * Atomically claims the nodes whose lease lapsed and that nobody has declared dead yet (a node that left
     * gracefully is not dead); each is returned to exactly one caller.
     */
    List<String> claimDead();

    /** Sets {@code active}, {@code draining} or {@code left}. */
    void setState(String id, String incarnation, String state);

    /** The cluster-wide setting {@code name}, created with {@code valueIfAbsent} by the first node that asks. */
    String settingOrCreate(String name, String valueIfAbsent);
}
