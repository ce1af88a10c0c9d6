package io.runcell.driver.microvm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Requests for the guest's launcher, in the layout sandbox-launcher.c parses. */
class LaunchFrameTest {

    private static final String TOKEN = "00000000deadbeef";

    @Test
    void headerThenArgumentsEnvironmentAndInput() {
        byte[] frame = LaunchFrame.encode(
                        9, TOKEN, List.of("sh", "-c", "cat"), List.of("PATH=/bin", "É=1"), "in".getBytes())
                .orElseThrow();
        String payload = "sh\0-c\0cat\0PATH=/bin\0É=1\0in";
        int paylen = payload.getBytes(StandardCharsets.UTF_8).length;
        assertThat(new String(frame, StandardCharsets.UTF_8))
                .isEqualTo("RCX1 9 " + TOKEN + " 3 2 2 " + paylen + "\n" + payload);
    }

    @Test
    void noInputIsAnEmptyInput() {
        byte[] frame =
                LaunchFrame.encode(1, TOKEN, List.of("true"), List.of(), null).orElseThrow();
        assertThat(new String(frame, StandardCharsets.UTF_8)).isEqualTo("RCX1 1 " + TOKEN + " 1 0 0 5\ntrue\0");
    }

    @Test
    void aFrameThatWouldPassPipeBufIsNotMade() {
        String header = "RCX1 1 " + TOKEN + " 1 0 0 ";
        // the largest argument that fits: header + "NNNN\n" + argument + NUL = 4096
        int fits = LaunchFrame.MAX_BYTES - header.length() - 5 - 1;
        byte[] frame = LaunchFrame.encode(1, TOKEN, List.of("a".repeat(fits)), List.of(), null)
                .orElseThrow();
        assertThat(frame).hasSize(LaunchFrame.MAX_BYTES);
        assertThat(LaunchFrame.encode(1, TOKEN, List.of("a".repeat(fits + 1)), List.of(), null))
                .isEmpty();
        assertThat(LaunchFrame.encode(1, TOKEN, List.of("cat"), List.of(), new byte[4096]))
                .isEmpty();
        assertThat(LaunchFrame.encode(1, TOKEN, List.of("x"), List.of("V=" + "v".repeat(5000)), null))
                .isEmpty();
    }

    @Test
    void aNulInAStringCannotBeFramed() {
        assertThat(LaunchFrame.encode(1, TOKEN, List.of("echo", "a\0b"), List.of(), null))
                .isEmpty();
        assertThat(LaunchFrame.encode(1, TOKEN, List.of("true"), List.of("A=\0"), null))
                .isEmpty();
    }

    @Test
    void idTokenAndArgvAreChecked() {
        assertThatThrownBy(() -> LaunchFrame.encode(0, TOKEN, List.of("true"), List.of(), null))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> LaunchFrame.encode(1, "DEADBEEF", List.of("true"), List.of(), null))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> LaunchFrame.encode(1, TOKEN, List.of(), List.of(), null))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
