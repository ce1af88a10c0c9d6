package io.runcell.driver.microvm;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The names the guest's launcher gives its results (sandbox-launcher.c), parsed strictly. */
class LaunchNoticeTest {

    private static final String TOKEN = "0123456789abcdef";

    @Test
    void anExitWithOutputAndTruncation() {
        LaunchNotice n =
                LaunchNotice.parse("x42-" + TOKEN + "-c3-1500-0-12-7-2").orElseThrow();
        assertThat(n.id()).isEqualTo(42);
        assertThat(n.token()).isEqualTo(TOKEN);
        assertThat(n.lost()).isFalse();
        assertThat(n.exitCode()).isEqualTo(3);
        assertThat(n.signal()).isNull();
        assertThat(n.cpuMicros()).isEqualTo(1500);
        assertThat(n.oomKills()).isZero();
        assertThat(n.stdoutLength()).isEqualTo(12);
        assertThat(n.stderrLength()).isEqualTo(7);
        assertThat(n.stdoutTruncated()).isFalse();
        assertThat(n.stderrTruncated()).isTrue();
        assertThat(n.hasOutput()).isTrue();
        assertThat(n.body()).isNull();
    }

    @Test
    void aSignalWithoutOutput() {
        LaunchNotice n = LaunchNotice.parse("x7-" + TOKEN + "-s9-20-1-0-0-0").orElseThrow();
        assertThat(n.exitCode()).isNull();
        assertThat(n.signal()).isEqualTo(9);
        assertThat(n.oomKills()).isEqualTo(1);
        assertThat(n.hasOutput()).isFalse();
    }

    @Test
    void aLostCommand() {
        LaunchNotice n =
                LaunchNotice.parse("x1700000000000001-" + TOKEN + "-lost").orElseThrow();
        assertThat(n.lost()).isTrue();
        assertThat(n.id()).isEqualTo(1700000000000001L);
        assertThat(n.hasOutput()).isFalse();
    }

    @Test
    void anythingElseIsNotANotice() {
        for (String name : new String[] {
            "",
            "4711-1-0", // the exec wrapper's notice
            ".x42-" + TOKEN + "-c0-1-0-0-0-0-body", // a result being written
            "x0-" + TOKEN + "-c0-1-0-0-0-0",
            "x42-0123456789ABCDEF-c0-1-0-0-0-0",
            "x42-0123456789abcde-c0-1-0-0-0-0",
            "x42-" + TOKEN + "-c256-1-0-0-0-0",
            "x42-" + TOKEN + "-s65-1-0-0-0-0",
            "x42-" + TOKEN + "-c0-1-0-16777217-0-0",
            "x42-" + TOKEN + "-c0-1-0-0-0-4",
            "x42-" + TOKEN + "-c0-1-0-0-0-0-extra",
            "x42-" + TOKEN + "-c0-1-0-0-0",
            "x42-" + TOKEN + "-lost-0",
            "x42-" + TOKEN + "/../c0-1-0-0-0-0",
            "x1234567890123456789-" + TOKEN + "-c0-1-0-0-0-0",
        }) {
            assertThat(LaunchNotice.parse(name)).as(name).isEmpty();
        }
    }

    @Test
    void theLargestOutputTheLauncherKeepsIsAccepted() {
        long max = LaunchNotice.OUTPUT_MAX;
        LaunchNotice n = LaunchNotice.parse("x5-" + TOKEN + "-c0-1-0-" + max + "-" + max + "-3")
                .orElseThrow();
        assertThat(n.stdoutLength() + n.stderrLength()).isEqualTo(2 * max);
        assertThat(n.stdoutTruncated()).isTrue();
        assertThat(n.stderrTruncated()).isTrue();
    }
}
