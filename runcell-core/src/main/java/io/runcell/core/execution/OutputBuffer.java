package io.runcell.core.execution;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Captured bytes of one output stream, up to a cap; bytes past the cap are dropped and {@link #truncated()} set.
 * Thread-safe: the driver appends while pollers read snapshots.
 */
public final class OutputBuffer {

    private final int cap;
    private byte[] bytes = new byte[128];
    private int size;
    private boolean truncated;
    private long version;

    public OutputBuffer(long capBytes) {
        if (capBytes < 0 || capBytes > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("cap out of range: " + capBytes);
        }
        this.cap = (int) capBytes;
    }

    /** Appends what fits under the cap; returns how many of the {@code length} bytes were kept. */
    public synchronized int append(byte[] src, int offset, int length) {
        int kept = Math.min(length, cap - size);
        if (kept < length) {
            truncated = true;
        }
        if (kept > 0) {
            if (size + kept > bytes.length) {
                bytes = Arrays.copyOf(bytes, Math.min(cap, Math.max(size + kept, bytes.length * 2)));
            }
            System.arraycopy(src, offset, bytes, size, kept);
            size += kept;
        }
        if (kept > 0 || kept < length) {
            version++;
        }
        return kept;
    }

    /** Output was dropped before it reached this buffer (the backend's own cap): the stream is truncated. */
    public synchronized void markTruncated() {
        if (!truncated) {
            truncated = true;
            version++;
        }
    }

    /** The captured text (UTF-8; invalid sequences become U+FFFD). */
    public synchronized String text() {
        return new String(bytes, 0, size, StandardCharsets.UTF_8);
    }

    public synchronized boolean truncated() {
        return truncated;
    }

    public synchronized int size() {
        return size;
    }

    /** Changes whenever the content or the truncated flag changes (for "flush if dirty"). */
    public synchronized long version() {
        return version;
    }
}
