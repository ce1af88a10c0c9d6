package io.runcell.core.execution;

/**
 * Follows one execution live (Server-Sent Events). Called on the driver's output thread: copy and return, never
 * block.
 */
public interface ExecutionListener {

    /** Which stream a chunk belongs to. */
    enum Stream {
        STDOUT,
        STDERR
    }

    /** Bytes that were captured (bytes past the cap are not delivered). */
    void output(Stream stream, byte[] data);

    /** The execution has ended; {@code record} is final. */
    void finished(Execution record);
}
