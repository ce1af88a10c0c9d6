package io.runcell.core.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.arbitrary;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;
import static org.quicktheories.generators.SourceDSL.strings;

import io.runcell.core.error.ErrorCode;
import io.runcell.core.error.RuncellException;
import io.runcell.core.execution.ExecCommand;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;

class AllowlistCommandPolicyTest {

    private static final String PLAIN = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./:=+,@%";
    private static final List<String> SHELL_SPECIALS = List.of(
            ";", "|", "&", "$", "`", "'", "\"", "\\", "<", ">", "(", ")", "{", "}", "*", "?", "[", "]", "~", "!", "#",
            "\n", "\r", "\0", "$(id)", "`id`", "&&", "||", "é", "\u00a0");

    private final AllowlistCommandPolicy policy = AllowlistCommandPolicy.defaults();

    private static Gen<String> plainWords() {
        return lists().of(integers().between(0, PLAIN.length() - 1))
                .ofSizeBetween(1, 12)
                .map(idx ->
                        idx.stream().map(i -> String.valueOf(PLAIN.charAt(i))).reduce("", String::concat));
    }

    private static void refused(String text) {
        assertThatThrownBy(() -> ConstrainedCommand.parse(text))
                .isInstanceOfSatisfying(
                        RuncellException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.COMMAND_NOT_ALLOWED));
    }

    private boolean allowedText(String text) {
        try {
            ExecCommand c = ExecCommand.constrained(text);
            policy.check(null, "sbx", c);
            return true;
        } catch (RuncellException e) {
            assertThat(e.code()).isEqualTo(ErrorCode.COMMAND_NOT_ALLOWED);
            return false;
        }
    }

    @Test
    void plainWordsSplitOnBlanksRoundTrip() {
        qt().forAll(lists().of(plainWords()).ofSizeBetween(1, 6), integers().between(1, 3))
                .check((words, gap) -> ConstrainedCommand.parse(
                                " ".repeat(gap - 1) + String.join(" ".repeat(gap), words) + "\t")
                        .equals(words));
    }

    @Test
    void anyShellSpecialAnywhereIsRefused() {
        qt().forAll(
                        arbitrary().pick(List.of("ls", "rm", "du")),
                        plainWords(),
                        arbitrary().pick(SHELL_SPECIALS),
                        integers().between(0, 100))
                .check((program, arg, special, at) -> {
                    String text = program + " " + arg;
                    int pos = at % (text.length() + 1);
                    return !allowedText(text.substring(0, pos) + special + text.substring(pos));
                });
    }

    @Test
    void onlyAllowlistedProgramsRunAndArgvIsTheWords() {
        qt().forAll(plainWords(), lists().of(plainWords()).ofSizeBetween(0, 4)).check((program, args) -> {
            String text = program + (args.isEmpty() ? "" : " " + String.join(" ", args));
            boolean expected = Set.of("ls", "rm", "du").contains(program) && text.length() <= 512;
            return allowedText(text) == expected;
        });
    }

    @Test
    void arbitraryTextIsAllowedOnlyWhenPlainAndAllowlisted() {
        qt().forAll(strings().allPossible().ofLengthBetween(0, 40)).check(text -> {
            String cmd = "ls " + text;
            boolean plain = cmd.chars().allMatch(c -> c == ' ' || c == '\t' || PLAIN.indexOf(c) >= 0);
            return allowedText(cmd) == plain;
        });
    }

    @Test
    void typicalCommands() {
        assertThat(ExecCommand.constrained("ls -l /workspace").argv()).containsExactly("ls", "-l", "/workspace");
        assertThat(ExecCommand.constrained("du -sh   /workspace/data").argv())
                .containsExactly("du", "-sh", "/workspace/data");
        assertThat(ExecCommand.constrained("rm -rf build").policy()).isEqualTo(PolicyProfile.ALLOWLIST);
        assertThat(allowedText("rm -rf /workspace/tmp")).isTrue();
        assertThat(allowedText("cat /etc/passwd")).isFalse();
        assertThat(allowedText("/bin/ls")).isFalse();
        assertThat(allowedText("ls; reboot")).isFalse();
        assertThat(allowedText("ls 'a b'")).isFalse();
        assertThat(allowedText("ls $HOME")).isFalse();
        assertThat(allowedText("ls *")).isFalse();
        refused("");
        refused("   ");
        refused(null);
        refused("ls " + "a".repeat(510));
        assertThat(ConstrainedCommand.parse("ls " + "a".repeat(509))).hasSize(2);
    }

    @Test
    void argvBuiltAnotherWayIsHeldToTheSameRule() {
        ExecCommand sneaky =
                new ExecCommand(List.of("ls", "a b"), "ls", Map.of(), null, false, null, PolicyProfile.ALLOWLIST);
        assertThatThrownBy(() -> policy.check(null, "sbx", sneaky)).isInstanceOf(RuncellException.class);
        ExecCommand shell = new ExecCommand(
                List.of("bash", "-c", "ls"), "ls", Map.of(), null, false, null, PolicyProfile.ALLOWLIST);
        assertThatThrownBy(() -> policy.check(null, "sbx", shell)).isInstanceOf(RuncellException.class);
    }

    @Test
    void theAllowlistIsConfigurable() {
        AllowlistCommandPolicy wider = new AllowlistCommandPolicy(Set.of("ls", "cat"));
        wider.check(null, "sbx", ExecCommand.constrained("cat notes.txt"));
        assertThatThrownBy(() -> wider.check(null, "sbx", ExecCommand.constrained("rm x")))
                .isInstanceOf(RuncellException.class);
        assertThatThrownBy(() -> new AllowlistCommandPolicy(Set.of("/bin/sh")))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new AllowlistCommandPolicy(Set.of("a;b")))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void policiesDispatchTheAllowlistProfile() {
        Policies policies = new Policies().with(PolicyProfile.ALLOWLIST, policy);
        policies.check(null, "sbx", ExecCommand.constrained("ls"));
        assertThatThrownBy(() -> policies.check(
                        null,
                        "sbx",
                        new ExecCommand(
                                List.of("bash", "-c", "id"),
                                "id",
                                Map.of(),
                                null,
                                false,
                                null,
                                PolicyProfile.ALLOWLIST)))
                .isInstanceOf(RuncellException.class);
    }
}
