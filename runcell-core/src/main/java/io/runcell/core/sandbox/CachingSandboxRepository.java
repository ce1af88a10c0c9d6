package io.runcell.core.sandbox;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Keeps the records of the sandboxes this node owns in memory, so looking one up (every execution does) costs no
 * query. Every change to such a record is made on this node and through this repository (a request for a
 * sandbox is served by its node), so the copy is written through and stays the store's. The one exception: while
 * this node was declared dead, other nodes marked its sandboxes unknown; {@link #forgetAll()} must run before it
 * reconciles. Other nodes' sandboxes and destroyed ones are never kept.
 *
 * <p>Thread-safe: a write and the cache update for its sandbox happen under that entry's lock, and a miss loads
 * under it, so a load can never put back a record older than a concurrent write.
 */
public final class CachingSandboxRepository implements SandboxRepository {

    private final SandboxRepository store;
    private final String self;
    private final Map<String, Sandbox> owned = new ConcurrentHashMap<>();

    public CachingSandboxRepository(SandboxRepository store, String self) {
        this.store = store;
        this.self = self;
    }

    /** Drops every kept record: the next look-ups read the store. */
    public void forgetAll() {
        owned.clear();
    }

    @Override
    public Optional<Sandbox> findById(String id) {
        Sandbox kept = owned.get(id);
        if (kept != null) {
            return Optional.of(kept);
        }
        Sandbox[] loaded = new Sandbox[1];
        owned.computeIfAbsent(id, k -> {
            loaded[0] = store.findById(k).orElse(null);
            return keepable(loaded[0]) ? loaded[0] : null;
        });
        // another thread may have loaded it first (then loaded[0] is unset and the map has it)
        return Optional.ofNullable(loaded[0] != null ? loaded[0] : owned.get(id));
    }

    @Override
    public void insert(Sandbox sandbox) {
        owned.compute(sandbox.id(), (k, old) -> {
            store.insert(sandbox);
            return keepable(sandbox) ? sandbox : null;
        });
    }

    @Override
    public void update(Sandbox sandbox) {
        owned.compute(sandbox.id(), (k, old) -> {
            store.update(sandbox);
            return keepable(sandbox) ? sandbox : null;
        });
    }

    private boolean keepable(Sandbox s) {
        return s != null && self.equals(s.nodeId()) && !s.destroyed();
    }

    @Override
    public long nextNumber() {
        return store.nextNumber();
    }

    @Override
    public Optional<Sandbox> findByNumber(long number) {
        return store.findByNumber(number);
    }

    @Override
    public List<Sandbox> listByAccount(String accountId, Set<SandboxState> excluded, String afterId, int limit) {
        return store.listByAccount(accountId, excluded, afterId, limit);
    }

    @Override
    public List<Sandbox> listByStates(Set<SandboxState> states, String nodeId) {
        return store.listByStates(states, nodeId);
    }

    @Override
    public List<Sandbox> findExpired(Instant now, String nodeId) {
        return store.findExpired(now, nodeId);
    }

    @Override
    public int countByAccount(String accountId, Set<SandboxState> excluded) {
        return store.countByAccount(accountId, excluded);
    }

    @Override
    public long reserveExecutionSeqs(String sandboxId, int count) {
        return store.reserveExecutionSeqs(sandboxId, count);
    }
}
