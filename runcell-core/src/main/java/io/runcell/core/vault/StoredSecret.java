package io.runcell.core.vault;

import java.time.Instant;

/** One secret as stored: its value encrypted by a {@link SecretCipher} (base64 text). */
public record StoredSecret(String vaultId, String name, String ciphertext, Instant updatedAt) {

    @Override
    public String toString() {
        return "StoredSecret[" + vaultId + "/" + name + "]";
    }
}
