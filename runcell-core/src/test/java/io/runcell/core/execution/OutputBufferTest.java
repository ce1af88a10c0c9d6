package io.runcell.core.execution;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class OutputBufferTest {

    @Test
    void keepsEverythingUnderTheCap() {
        OutputBuffer b = new OutputBuffer(10);
        byte[] hello = "hello".getBytes(StandardCharsets.UTF_8);
        assertThat(b.append(hello, 0, 5)).isEqualTo(5);
        assertThat(b.text()).isEqualTo("hello");
        assertThat(b.truncated()).isFalse();
    }

    @Test
    void dropsBytesPastTheCapAndSetsTheFlag() {
        OutputBuffer b = new OutputBuffer(8);
        byte[] data = "0123456789abcdef".getBytes(StandardCharsets.UTF_8);
        assertThat(b.append(data, 0, 6)).isEqualTo(6);
        assertThat(b.append(data, 6, 10)).isEqualTo(2);
        assertThat(b.text()).isEqualTo("01234567");
        assertThat(b.truncated()).isTrue();
        assertThat(b.append(data, 0, 1)).isZero();
        assertThat(b.size()).isEqualTo(8);
    }

    @Test
    void versionChangesOnlyWhenSomethingChanges() {
        OutputBuffer b = new OutputBuffer(4);
        long v0 = b.version();
        b.append(new byte[0], 0, 0);
        assertThat(b.version()).isEqualTo(v0);
        b.append(new byte[] {'a'}, 0, 1);
        assertThat(b.version()).isGreaterThan(v0);
    }
}
