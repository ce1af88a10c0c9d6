package io.runcell.server;

import io.runcell.api.cluster.ClusterFilter;
import io.runcell.api.cluster.InternalCredential;
import io.runcell.api.cluster.NodeRelay;
import io.runcell.cluster.node.ClusterMembership;
import io.runcell.cluster.node.MembershipEvents;
import io.runcell.core.cluster.Locality;
import io.runcell.core.cluster.NodeRepository;
import io.runcell.core.execution.ExecutionService;
import io.runcell.core.sandbox.CachingSandboxRepository;
import io.runcell.core.sandbox.SandboxService;
import java.security.SecureRandom;
import java.time.InstantSource;
import java.util.Base64;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The cluster side of a node whose store is PostgreSQL: membership with a heartbeat lease, the keys all nodes
 * share (kept in the database, so a client never sees them), the relay to other nodes, and what the node does
 * when another one dies or when it comes back itself.
 */
final class ClusterNode {

    /** A node whose heartbeat is older than this is dead; heartbeats run every {@link #HEARTBEAT_MILLIS}. */
    static final long LEASE_MILLIS = Long.getLong("runcell.cluster.leaseMillis", 5_000);

    static final long HEARTBEAT_MILLIS = 1_000;
    private static final String RELAY_KEY = "relay-credential-key";
    private static final String RESULT_LINK_KEY = "result-link-key";

    private final NodeRepository nodes;
    private final ClusterMembership membership;
    private final InternalCredential credential;

    ClusterNode(NodeRepository nodes, ServerConfig config, InstantSource clock) {
        if ("local".equals(config.nodeId())) {
            throw new IllegalArgumentException(
                    "a PostgreSQL store means cluster mode: give every node its own --node-id (env RUNCELL_NODE_ID)");
        }
        this.nodes = nodes;
        this.membership = new ClusterMembership(nodes, config.nodeId(), config.nodeCapacity(), LEASE_MILLIS);
        this.credential = new InternalCredential(sharedKey(RELAY_KEY), config.nodeId(), clock);
    }

    Locality locality() {
        return Locality.clustered(membership);
    }

    ClusterFilter filter() {
        return new ClusterFilter(membership.self(), credential, new NodeRelay(credential, membership));
    }

    /** The key that signs result links, the same on every node so any node can verify any link. */
    byte[] resultLinkKey() {
        return sharedKey(RESULT_LINK_KEY);
    }

    /** Registers at {@code advertisedUrl} and starts the heartbeat on {@code scheduler}. */
    void join(
            String advertisedUrl,
            ScheduledExecutorService scheduler,
            SandboxService sandboxes,
            CachingSandboxRepository sandboxRecords,
            ExecutionService executions) {
        MembershipEvents events = new MembershipEvents() {
            @Override
            public void nodeDied(String nodeId) {
                sandboxes.markNodeUnreachable(nodeId);
                executions.markNodeLost(nodeId);
            }

            @Override
            public void returnedAfterDeclaredDead() {
                // other nodes marked this node's sandboxes unknown meanwhile: the kept records are stale
                sandboxRecords.forgetAll();
                sandboxes.reconcileUnknown();
            }
        };
        membership.join(advertisedUrl);
        scheduler.scheduleWithFixedDelay(
                () -> membership.tick(events), HEARTBEAT_MILLIS, HEARTBEAT_MILLIS, TimeUnit.MILLISECONDS);
    }

    void drain() {
        membership.drain();
    }

    void leave() {
        membership.leave();
    }

    private byte[] sharedKey(String name) {
        byte[] fresh = new byte[32];
        new SecureRandom().nextBytes(fresh);
        String stored = nodes.settingOrCreate(name, Base64.getEncoder().encodeToString(fresh));
        return Base64.getDecoder().decode(stored);
    }
}
