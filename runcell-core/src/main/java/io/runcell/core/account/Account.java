package io.runcell.core.account;

import java.time.Instant;

/** An owner of sandboxes, keys and vaults. A blocked account can authenticate but do nothing. */
public record Account(String id, String name, String plan, boolean blocked, Instant createdAt) {

    public Account withPlan(String newPlan) {
        return new Account(id, name, newPlan, blocked, createdAt);
    }

    public Account withBlocked(boolean newBlocked) {
        return new Account(id, name, plan, newBlocked, createdAt);
    }
}
