package io.runcell.driver.microvm;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The guest helpers build.sh put on the classpath. */
class GuestBinariesTest {

    /**
     * Every execution starts the wrapper, and glibc's static start-up costs ~2.5 ms more per start under TCG, so
     * build.sh links it with musl. Without musl-gcc it falls back to glibc with only a warning; this makes CI (which
     * installs musl-tools through ./scripts/test) fail instead of getting slower. glibc's static start-up reads the
     * {@code GLIBC_TUNABLES} environment variable, so its name is in every static glibc binary.
     */
    @Test
    void theExecWrapperAndLauncherAreLinkedWithMuslNotGlibc() throws Exception {
        for (String name : List.of("sandbox-exec", "sandbox-launcher")) {
            assertThat(resource(name)).as(name).startsWith("\u007fELF").doesNotContain("GLIBC_TUNABLES");
        }
        assertThat(resource("guest-resume"))
                .as("guest-resume stays on glibc (it needs <linux/random.h>): the marker is real")
                .contains("GLIBC_TUNABLES");
    }

    private static String resource(String name) throws Exception {
        try (InputStream in = GuestBinariesTest.class.getResourceAsStream(GuestImage.GUEST_BIN_RESOURCE + name)) {
            assertThat(in)
                    .as("%s was not built (gcc -static needs libc6-dev; the wrapper also musl-tools)", name)
                    .isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }
}
