package io.runcell.core.account;

import io.runcell.core.error.ErrorCode;
import io.runcell.core.error.RuncellException;
import java.util.Optional;

/** Turns a presented token into a {@link Principal}. Unknown, malformed and revoked keys look the same. */
public final class Authenticator {

    private static final int MAX_TOKEN_LENGTH = 256;

    private final ApiKeyRepository keys;
    private final AccountRepository accounts;

    public Authenticator(ApiKeyRepository keys, AccountRepository accounts) {
        this.keys = keys;
        this.accounts = accounts;
    }

    public Principal authenticate(String token) {
        return tryAuthenticate(token).orElseThrow(() -> RuncellException.of(ErrorCode.UNAUTHORIZED));
    }

    public Optional<Principal> tryAuthenticate(String token) {
        if (token == null || token.isBlank() || token.length() > MAX_TOKEN_LENGTH) {
            return Optional.empty();
        }
        return keys.findByHash(Tokens.hash(token.strip()))
                .filter(k -> !k.revoked())
                .flatMap(k -> accounts.findById(k.accountId())
                        .map(a -> new Principal(a.id(), k.id(), k.scopes(), a.plan(), a.blocked())));
    }
}
