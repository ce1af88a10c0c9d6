package io.runcell.driver.microvm;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.ToLongFunction;

/**
 * One VM's exit notices of one kind ({@link ExitNotice}s of the exec wrapper by pid, {@link LaunchNotice}s of the
 * launcher by request id), matched to the executions waiting for them. A notice may arrive before its execution
 * waits (a short command can end before the agent's reply is read), so unclaimed notices are kept, the newest
 * {@value #MAX_UNCLAIMED} of them: the guest can post as many as it likes.
 *
 * <p>Threading: all methods may be called concurrently.
 *
 * @param <N> the notice type
 */
final class ExitNoticeBoard<N> {

    static final int MAX_UNCLAIMED = 64;

    private final ToLongFunction<N> keyOf;
    private final Map<Long, CompletableFuture<N>> waiting = new HashMap<>();
    private volatile boolean delivered;
    private final Map<Long, N> unclaimed = new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, N> eldest) {
            return size() > MAX_UNCLAIMED;
        }
    };

    /** @param key what a notice is matched by (the execution's pid or request id) */
    ExitNoticeBoard(ToLongFunction<N> key) {
        this.keyOf = key;
    }

    /**
     * The next notice for {@code key}: already complete if one is waiting unclaimed. Calling it again after a
     * notice was taken waits for a newer one (the first may have been forged).
     */
    synchronized CompletableFuture<N> expect(long key) {
        CompletableFuture<N> f = new CompletableFuture<>();
        N early = unclaimed.remove(key);
        if (early != null) {
            f.complete(early);
        } else {
            waiting.put(key, f);
        }
        return f;
    }

    /** Delivers a notice to the execution waiting for its key, or keeps it until one does. */
    void post(N notice) {
        delivered = true;
        long k = keyOf.applyAsLong(notice);
        CompletableFuture<N> f;
        synchronized (this) {
            f = waiting.remove(k);
            if (f == null) {
                unclaimed.put(k, notice);
                return;
            }
        }
        f.complete(notice);
    }

    /**
     * Whether this VM has posted any notice: once it has, its executions rely on notices and poll the agent only
     * as a safety net (a guest that breaks its notice directory afterwards gets slow executions, nothing worse).
     */
    boolean delivered() {
        return delivered;
    }

    /** The execution of {@code key} is over: drops what is left of it. */
    synchronized void forget(long key) {
        waiting.remove(key);
        unclaimed.remove(key);
    }

    /** The notice, or null if none came within {@code millis} (or the future was completed with null to wake). */
    static <N> N await(CompletableFuture<N> notice, long millis) throws InterruptedException {
        try {
            return notice.get(Math.max(0, millis), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            return null;
        } catch (ExecutionException e) {
            throw new IllegalStateException(e);
        }
    }
}
