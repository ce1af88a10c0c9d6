package io.runcell.core.cluster;

import java.util.Optional;

/**
 * Port: the nodes of the cluster, as known to this node. A single node is its own directory ({@link #single}):
 * every sandbox is local and every new sandbox is placed here. Implementations are thread-safe and answer from
 * memory (they are consulted on every request that names a sandbox).
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
     * A relay to {@code nodeId} could not connect: treat it as dead on this node until its heartbeat is seen to
     * advance again, so reads are answered from the store and actions fail fast while its lease runs out.
     */
    default void suspect(String nodeId) {}

    /** The live node with the most free room that takes new sandboxes, other than this one. */
    Optional<Node> leastLoadedOther();

    static NodeDirectory single(String nodeId) {
        return new NodeDirectory() {
            @Override
            public String self() {
                return nodeId;
            }

            @Override
            public Optional<Node> node(String id) {
                return Optional.empty();
            }

            @Override
            public boolean acceptsNewSandboxes() {
                return true;
            }

            @Override
            public Optional<Node> leastLoadedOther() {
                return Optional.empty();
            }
        };
    }
}
