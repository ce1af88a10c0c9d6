package io.runcell.core.account;

import io.runcell.core.error.ErrorCode;
import io.runcell.core.error.RuncellException;
import java.util.Set;

/** The authenticated caller of one request. */
public record Principal(String accountId, String keyId, Set<Scope> scopes, String plan, boolean blocked) {

    public Principal {
        scopes = Set.copyOf(scopes);
    }

    public boolean has(Scope scope) {
        return scopes.contains(scope) || scopes.contains(Scope.ADMIN);
    }

    /** Throws {@link ErrorCode#FORBIDDEN} unless the key has {@code scope} (or admin). */
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
