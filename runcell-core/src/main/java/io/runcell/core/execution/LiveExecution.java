package io.runcell.core.execution;

import io.runcell.driver.spi.ExecHandle;
import io.runcell.driver.spi.OutputSink;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * An execution running on this node: its output buffers, its live listeners and the future of its final record.
 * It is the driver's {@link OutputSink}.
 */
final class LiveExecution implements OutputSink {

    /** The record as inserted; replaced once when a queued execution is dispatched. */
    volatile Execution initial;

    final OutputBuffer stdout;
    final OutputBuffer stderr;
    final long startNanos;
    final CompletableFuture<Execution> done = new CompletableFuture<>();
    private final List<ExecutionListener> listeners = new CopyOnWriteArrayList<>();
    volatile ExecHandle handle;
    /** Cancel was asked before a queued execution was dispatched (or before its handle was set). */
    volatile boolean cancelRequested;

    private long flushedVersion;

    private final io.runcell.core.vault.Redactor.Stream stdoutRedactor;
    private final io.runcell.core.vault.Redactor.Stream stderrRedactor;

    LiveExecution(Execution initial, long outputCap, long startNanos) {
        this(initial, outputCap, startNanos, io.runcell.core.vault.Redactor.NONE);
    }

    LiveExecution(Execution initial, long outputCap, long startNanos, io.runcell.core.vault.Redactor redactor) {
        this.initial = initial;
        this.stdoutRedactor = redactor.isEmpty() ? null : redactor.stream();
        this.stderrRedactor = redactor.isEmpty() ? null : redactor.stream();
        this.stdout = new OutputBuffer(outputCap);
        this.stderr = new OutputBuffer(outputCap);
        this.startNanos = startNanos;
    }

    @Override
    public void stdout(byte[] buffer, int offset, int length) {
        redactAndDeliver(ExecutionListener.Stream.STDOUT, stdoutRedactor, stdout, buffer, offset, length);
    }

    @Override
    public void stderr(byte[] buffer, int offset, int length) {
        redactAndDeliver(ExecutionListener.Stream.STDERR, stderrRedactor, stderr, buffer, offset, length);
    }

    @Override
    public void truncatedBySource(boolean stdoutStream) {
        (stdoutStream ? stdout : stderr).markTruncated();
    }

    private synchronized void redactAndDeliver(
            ExecutionListener.Stream stream,
            io.runcell.core.vault.Redactor.Stream redactor,
            OutputBuffer target,
            byte[] buffer,
            int offset,
            int length) {
        if (redactor == null) {
            deliver(stream, target, buffer, offset, length);
        } else {
            byte[] clean = redactor.push(buffer, offset, length);
            if (clean.length > 0) {
                deliver(stream, target, clean, 0, clean.length);
            }
        }
    }

    /** Releases the output the redactors held back (the command ended): before the final record is built. */
    synchronized void drainRedactors() {
        if (stdoutRedactor != null) {
            byte[] tail = stdoutRedactor.finish();
            deliver(ExecutionListener.Stream.STDOUT, stdout, tail, 0, tail.length);
        }
        if (stderrRedactor != null) {
            byte[] tail = stderrRedactor.finish();
            deliver(ExecutionListener.Stream.STDERR, stderr, tail, 0, tail.length);
        }
    }

    private synchronized void deliver(
            ExecutionListener.Stream stream, OutputBuffer target, byte[] buffer, int offset, int length) {
        int kept = target.append(buffer, offset, length);
        if (kept > 0 && !listeners.isEmpty()) {
            byte[] copy = java.util.Arrays.copyOfRange(buffer, offset, offset + kept);
            for (ExecutionListener l : listeners) {
                l.output(stream, copy);
            }
        }
    }

    Execution.Output output() {
        return new Execution.Output(stdout.text(), stderr.text(), stdout.truncated(), stderr.truncated());
    }

    /** The record as it stands now, with the output captured so far. */
    Execution current() {
        return initial.withOutput(output());
    }

    /** Adds a listener after replaying what was captured so far, under the buffers' order. */
    synchronized void subscribe(ExecutionListener listener) {
        byte[] out = stdout.text().getBytes(java.nio.charset.StandardCharsets.UTF_8);
        byte[] err = stderr.text().getBytes(java.nio.charset.StandardCharsets.UTF_8);
        if (out.length > 0) {
            listener.output(ExecutionListener.Stream.STDOUT, out);
        }
        if (err.length > 0) {
            listener.output(ExecutionListener.Stream.STDERR, err);
        }
        listeners.add(listener);
    }

    void unsubscribe(ExecutionListener listener) {
        listeners.remove(listener);
    }

    void finish(Execution record) {
        for (ExecutionListener l : listeners) {
            l.finished(record);
        }
        listeners.clear();
        done.complete(record);
    }

    /** Whether output changed since the last call that returned true. */
    synchronized boolean takeDirty() {
        long v = stdout.version() * 31 + stderr.version();
        if (v == flushedVersion) {
            return false;
        }
        flushedVersion = v;
        return true;
    }
}
