package io.runcell.core.vault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.runcell.core.account.Principal;
import io.runcell.core.error.ErrorCode;
import io.runcell.core.error.RuncellException;
import io.runcell.core.execution.ExecCommand;
import io.runcell.core.execution.Execution;
import io.runcell.core.execution.ExecutionListener;
import io.runcell.core.fakes.CoreFixture;
import io.runcell.core.policy.PolicyProfile;
import io.runcell.core.sandbox.Sandbox;
import io.runcell.core.sandbox.SandboxRequest;
import io.runcell.driver.spi.ExecResult;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class VaultInjectionTest {

    private final CoreFixture core = new CoreFixture(10, 4);
    private final Principal admin = core.admin();
    private final Principal alice = core.user(admin, "alice");
    private final Principal bob = core.user(admin, "bob");

    private ExecCommand withVaults(String cmd, List<String> vaults) {
        return new ExecCommand(
                List.of("bash", "-c", cmd), cmd, Map.of("PLAIN", "1"), null, false, null, PolicyProfile.OPEN, vaults);
    }

    @Test
    void secretsReachOnlyThisExecutionsEnvironmentAndAreRedactedEverywhere() {
        Vault v = core.vaults.create(alice, "ci", Map.of("TOKEN", "hunter2-long-secret"));
        Sandbox s = core.sandboxes.create(alice, SandboxRequest.defaults(true));
        Execution e = core.executions.start(alice, s.id(), withVaults("echo $TOKEN", List.of(v.id())));
        var run = core.driver.runs.getLast();
        assertThat(run.request.env())
                .containsEntry("TOKEN", "hunter2-long-secret")
                .containsEntry("PLAIN", "1");
        assertThat(core.store.sandboxes.rows.get(s.id()).env()).doesNotContainKey("TOKEN");

        ByteArrayOutputStream streamed = new ByteArrayOutputStream();
        core.executions.subscribe(alice, e.id(), new ExecutionListener() {
            @Override
            public void output(Stream stream, byte[] data) {
                streamed.writeBytes(data);
            }

            @Override
            public void finished(Execution record) {}
        });
        byte[] out = "a hunter2-long-secret b hunter2-".getBytes(StandardCharsets.UTF_8);
        run.sink.stdout(out, 0, out.length);
        // a poll shows what is safe so far: never the value, perhaps less than was written (held back)
        String polled = core.executions.get(alice, e.id()).stdout();
        assertThat(polled).doesNotContain("hunter2-long");
        assertThat("a [REDACTED:TOKEN] b [REDACTED:TOKEN]\n").startsWith(polled);
        byte[] rest = "long-secret\n".getBytes(StandardCharsets.UTF_8);
        run.sink.stdout(rest, 0, rest.length);
        run.finish(ExecResult.exited(0, 0));

        Execution done = core.executions.await(alice, e.id(), Duration.ofSeconds(1));
        assertThat(done.stdout()).isEqualTo("a [REDACTED:TOKEN] b [REDACTED:TOKEN]\n");
        assertThat(core.store.executions.rows.get(e.id()).stdout()).isEqualTo(done.stdout());
        assertThat(streamed.toString(StandardCharsets.UTF_8)).isEqualTo(done.stdout());

        core.executions.start(alice, s.id(), ExecCommand.shell("env", null));
        assertThat(core.driver.runs.getLast().request.env()).doesNotContainKey("TOKEN");
    }

    @Test
    void foreignOrUnknownVaultIdsAreRejectedBeforeAnythingRuns() {
        Vault bobs = core.vaults.create(bob, "b", Map.of("X", "y"));
        Sandbox s = core.sandboxes.create(alice, SandboxRequest.defaults(true));
        for (List<String> ids : List.of(List.of(bobs.id()), List.of("vlt_nope"))) {
            assertThatThrownBy(() -> core.executions.start(alice, s.id(), withVaults("true", ids)))
                    .isInstanceOfSatisfying(RuncellException.class, e -> {
                        assertThat(e.code()).isEqualTo(ErrorCode.INVALID_REQUEST);
                        assertThat(e.fieldErrors().getFirst().field()).isEqualTo("vault_ids[0]");
                    });
        }
        assertThat(core.driver.runs).isEmpty();
        assertThat(core.store.executions.rows).isEmpty();
    }
}
