package io.runcell.cluster.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.runcell.core.cluster.Node;
import io.runcell.core.cluster.NodeRepository;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ClusterMembershipTest {

    /** A registry whose rows the test sets, counting how often it is listed. */
    private static final class Registry implements NodeRepository {
        volatile List<NodeRow> rows = List.of();
        final AtomicInteger lists = new AtomicInteger();

        @Override
        public void register(String id, String url, int capacity, String incarnation, long leaseMillis) {}

        @Override
        public Optional<Boolean> heartbeat(String id, String incarnation, long leaseMillis) {
            return Optional.of(false);
        }

        @Override
        public void clearDeclaredDead(String id, String incarnation) {}

        @Override
        public List<NodeRow> list() {
            lists.incrementAndGet();
            return rows;
        }

        @Override
        public List<String> claimDead() {
            return List.of();
        }

        @Override
        public void setState(String id, String incarnation, String state) {}

        @Override
        public String settingOrCreate(String name, String valueIfAbsent) {
            return valueIfAbsent;
        }
    }

    private static NodeRepository.NodeRow row(String id, boolean leaseCurrent, long heartbeat) {
        return new NodeRepository.NodeRow(id, "http://" + id, 10, "active", "i", heartbeat, leaseCurrent, false, 0);
    }

    @Test
    void aFreshLookUpReReadsTheRegistryAtMostOncePerWindow() {
        Registry registry = new Registry();
        AtomicLong now = new AtomicLong(1_000_000_000L);
        ClusterMembership membership = new ClusterMembership(registry, "a", 10, 5_000, now::get);
        registry.rows = List.of(row("a", true, 1), row("b", false, 1));
        membership.join("http://a");
        int afterJoin = registry.lists.get();

        // the view was loaded just now: a dead-looking node is not looked up again at once
        assertThat(membership.freshNode("b").map(Node::live)).contains(false);
        assertThat(registry.lists.get()).isEqualTo(afterJoin);

        // b came back; once the window has passed, a fresh look-up sees it
        registry.rows = List.of(row("a", true, 2), row("b", true, 2));
        now.addAndGet(ClusterMembership.FRESH_NANOS);
        assertThat(membership.freshNode("b").map(Node::live)).contains(true);
        assertThat(registry.lists.get()).isEqualTo(afterJoin + 1);
        assertThat(membership.freshNode("b").map(Node::live)).contains(true);
        assertThat(registry.lists.get()).isEqualTo(afterJoin + 1);
    }
}
