package io.runcell.driver.spi;

/** A driver operation that could not be done; {@link #reason()} tells the core how to report it. */
public final class DriverException extends Exception {

    /** Why the operation failed. */
    public enum Reason {
        /** The sandbox is not running (stopped, never started, or its processes died). */
        NOT_RUNNING,
        /** The host lacks what the backend needs (a tool, a kernel feature, permissions). */
        UNAVAILABLE,
        /** The backend tried and failed (a process did not start, a VM did not boot). */
        FAILED
    }

    private final Reason reason;

    public DriverException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public DriverException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
