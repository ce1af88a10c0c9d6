package io.runcell.server.secrets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.runcell.core.vault.SecretCipher;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AesGcmCipherTest {

    private static final byte[] AAD = "vlt_1/TOKEN".getBytes(StandardCharsets.UTF_8);
    private final AesGcmCipher cipher = AesGcmCipher.random();

    @Test
    void roundTripWithAFreshNonceEachTime() {
        byte[] plain = "hunter2 ✓".getBytes(StandardCharsets.UTF_8);
        String a = cipher.encrypt(plain, AAD);
        String b = cipher.encrypt(plain, AAD);
        assertThat(a).isNotEqualTo(b);
        assertThat(a).doesNotContain("hunter2");
        assertThat(cipher.decrypt(a, AAD)).isEqualTo(plain);
        assertThat(cipher.decrypt(b, AAD)).isEqualTo(plain);
        assertThat(Base64.getDecoder().decode(a)).hasSize(1 + 12 + plain.length + 16);
    }

    @Test
    void tamperingFails() {
        byte[] sealed = Base64.getDecoder().decode(cipher.encrypt("hunter2".getBytes(StandardCharsets.UTF_8), AAD));
        for (int i = 1; i < sealed.length; i++) {
            byte[] bad = sealed.clone();
            bad[i] ^= 1;
            String text = Base64.getEncoder().encodeToString(bad);
            assertThatThrownBy(() -> cipher.decrypt(text, AAD)).isInstanceOf(SecretCipher.DecryptionException.class);
        }
        assertThatThrownBy(() -> cipher.decrypt("not base64!", AAD))
                .isInstanceOf(SecretCipher.DecryptionException.class);
        assertThatThrownBy(() -> cipher.decrypt("AAAA", AAD)).isInstanceOf(SecretCipher.DecryptionException.class);
    }

    @Test
    void anotherPlaceOrAnotherKeyFails() {
        String sealed = cipher.encrypt("hunter2".getBytes(StandardCharsets.UTF_8), AAD);
        assertThatThrownBy(() -> cipher.decrypt(sealed, "vlt_1/OTHER".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(SecretCipher.DecryptionException.class);
        assertThatThrownBy(() -> AesGcmCipher.random().decrypt(sealed, AAD))
                .isInstanceOf(SecretCipher.DecryptionException.class);
        assertThatThrownBy(() -> new AesGcmCipher(new byte[16])).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theKeyFileIsCreatedPrivateOnceAndRotationReplacesIt(@TempDir Path dir) throws Exception {
        MasterKeys first = MasterKeys.load(dir, null, c -> true);
        Path file = dir.resolve(MasterKeys.FILE);
        assertThat(Files.getPosixFilePermissions(file)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        String sealed = first.current().encrypt("x".getBytes(StandardCharsets.UTF_8), AAD);
        MasterKeys again = MasterKeys.load(dir, null, c -> true);
        assertThat(again.current().decrypt(sealed, AAD)).containsExactly('x');

        var rotation = again.begin();
        assertThat(dir.resolve(MasterKeys.NEXT_FILE)).exists();
        assertThat(rotation.commit()).isNull();
        assertThat(dir.resolve(MasterKeys.NEXT_FILE)).doesNotExist();
        assertThat(MasterKeys.load(dir, null, c -> true)
                        .current()
                        .decrypt(rotation.cipher().encrypt("y".getBytes(StandardCharsets.UTF_8), AAD), AAD))
                .containsExactly('y');
    }

    @Test
    void anEnvironmentKeyIsUsedAndRotationTellsTheOperatorTheNewOne(@TempDir Path dir) {
        String key = Base64.getEncoder().encodeToString(new byte[32]);
        MasterKeys keys = MasterKeys.load(dir, key, c -> true);
        assertThat(keys.fromEnvironment()).isTrue();
        assertThat(dir.resolve(MasterKeys.FILE)).doesNotExist();
        var rotation = keys.begin();
        assertThat(rotation.commit()).contains("RUNCELL_MASTER_KEY=" + ((AesGcmCipher) rotation.cipher()).keyBase64());
        assertThatThrownBy(() -> MasterKeys.load(dir, "c2hvcnQ=", c -> true))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void anInterruptedRotationIsFinishedWhenTheStoreUsesTheNewKey(@TempDir Path dir) {
        MasterKeys keys = MasterKeys.load(dir, null, c -> true);
        var rotation = keys.begin();
        SecretCipher next = rotation.cipher();
        String sealed = next.encrypt("z".getBytes(StandardCharsets.UTF_8), AAD);
        // crash after the store was rewritten, before commit
        MasterKeys reloaded = MasterKeys.load(dir, null, c -> {
            try {
                c.decrypt(sealed, AAD);
                return true;
            } catch (SecretCipher.DecryptionException e) {
                return false;
            }
        });
        assertThat(reloaded.current().decrypt(sealed, AAD)).containsExactly('z');
        assertThat(dir.resolve(MasterKeys.NEXT_FILE)).doesNotExist();
    }
}
