package io.runcell.core.vault;

import io.runcell.core.account.Principal;
import io.runcell.core.account.Scope;
import io.runcell.core.error.ErrorCode;
import io.runcell.core.error.FieldError;
import io.runcell.core.error.RuncellException;
import io.runcell.core.id.Ids;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Vaults of secrets: create, list (names only), put and delete a secret, delete a vault; the owner or an admin
 * may manage a vault, another account's vault is not found. Values are encrypted under the master key before
 * they reach the store and are only ever decrypted to be injected into an execution. Never logs a value.
 */
public final class VaultService {

    private static final Logger LOG = LoggerFactory.getLogger(VaultService.class);
    public static final String PREFIX = "vlt_";
    private static final Pattern SECRET_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,127}");
    public static final int MAX_SECRETS = 100;
    public static final int MAX_VALUE_LENGTH = 32 * 1024;
    public static final int MAX_VAULTS_PER_ACCOUNT = 1000;
    public static final int MAX_VAULTS_PER_EXECUTION = 16;
    private static final int MAX_NAME = 100;

    /** Secrets resolved for one execution: its extra environment and the redactor of their values. */
    public record Resolved(Map<String, String> env, Redactor redactor) {

        public static final Resolved NONE = new Resolved(Map.of(), Redactor.NONE);

        @Override
        public String toString() {
            return "Resolved[" + env.keySet() + "]";
        }
    }

    /** What a rotation did; {@code operatorMessage} is non-null when the operator must set a new key. */
    public record Rotation(int secrets, String operatorMessage) {}

    private final VaultRepository vaults;
    private final MasterKeyStore keys;
    private final InstantSource clock;
    private final Ids ids;
    private final Object rotationLock = new Object();

    public VaultService(VaultRepository vaults, MasterKeyStore keys, Ids ids, InstantSource clock) {
        this.vaults = vaults;
        this.keys = keys;
        this.ids = ids;
        this.clock = clock;
    }

    public Vault create(Principal caller, String name, Map<String, String> secrets) {
        caller.require(Scope.WRITE_VM);
        caller.requireNotBlocked();
        checkName(name);
        Map<String, String> values = secrets == null ? Map.of() : secrets;
        if (values.size() > MAX_SECRETS) {
            throw RuncellException.invalid(new FieldError(
                    "secrets", FieldError.Kind.TOO_LARGE, "a vault holds at most " + MAX_SECRETS + " secrets", (long)
                            MAX_SECRETS));
        }
        values.forEach((k, v) -> checkSecret("secrets." + k, k, v));
        if (vaults.countByAccount(caller.accountId()) >= MAX_VAULTS_PER_ACCOUNT) {
            throw new RuncellException(
                    ErrorCode.QUOTA_EXCEEDED, "An account holds at most " + MAX_VAULTS_PER_ACCOUNT + " vaults.");
        }
        Instant now = clock.instant();
        String id = ids.next(PREFIX);
        List<StoredSecret> stored = new ArrayList<>();
        synchronized (rotationLock) {
            SecretCipher cipher = keys.current();
            values.forEach((k, v) -> stored.add(seal(cipher, id, k, v, now)));
            Vault vault = new Vault(
                    id,
                    caller.accountId(),
                    name,
                    values.keySet().stream().sorted().toList(),
                    now);
            vaults.insert(vault, stored);
            return vault;
        }
    }

    public List<Vault> list(Principal caller) {
        caller.require(Scope.READ_VM);
        return vaults.listByAccount(caller.accountId());
    }

    public Vault get(Principal caller, String id) {
        caller.require(Scope.READ_VM);
        return manageable(caller, id);
    }

    public void putSecret(Principal caller, String vaultId, String name, String value) {
        caller.require(Scope.WRITE_VM);
        caller.requireNotBlocked();
        Vault vault = manageable(caller, vaultId);
        checkSecret("name", name, value);
        if (!vault.secretNames().contains(name) && vault.secretNames().size() >= MAX_SECRETS) {
            throw new RuncellException(ErrorCode.QUOTA_EXCEEDED, "A vault holds at most " + MAX_SECRETS + " secrets.");
        }
        synchronized (rotationLock) {
            vaults.putSecret(seal(keys.current(), vault.id(), name, value, clock.instant()));
        }
    }

    public void deleteSecret(Principal caller, String vaultId, String name) {
        caller.require(Scope.WRITE_VM);
        caller.requireNotBlocked();
        Vault vault = manageable(caller, vaultId);
        if (!vaults.deleteSecret(vault.id(), name)) {
            throw new RuncellException(ErrorCode.NOT_FOUND, "No such secret in this vault.");
        }
    }

    public void delete(Principal caller, String vaultId) {
        caller.require(Scope.WRITE_VM);
        caller.requireNotBlocked();
        vaults.delete(manageable(caller, vaultId).id());
    }

    /**
     * Checks up front that every id names a vault of the caller's account (dialects validate before they start
     * anything). Unknown or foreign ids fail with {@link ErrorCode#INVALID_REQUEST} on {@code vault_ids[i]}.
     */
    public void requireUsable(Principal caller, List<String> vaultIds) {
        usable(caller, vaultIds);
    }

    /** Decrypts the secrets of these vaults (of the caller's account) for one execution. */
    public Resolved resolve(Principal caller, List<String> vaultIds) {
        if (vaultIds == null || vaultIds.isEmpty()) {
            return Resolved.NONE;
        }
        List<Vault> usable = usable(caller, vaultIds);
        Map<String, String> env = new LinkedHashMap<>();
        List<Map.Entry<String, String>> values = new ArrayList<>();
        synchronized (rotationLock) {
            SecretCipher cipher = keys.current();
            for (Vault v : usable) {
                for (StoredSecret s : vaults.secrets(v.id())) {
                    String value = open(cipher, s);
                    env.put(s.name(), value);
                    // a value shadowed by a later vault's secret of the same name is still redacted
                    values.add(Map.entry(s.name(), value));
                }
            }
        }
        return new Resolved(env, Redactor.ofEntries(values));
    }

    /**
     * Re-encrypts every secret under a new master key (admin). The store is rewritten in one transaction; the new
     * key is saved aside first and made current after.
     */
    public Rotation rotateMasterKey(Principal caller) {
        caller.require(Scope.ADMIN);
        synchronized (rotationLock) {
            SecretCipher old = keys.current();
            MasterKeyStore.Rotation rotation = keys.begin();
            List<StoredSecret> all = vaults.allSecrets();
            List<StoredSecret> rewritten = new ArrayList<>(all.size());
            for (StoredSecret s : all) {
                byte[] aad = aad(s.vaultId(), s.name());
                byte[] plain = old.decrypt(s.ciphertext(), aad);
                rewritten.add(new StoredSecret(
                        s.vaultId(), s.name(), rotation.cipher().encrypt(plain, aad), s.updatedAt()));
                java.util.Arrays.fill(plain, (byte) 0);
            }
            vaults.replaceCiphertexts(rewritten);
            String message = rotation.commit();
            LOG.info("master key rotated; {} secrets re-encrypted", rewritten.size());
            return new Rotation(rewritten.size(), message);
        }
    }

    /** Whether {@code cipher} opens the stored secrets (true when there are none): start-up key recovery. */
    public static boolean opensStoredSecrets(VaultRepository vaults, SecretCipher cipher) {
        List<StoredSecret> all = vaults.allSecrets();
        if (all.isEmpty()) {
            return true;
        }
        StoredSecret s = all.getFirst();
        try {
            cipher.decrypt(s.ciphertext(), aad(s.vaultId(), s.name()));
            return true;
        } catch (SecretCipher.DecryptionException e) {
            return false;
        }
    }

    private List<Vault> usable(Principal caller, List<String> vaultIds) {
        if (vaultIds == null || vaultIds.isEmpty()) {
            return List.of();
        }
        if (vaultIds.size() > MAX_VAULTS_PER_EXECUTION) {
            throw RuncellException.invalid(new FieldError(
                    "vault_ids",
                    FieldError.Kind.TOO_LARGE,
                    "vault_ids has at most " + MAX_VAULTS_PER_EXECUTION + " entries",
                    (long) MAX_VAULTS_PER_EXECUTION));
        }
        List<Vault> out = new ArrayList<>();
        for (int i = 0; i < vaultIds.size(); i++) {
            String id = vaultIds.get(i);
            final int index = i;
            Vault v = find(id).filter(x -> x.accountId().equals(caller.accountId()))
                    .orElseThrow(() -> RuncellException.invalid(FieldError.of(
                            "vault_ids[" + index + "]",
                            FieldError.Kind.INVALID_VALUE,
                            "vault_ids[" + index + "] is not a vault of this account")));
            if (out.stream().noneMatch(x -> x.id().equals(v.id()))) {
                out.add(v);
            }
        }
        return out;
    }

    private Vault manageable(Principal caller, String id) {
        return find(id).filter(v -> caller.isAdmin() || v.accountId().equals(caller.accountId()))
                .orElseThrow(() -> new RuncellException(ErrorCode.NOT_FOUND, "No such vault."));
    }

    private Optional<Vault> find(String id) {
        if (id == null || Ids.ulidOf(PREFIX, id).isEmpty()) {
            return Optional.empty();
        }
        return vaults.findById(id);
    }

    private static StoredSecret seal(SecretCipher cipher, String vaultId, String name, String value, Instant now) {
        byte[] plain = value.getBytes(StandardCharsets.UTF_8);
        try {
            return new StoredSecret(vaultId, name, cipher.encrypt(plain, aad(vaultId, name)), now);
        } finally {
            java.util.Arrays.fill(plain, (byte) 0);
        }
    }

    private static String open(SecretCipher cipher, StoredSecret s) {
        try {
            return new String(cipher.decrypt(s.ciphertext(), aad(s.vaultId(), s.name())), StandardCharsets.UTF_8);
        } catch (SecretCipher.DecryptionException e) {
            LOG.error("secret {}/{} could not be decrypted with the master key", s.vaultId(), s.name());
            throw new RuncellException(ErrorCode.INTERNAL, "A secret of this vault could not be decrypted.");
        }
    }

    static byte[] aad(String vaultId, String name) {
        return (vaultId + "/" + name).getBytes(StandardCharsets.UTF_8);
    }

    private static void checkName(String name) {
        if (name == null || name.isBlank()) {
            throw RuncellException.invalid(FieldError.of("name", FieldError.Kind.MISSING, "name is required"));
        }
        if (name.length() > MAX_NAME) {
            throw RuncellException.invalid(new FieldError(
                    "name", FieldError.Kind.TOO_LONG, "name is at most " + MAX_NAME + " characters", (long) MAX_NAME));
        }
    }

    private static void checkSecret(String field, String name, String value) {
        if (name == null || !SECRET_NAME.matcher(name).matches()) {
            throw RuncellException.invalid(
                    FieldError.of(
                            field,
                            FieldError.Kind.INVALID_VALUE,
                            "a secret name is an environment variable name: a letter or '_', then letters, digits or '_' (at most 128)"));
        }
        if (value == null || value.isEmpty()) {
            throw RuncellException.invalid(
                    FieldError.of(field, FieldError.Kind.MISSING, "a secret's value must not be empty"));
        }
        if (value.length() > MAX_VALUE_LENGTH) {
            throw RuncellException.invalid(new FieldError(
                    field,
                    FieldError.Kind.TOO_LONG,
                    "a secret's value is at most " + MAX_VALUE_LENGTH + " characters",
                    (long) MAX_VALUE_LENGTH));
        }
        if (value.indexOf('\0') >= 0) {
            throw RuncellException.invalid(
                    FieldError.of(field, FieldError.Kind.INVALID_VALUE, "a secret's value must not contain NUL"));
        }
    }
}
