package io.runcell.core.sandbox;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * One lock per sandbox id, so lifecycle transitions of one sandbox are serialised while different sandboxes
 * proceed in parallel. ReentrantLock rather than synchronized: callers are virtual threads.
 */
final class SandboxLocks {

    private final ConcurrentHashMap<String, ReentrantLock> locks = new ConcurrentHashMap<>();

    <T> T with(String sandboxId, Supplier<T> action) {
        ReentrantLock lock = locks.computeIfAbsent(sandboxId, k -> new ReentrantLock());
        lock.lock();
        try {
            return action.get();
        } finally {
            lock.unlock();
        }
    }

    void forget(String sandboxId) {
        locks.remove(sandboxId);
    }
}
