package io.runcell.core.plan;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.runcell.core.account.Principal;
import io.runcell.core.account.Scope;
import io.runcell.core.error.RuncellException;
import io.runcell.core.execution.ExecCommand;
import io.runcell.core.fakes.MemoryStore;
import io.runcell.core.policy.AllowlistCommandPolicy;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PlanAllowlistPolicyTest {

    private final MemoryStore store = new MemoryStore();
    private final PlanAllowlistPolicy policy = new PlanAllowlistPolicy(store.plans, AllowlistCommandPolicy.defaults());

    private static Principal on(String plan) {
        return new Principal("acc_1", "key_1", Set.of(Scope.READ_VM, Scope.WRITE_VM), plan, false);
    }

    @Test
    void aPlanWithItsOwnListIsHeldToItOthersToTheServersList() {
        store.plans.upsert(new Plan(
                "cat-only", 1, 1, 0, 86400, 512, 8192, 1, 4, 256, 4096, 300, 3600, 1024, 0, 0, 0, List.of("cat")));
        store.plans.upsert(MemoryStore.plan("default", 1, 1));

        assertThatCode(() -> policy.check(on("cat-only"), "sbx", ExecCommand.constrained("cat notes.txt")))
                .doesNotThrowAnyException();
        assertThatThrownBy(() -> policy.check(on("cat-only"), "sbx", ExecCommand.constrained("ls")))
                .isInstanceOf(RuncellException.class);
        assertThatCode(() -> policy.check(on("default"), "sbx", ExecCommand.constrained("ls")))
                .doesNotThrowAnyException();
        assertThatThrownBy(() -> policy.check(on("default"), "sbx", ExecCommand.constrained("cat x")))
                .isInstanceOf(RuncellException.class);
    }

    @Test
    void aPlansExplicitListWinsEvenWhenItEqualsTheDefaultOnAWiderServer() {
        PlanAllowlistPolicy wide =
                new PlanAllowlistPolicy(store.plans, new AllowlistCommandPolicy(Set.of("ls", "rm", "du", "cat")));
        store.plans.upsert(new Plan(
                "strict",
                1,
                1,
                0,
                86400,
                512,
                8192,
                1,
                4,
                256,
                4096,
                300,
                3600,
                1024,
                0,
                0,
                0,
                List.of("ls", "rm", "du")));
        store.plans.upsert(MemoryStore.plan("default", 1, 1));

        assertThatThrownBy(() -> wide.check(on("strict"), "sbx", ExecCommand.constrained("cat x")))
                .isInstanceOf(RuncellException.class);
        assertThatCode(() -> wide.check(on("strict"), "sbx", ExecCommand.constrained("du -s /workspace")))
                .doesNotThrowAnyException();
        assertThatCode(() -> wide.check(on("default"), "sbx", ExecCommand.constrained("cat x")))
                .doesNotThrowAnyException();
    }
}
