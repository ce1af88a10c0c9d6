package io.runcell.cluster.node;

import io.runcell.core.cluster.Node;
import io.runcell.core.cluster.NodeDirectory;
import io.runcell.core.cluster.NodeRepository;
import io.runcell.core.cluster.NodeRepository.NodeRow;
import java.security.SecureRandom;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This node's membership: registers under a fresh incarnation, renews its lease on every {@link #tick()}, keeps
 * the view of all nodes that {@link NodeDirectory} answers from (refreshed each tick, so at most one tick old),
 * and claims the death of nodes whose lease lapsed. Leases are judged on the database's clock.
 *
 * <p>Threading: {@link #tick()} runs on one scheduler thread; the directory methods are read from request threads
 * and see an immutable snapshot.
 */
public final class ClusterMembership implements NodeDirectory {

    private static final Logger LOG = LoggerFactory.getLogger(ClusterMembership.class);
    public static final String ACTIVE = "active";
    public static final String DRAINING = "draining";
    public static final String LEFT = "left";

    private final NodeRepository nodes;
    private final String self;
    private final int capacity;
    private final long leaseMillis;
    private final String incarnation;
    private volatile String url;
    private volatile Map<String, Node> view = Map.of();
    private volatile boolean draining;
    /** Nodes a relay could not reach, with the heartbeat they had then: dead here until it advances. */
    private final Map<String, Long> suspects = new java.util.concurrent.ConcurrentHashMap<>();

    private volatile Map<String, Long> heartbeats = Map.of();
    private final LongSupplier nanoTime;
    private volatile long refreshedAtNanos;

    /** How recent a view {@link #freshNode} accepts instead of re-reading the registry. */
    static final long FRESH_NANOS = 100_000_000L;

    public ClusterMembership(NodeRepository nodes, String self, int capacity, long leaseMillis) {
        this(nodes, self, capacity, leaseMillis, System::nanoTime);
    }

    ClusterMembership(NodeRepository nodes, String self, int capacity, long leaseMillis, LongSupplier nanoTime) {
        this.nanoTime = nanoTime;
        this.refreshedAtNanos = nanoTime.getAsLong() - 2 * FRESH_NANOS;
        this.nodes = nodes;
        this.self = self;
        this.capacity = capacity;
        this.leaseMillis = leaseMillis;
        byte[] random = new byte[8];
        new SecureRandom().nextBytes(random);
        this.incarnation = HexFormat.of().formatHex(random);
    }

    /** Registers this node, reachable at {@code advertisedUrl}, and loads the first view. */
    public void join(String advertisedUrl) {
        this.url = advertisedUrl;
        nodes.register(self, url, capacity, incarnation, leaseMillis);
        refresh();
        LOG.info("node {} joined the cluster at {} (capacity {}, lease {} ms)", self, url, capacity, leaseMillis);
    }

    /** One heartbeat (every second or so): renew the lease, refresh the view, declare lapsed nodes dead. Never throws. */
    public void tick(MembershipEvents events) {
        try {
            Optional<Boolean> renewed = nodes.heartbeat(self, incarnation, leaseMillis);
            if (renewed.isEmpty()) {
                LOG.warn("node {}: registry row missing or taken over; registering again", self);
                nodes.register(self, url, capacity, incarnation, leaseMillis);
                if (draining) {
                    nodes.setState(self, incarnation, DRAINING);
                }
            } else if (renewed.get()) {
                LOG.warn("node {} was declared dead by the cluster while it ran; reconciling its sandboxes", self);
                events.returnedAfterDeclaredDead();
                nodes.clearDeclaredDead(self, incarnation);
            }
            for (String dead : nodes.claimDead()) {
                if (!dead.equals(self)) {
                    LOG.warn("node {}'s lease lapsed: its sandboxes are unknown and its executions lost", dead);
                    events.nodeDied(dead);
                }
            }
            refresh();
        } catch (RuntimeException e) {
            LOG.warn("cluster heartbeat of node {} failed: {}", self, e.toString());
        }
    }

    /** Stops taking new sandboxes (graceful shutdown); other nodes place new ones elsewhere from their next tick. */
    public void drain() {
        draining = true;
        nodes.setState(self, incarnation, DRAINING);
        refresh();
    }

    /** Deregisters: the node is gone on purpose, so nobody declares it dead. */
    public void leave() {
        nodes.setState(self, incarnation, LEFT);
    }

    private void refresh() {
        Map<String, Node> next = new HashMap<>();
        Map<String, Long> beats = new HashMap<>();
        for (NodeRow row : nodes.list()) {
            beats.put(row.id(), row.heartbeatAt());
            Long suspectedAt = suspects.get(row.id());
            if (suspectedAt != null && row.heartbeatAt() > suspectedAt) {
                suspects.remove(row.id());
                suspectedAt = null;
            }
            boolean live = row.leaseCurrent() && !LEFT.equals(row.state()) && suspectedAt == null;
            boolean accepting = live && ACTIVE.equals(row.state()) && row.sandboxes() < row.capacity();
            next.put(row.id(), new Node(row.id(), row.url(), live, accepting, row.sandboxes(), row.capacity()));
        }
        view = Map.copyOf(next);
        heartbeats = Map.copyOf(beats);
        refreshedAtNanos = nanoTime.getAsLong();
    }

    @Override
    public void suspect(String nodeId) {
        if (nodeId.equals(self)) {
            return;
        }
        Long beat = heartbeats.get(nodeId);
        if (beat == null) {
            return;
        }
        suspects.putIfAbsent(nodeId, beat);
        Node seen = view.get(nodeId);
        if (seen != null && seen.live()) {
            Map<String, Node> next = new HashMap<>(view);
            next.put(nodeId, new Node(seen.id(), seen.url(), false, false, seen.sandboxes(), seen.capacity()));
            view = Map.copyOf(next);
            LOG.warn("node {} did not answer a relayed request: unreachable here until its heartbeat advances", nodeId);
        }
    }

    @Override
    public String self() {
        return self;
    }

    @Override
    public Optional<Node> node(String id) {
        return Optional.ofNullable(view.get(id));
    }

    @Override
    public Optional<Node> freshNode(String id) {
        if (nanoTime.getAsLong() - refreshedAtNanos < FRESH_NANOS) {
            // re-read moments ago: every read of a dead node's sandbox must not cost a registry query
            return node(id);
        }
        try {
            refresh();
        } catch (RuntimeException e) {
            LOG.warn("re-reading the node registry failed: {}", e.toString());
        }
        return node(id);
    }

    @Override
    public boolean acceptsNewSandboxes() {
        Node me = view.get(self);
        return !draining && (me == null || me.sandboxes() < capacity);
    }

    @Override
    public Optional<Node> leastLoadedOther() {
        return view.values().stream()
                .filter(n -> !n.id().equals(self) && n.accepting())
                .max(Comparator.comparingInt((Node n) -> n.capacity() - n.sandboxes())
                        .thenComparing(Node::id, Comparator.reverseOrder()));
    }
}
