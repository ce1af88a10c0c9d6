package io.runcell.store.jdbc;

import io.runcell.core.account.ApiKey;
import io.runcell.core.account.ApiKeyRepository;
import io.runcell.core.account.Scope;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/** API keys in {@code api_keys}; scopes are stored as space-separated wire names ({@code read:vm admin}). */
public final class JdbcApiKeyRepository implements ApiKeyRepository {

    private static final String COLUMNS = "id, account_id, name, token_hash, prefix, scopes, created_at, revoked_at";

    private final Jdbc jdbc;

    public JdbcApiKeyRepository(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    @Override
    public void insert(ApiKey k) {
        jdbc.update(
                "INSERT INTO api_keys (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                k.id(),
                k.accountId(),
                k.name(),
                k.tokenHash(),
                k.prefix(),
                scopesText(k.scopes()),
                k.createdAt(),
                k.revokedAt());
    }

    @Override
    public Optional<ApiKey> findByHash(String tokenHash) {
        return jdbc.queryOne(
                "SELECT " + COLUMNS + " FROM api_keys WHERE token_hash = ?", JdbcApiKeyRepository::map, tokenHash);
    }

    @Override
    public Optional<ApiKey> findById(String id) {
        return jdbc.queryOne("SELECT " + COLUMNS + " FROM api_keys WHERE id = ?", JdbcApiKeyRepository::map, id);
    }

    @Override
    public List<ApiKey> listByAccount(String accountId) {
        return jdbc.query(
                "SELECT " + COLUMNS + " FROM api_keys WHERE account_id = ? ORDER BY id",
                JdbcApiKeyRepository::map,
                accountId);
    }

    @Override
    public boolean revoke(String id, Instant at) {
        return jdbc.update("UPDATE api_keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL", at, id) > 0;
    }

    static String scopesText(Set<Scope> scopes) {
        // Enum order, so equal sets store equal text.
        EnumSet<Scope> ordered = EnumSet.noneOf(Scope.class);
        ordered.addAll(scopes);
        return ordered.stream().map(Scope::wire).collect(Collectors.joining(" "));
    }

    static Set<Scope> scopes(String text) {
        return Arrays.stream(text.split(" "))
                .filter(s -> !s.isEmpty())
                .map(s ->
                        Scope.fromWire(s).orElseThrow(() -> new IllegalStateException("unknown scope in store: " + s)))
                .collect(Collectors.toUnmodifiableSet());
    }

    private static ApiKey map(ResultSet rs) throws SQLException {
        return new ApiKey(
                rs.getString("id"),
                rs.getString("account_id"),
                rs.getString("name"),
                rs.getString("token_hash"),
                rs.getString("prefix"),
                scopes(rs.getString("scopes")),
                Jdbc.instant(rs, "created_at"),
                Jdbc.instant(rs, "revoked_at"));
    }
}
