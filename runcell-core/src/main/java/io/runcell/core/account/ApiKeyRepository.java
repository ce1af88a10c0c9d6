package io.runcell.core.account;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Persistence of API keys (hashes only). */
public interface ApiKeyRepository {

    void insert(ApiKey key);

    Optional<ApiKey> findByHash(String tokenHash);

    Optional<ApiKey> findById(String id);

    List<ApiKey> listByAccount(String accountId);

    /** Marks the key revoked; returns false if it did not exist or was already revoked. */
    boolean revoke(String id, Instant at);
}
