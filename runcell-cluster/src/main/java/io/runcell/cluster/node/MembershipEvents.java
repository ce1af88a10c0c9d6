package io.runcell.cluster.node;

/** What a node does when membership changes; the server wires these to the core services. */
public interface MembershipEvents {

    /** This node claimed the death of {@code nodeId}: its sandboxes become unknown and its executions lost. */
    void nodeDied(String nodeId);

    /** This node learned that others declared it dead while it went on running: reconcile its sandboxes. */
    void returnedAfterDeclaredDead();
}
