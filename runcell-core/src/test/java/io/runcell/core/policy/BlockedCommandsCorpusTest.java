package io.runcell.core.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

class BlockedCommandsCorpusTest {

    private static final BlockedCommands RULES = BlockedCommands.defaults();

    static final List<String> BLOCKED = List.of(
            "shutdown -h now",
            "reboot",
            "poweroff",
            "halt",
            "halt -p",
            "init 0",
            "init 6",
            "telinit 6",
            "systemctl poweroff",
            "systemctl reboot",
            "systemctl halt",
            "systemctl start reboot.target",
            "  reboot   ",
            "\"reboot\"",
            "'reboot'",
            "re\"bo\"ot",
            "re''boot",
            "\\reboot",
            "r\\eboot",
            "$'\\x72eboot'",
            "sudo reboot",
            "sudo -u root reboot",
            "sudo -- shutdown -r now",
            "env reboot",
            "env -i PATH=/usr/bin reboot",
            "FOO=1 reboot",
            "nohup reboot &",
            "command reboot",
            "exec reboot",
            "exec -a x reboot",
            "nice -n 10 reboot",
            "timeout 5 reboot",
            "/sbin/reboot",
            "/usr/sbin/shutdown now",
            "//sbin//./reboot",
            "./poweroff",
            "echo hi; reboot",
            "echo hi && reboot",
            "false || reboot",
            "uptime | reboot",
            "echo $(reboot)",
            "echo `reboot`",
            "echo \"$(shutdown now)\"",
            "(reboot)",
            "{ reboot; }",
            "if true; then reboot; fi",
            "for i in 1; do poweroff; done",
            "bash -c 'reboot'",
            "sh -c \"sudo reboot\"",
            "bash -lc reboot",
            "eval reboot",
            "eval \"shut\"\"down now\"",
            "echo reboot | sh",
            "su -c reboot",
            "busybox reboot",
            "mkfs /dev/sda1",
            "mkfs.ext4 /dev/sda1",
            "/sbin/mkfs.xfs -f /dev/vdb",
            "mke2fs /dev/sdb",
            "mkswap /dev/sdb2",
            "rm -rf /",
            "rm -fr /",
            "rm -rf /*",
            "rm -Rf /",
            "rm -r -f /",
            "rm --recursive --force /",
            "rm -rf --no-preserve-root /",
            "rm -rf //",
            "rm -rf /.",
            "sudo rm -rf /etc",
            "rm -rf /usr/*",
            "\"rm\" \"-rf\" \"/\"",
            "chmod -R 000 --no-preserve-root /",
            "dd if=/dev/zero of=/dev/sda",
            "dd if=/dev/urandom of=/dev/nvme0n1 bs=1M",
            "dd of=/dev/vda if=image.raw",
            "sudo dd if=/dev/zero of=//dev/sda",
            "echo x > /dev/sda",
            "cat image >/dev/sdb",
            "echo x 1>> /dev/sda",
            "head -c 1M /dev/urandom &> /dev/sda",
            "echo garbage | tee /dev/sda",
            "cp image.iso /dev/sdb",
            "shred -n 1 /dev/sda",
            "echo b > /proc/sysrq-trigger",
            ":(){ :|:& };:",
            ":(){ :|: & }; :",
            "bomb() { bomb | bomb & }; bomb",
            "function f { f|f& }; f",
            "perl -e 'fork while fork'",
            "python3 -c 'import os\nwhile True: os.fork()'");

