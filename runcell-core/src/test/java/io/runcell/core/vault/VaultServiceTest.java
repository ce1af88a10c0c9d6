package io.runcell.core.vault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.runcell.core.account.Principal;
import io.runcell.core.error.ErrorCode;
import io.runcell.core.error.RuncellException;
import io.runcell.core.fakes.CoreFixture;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class VaultServiceTest {

    private final CoreFixture core = new CoreFixture(10, 2);
    private final Principal admin = core.admin();
    private final Principal alice = core.user(admin, "alice");
    private final Principal bob = core.user(admin, "bob");

    @Test
    void valuesAreStoredEncryptedAndListedByNameOnly() {
        Vault v = core.vaults.create(alice, "ci", Map.of("TOKEN", "hunter2", "OTHER", "x"));
        assertThat(v.secretNames()).containsExactly("OTHER", "TOKEN");
        assertThat(core.store.vaults.allSecrets())
                .allSatisfy(s -> assertThat(s.ciphertext()).doesNotContain("hunter2"));
        assertThat(core.vaults.list(alice)).extracting(Vault::id).containsExactly(v.id());
        assertThat(core.vaults.resolve(alice, List.of(v.id())).env()).containsEntry("TOKEN", "hunter2");
    }

    @Test
    void anotherAccountsVaultIsNotFoundAndNotUsable() {
        Vault v = core.vaults.create(alice, "ci", Map.of("TOKEN", "hunter2"));
        assertThatThrownBy(() -> core.vaults.get(bob, v.id()))
                .isInstanceOfSatisfying(
                        RuncellException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.NOT_FOUND));
        assertThat(core.vaults.list(bob)).isEmpty();
        Vault mine = core.vaults.create(bob, "mine", Map.of("A", "b"));
        assertThatThrownBy(() -> core.vaults.requireUsable(bob, List.of(mine.id(), v.id())))
                .isInstanceOfSatisfying(RuncellException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.INVALID_REQUEST);
                    assertThat(e.fieldErrors().getFirst().field()).isEqualTo("vault_ids[1]");
                });
        assertThat(core.vaults.get(admin, v.id()).name()).isEqualTo("ci");
    }

    @Test
    void putDeleteAndDeleteVault() {
        Vault v = core.vaults.create(alice, "ci", Map.of());
        core.vaults.putSecret(alice, v.id(), "A", "1");
        core.vaults.putSecret(alice, v.id(), "A", "2");
        assertThat(core.vaults.resolve(alice, List.of(v.id())).env()).isEqualTo(Map.of("A", "2"));
        core.vaults.deleteSecret(alice, v.id(), "A");
        assertThat(core.vaults.get(alice, v.id()).secretNames()).isEmpty();
        assertThatThrownBy(() -> core.vaults.deleteSecret(alice, v.id(), "A")).isInstanceOf(RuncellException.class);
        core.vaults.delete(alice, v.id());
        assertThatThrownBy(() -> core.vaults.get(alice, v.id())).isInstanceOf(RuncellException.class);
    }

    @Test
    void badNamesAndValuesAreRejectedWithoutEchoingTheValue() {
        assertThatThrownBy(() -> core.vaults.create(alice, "ci", Map.of("1BAD", "topsecret")))
                .isInstanceOfSatisfying(
                        RuncellException.class, e -> assertThat(e.detail()).doesNotContain("topsecret"));
        assertThatThrownBy(() -> core.vaults.create(alice, "ci", Map.of("OK", "")))
                .isInstanceOf(RuncellException.class);
        assertThatThrownBy(() -> core.vaults.create(alice, "", Map.of())).isInstanceOf(RuncellException.class);
    }

    @Test
    void rotationReencryptsEverySecretAndKeepsThemUsable() {
        Vault v = core.vaults.create(alice, "ci", Map.of("TOKEN", "hunter2"));
        String before = core.store.vaults.allSecrets().getFirst().ciphertext();
        assertThatThrownBy(() -> core.vaults.rotateMasterKey(alice)).isInstanceOf(RuncellException.class);

        VaultService.Rotation r = core.vaults.rotateMasterKey(admin);

        assertThat(r.secrets()).isEqualTo(1);
        assertThat(core.store.vaults.allSecrets().getFirst().ciphertext()).isNotEqualTo(before);
        assertThat(core.vaults.resolve(alice, List.of(v.id())).env()).containsEntry("TOKEN", "hunter2");
        assertThat(VaultService.opensStoredSecrets(core.store.vaults, core.keys.current()))
                .isTrue();
    }
}
