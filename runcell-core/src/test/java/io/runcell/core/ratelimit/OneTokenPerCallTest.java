package io.runcell.core.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import io.runcell.core.account.Principal;
import io.runcell.core.account.Scope;
import io.runcell.core.execution.ExecCommand;
import io.runcell.core.fakes.CoreFixture;
import io.runcell.core.fakes.MemoryStore;
import io.runcell.core.power.PowerAction;
import io.runcell.core.sandbox.Sandbox;
import io.runcell.core.sandbox.SandboxChange;
import io.runcell.core.sandbox.SandboxRequest;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Each call a dialect makes costs exactly one token, in its own endpoint class: a lookup that precedes an
 * operation is not charged on top of it (else a 429 could name the read interval on an execute, and a plan with
 * one token per class could never pass a call that takes two of the same class).
 */
class OneTokenPerCallTest {

    private final CoreFixture core = new CoreFixture(10, 10);
    private final Principal u = onRatedPlan();

    private Principal onRatedPlan() {
        Principal admin = core.admin();
        // high rates: the counting limiter allows 100 of each class, so nothing here is refused
        core.store.plans.upsert(MemoryStore.ratedPlan("counted", 100, 100, 100));
        var account = core.accounts.createAccount(admin, "counted", "counted");
        var key = core.accounts.createKey(admin, account.id(), "k", EnumSet.of(Scope.READ_VM, Scope.WRITE_VM));
        return core.auth.authenticate(key.token());
    }

    /** Tokens {@code call} took from each class. */
    private Map<EndpointClass, Integer> tokens(Runnable call) {
        Map<EndpointClass, Integer> before = used();
        call.run();
        Map<EndpointClass, Integer> after = used();
        Map<EndpointClass, Integer> taken = new EnumMap<>(EndpointClass.class);
        for (EndpointClass cls : EndpointClass.values()) {
            int n = after.get(cls) - before.get(cls);
            if (n != 0) {
                taken.put(cls, n);
            }
        }
        return taken;
    }

    private Map<EndpointClass, Integer> used() {
        Map<EndpointClass, Integer> out = new EnumMap<>(EndpointClass.class);
        for (EndpointClass cls : EndpointClass.values()) {
            var n = core.limiter.used.get(u.accountId() + "/" + cls);
            out.put(cls, n == null ? 0 : n.get());
        }
        return out;
    }

    private Sandbox running() {
        return core.sandboxes.create(u, SandboxRequest.defaults(true));
    }

    @Test
    void anExecuteOnASandboxNamedByNumberTakesOneExecToken() {
        Sandbox s = running();
        assertThat(tokens(() -> {
                    Sandbox found = core.sandboxes.ownedByNumber(u, s.number());
                    core.executions.start(u, found.id(), ExecCommand.shell("true", null));
                }))
                .isEqualTo(Map.of(EndpointClass.EXEC, 1));
        assertThat(tokens(() -> core.executions.start(u, s.id(), ExecCommand.shell("true", null))))
                .isEqualTo(Map.of(EndpointClass.EXEC, 1));
    }

    @Test
    void aManageCallTakesOneManageTokenHoweverManySandboxesAndFieldsItNames() {
        Sandbox a = running();
        Sandbox b = running();
        List<String> ids = List.of(
                core.sandboxes.ownedByNumber(u, a.number()).id(),
                core.sandboxes.ownedByNumber(u, b.number()).id());
        assertThat(tokens(() -> core.sandboxes.change(u, ids, new SandboxChange("both", SandboxChange.Power.STOPPED))))
                .isEqualTo(Map.of(EndpointClass.MANAGE, 1));
        assertThat(tokens(() ->
                        core.sandboxes.change(u, List.of(a.id()), new SandboxChange("x", SandboxChange.Power.RUNNING))))
                .isEqualTo(Map.of(EndpointClass.MANAGE, 1));
        assertThat(tokens(() -> core.sandboxes.change(u, List.of(a.id()), new SandboxChange("y", null))))
                .isEqualTo(Map.of(EndpointClass.MANAGE, 1));
        assertThat(tokens(() -> core.sandboxes.stop(u, a.id()))).isEqualTo(Map.of(EndpointClass.MANAGE, 1));
        assertThat(tokens(() -> core.sandboxes.start(u, a.id()))).isEqualTo(Map.of(EndpointClass.MANAGE, 1));
        assertThat(tokens(() -> core.sandboxes.destroy(
                        u, core.sandboxes.ownedByNumber(u, b.number()).id())))
                .isEqualTo(Map.of(EndpointClass.MANAGE, 1));
        assertThat(tokens(this::running)).isEqualTo(Map.of(EndpointClass.MANAGE, 1));
    }

    @Test
    void aPowerOperationTakesOneManageTokenWhenSubmittedEvenARestart() {
        Sandbox s = running();
        for (PowerAction action : PowerAction.values()) {
            assertThat(tokens(() -> core.power.submit(u, s.id(), action)))
                    .as(action.name())
                    .isEqualTo(Map.of(EndpointClass.MANAGE, 1));
        }
    }

    @Test
    void readsTakeOneReadToken() {
        Sandbox s = running();
        assertThat(tokens(() -> core.sandboxes.getByNumber(u, s.number()))).isEqualTo(Map.of(EndpointClass.READ, 1));
        assertThat(tokens(() -> core.sandboxes.get(u, s.id()))).isEqualTo(Map.of(EndpointClass.READ, 1));
        assertThat(tokens(() -> core.sandboxes.list(u, null, 10))).isEqualTo(Map.of(EndpointClass.READ, 1));
        assertThat(tokens(() -> core.sandboxes.listAll(u))).isEqualTo(Map.of(EndpointClass.READ, 1));
        // InstaVM's usage: the session looked up without a charge, then its executions listed
        assertThat(tokens(() -> core.executions.list(
                        u, core.sandboxes.ownedIncludingDestroyed(u, s.id()).id(), 10)))
                .isEqualTo(Map.of(EndpointClass.READ, 1));
    }
}
