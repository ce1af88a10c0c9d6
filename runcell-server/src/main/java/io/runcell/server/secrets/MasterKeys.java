package io.runcell.server.secrets;

import io.runcell.core.vault.MasterKeyStore;
import io.runcell.core.vault.SecretCipher;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The master key: from {@code RUNCELL_MASTER_KEY} (base64 of 32 bytes) if set, else the key file
 * {@code <data-dir>/master.key} (created 0600 with a random key on first start). A rotation saves the new key to
 * {@code master.key.next} first and renames it over {@code master.key} once the store is re-encrypted; with the
 * environment variable the operator is told the new key to set instead.
 */
public final class MasterKeys implements MasterKeyStore {

    private static final Logger LOG = LoggerFactory.getLogger(MasterKeys.class);
    public static final String FILE = "master.key";
    public static final String NEXT_FILE = "master.key.next";

    private final Path file;
    private final boolean fromEnvironment;
    private volatile AesGcmCipher current;

    private MasterKeys(Path file, boolean fromEnvironment, AesGcmCipher current) {
        this.file = file;
        this.fromEnvironment = fromEnvironment;
        this.current = current;
    }

    /**
     * Loads the key. {@code opensStore} tells whether a candidate key decrypts the stored secrets: used only
     * when a rotation was interrupted (a {@code master.key.next} is present) to pick the key the store uses.
     */
    public static MasterKeys load(Path dataDir, String environmentKey, Predicate<SecretCipher> opensStore) {
        Path file = dataDir.resolve(FILE);
        Path next = dataDir.resolve(NEXT_FILE);
        try {
            if (environmentKey != null && !environmentKey.isBlank()) {
                AesGcmCipher env = new AesGcmCipher(decode(environmentKey.strip(), "RUNCELL_MASTER_KEY"));
                if (Files.exists(next)) {
                    AesGcmCipher pending =
                            new AesGcmCipher(decode(Files.readString(next).strip(), NEXT_FILE));
                    if (!opensStore.test(env) && opensStore.test(pending)) {
                        throw new IllegalStateException("the store was re-encrypted under the key in " + next
                                + ": set RUNCELL_MASTER_KEY to it (then delete that file)");
                    }
                }
                return new MasterKeys(file, true, env);
            }
            if (!Files.exists(file)) {
                AesGcmCipher fresh = AesGcmCipher.random();
                writeKey(file, fresh);
                LOG.info("created the master key file {}", file);
                return new MasterKeys(file, false, fresh);
            }
            AesGcmCipher loaded = new AesGcmCipher(decode(Files.readString(file).strip(), file.toString()));
            if (Files.exists(next)) {
                AesGcmCipher pending =
                        new AesGcmCipher(decode(Files.readString(next).strip(), NEXT_FILE));
                if (!opensStore.test(loaded) && opensStore.test(pending)) {
                    LOG.warn("an interrupted master-key rotation had re-encrypted the store: finishing it");
                    Files.move(next, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                    return new MasterKeys(file, false, pending);
                }
                Files.delete(next);
            }
            return new MasterKeys(file, false, loaded);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or create the master key " + file, e);
        }
    }

    public boolean fromEnvironment() {
        return fromEnvironment;
    }

    @Override
    public SecretCipher current() {
        return current;
    }

    @Override
    public Rotation begin() {
        AesGcmCipher next = AesGcmCipher.random();
        Path nextFile = file.resolveSibling(NEXT_FILE);
        try {
            writeKey(nextFile, next);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot save the new master key", e);
        }
        return new Rotation() {
            @Override
            public SecretCipher cipher() {
                return next;
            }

            @Override
            public String commit() {
                current = next;
                if (fromEnvironment) {
                    return "The secrets are now encrypted under a new master key. Set RUNCELL_MASTER_KEY="
                            + next.keyBase64() + " before the next start (it is also in " + nextFile
                            + "; delete that file once set).";
                }
                try {
                    Files.move(nextFile, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot install the new master key file", e);
                }
                return null;
            }
        };
    }

    private static void writeKey(Path target, AesGcmCipher cipher) throws IOException {
        Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
        Files.deleteIfExists(tmp);
        Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(tmp, cipher.keyBase64() + "\n", StandardCharsets.US_ASCII);
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static byte[] decode(String base64, String source) {
        byte[] key;
        try {
            key = Base64.getDecoder().decode(base64);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(source + " is not base64");
        }
        if (key.length != AesGcmCipher.KEY_BYTES) {
            throw new IllegalArgumentException(source + " must be base64 of 32 bytes, got " + key.length);
        }
        return key;
    }
}
