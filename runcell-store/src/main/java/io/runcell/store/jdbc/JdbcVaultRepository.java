package io.runcell.store.jdbc;

import io.runcell.core.vault.StoredSecret;
import io.runcell.core.vault.Vault;
import io.runcell.core.vault.VaultRepository;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Vaults in {@code vaults}, their encrypted secrets in {@code vault_secrets}. */
public final class JdbcVaultRepository implements VaultRepository {

    private static final String UPSERT_SECRET = "INSERT INTO vault_secrets (vault_id, name, ciphertext, updated_at)"
            + " VALUES (?, ?, ?, ?) ON CONFLICT (vault_id, name) DO UPDATE SET ciphertext = excluded.ciphertext,"
            + " updated_at = excluded.updated_at";

    private final Jdbc jdbc;

    public JdbcVaultRepository(Jdbc jdbc) {
        this.jdbc = jdbc;
    }

    @Override
    public void insert(Vault vault, List<StoredSecret> secrets) {
        List<Jdbc.Statement> st = new ArrayList<>();
        st.add(new Jdbc.Statement(
                "INSERT INTO vaults (id, account_id, name, created_at) VALUES (?, ?, ?, ?)",
                vault.id(),
                vault.accountId(),
                vault.name(),
                vault.createdAt()));
        for (StoredSecret s : secrets) {
            st.add(new Jdbc.Statement(UPSERT_SECRET, s.vaultId(), s.name(), s.ciphertext(), s.updatedAt()));
        }
        jdbc.transaction(st);
    }

    @Override
    public Optional<Vault> findById(String id) {
        return jdbc.queryOne("SELECT id, account_id, name, created_at FROM vaults WHERE id = ?", this::map, id);
    }

    @Override
    public List<Vault> listByAccount(String accountId) {
        return jdbc.query(
                "SELECT id, account_id, name, created_at FROM vaults WHERE account_id = ? ORDER BY id",
                this::map,
                accountId);
    }

    @Override
    public long countByAccount(String accountId) {
        return jdbc.queryLong("SELECT COUNT(*) FROM vaults WHERE account_id = ?", accountId);
    }

    @Override
    public void putSecret(StoredSecret s) {
        jdbc.update(UPSERT_SECRET, s.vaultId(), s.name(), s.ciphertext(), s.updatedAt());
    }

    @Override
    public boolean deleteSecret(String vaultId, String name) {
        return jdbc.update("DELETE FROM vault_secrets WHERE vault_id = ? AND name = ?", vaultId, name) > 0;
    }

    @Override
    public void delete(String vaultId) {
        jdbc.transaction(List.of(
                new Jdbc.Statement("DELETE FROM vault_secrets WHERE vault_id = ?", vaultId),
                new Jdbc.Statement("DELETE FROM vaults WHERE id = ?", vaultId)));
    }

    @Override
    public List<StoredSecret> secrets(String vaultId) {
        return jdbc.query(
                "SELECT vault_id, name, ciphertext, updated_at FROM vault_secrets WHERE vault_id = ?"
                        + " ORDER BY name",
                JdbcVaultRepository::secret,
                vaultId);
    }

    @Override
    public List<StoredSecret> allSecrets() {
        return jdbc.query(
                "SELECT vault_id, name, ciphertext, updated_at FROM vault_secrets ORDER BY vault_id, name",
                JdbcVaultRepository::secret);
    }

    @Override
    public void replaceCiphertexts(List<StoredSecret> secrets) {
        jdbc.transaction(secrets.stream()
                .map(s -> new Jdbc.Statement(
                        "UPDATE vault_secrets SET ciphertext = ? WHERE vault_id = ? AND name = ?",
                        s.ciphertext(),
                        s.vaultId(),
                        s.name()))
                .toList());
    }

    private Vault map(ResultSet rs) throws SQLException {
        String id = rs.getString("id");
        String accountId = rs.getString("account_id");
        String name = rs.getString("name");
        Instant created = Jdbc.instant(rs, "created_at");
        List<String> names =
                jdbc.query("SELECT name FROM vault_secrets WHERE vault_id = ? ORDER BY name", r -> r.getString(1), id);
        return new Vault(id, accountId, name, names, created);
    }

    private static StoredSecret secret(ResultSet rs) throws SQLException {
        return new StoredSecret(
                rs.getString("vault_id"),
                rs.getString("name"),
                rs.getString("ciphertext"),
                Jdbc.instant(rs, "updated_at"));
    }
}
