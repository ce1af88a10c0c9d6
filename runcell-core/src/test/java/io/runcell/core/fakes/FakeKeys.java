package io.runcell.core.fakes;

import io.runcell.core.vault.MasterKeyStore;
import io.runcell.core.vault.SecretCipher;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;

/** A master key store whose "cipher" is a tagged, key-bound encoding (not encryption): enough for core logic. */
public final class FakeKeys implements MasterKeyStore {

    public static final class FakeCipher implements SecretCipher {
        final int key;

        FakeCipher(int key) {
            this.key = key;
        }

        @Override
        public String encrypt(byte[] plaintext, byte[] aad) {
            byte[] x = plaintext.clone();
            for (int i = 0; i < x.length; i++) {
                x[i] ^= (byte) (key + i);
            }
            return "k" + key + ":" + Base64.getEncoder().encodeToString(aad) + ":"
                    + Base64.getEncoder().encodeToString(x);
        }

        @Override
        public byte[] decrypt(String ciphertext, byte[] aad) {
            String[] parts = ciphertext.split(":");
            if (!parts[0].equals("k" + key)
                    || !Arrays.equals(Base64.getDecoder().decode(parts[1]), aad)) {
                throw new DecryptionException("wrong key or place");
            }
            byte[] x = Base64.getDecoder().decode(parts[2]);
            for (int i = 0; i < x.length; i++) {
                x[i] ^= (byte) (key + i);
            }
            return x;
        }
    }

    private int next = 1;
    private FakeCipher current = new FakeCipher(next);
    public String operatorMessage;

    @Override
    public SecretCipher current() {
        return current;
    }

    @Override
    public Rotation begin() {
        FakeCipher n = new FakeCipher(++next);
        return new Rotation() {
            @Override
            public SecretCipher cipher() {
                return n;
            }

            @Override
            public String commit() {
                current = n;
                return operatorMessage;
            }
        };
    }

    public static String text(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }
}
