package io.runcell.core.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.runcell.core.account.Principal;
import io.runcell.core.error.ErrorCode;
import io.runcell.core.error.RuncellException;
import io.runcell.core.execution.ExecCommand;
import io.runcell.core.fakes.CoreFixture;
import io.runcell.core.fakes.MemoryStore;
import io.runcell.core.sandbox.Sandbox;
import io.runcell.core.sandbox.SandboxRequest;
import org.junit.jupiter.api.Test;

class RateLimitsTest {

    private final CoreFixture core = new CoreFixture(10, 10);
    private final Principal admin = core.admin();

    private Principal onPlan(String name, double exec, double manage, double read) {
        core.store.plans.upsert(MemoryStore.ratedPlan(name, exec, manage, read));
        var account = core.accounts.createAccount(admin, "u-" + name, name);
        var key = core.accounts.createKey(
                admin,
                account.id(),
                "k",
                java.util.EnumSet.of(io.runcell.core.account.Scope.READ_VM, io.runcell.core.account.Scope.WRITE_VM));
        return core.auth.authenticate(key.token());
    }

    @Test
    void aRefusedExecutionLeavesNoRecordAndCarriesTheNumbers() {
        Principal u = onPlan("tight", 1, 0, 0);
        Sandbox s = core.sandboxes.create(u, SandboxRequest.defaults(true));
        core.executions.start(u, s.id(), ExecCommand.shell("true", null));
        int records = core.store.executions.rows.size();

        assertThatThrownBy(() -> core.executions.start(u, s.id(), ExecCommand.shell("true", null)))
                .isInstanceOfSatisfying(RuncellException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.RATE_LIMITED);
                    assertThat(e.retryAfterSeconds()).isEqualTo(1);
                    assertThat(e.rateLimit()).hasValueSatisfying(info -> {
                        assertThat(info.endpointClass()).isEqualTo("exec");
                        assertThat(info.limit()).isEqualTo(1);
                        assertThat(info.remaining()).isZero();
                        assertThat(info.minIntervalSeconds()).isEqualTo(1.0);
                    });
                });
        assertThat(core.store.executions.rows).hasSize(records);
        assertThat(core.driver.runs).hasSize(1);
    }

    @Test
    void aRefusedCreateLeavesNoSandbox() {
        Principal u = onPlan("manage1", 0, 1, 0);
        core.sandboxes.create(u, SandboxRequest.defaults(false));
        assertThatThrownBy(() -> core.sandboxes.create(u, SandboxRequest.defaults(false)))
                .isInstanceOfSatisfying(
                        RuncellException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.RATE_LIMITED));
        assertThat(core.store.sandboxes.rows).hasSize(1);
    }

    @Test
    void classesAreSeparateAndInternalLookupsAreNotCharged() {
        Principal u = onPlan("read1", 0, 0, 1);
        Sandbox s = core.sandboxes.create(u, SandboxRequest.defaults(true));
        // an execution start looks up the sandbox without spending a read
        core.executions.start(u, s.id(), ExecCommand.shell("true", null));
        core.sandboxes.get(u, s.id());
        assertThatThrownBy(() -> core.sandboxes.list(u, null, 10))
                .isInstanceOfSatisfying(
                        RuncellException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.RATE_LIMITED));
    }

    @Test
    void zeroMeansUnlimitedAndAdminsAreNotLimited() {
        Principal u = onPlan("open", 0, 0, 0);
        for (int i = 0; i < 20; i++) {
            core.sandboxes.list(u, null, 10);
        }
        assertThat(core.limiter.used).isEmpty();
    }
}
