package io.runcell.core.vault;

import java.util.List;
import java.util.Optional;

/** Persistence of vaults and their encrypted secrets. */
public interface VaultRepository {

    /** Inserts the vault and its secrets together. */
    void insert(Vault vault, List<StoredSecret> secrets);

    /** The vault with the names of its secrets. */
    Optional<Vault> findById(String id);

    List<Vault> listByAccount(String accountId);

    long countByAccount(String accountId);

    /** Inserts or replaces one secret. */
    void putSecret(StoredSecret secret);

    /** Deletes one secret; whether it existed. */
    boolean deleteSecret(String vaultId, String name);

    /** Deletes the vault and its secrets. */
    void delete(String vaultId);

    List<StoredSecret> secrets(String vaultId);

    /** Every secret of every vault (master-key rotation). */
    List<StoredSecret> allSecrets();

    /** Replaces the ciphertexts of these secrets in one transaction (all or none). */
    void replaceCiphertexts(List<StoredSecret> secrets);
}
