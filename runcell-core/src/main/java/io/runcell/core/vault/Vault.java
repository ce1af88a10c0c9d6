package io.runcell.core.vault;

import java.time.Instant;
import java.util.List;

/** A vault as shown to its owner: the names of its secrets, never their values. */
public record Vault(String id, String accountId, String name, List<String> secretNames, Instant createdAt) {

    public Vault {
        secretNames = List.copyOf(secretNames);
    }
}
