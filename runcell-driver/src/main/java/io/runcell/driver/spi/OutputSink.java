package io.runcell.driver.spi;

/**
 * Receives an execution's output as the driver reads it. Called from one driver thread per execution, in
 * order; implementations must not block for long (they copy and return).
 */
public interface OutputSink {

    void stdout(byte[] buffer, int offset, int length);

    void stderr(byte[] buffer, int offset, int length);

    /**
     * The backend itself dropped output of this stream beyond its own cap (the guest agent keeps at most 16 MiB
     * per stream): the record must say truncated even if what arrived fits the plan's cap.
     */
    default void truncatedBySource(boolean stdout) {}
}
