package io.runcell.core.account;

import io.runcell.core.error.ErrorCode;
import io.runcell.core.error.RuncellException;
import java.util.Set;

/** The authenticated caller of one request. */
public record Principal(String accountId, String keyId, Set<Scope> scopes, String plan, boolean blocked) {

    public Principal {
        scopes = Set.copyOf(scopes);
    }

    /** Whether one of the key's scopes implies {@code scope} ({@link Scope#implies}). */
    public boolean has(Scope scope) {
        return scopes.stream().anyMatch(s -> s.implies(scope));
    }

    /** Throws {@link ErrorCode#FORBIDDEN} unless one of the key's scopes implies {@code scope}. */
    public void require(Scope scope) {
        if (!has(scope)) {
            throw new RuncellException(ErrorCode.FORBIDDEN, "This API key lacks the " + scope.wire() + " scope.");
        }
    }

    /** Throws {@link ErrorCode#ACCOUNT_BLOCKED} if the account is blocked. */
    public void requireNotBlocked() {
        if (blocked) {
            throw RuncellException.of(ErrorCode.ACCOUNT_BLOCKED);
        }
    }

    public boolean isAdmin() {
        return scopes.contains(Scope.ADMIN);
    }
}
