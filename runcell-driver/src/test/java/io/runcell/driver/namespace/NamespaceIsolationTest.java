package io.runcell.driver.namespace;

import static org.assertj.core.api.Assertions.assertThat;

import io.runcell.driver.namespace.DriverFixture.Output;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** What a command inside a sandbox can and cannot see or do, on real bubblewrap and cgroups. */
class NamespaceIsolationTest {

    private static final int UID = 100_101;
    private static DriverFixture fx;

    @BeforeAll
    static void startSandboxes() throws Exception {
        fx = new DriverFixture("iso");
        fx.driver.start(DriverFixture.spec("iso-a", UID));
        fx.driver.start(DriverFixture.spec("iso-b", UID + 1));
        Output write = fx.sh("iso-b", "echo secret > /workspace/b.txt");
        assertThat(write.result().exitCode()).as(write.toString()).isZero();
    }

    @AfterAll
    static void close() throws Exception {
        fx.close();
    }

    @Test
    void hasNoNetworkButLoopback() throws Exception {
        Output connect = fx.run(
                "iso-a",
                "python3",
                "-c",
                "import socket; s=socket.socket(); s.settimeout(3); s.connect(('1.1.1.1', 53))");
        assertThat(connect.result().exitCode()).isNotZero();
        assertThat(connect.stderr()).contains("OSError");

        Output interfaces = fx.sh("iso-a", "tail -n +3 /proc/net/dev | cut -d: -f1 | tr -d ' '");
        assertThat(interfaces.stdout().strip()).isEqualTo("lo");
    }

    @Test
    void seesOnlyItsOwnProcesses() throws Exception {
        Output ps = fx.sh("iso-a", "for p in /proc/[0-9]*; do echo \"${p#/proc/} $(tr '\\0' ' ' < $p/cmdline)\"; done");
        assertThat(ps.stdout()).doesNotContain("java").contains("1 " + HolderCommand.INIT + " init");
        assertThat(ps.stdout().lines().map(l -> Long.parseLong(l.split(" ")[0])))
                .allSatisfy(pid -> assertThat(pid).isLessThan(100));
        assertThat(ps.stdout().lines().count()).isLessThanOrEqualTo(6);
    }

    @Test
    void cannotReachHostOrOtherSandboxFiles() throws Exception {
        String otherWorkspace = fx.driver.files().workspace("iso-b").toString();
        Output probe = fx.sh(
                "iso-a",
                "for p in /root " + fx.dataDir + " " + otherWorkspace
                        + " /etc/shadow; do test -e $p && echo VISIBLE $p; done; cat /proc/1/root/etc/passwd;"
                        + " cat /workspace/../b.txt; true");
        assertThat(probe.stdout()).doesNotContain("VISIBLE").doesNotContain("secret");
        assertThat(probe.stderr()).contains("Permission denied");
    }

    @Test
    void writesOnlyToWorkspaceAndTmp() throws Exception {
        Output writes = fx.sh(
                "iso-a",
                "for d in / /usr /etc /var /proc/sys/kernel /workspace /tmp; do"
                        + " if echo x > $d/probe 2>/dev/null; then echo WRITABLE $d; fi; done");
        assertThat(writes.stdout().lines()).containsExactly("WRITABLE /workspace", "WRITABLE /tmp");
    }

    @Test
    void runsAsTheSandboxUidWithoutCapabilities() throws Exception {
        Output id = fx.sh(
                "iso-a",
                "id -u; id -g; whoami; grep -E '^(CapEff|CapPrm|CapBnd|NoNewPrivs)' /proc/self/status;"
                        + " echo HOME=$HOME; echo VAR=$SANDBOX_VAR");
        assertThat(id.stdout())
                .contains(UID + "\n" + UID + "\nsandbox\n")
                .contains("CapEff:\t0000000000000000")
                .contains("CapPrm:\t0000000000000000")
                .contains("CapBnd:\t0000000000000000")
                .contains("NoNewPrivs:\t1")
                .contains("HOME=/workspace")
                .contains("VAR=from-spec");
    }

    @Test
    void cannotCreateNestedUserNamespaces() throws Exception {
        Output unshare = fx.run("iso-a", "unshare", "-U", "true");
        assertThat(unshare.result().exitCode()).isNotZero();
        assertThat(unshare.stderr()).contains("Operation not permitted");
    }

    @Test
    void etcIsTheGeneratedSkeleton() throws Exception {
        Output etc = fx.sh("iso-a", "ls /etc | sort | tr '\\n' ' '; getent passwd sandbox; hostname");
        assertThat(etc.stdout())
                .startsWith("group hostname hosts ld.so.cache nsswitch.conf passwd ")
                .contains("sandbox:x:" + UID + ":" + UID + ":sandbox:/workspace:/bin/sh")
                .contains("sbx-iso-a");
    }

    @Test
    void missingProgramIsReportedAsAnError() throws Exception {
        Output missing = fx.run("iso-a", "no-such-program");
        assertThat(missing.result().error()).contains("no-such-program").contains("No such file");
        assertThat(missing.result().exitCode()).isNull();
    }
}