    static final List<String> HARMLESS = List.of(
            "echo reboot",
            "echo 'rm -rf /'",
            "echo \"shutdown now\"",
            "printf 'halt\\n'",
            "ls /dev",
            "ls -la /dev/sda",
            "grep shutdown log.txt",
            "grep -r reboot /var/log",
            "cat /var/log/reboot.log",
            "man shutdown",
            "which reboot",
            "type shutdown",
            "command -v reboot",
            "last reboot",
            "journalctl --list-boots",
            "systemctl status",
            "systemctl status nginx",
            "systemctl list-units",
            "uptime",
            "uname -a",
            "df -h",
            "free -m",
            "rm -rf /tmp/build",
            "rm -rf ./build",
            "rm -rf build/",
            "rm -f /workspace/file.txt",
            "rm -rf /workspace/cache",
            "rm /tmp/x",
            "mkdir mkfs-notes",
            "cat mkfs.log",
            "dd if=/dev/zero of=/tmp/test.img bs=1M count=10",
            "dd if=/dev/urandom of=/dev/null count=1",
            "echo hi > /dev/null",
            "echo hi 2>/dev/null",
            "make 2>&1 | tee build.log",
            "echo oops >&2",
            "cat < /dev/urandom | head -c 10 > /tmp/r",
            "echo x > /tmp/sda",
            "python3 -c 'print(\"reboot\")'",
            "bash -c 'echo reboot'",
            "sh -c \"ls /dev\"",
            "init_db.sh",
            "./init.sh 0",
            "docker-init --version",
            "shutdown_notes=1 echo ok",
            "echo $((1+1))",
            "echo $HOME",
            "git log --grep=reboot",
            "find / -name reboot -print",
            "ps aux | grep halt",
            "history | grep poweroff",
            "true || echo halt",
            "tail -f /var/log/syslog",
            "cat /proc/cpuinfo",
            "ls /sys/class/net",
            "kill -0 1",
            "sleep 1 && echo done",
            "function greet { echo hi; }; greet",
            "f() { echo a | cat; }; f",
            "fdisk --help",
            "echo 'fork while fork'",
            "test -e /dev/sda && echo present",
            "# reboot");

    @ParameterizedTest
    @FieldSource("BLOCKED")
    void blocksDangerousVariants(String command) {
        assertThat(RULES.firstHit(command)).as(command).isPresent();
    }

    @ParameterizedTest
    @FieldSource("HARMLESS")
    void letsLookAlikesRun(String command) {
        assertThat(RULES.firstHit(command)).as(command).isEmpty();
    }

    @Test
    void corpusIsLargeEnough() {
        assertThat(BLOCKED).hasSizeGreaterThanOrEqualTo(40);
        assertThat(HARMLESS).hasSizeGreaterThanOrEqualTo(40);
    }

    @Test
    void reportsTheRuleThatHit() {
        assertThat(RULES.firstHit("sudo /sbin/reboot")).contains("power.reboot");
        assertThat(RULES.firstHit("rm -fr /*")).contains("fs.rm-root");
        assertThat(RULES.firstHit("dd if=x of=/dev/sda")).contains("dev.dd");
        assertThat(RULES.firstHit(":(){ :|:& };:")).contains("fork.function");
    }

    @Test
    void argvIsJudgedWithoutAShell() {
        assertThat(RULES.firstHit(List.of("/sbin/reboot"))).contains("power.reboot");
        assertThat(RULES.firstHit(List.of("echo", "reboot"))).isEmpty();
        assertThat(RULES.firstHit(List.of("sh", "-c", "reboot"))).contains("power.reboot");
    }

    @Test
    void deeplyNestedTextIsRefused() {
        String text = "reboot";
        for (int i = 0; i < 12; i++) {
            text = "echo $(" + text + ")";
        }
        assertThat(RULES.firstHit(text)).contains(BlockedCommands.TOO_DEEP);
    }

    @Test
    void rulesComeFromAnyText() {
        BlockedCommands custom = BlockedCommands.parse("test", "# only this\nno.curl program=curl arg=*evil*\n");
        assertThat(custom.size()).isEqualTo(1);
        assertThat(custom.firstHit("curl http://evil.example")).contains("no.curl");
        assertThat(custom.firstHit("reboot")).isEmpty();
    }

    @Test
    void rulesLoadFromAFile(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        java.nio.file.Path file = dir.resolve("rules");
        java.nio.file.Files.writeString(file, "no.uptime program=uptime  # comment\n\n");
        BlockedCommands loaded = BlockedCommands.load(file);
        assertThat(loaded.firstHit("sudo /usr/bin/uptime")).contains("no.uptime");
        assertThat(loaded.firstHit("reboot")).isEmpty();
    }

    @Test
    void aBadRuleNamesItsLine() {
        assertThatThrownBy(() -> BlockedCommands.parse("rules.txt", "ok program=a\nbad nonsense=1\n"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("rules.txt line 2");
    }
}
