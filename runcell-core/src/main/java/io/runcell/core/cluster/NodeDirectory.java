package io.runcell.core.cluster;

import java.util.Optional;

/**
 * Port: the nodes of the cluster, as known to this node (a single node has none: {@link Locality#SINGLE_NODE}).
 * Implementations are thread-safe and answer from memory (they are consulted on every request that names a
 * sandbox).
 */
public interface NodeDirectory {

    /** This node's id. */
    String self();

    /** Another node by id, if it has ever registered. */
    Optional<Node> node(String id);

    /**
     * {@link #node} re-read from the registry now rather than from the last heartbeat's view: asked before a
     * request is refused because its node looks dead, since that view can be a heartbeat old.
     */
    default Optional<Node> freshNode(String id) {
        return node(id);
    }

    /** Whether this node takes a new sandbox now (not draining, below its capacity). */
    boolean acceptsNewSandboxes();

    /**
     * A relay to {@code nodeId} got no answer (refused, reset or cut off): treat it as dead on this node until its
     * heartbeat is seen to advance again, so reads are answered from the store and actions fail fast while its lease
     * runs out.
     */
    default void suspect(String nodeId) {}

    /** The live node with the most free room that takes new sandboxes, other than this one. */
    Optional<Node> leastLoadedOther();
}
