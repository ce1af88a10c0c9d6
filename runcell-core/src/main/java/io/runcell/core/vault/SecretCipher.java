package io.runcell.core.vault;

/**
 * Port: authenticated encryption of secret values under the node's master key. The associated data binds a
 * ciphertext to its place (vault id and secret name), so a ciphertext copied to another row fails to decrypt.
 */
public interface SecretCipher {

    /** Encrypts {@code plaintext}; a fresh nonce each call. Returns printable text (base64). */
    String encrypt(byte[] plaintext, byte[] associatedData);

    /**
     * Decrypts what {@link #encrypt} returned.
     *
     * @throws DecryptionException if the text was altered, the associated data differs or the key is not the one
     *                             that encrypted it
     */
    byte[] decrypt(String ciphertext, byte[] associatedData);

    /** The ciphertext could not be authenticated. Never carries secret material. */
    final class DecryptionException extends RuntimeException {
        public DecryptionException(String message) {
            super(message, null, false, false);
        }
    }
}
