package io.runcell.testing.nativeapi;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.runcell.testing.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Attempts to break out of a namespace sandbox through the real API; every one must fail. */
class NativeIsolationIT {

    static TestServer server;
    static NativeFixture api;
    static String sandbox;
    static String other;

    @BeforeAll
    static void start() {
        server = TestServer.start();
        api = new NativeFixture(server, server.newAccountKey("iso"));
        sandbox = api.createSandbox("{}");
        other = api.createSandbox("{}");
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void cannotReachTheNetwork() {
        String out = api.stdout(
                sandbox,
                """
                python3 - <<'PY'
                import socket
                for target in [("1.1.1.1", 53), ("10.0.0.1", 80)]:
                    try:
                        socket.create_connection(target, timeout=2); print("CONNECTED", target)
                    except OSError as e:
                        print("refused", e.errno)
                try:
                    socket.getaddrinfo("example.com", 80); print("RESOLVED")
                except OSError:
                    print("no dns")
                PY
                ls /sys/class/net 2>/dev/null || cat /proc/net/dev""");
        assertThat(out).doesNotContain("CONNECTED").doesNotContain("RESOLVED").contains("no dns");
        assertThat(out.lines().filter(l -> l.contains("eth") || l.contains("ens")))
                .isEmpty();
    }

    @Test
    void cannotSeeHostProcesses() {
        String out = api.stdout(sandbox, "ls /proc | grep -E '^[0-9]+$' | wc -l; cat /proc/1/cmdline | tr '\\0' ' '");
        int visible = Integer.parseInt(out.lines().findFirst().orElseThrow().strip());
        assertThat(visible).isLessThan(10);
        assertThat(out).doesNotContain("java");
    }

    @Test
    void cannotReadRootTheDataDirOrAnotherWorkspace() throws Exception {
        api.run(other, "echo secret-of-other > /workspace/mine.txt");
        String dataDir = server.dataDir().toString();
        String out = api.stdout(
                sandbox,
                "ls /root 2>&1; cat " + dataDir + "/admin.key 2>&1; "
                        + "find / -name mine.txt 2>/dev/null; cat /etc/shadow 2>&1; echo end");
        assertThat(out).doesNotContain("secret-of-other").doesNotContain("rc_").contains("end");
        assertThat(out).contains("No such file");
        assertThat(Files.readString(server.dataDir().resolve("admin.key"))).startsWith("rc_");
    }

    @Test
    void writesOutsideWorkspaceAndTmpFail() {
        String out = api.stdout(
                sandbox,
                "for f in /x /usr/x /etc/x /var/x /proc/sys/kernel/hostname /workspace/ok /tmp/ok; do "
                        + "(echo 1 > $f) 2>/dev/null && echo \"WROTE $f\" || echo \"denied $f\"; done");
        assertThat(out).contains("WROTE /workspace/ok", "WROTE /tmp/ok");
        assertThat(out)
                .contains(
                        "denied /x",
                        "denied /usr/x",
                        "denied /etc/x",
                        "denied /var/x",
                        "denied /proc/sys/kernel/hostname");
    }

    @Test
    void runsUnprivilegedWithoutCapabilitiesOrNestedNamespaces() {
        JsonNode rec = api.run(
                sandbox,
                "id -u; grep -E '^Cap(Eff|Prm|Bnd)' /proc/self/status; unshare -U true && echo NESTED || echo no-userns");
        String out = rec.get("stdout").asText();
        int uid = Integer.parseInt(out.lines().findFirst().orElseThrow().strip());
        assertThat(uid).isNotZero().isGreaterThanOrEqualTo(200_000);
        assertThat(out).contains("CapEff:\t0000000000000000", "CapPrm:\t0000000000000000", "CapBnd:\t0000000000000000");
        assertThat(out).contains("no-userns").doesNotContain("NESTED");
    }

    @Test
    void etcIsASkeletonNotTheHosts() {
        String out = api.stdout(sandbox, "ls /etc | sort | tr '\\n' ' '");
        assertThat(out).doesNotContain("shadow").doesNotContain("ssh").doesNotContain("apt");
        assertThat(Path.of("/etc/apt")).exists();
    }
}
