package io.runcell.driver.microvm;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * One VM's exit notices, matched to the executions waiting for them. A notice may arrive before its execution
 * waits (under KVM a short command can end before the agent's {@code guest-exec} reply is read), so unclaimed
 * notices are kept, the newest {@value #MAX_UNCLAIMED} of them: the guest can post as many as it likes.
 *
 * <p>Threading: all methods may be called concurrently.
 */
final class ExitNoticeBoard {

    static final int MAX_UNCLAIMED = 64;

    private final Map<Long, CompletableFuture<ExitNotice>> waiting = new HashMap<>();
    private volatile boolean delivered;
    private final Map<Long, ExitNotice> unclaimed = new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, ExitNotice> eldest) {
            return size() > MAX_UNCLAIMED;
        }
    };

    /**
     * The next notice for {@code pid}: already complete if one is waiting unclaimed. Calling it again after a
     * notice was taken waits for a newer one (the first may have been forged).
     */
    synchronized CompletableFuture<ExitNotice> expect(long pid) {
        CompletableFuture<ExitNotice> f = new CompletableFuture<>();
        ExitNotice early = unclaimed.remove(pid);
        if (early != null) {
            f.complete(early);
        } else {
            waiting.put(pid, f);
        }
        return f;
    }

    /** Delivers a notice to the execution waiting for its pid, or keeps it until one does. */
    void post(ExitNotice notice) {
        delivered = true;
        CompletableFuture<ExitNotice> f;
        synchronized (this) {
            f = waiting.remove(notice.pid());
            if (f == null) {
                unclaimed.put(notice.pid(), notice);
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

    /** The execution of {@code pid} is over: drops what is left of it. */
    synchronized void forget(long pid) {
        waiting.remove(pid);
        unclaimed.remove(pid);
    }
}
