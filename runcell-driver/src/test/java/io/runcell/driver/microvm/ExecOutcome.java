package io.runcell.driver.microvm;

import io.runcell.driver.spi.ExecResult;
import io.runcell.driver.spi.OutputSink;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** An execution's result with its captured output, for tests. */
record ExecOutcome(ExecResult result, byte[] stdoutBytes, byte[] stderrBytes) {

    String stdout() {
        return new String(stdoutBytes, StandardCharsets.UTF_8);
    }

    String stderr() {
        return new String(stderrBytes, StandardCharsets.UTF_8);
    }

    /** A sink that keeps everything (the caller's cap is not under test here). */
    static final class Capture implements OutputSink {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final ByteArrayOutputStream err = new ByteArrayOutputStream();

        @Override
        public synchronized void stdout(byte[] buffer, int offset, int length) {
            out.write(buffer, offset, length);
        }

        @Override
        public synchronized void stderr(byte[] buffer, int offset, int length) {
            err.write(buffer, offset, length);
        }
    }
}
