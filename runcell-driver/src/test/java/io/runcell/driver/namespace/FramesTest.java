package io.runcell.driver.namespace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class FramesTest {

    private static byte[] frames(Object... typeAndPayload) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        for (int i = 0; i < typeAndPayload.length; i += 2) {
            byte[] payload = ((String) typeAndPayload[i + 1]).getBytes(StandardCharsets.UTF_8);
            out.writeByte((Character) typeAndPayload[i]);
            out.writeInt(payload.length);
            out.write(payload);
        }
        return bytes.toByteArray();
    }

    @Test
    void readsFramesInOrderThenEndOfStream() throws IOException {
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(
                frames('p', "123", 'o', "hello", 'e', "", 'x', "status=256 utime_us=5 stime_us=7")));
        assertThat(Frames.read(in).text()).isEqualTo("123");
        assertThat(Frames.read(in).text()).isEqualTo("hello");
        assertThat(Frames.read(in).payload()).isEmpty();
        Frames.Exit exit = Frames.Exit.parse(Frames.read(in).text());
        assertThat(Frames.read(in)).isNull();
        assertThat(exit.exited()).isTrue();
        assertThat(exit.exitCode()).isEqualTo(1);
        assertThat(exit.cpuMicros()).isEqualTo(12);
    }

    @Test
    void decodesSignalStatus() {
        Frames.Exit killed = Frames.Exit.parse("status=9 utime_us=0 stime_us=0");
        assertThat(killed.exited()).isFalse();
        assertThat(killed.signal()).isEqualTo(9);
        assertThat(killed.oomKills()).isZero();
        assertThat(Frames.Exit.parse("status=9 utime_us=0 stime_us=0 oom_kills=2")
                        .oomKills())
                .isEqualTo(2);
    }

    @Test
    void rejectsTruncatedOrOversizedFrames() throws IOException {
        byte[] whole = frames('o', "hello");
        byte[] truncated = java.util.Arrays.copyOf(whole, whole.length - 2);
        assertThatThrownBy(() -> Frames.read(new DataInputStream(new ByteArrayInputStream(truncated))))
                .isInstanceOf(IOException.class);
        byte[] huge = {'o', 0x7f, 0, 0, 0};
        assertThatThrownBy(() -> Frames.read(new DataInputStream(new ByteArrayInputStream(huge))))
                .hasMessageContaining("bad frame length");
    }
}
