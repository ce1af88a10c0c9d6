package io.runcell.core.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.runcell.core.account.Principal;
import io.runcell.core.audit.AuditEntry;
import io.runcell.core.audit.AuditLog;
import io.runcell.core.error.ErrorCode;
import io.runcell.core.error.RuncellException;
import io.runcell.core.execution.ExecCommand;
import io.runcell.core.execution.Execution;
import io.runcell.core.fakes.CoreFixture;
import io.runcell.core.sandbox.Sandbox;
import io.runcell.core.sandbox.SandboxRequest;
import io.runcell.core.sandbox.SandboxState;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GuardedPolicyTest {

    private final CoreFixture core = new CoreFixture(10, 4);
    private final Principal admin = core.admin();
    private final Principal alice = core.user(admin, "alice");

    GuardedPolicyTest() {
        core.policies.with(PolicyProfile.GUARDED, new GuardedPolicy(BlockedCommands.defaults(), core.audit));
    }

    private static ExecCommand guarded(String text) {
        return new ExecCommand(List.of("bash", "-c", text), text, Map.of(), null, false, null, PolicyProfile.GUARDED);
    }

    @Test
    void blockedCommandNeverReachesTheSandboxAndIsAudited() {
        Sandbox s = core.sandboxes.create(alice, SandboxRequest.defaults(true));
        assertThatThrownBy(() -> core.executions.start(alice, s.id(), guarded("sudo /sbin/reboot")))
                .isInstanceOfSatisfying(RuncellException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.COMMAND_BLOCKED);
                    assertThat(e.detail()).isEqualTo("This command has been blocked for safety reasons");
                });
        assertThat(core.driver.runs).isEmpty();
        AuditEntry entry = core.store.audit.rows.getFirst();
        assertThat(entry.decision()).isEqualTo(AuditEntry.Decision.BLOCKED);
        assertThat(entry.rule()).isEqualTo("power.reboot");
        assertThat(entry.accountId()).isEqualTo(alice.accountId());
        assertThat(entry.keyId()).isEqualTo(alice.keyId());
        assertThat(entry.sandboxId()).isEqualTo(s.id());
        assertThat(entry.command()).isEqualTo("sudo /sbin/reboot");
        assertThat(entry.commandSha256())
                .isEqualTo(AuditLog.sha256("sudo /sbin/reboot"))
                .hasSize(64);
        assertThat(entry.policy()).isEqualTo("guarded");
    }

    @Test
    void allowedCommandRunsAndIsAudited() {
        Sandbox s = core.sandboxes.create(alice, SandboxRequest.defaults(true));
        Execution e = core.executions.start(alice, s.id(), guarded("echo reboot"));
        assertThat(core.driver.runs).hasSize(1);
        AuditEntry entry = core.store.audit.rows.getFirst();
        assertThat(entry.decision()).isEqualTo(AuditEntry.Decision.ALLOWED);
        assertThat(entry.rule()).isNull();
        assertThat(entry.sandboxId()).isEqualTo(e.sandboxId());
    }

    @Test
    void blockedCheckComesBeforeTheRunningCheck() {
        Sandbox stopped = core.sandboxes.create(alice, SandboxRequest.defaults(false));
        assertThatThrownBy(() -> core.executions.start(alice, stopped.id(), guarded("halt")))
                .extracting(e -> ((RuncellException) e).code())
                .isEqualTo(ErrorCode.COMMAND_BLOCKED);
        assertThatThrownBy(() -> core.executions.start(alice, stopped.id(), guarded("uptime")))
                .extracting(e -> ((RuncellException) e).code())
                .isEqualTo(ErrorCode.SANDBOX_NOT_RUNNING);
        // the refusal for the stopped sandbox came before the allowed decision would have been recorded
        assertThat(core.store.audit.rows).extracting(AuditEntry::decision).containsExactly(AuditEntry.Decision.BLOCKED);
    }

    @Test
    void aSandboxWhoseProcessesDiedIsRefusedBeforeAnythingIsRecorded() {
        Sandbox s = core.sandboxes.create(alice, SandboxRequest.defaults(true));
        assertThat(core.executions.start(alice, s.id(), guarded("true")).seq()).isEqualTo(1);
        core.driver.running.remove(s.id());
        assertThatThrownBy(() -> core.executions.start(alice, s.id(), guarded("uptime")))
                .isInstanceOfSatisfying(RuncellException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.SANDBOX_NOT_RUNNING);
                    assertThat(e.detail()).isEqualTo("The sandbox's processes have ended.");
                });
        assertThat(core.store.audit.rows).extracting(AuditEntry::command).containsExactly("true");
        assertThat(core.store.executions.rows).hasSize(1);
        assertThat(core.driver.runs).hasSize(1);
        assertThat(core.store.sandboxes.rows.get(s.id()).state()).isEqualTo(SandboxState.STOPPED);
        core.sandboxes.start(alice, s.id());
        assertThat(core.executions.start(alice, s.id(), guarded("uptime")).seq())
                .isEqualTo(2);
    }

    @Test
    void otherAccountsSandboxIsNotFoundAndNotAudited() {
        Principal bob = core.user(admin, "bob");
        Sandbox s = core.sandboxes.create(alice, SandboxRequest.defaults(true));
        assertThatThrownBy(() -> core.executions.start(bob, s.id(), guarded("reboot")))
                .extracting(e -> ((RuncellException) e).code())
                .isEqualTo(ErrorCode.SANDBOX_NOT_FOUND);
        assertThat(core.store.audit.rows).isEmpty();
    }

    @Test
    void auditIsReadByAdminsNewestFirstWithCursorAndSandboxFilter() {
        Sandbox a = core.sandboxes.create(alice, SandboxRequest.defaults(true));
        Sandbox b = core.sandboxes.create(alice, SandboxRequest.defaults(true));
        for (int i = 0; i < 3; i++) {
            core.clock.advance(java.time.Duration.ofMillis(5));
            core.executions.start(alice, a.id(), guarded("echo " + i));
        }
        core.clock.advance(java.time.Duration.ofMillis(5));
        core.executions.start(alice, b.id(), guarded("echo b"));
        assertThatThrownBy(() -> core.audit.list(alice, null, null, 10))
                .extracting(e -> ((RuncellException) e).code())
                .isEqualTo(ErrorCode.FORBIDDEN);
        List<AuditEntry> first = core.audit.list(admin, a.id(), null, 2);
        assertThat(first).extracting(AuditEntry::command).containsExactly("echo 2", "echo 1");
        List<AuditEntry> second = core.audit.list(admin, a.id(), first.getLast().id(), 2);
        assertThat(second).extracting(AuditEntry::command).containsExactly("echo 0");
        assertThat(core.audit.list(admin, null, null, 10)).hasSize(4);
        assertThatThrownBy(() -> core.audit.list(admin, "nope", null, 10))
                .extracting(e -> ((RuncellException) e).code())
                .isEqualTo(ErrorCode.INVALID_REQUEST);
    }
}
