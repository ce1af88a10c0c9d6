package io.runcell.core.account;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.runcell.core.error.ErrorCode;
import io.runcell.core.error.RuncellException;
import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ScopeTest {

    private static Principal with(Scope... scopes) {
        Set<Scope> set = scopes.length == 0 ? Set.of() : EnumSet.of(scopes[0], scopes);
        return new Principal("acc_1", "key_1", set, "default", false);
    }

    @Test
    void writeImpliesReadButNotTheOtherWayRound() {
        assertThat(Scope.WRITE_VM.implies(Scope.READ_VM)).isTrue();
        assertThat(Scope.WRITE_VM.implies(Scope.WRITE_VM)).isTrue();
        assertThat(Scope.WRITE_VM.implies(Scope.ADMIN)).isFalse();
        assertThat(Scope.READ_VM.implies(Scope.WRITE_VM)).isFalse();
        assertThat(Scope.READ_VM.implies(Scope.ADMIN)).isFalse();
        assertThat(Scope.READ_VM.implies(Scope.READ_VM)).isTrue();
        for (Scope s : Scope.values()) {
            assertThat(Scope.ADMIN.implies(s)).as(s.wire()).isTrue();
        }
    }

    @Test
    void aWriteOnlyKeyPassesReadChecks() {
        Principal writer = with(Scope.WRITE_VM);
        assertThatCode(() -> writer.require(Scope.READ_VM)).doesNotThrowAnyException();
        assertThatCode(() -> writer.require(Scope.WRITE_VM)).doesNotThrowAnyException();
        assertThatThrownBy(() -> writer.require(Scope.ADMIN))
                .isInstanceOfSatisfying(
                        RuncellException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.FORBIDDEN));
        assertThat(writer.isAdmin()).isFalse();
    }

    @Test
    void aReadOnlyKeyFailsWriteChecks() {
        Principal reader = with(Scope.READ_VM);
        assertThatCode(() -> reader.require(Scope.READ_VM)).doesNotThrowAnyException();
        assertThatThrownBy(() -> reader.require(Scope.WRITE_VM)).isInstanceOfSatisfying(RuncellException.class, e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.FORBIDDEN);
            assertThat(e.detail()).isEqualTo("This API key lacks the write:vm scope.");
        });
    }

    @Test
    void aKeyWithoutScopesPassesNoCheck() {
        Principal none = with();
        for (Scope s : Scope.values()) {
            assertThatThrownBy(() -> none.require(s)).as(s.wire()).isInstanceOf(RuncellException.class);
        }
    }
}
