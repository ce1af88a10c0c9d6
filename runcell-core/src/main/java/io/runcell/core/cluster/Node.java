package io.runcell.core.cluster;

/**
 * A node of the cluster as this node last saw it.
 *
 * @param id        the node's name ({@code --node-id})
 * @param url       where other nodes reach it ({@code --advertise-url})
 * @param live      whether its heartbeat lease was current at the last refresh
 * @param accepting whether it takes new sandboxes (live, not draining, below capacity)
 * @param sandboxes sandboxes it holds (not destroyed)
 * @param capacity  the most sandboxes it will hold
 */
public record Node(String id, String url, boolean live, boolean accepting, int sandboxes, int capacity) {}
