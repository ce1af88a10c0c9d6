package io.runcell.core.cluster;

/**
 * Thrown before anything is charged or changed when a request concerns a sandbox another live node owns (or a new
 * sandbox that must be placed on another node). The HTTP layer relays the whole request to {@link #node()} and its
 * answer back; it is not an error a client ever sees.
 */
public final class OwnedElsewhere extends RuntimeException {

    private final Node node;

    public OwnedElsewhere(Node node) {
        super("owned by node " + node.id(), null, false, false);
        this.node = node;
    }

    public Node node() {
        return node;
    }
}
