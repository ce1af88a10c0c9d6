package io.runcell.core.execution;

import io.runcell.core.sandbox.SandboxRepository;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Hands out each sandbox's execution sequence numbers (Hostup pids) from blocks reserved in the store, so an
 * execution costs no write for its number: one store write per {@link #BLOCK} executions of a sandbox. Only the
 * sandbox's node starts its executions, so one allocator per node never hands a number out twice; a block left
 * unused at a restart is a gap (pids stay unique and small, not contiguous). Thread-safe.
 */
final class ExecutionSeqs {

    static final int BLOCK = 32;
    /** Blocks kept at most; forgetting one only costs a gap and a store write (sandboxes come and go). */
    static final int MAX_SANDBOXES = 10_000;

    private final SandboxRepository store;
    private final Map<String, Block> blocks = new ConcurrentHashMap<>();

    ExecutionSeqs(SandboxRepository store) {
        this.store = store;
    }

    /** The sandbox's next sequence number. */
    long next(String sandboxId) {
        if (blocks.size() >= MAX_SANDBOXES && !blocks.containsKey(sandboxId)) {
            blocks.clear();
        }
        Block block = blocks.computeIfAbsent(sandboxId, k -> new Block());
        // a lock that parks: a contended monitor spins, and many clients of one sandbox contend
        block.lock.lock();
        try {
            if (block.next > block.last) {
                block.last = store.reserveExecutionSeqs(sandboxId, BLOCK);
                block.next = block.last - BLOCK + 1;
            }
            return block.next++;
        } finally {
            block.lock.unlock();
        }
    }

    private static final class Block {
        final ReentrantLock lock = new ReentrantLock();
        long next = 1;
        long last = 0;
    }
}
