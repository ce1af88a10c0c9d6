package io.runcell.core.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.runcell.core.cluster.Locality.Access;
import io.runcell.core.error.ErrorCode;
import io.runcell.core.error.RuncellException;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class LocalityTest {

    private static final Node B = new Node("b", "http://127.0.0.1:2", true, true, 3, 10);
    private static final Node C_DEAD = new Node("c", "http://127.0.0.1:3", false, false, 1, 10);

    private static NodeDirectory directory(boolean selfAccepts, Optional<Node> other) {
        Map<String, Node> nodes = Map.of("b", B, "c", C_DEAD);
        return new NodeDirectory() {
            @Override
            public String self() {
                return "a";
            }

            @Override
            public Optional<Node> node(String id) {
                return Optional.ofNullable(nodes.get(id));
            }

            @Override
            public boolean acceptsNewSandboxes() {
                return selfAccepts;
            }

            @Override
            public Optional<Node> leastLoadedOther() {
                return other;
            }
        };
    }

    @Test
    void ownRecordsAndUnownedOnesAreServedHere() {
        Locality l = Locality.clustered(directory(true, Optional.empty()));
        assertThat(l.requireHere("a", Access.ACT)).isTrue();
        assertThat(l.requireHere(null, Access.ACT)).isTrue();
    }

    @Test
    void aLiveOwnerGetsTheRequestWhateverTheAccess() {
        Locality l = Locality.clustered(directory(true, Optional.empty()));
        for (Access access : Access.values()) {
            assertThatThrownBy(() -> l.requireHere("b", access))
                    .isInstanceOfSatisfying(
                            OwnedElsewhere.class, e -> assertThat(e.node()).isEqualTo(B));
        }
    }

    @Test
    void aDeadOwnerIsReadFromTheStoreButCannotAct() {
        Locality l = Locality.clustered(directory(true, Optional.empty()));
        assertThat(l.requireHere("c", Access.READ)).isFalse();
        assertThatThrownBy(() -> l.requireHere("c", Access.ACT))
                .isInstanceOfSatisfying(
                        RuncellException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.SANDBOX_NOT_RUNNING))
                .hasMessageContaining("node c is unreachable");
        // a node that never registered is as unreachable as a dead one
        assertThat(l.requireHere("zz", Access.READ)).isFalse();
    }

    @Test
    void newSandboxesGoElsewhereOnlyWhenThisNodeHasNoRoom() {
        Locality.clustered(directory(true, Optional.of(B))).requireRoomHere();
        assertThatThrownBy(() ->
                        Locality.clustered(directory(false, Optional.of(B))).requireRoomHere())
                .isInstanceOfSatisfying(
                        OwnedElsewhere.class, e -> assertThat(e.node()).isEqualTo(B));
        assertThatThrownBy(() ->
                        Locality.clustered(directory(false, Optional.empty())).requireRoomHere())
                .isInstanceOfSatisfying(
                        RuncellException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.BACKEND_UNAVAILABLE));
    }

    @Test
    void oneNodeServesEverythingWhateverNodeARecordNames() {
        assertThat(Locality.SINGLE_NODE.requireHere("elsewhere", Access.ACT)).isTrue();
        Locality.SINGLE_NODE.requireRoomHere();
    }
}
