package io.runcell.core.account;

import io.runcell.core.cache.TtlCache;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Keeps keys found by token hash for a short time: every request authenticates, and the key rarely changes. A
 * revoke or insert through this repository forgets them at once; one made on another node of a cluster takes
 * effect here within the time to live.
 */
public final class CachingApiKeyRepository implements ApiKeyRepository {

    private final ApiKeyRepository store;
    private final TtlCache<String, ApiKey> byHash;

    public CachingApiKeyRepository(ApiKeyRepository store, Duration ttl) {
        this.store = store;
        this.byHash = new TtlCache<>(ttl, 10_000);
    }

    @Override
    public void insert(ApiKey key) {
        store.insert(key);
        byHash.clear();
    }

    @Override
    public Optional<ApiKey> findByHash(String tokenHash) {
        return byHash.get(tokenHash, store::findByHash);
    }

    @Override
    public Optional<ApiKey> findById(String id) {
        return store.findById(id);
    }

    @Override
    public List<ApiKey> listByAccount(String accountId) {
        return store.listByAccount(accountId);
    }

    @Override
    public boolean revoke(String id, Instant at) {
        boolean revoked = store.revoke(id, at);
        byHash.clear();
        return revoked;
    }
}
