package io.runcell.core.execution;

import static org.assertj.core.api.Assertions.assertThat;

import io.runcell.core.account.Principal;
import io.runcell.core.fakes.CoreFixture;
import io.runcell.core.sandbox.Sandbox;
import io.runcell.core.sandbox.SandboxRequest;
import io.runcell.driver.spi.ExecResult;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ResultLinksTest {

    private final CoreFixture core = new CoreFixture(10, 4);
    private final Principal alice = core.user(core.admin(), "alice");
    private final byte[] secret = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
    private final ResultLinks links =
            new ResultLinks(core.executions, hmac(secret), core.clock, Duration.ofMinutes(10));

    /** What the server plugs in. */
    static LinkSigner hmac(byte[] key) {
        return payload -> {
            try {
                javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
                mac.init(new javax.crypto.spec.SecretKeySpec(key, "HmacSHA256"));
                return mac.doFinal(payload);
            } catch (java.security.GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
        };
    }

    private Execution started() {
        Sandbox s = core.sandboxes.create(alice, SandboxRequest.defaults(true));
        return core.executions.start(alice, s.id(), ExecCommand.shell("ls", null));
    }

    private void finish(Execution e, String out) {
        var run = core.driver.runs.get(core.driver.runs.size() - 1);
        byte[] bytes = out.getBytes(StandardCharsets.UTF_8);
        run.sink.stdout(bytes, 0, bytes.length);
        run.finish(ExecResult.exited(0, 0));
        core.executions.await(alice, e.id(), Duration.ofSeconds(1));
    }

    @Test
    void pendingUntilTheExecutionEndsThenReady() {
        Execution e = started();
        String token = links.issue(e);
        assertThat(links.resolve(token).access()).isEqualTo(ResultLinks.Access.PENDING);
        finish(e, "a\nb\n");
        ResultLinks.Resolved r = links.resolve(token);
        assertThat(r.access()).isEqualTo(ResultLinks.Access.READY);
        assertThat(r.execution().stdout()).isEqualTo("a\nb\n");
    }

    @Test
    void expiresAfterItsTimeToLive() {
        Execution e = started();
        String token = links.issue(e);
        finish(e, "x");
        core.clock.advance(Duration.ofMinutes(10).minusSeconds(1));
        assertThat(links.resolve(token).access()).isEqualTo(ResultLinks.Access.READY);
        core.clock.advance(Duration.ofSeconds(1));
        assertThat(links.resolve(token).access()).isEqualTo(ResultLinks.Access.INVALID);
    }

    @Test
    void forgedOrAlteredTokensAreInvalid() {
        Execution e = started();
        finish(e, "x");
        String token = links.issue(e);
        String[] parts = token.split("\\.");
        long later = Long.parseLong(parts[1]) + 100_000;
        assertThat(links.resolve(parts[0] + "." + later + "." + parts[2]).access())
                .isEqualTo(ResultLinks.Access.INVALID);
        char c = parts[2].charAt(0) == 'A' ? 'B' : 'A';
        assertThat(links.resolve(parts[0] + "." + parts[1] + "." + c + parts[2].substring(1))
                        .access())
                .isEqualTo(ResultLinks.Access.INVALID);
        byte[] other = secret.clone();
        other[0] ^= 1;
        ResultLinks foreign = new ResultLinks(core.executions, hmac(other), core.clock, Duration.ofMinutes(10));
        assertThat(links.resolve(foreign.issue(e)).access()).isEqualTo(ResultLinks.Access.INVALID);
        for (String bad : new String[] {null, "", ".", "a.b", "..", e.id(), token + "x", "x".repeat(500), "a.1.!!"}) {
            assertThat(links.resolve(bad).access()).as(String.valueOf(bad)).isEqualTo(ResultLinks.Access.INVALID);
        }
    }

    @Test
    void tokensOfOneServerDoNotRepeatAcrossExecutions() {
        Execution a = started();
        Execution b = core.executions.start(alice, a.sandboxId(), ExecCommand.shell("ls", null));
        assertThat(links.issue(a)).isNotEqualTo(links.issue(b));
        assertThat(links.issue(a).length()).isGreaterThan(40);
    }
}
