package io.runcell.core.cluster;

import io.runcell.core.error.ErrorCode;
import io.runcell.core.error.RuncellException;
import java.util.Optional;

/**
 * The rule that keeps a sandbox's work on the node that owns it: a request for a sandbox of another live node is
 * handed to that node ({@link OwnedElsewhere}); a read of a sandbox whose node is dead is answered here from the
 * store (its sandboxes show {@code unknown}); anything that needs the dead node's processes fails fast with the
 * not-running error instead of hanging.
 */
public final class Locality {

    /** What the caller is about to do with the sandbox. */
    public enum Access {
        /** Reads the stored record: may be answered from the store when the owner is dead. */
        READ,
        /** Needs the owner's processes or changes the sandbox. */
        ACT
    }

    /** One node: everything is served here, whatever node id a record carries. */
    public static final Locality SINGLE_NODE = new Locality(null);

    /** Null on a single node: no other node exists to ask about. */
    private final NodeDirectory directory;

    private Locality(NodeDirectory directory) {
        this.directory = directory;
    }

    /** The rule of a node in a cluster described by {@code directory}. */
    public static Locality clustered(NodeDirectory directory) {
        return new Locality(java.util.Objects.requireNonNull(directory));
    }

    /**
     * Returns true when this node serves a request for something owned by {@code ownerNodeId} (null: owned by
     * nobody yet, served here); false when it is a {@link Access#READ} of something whose node is unreachable
     * (answered from the store, which may be behind). Throws {@link OwnedElsewhere} when another live node owns it.
     */
    public boolean requireHere(String ownerNodeId, Access access) {
        if (!clustered() || ownerNodeId == null || ownerNodeId.equals(directory.self())) {
            return true;
        }
        Optional<Node> owner = directory.node(ownerNodeId);
        if (owner.isEmpty() || !owner.get().live()) {
            // the view may be a heartbeat old (the node just came back): look again before calling it dead
            owner = directory.freshNode(ownerNodeId);
        }
        if (owner.isPresent() && owner.get().live()) {
            throw new OwnedElsewhere(owner.get());
        }
        if (access == Access.ACT) {
            throw new RuncellException(
                    ErrorCode.SANDBOX_NOT_RUNNING, "The sandbox's node " + ownerNodeId + " is unreachable.");
        }
        return false;
    }

    /**
     * Where a new sandbox goes: returns normally when this node takes it, else throws {@link OwnedElsewhere} for
     * the least-loaded live node, or {@link ErrorCode#BACKEND_UNAVAILABLE} when no node has room.
     */
    public void requireRoomHere() {
        if (!clustered() || directory.acceptsNewSandboxes()) {
            return;
        }
        Node target = directory
                .leastLoadedOther()
                .orElseThrow(() -> new RuncellException(
                        ErrorCode.BACKEND_UNAVAILABLE, "No node of the cluster has room for a new sandbox."));
        throw new OwnedElsewhere(target);
    }

    /** Whether {@code nodeId} names another node of a cluster. */
    public boolean isRemote(String nodeId) {
        return clustered() && nodeId != null && !nodeId.equals(directory.self());
    }

    public boolean clustered() {
        return directory != null;
    }
}
