package io.runcell.core.account;

import static org.assertj.core.api.Assertions.assertThat;

import io.runcell.core.fakes.MemoryStore;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import org.junit.jupiter.api.Test;

class CachingApiKeyRepositoryTest {

    private final MemoryStore store = new MemoryStore();
    private final CachingApiKeyRepository keys = new CachingApiKeyRepository(store.keys, Duration.ofHours(1));

    private static ApiKey key(String id, String hash) {
        return new ApiKey(id, "acc_1", "k", hash, "rc_abc", Set.of(Scope.READ_VM), Instant.EPOCH, null);
    }

    @Test
    void aRevokeThroughTheCacheAppliesAtOnce() {
        keys.insert(key("key_1", "h1"));
        assertThat(keys.findByHash("h1"))
                .hasValueSatisfying(k -> assertThat(k.revoked()).isFalse());
        keys.revoke("key_1", Instant.EPOCH.plusSeconds(1));
        assertThat(keys.findByHash("h1"))
                .hasValueSatisfying(k -> assertThat(k.revoked()).isTrue());
    }

    @Test
    void aChangeBehindItsBackShowsOnlyAfterTheTimeToLive() {
        keys.insert(key("key_2", "h2"));
        keys.findByHash("h2");
        // another node revokes it in the shared store
        store.keys.revoke("key_2", Instant.EPOCH.plusSeconds(1));
        assertThat(keys.findByHash("h2"))
                .hasValueSatisfying(k -> assertThat(k.revoked()).isFalse());
        CachingApiKeyRepository fresh = new CachingApiKeyRepository(store.keys, Duration.ZERO);
        assertThat(fresh.findByHash("h2"))
                .hasValueSatisfying(k -> assertThat(k.revoked()).isTrue());
    }
}
