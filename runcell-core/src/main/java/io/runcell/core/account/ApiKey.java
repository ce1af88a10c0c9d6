package io.runcell.core.account;

import java.time.Instant;
import java.util.Set;

/**
 * A stored API key: only the SHA-256 of the token is kept, plus a short non-secret prefix for recognising it in
 * listings.
 */
public record ApiKey(
        String id,
        String accountId,
        String name,
        String tokenHash,
        String prefix,
        Set<Scope> scopes,
        Instant createdAt,
        Instant revokedAt) {

    public ApiKey {
        scopes = Set.copyOf(scopes);
    }

    public boolean revoked() {
        return revokedAt != null;
    }
}
