package io.runcell.api.cluster;

import java.io.IOException;
import java.net.URI;
import java.util.Deque;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;

/**
 * Idle keep-alive connections to other nodes, most recently used first, so a relayed request usually skips the TCP
 * handshake. A connection idle for longer than {@link #MAX_IDLE_MILLIS} is closed rather than reused (the owner may
 * have dropped it). Thread-safe.
 */
final class NodeConnectionPool {

    static final long MAX_IDLE_MILLIS = 15_000;
    static final int MAX_IDLE_PER_NODE = 32;

    private final Map<String, Deque<NodeConnection>> idle = new ConcurrentHashMap<>();

    /** An idle connection to {@code base}, or a new one if there is none or {@code fresh} is asked. */
    NodeConnection take(URI base, boolean fresh) throws IOException {
        if (!fresh) {
            Deque<NodeConnection> waiting = idle.get(NodeConnection.keyOf(base));
            long now = System.currentTimeMillis();
            NodeConnection c;
            while (waiting != null && (c = waiting.pollFirst()) != null) {
                if (now - c.idleSince() <= MAX_IDLE_MILLIS) {
                    return c;
                }
                c.close();
            }
        }
        return NodeConnection.open(base);
    }

    /** Keeps {@code c} for the next exchange if its last answer was read to the end; closes it otherwise. */
    void release(NodeConnection c) {
        if (!c.reusable()) {
            c.close();
            return;
        }
        c.idle(System.currentTimeMillis());
        Deque<NodeConnection> waiting = idle.computeIfAbsent(c.key(), k -> new ConcurrentLinkedDeque<>());
        if (waiting.size() >= MAX_IDLE_PER_NODE) {
            c.close();
            return;
        }
        waiting.addFirst(c);
    }
}
