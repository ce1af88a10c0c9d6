package io.runcell.core.execution;

import static org.assertj.core.api.Assertions.assertThat;

import io.runcell.core.fakes.MemoryStore;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ExecutionSeqsTest {

    /** The store's sandboxes, counting reservations. */
    private static final class CountingSandboxes extends MemoryStore.Sandboxes {
        final AtomicInteger reservations = new AtomicInteger();

        @Override
        public long reserveExecutionSeqs(String sandboxId, int count) {
            reservations.incrementAndGet();
            return super.reserveExecutionSeqs(sandboxId, count);
        }
    }

    @Test
    void numbersRunOnPerSandboxWithOneStoreWritePerBlock() {
        CountingSandboxes store = new CountingSandboxes();
        ExecutionSeqs seqs = new ExecutionSeqs(store);
        List<Long> a = new ArrayList<>();
        for (int i = 0; i < ExecutionSeqs.BLOCK + 1; i++) {
            a.add(seqs.next("sbx_a"));
        }
        assertThat(a.subList(0, 3)).containsExactly(1L, 2L, 3L);
        assertThat(a.getLast()).isEqualTo(ExecutionSeqs.BLOCK + 1L);
        assertThat(seqs.next("sbx_b")).isEqualTo(1);
        assertThat(store.reservations.get()).isEqualTo(3);
    }

    @Test
    void aRestartedNodeContinuesAfterTheReservedBlockNeverReusingANumber() {
        CountingSandboxes store = new CountingSandboxes();
        ExecutionSeqs before = new ExecutionSeqs(store);
        Set<Long> seen = new HashSet<>();
        for (int i = 0; i < 5; i++) {
            seen.add(before.next("sbx_a"));
        }
        ExecutionSeqs after = new ExecutionSeqs(store);
        long next = after.next("sbx_a");
        assertThat(seen).doesNotContain(next);
        assertThat(next).isEqualTo(ExecutionSeqs.BLOCK + 1L);
    }

    @Test
    void concurrentCallersGetDistinctNumbers() throws Exception {
        ExecutionSeqs seqs = new ExecutionSeqs(new CountingSandboxes());
        Set<Long> all = java.util.concurrent.ConcurrentHashMap.newKeySet();
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
            threads.add(Thread.ofPlatform().start(() -> {
                for (int i = 0; i < 500; i++) {
                    all.add(seqs.next("sbx_a"));
                }
            }));
        }
        for (Thread t : threads) {
            t.join();
        }
        assertThat(all).hasSize(4000);
    }
}
