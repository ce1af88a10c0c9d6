package io.runcell.core.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.runcell.core.fakes.MemoryStore;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class CachingSandboxRepositoryTest {

    /** The store's sandboxes, counting reads and failing writes on demand. */
    private static final class Store extends MemoryStore.Sandboxes {
        final AtomicInteger reads = new AtomicInteger();
        volatile boolean failWrites;

        @Override
        public Optional<Sandbox> findById(String id) {
            reads.incrementAndGet();
            return super.findById(id);
        }

        @Override
        public void update(Sandbox s) {
            if (failWrites) {
                throw new IllegalStateException("store down");
            }
            super.update(s);
        }
    }

    private static final Instant T = Instant.parse("2026-11-23T10:00:00Z");
    private final Store store = new Store();
    private final CachingSandboxRepository cache = new CachingSandboxRepository(store, "a");

    private static Sandbox sandbox(String id, String node, SandboxState state) {
        return new Sandbox(
                id,
                1,
                "acc_1",
                "namespace",
                state,
                null,
                512,
                1,
                256,
                false,
                Map.of(),
                Map.of(),
                null,
                null,
                null,
                node,
                T,
                T,
                T);
    }

    @Test
    void thisNodesSandboxIsReadOnceAndWrittenThrough() {
        Sandbox s = sandbox("sbx_1", "a", SandboxState.RUNNING);
        cache.insert(s);
        assertThat(cache.findById("sbx_1")).contains(s);
        assertThat(store.reads.get()).isZero();

        Sandbox stopped = s.withState(SandboxState.STOPPED, "stopped", T.plusSeconds(1));
        cache.update(stopped);
        assertThat(cache.findById("sbx_1")).contains(stopped);
        assertThat(store.rows.get("sbx_1")).isEqualTo(stopped);
        assertThat(store.reads.get()).isZero();
    }

    @Test
    void aMissIsLoadedOnceThenKept() {
        store.insert(sandbox("sbx_1", "a", SandboxState.RUNNING));
        cache.findById("sbx_1");
        cache.findById("sbx_1");
        assertThat(store.reads.get()).isEqualTo(1);
        assertThat(cache.findById("sbx_none")).isEmpty();
    }

    @Test
    void anotherNodesSandboxIsAlwaysReadFromTheStore() {
        cache.insert(sandbox("sbx_2", "b", SandboxState.RUNNING));
        // b's view changes the store without this node
        store.update(sandbox("sbx_2", "b", SandboxState.UNKNOWN));
        assertThat(cache.findById("sbx_2").map(Sandbox::state)).contains(SandboxState.UNKNOWN);
        assertThat(cache.findById("sbx_2").map(Sandbox::state)).contains(SandboxState.UNKNOWN);
        assertThat(store.reads.get()).isEqualTo(2);
    }

    @Test
    void aDestroyedSandboxIsNotKept() {
        Sandbox s = sandbox("sbx_1", "a", SandboxState.RUNNING);
        cache.insert(s);
        cache.update(s.withState(SandboxState.DESTROYED, null, T.plusSeconds(1)));
        assertThat(cache.findById("sbx_1").map(Sandbox::state)).contains(SandboxState.DESTROYED);
        assertThat(store.reads.get()).isEqualTo(1);
    }

    @Test
    void forgetAllMakesTheNextLookUpReadTheStore() {
        cache.insert(sandbox("sbx_1", "a", SandboxState.RUNNING));
        // another node declared this one dead and marked its sandbox unknown
        store.update(sandbox("sbx_1", "a", SandboxState.UNKNOWN));
        assertThat(cache.findById("sbx_1").map(Sandbox::state)).contains(SandboxState.RUNNING);
        cache.forgetAll();
        assertThat(cache.findById("sbx_1").map(Sandbox::state)).contains(SandboxState.UNKNOWN);
    }

    @Test
    void aFailedWriteLeavesTheKeptRecordAsTheStoreHasIt() {
        Sandbox s = sandbox("sbx_1", "a", SandboxState.RUNNING);
        cache.insert(s);
        store.failWrites = true;
        assertThatThrownBy(() -> cache.update(s.withState(SandboxState.STOPPED, null, T.plusSeconds(1))))
                .hasMessage("store down");
        assertThat(cache.findById("sbx_1")).contains(s);
    }
}
