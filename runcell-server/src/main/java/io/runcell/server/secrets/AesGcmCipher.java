package io.runcell.server.secrets;

import io.runcell.core.vault.SecretCipher;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * AES-256-GCM with a random 96-bit nonce per value and a 128-bit tag. The text form is base64 of
 * {@code version(1) || nonce(12) || ciphertext+tag}. Thread-safe (a {@link Cipher} per call).
 */
public final class AesGcmCipher implements SecretCipher {

    public static final int KEY_BYTES = 32;
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final byte VERSION = 1;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final SecretKeySpec key;
    private final byte[] keyBytes;

    public AesGcmCipher(byte[] key) {
        if (key.length != KEY_BYTES) {
            throw new IllegalArgumentException("an AES-256 key is 32 bytes, got " + key.length);
        }
        this.keyBytes = key.clone();
        this.key = new SecretKeySpec(this.keyBytes, "AES");
    }

    /** A cipher under a fresh random key. */
    public static AesGcmCipher random() {
        byte[] k = new byte[KEY_BYTES];
        RANDOM.nextBytes(k);
        return new AesGcmCipher(k);
    }

    /** The key in base64 (to write the key file or show the operator once). */
    public String keyBase64() {
        return Base64.getEncoder().encodeToString(keyBytes);
    }

    @Override
    public String encrypt(byte[] plaintext, byte[] associatedData) {
        byte[] nonce = new byte[NONCE_BYTES];
        RANDOM.nextBytes(nonce);
        try {
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
            c.updateAAD(associatedData);
            byte[] sealed = c.doFinal(plaintext);
            ByteBuffer out = ByteBuffer.allocate(1 + NONCE_BYTES + sealed.length);
            out.put(VERSION).put(nonce).put(sealed);
            return Base64.getEncoder().encodeToString(out.array());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is not available", e);
        }
    }

    @Override
    public byte[] decrypt(String ciphertext, byte[] associatedData) {
        byte[] all;
        try {
            all = Base64.getDecoder().decode(ciphertext);
        } catch (IllegalArgumentException e) {
            throw new DecryptionException("the ciphertext is not base64");
        }
        if (all.length < 1 + NONCE_BYTES + TAG_BITS / 8 || all[0] != VERSION) {
            throw new DecryptionException("the ciphertext is malformed");
        }
        try {
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(
                    Cipher.DECRYPT_MODE,
                    key,
                    new GCMParameterSpec(TAG_BITS, Arrays.copyOfRange(all, 1, 1 + NONCE_BYTES)));
            c.updateAAD(associatedData);
            return c.doFinal(all, 1 + NONCE_BYTES, all.length - 1 - NONCE_BYTES);
        } catch (AEADBadTagException e) {
            throw new DecryptionException("the ciphertext does not authenticate under this key");
        } catch (GeneralSecurityException e) {
            throw new DecryptionException("decryption failed: " + e.getClass().getSimpleName());
        }
    }
}
