package io.runcell.core.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.arbitrary;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;

/**
 * Generated obfuscations (spacing, quoting, escapes, wrappers, absolute paths, chains and substitutions) of
 * dangerous commands stay blocked, and the same obfuscations of harmless look-alikes stay allowed.
 */
class BlockedCommandsPropertyTest {

    private static final BlockedCommands RULES = BlockedCommands.defaults();

    /** Dangerous commands as words; the first word is the program. */
    private static final List<List<String>> DANGEROUS = List.of(
            List.of("reboot"),
            List.of("shutdown", "-h", "now"),
            List.of("poweroff"),
            List.of("halt"),
            List.of("init", "0"),
            List.of("init", "6"),
            List.of("systemctl", "reboot"),
            List.of("systemctl", "poweroff"),
            List.of("mkfs.ext4", "/dev/sda1"),
            List.of("mkfs", "/dev/vdb"),
            List.of("rm", "-rf", "/"),
            List.of("rm", "-fr", "/*"),
            List.of("rm", "-r", "-f", "/"),
            List.of("rm", "-rf", "--no-preserve-root", "/"),
            List.of("dd", "if=/dev/zero", "of=/dev/sda"),
            List.of("dd", "of=/dev/nvme0n1"));

    /** Look-alikes that mention the same words but do nothing dangerous. */
    private static final List<List<String>> HARMLESS = List.of(
            List.of("echo", "reboot"),
            List.of("grep", "shutdown", "log.txt"),
            List.of("ls", "/dev"),
            List.of("man", "halt"),
            List.of("which", "poweroff"),
            List.of("last", "reboot"),
            List.of("systemctl", "status"),
            List.of("cat", "mkfs.log"),
            List.of("rm", "-rf", "/tmp/build"),
            List.of("rm", "-rf", "./dist"),
            List.of("dd", "if=/dev/zero", "of=/tmp/disk.img"),
            List.of("echo", "rm", "-rf", "/"),
            List.of("printf", "init"),
            List.of("ls", "-l", "/dev/sda"),
            List.of("grep", "-c", "init", "/etc/inittab"));

    private static final List<String> PREFIXES = List.of(
            "",
            "sudo ",
            "sudo -u root ",
            "env ",
            "env FOO=bar ",
            "nohup ",
            "command ",
            "exec ",
            "nice -n 5 ",
            "timeout 10 ",
            "sudo env ",
            "X=1 ");
    private static final List<String> PATHS = List.of("", "/sbin/", "/usr/sbin/", "/bin/", "//usr/./bin/");
    private static final List<String> CHAINS = List.of(
            "%s",
            "echo ok; %s",
            "true && %s",
            "false || %s",
            "uptime | %s",
            "%s ; echo done",
            "echo $(%s)",
            "echo `%s`",
            "( %s )",
            "{ %s; }",
            "bash -c '%s'",
            "if true; then %s; fi");
    private static final List<String> SPACES = List.of(" ", "  ", "\t", "   ");

    @Test
    void obfuscatedDangerousCommandsAreBlocked() {
        qt().withExamples(3000)
                .forAll(
                        arbitrary().pick(DANGEROUS),
                        styles(),
                        integers().between(0, PREFIXES.size() - 1),
                        integers().between(0, CHAINS.size() - 1))
                .checkAssert((words, style, prefix, chain) -> {
                    String text = render(words, style, prefix, chain);
                    assertThat(RULES.firstHit(text)).as(text).isPresent();
                });
    }

    @Test
    void obfuscatedLookAlikesRun() {
        qt().withExamples(3000)
                .forAll(
                        arbitrary().pick(HARMLESS),
                        styles(),
                        integers().between(0, PREFIXES.size() - 1),
                        integers().between(0, CHAINS.size() - 1))
                .checkAssert((words, style, prefix, chain) -> {
                    String text = render(words, style, prefix, chain);
                    assertThat(RULES.firstHit(text)).as(text).isEmpty();
                });
    }

    private static Gen<List<Integer>> styles() {
        return lists().of(integers().between(0, 5)).ofSize(12);
    }

    /** style[0]: path of the program; style[1]: spacing; style[2..]: quoting of each word. */
    private static String render(List<String> words, List<Integer> style, int prefix, int chain) {
        List<String> out = new ArrayList<>();
        for (int w = 0; w < words.size(); w++) {
            String word = w == 0 ? PATHS.get(style.get(0) % PATHS.size()) + words.get(w) : words.get(w);
            out.add(quote(word, style.get(2 + w % 10), chain));
        }
        String space = SPACES.get(style.get(1) % SPACES.size());
        String command = PREFIXES.get(prefix) + String.join(space, out);
        return String.format(CHAINS.get(chain), command);
    }

    /** Quotes a word one of six ways; single quotes are avoided inside a single-quoted bash -c string. */
    private static String quote(String word, int how, int chain) {
        boolean insideSingle = CHAINS.get(chain).contains("'");
        return switch (how) {
            case 1 -> "\"" + word + "\"";
            case 2 -> insideSingle ? word : "'" + word + "'";
            case 3 -> word.length() > 1 ? word.charAt(0) + "\"\"" + word.substring(1) : word;
            case 4 -> "\\" + word;
            case 5 -> word.length() > 2 ? word.substring(0, 2) + "\"" + word.substring(2) + "\"" : word;
            default -> word;
        };
    }
}
