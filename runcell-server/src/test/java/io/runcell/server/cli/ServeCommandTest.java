package io.runcell.server.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** How {@code runcell serve} turns its flags and environment into a config, without starting a server. */
class ServeCommandTest {

    private static ServeCommand parsed(String... args) {
        ServeCommand command = new ServeCommand();
        new CommandLine(command).parseArgs(args);
        return command;
    }

    @Test
    void blockedCommandsFileComesFromTheFlagOrTheEnvironmentAndTheFlagWins() {
        Map<String, String> env = Map.of("RUNCELL_BLOCKED_COMMANDS", "/srv/runcell/env.rules");
        assertThat(parsed().config(Map.of()).blockedCommands())
                .as("the shipped list")
                .isNull();
        assertThat(parsed().config(env).blockedCommands()).isEqualTo(Path.of("/srv/runcell/env.rules"));
        ServeCommand flag = parsed("--blocked-commands", "/etc/runcell/flag.rules");
        assertThat(flag.config(Map.of()).blockedCommands()).isEqualTo(Path.of("/etc/runcell/flag.rules"));
        assertThat(flag.config(env).blockedCommands()).isEqualTo(Path.of("/etc/runcell/flag.rules"));
    }

    @Test
    void microvmSnapshotsAreOnUnlessTheFlagOrTheEnvironmentTurnsThemOff() {
        assertThat(parsed().config(Map.of()).microvmSnapshots()).isTrue();
        assertThat(parsed().config(Map.of("RUNCELL_MICROVM_SNAPSHOTS", "off")).microvmSnapshots())
                .isFalse();
        assertThat(parsed("--microvm-snapshots", "false").config(Map.of()).microvmSnapshots())
                .isFalse();
        assertThat(parsed("--microvm-snapshots", "true")
                        .config(Map.of("RUNCELL_MICROVM_SNAPSHOTS", "0"))
                        .microvmSnapshots())
                .as("the flag wins")
                .isTrue();
        assertThatThrownBy(() -> parsed().config(Map.of("RUNCELL_MICROVM_SNAPSHOTS", "maybe")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("RUNCELL_MICROVM_SNAPSHOTS must be true or false");
    }
}
