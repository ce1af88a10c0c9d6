package io.runcell.core.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import io.runcell.core.account.Principal;
import io.runcell.core.fakes.CoreFixture;
import org.junit.jupiter.api.Test;

class ExecReadinessTest {

    private final CoreFixture core = new CoreFixture(10, 4);
    private final Principal admin = core.admin();
    private final Principal alice = core.user(admin, "alice");

    @Test
    void reportsRunningStoppedAndDeadSandboxesWithoutChangingThem() {
        Sandbox s = core.sandboxes.create(alice, SandboxRequest.defaults(true));
        assertThat(core.sandboxes.readiness(alice, s.id())).isEqualTo(new ExecReadiness(true, null, true));
        core.driver.running.remove(s.id());
        ExecReadiness dead = core.sandboxes.readiness(alice, s.id());
        assertThat(dead.available()).isFalse();
        assertThat(dead.running()).isFalse();
        assertThat(core.store.sandboxes.rows.get(s.id()).state()).isEqualTo(SandboxState.RUNNING);
        core.sandboxes.stop(alice, s.id());
        assertThat(core.sandboxes.readiness(alice, s.id()))
                .isEqualTo(new ExecReadiness(false, "The machine is stopped.", false));
    }
}
