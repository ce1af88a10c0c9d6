package io.runcell.core.account;

import io.runcell.core.cache.TtlCache;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Keeps accounts found by id for a short time (every request reads the caller's account for its plan and blocked
 * flag). A write through this repository forgets them at once; one made on another node of a cluster takes effect
 * here within the time to live.
 */
public final class CachingAccountRepository implements AccountRepository {

    private final AccountRepository store;
    private final TtlCache<String, Account> byId;

    public CachingAccountRepository(AccountRepository store, Duration ttl) {
        this.store = store;
        this.byId = new TtlCache<>(ttl, 10_000);
    }

    @Override
    public void insert(Account account) {
        store.insert(account);
        byId.clear();
    }

    @Override
    public void update(Account account) {
        store.update(account);
        byId.clear();
    }

    @Override
    public Optional<Account> findById(String id) {
        return byId.get(id, store::findById);
    }

    @Override
    public Optional<Account> findByName(String name) {
        return store.findByName(name);
    }

    @Override
    public List<Account> list() {
        return store.list();
    }

    @Override
    public long count() {
        return store.count();
    }
}
