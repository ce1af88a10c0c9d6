package io.runcell.driver.microvm;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExecutablesTest {

    @Test
    void aNameIsLookedUpOnPathAndAPathIsTakenAsItIs(@TempDir Path dir) throws Exception {
        assertThat(Executables.find("sh")).hasValueSatisfying(p -> assertThat(p).isExecutable());
        assertThat(Executables.find("no-such-program-" + System.nanoTime())).isEmpty();

        Path script = Files.writeString(dir.resolve("tool"), "#!/bin/sh\n");
        assertThat(Executables.find(script.toString())).as("not executable yet").isEmpty();
        assertThat(script.toFile().setExecutable(true)).isTrue();
        assertThat(Executables.find(script.toString())).contains(script);
        assertThat(Executables.find(dir.resolve("missing").toString())).isEmpty();
    }
}
