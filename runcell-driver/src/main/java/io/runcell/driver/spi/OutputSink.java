package io.runcell.driver.spi;

/**
 * Receives an execution's output as the driver reads it. Called from one driver thread per execution, in
 * order; implementations must not block for long (they copy and return).
 */
public interface OutputSink {

    void stdout(byte[] buffer, int offset, int length);

    void stderr(byte[] buffer, int offset, int length);
}
