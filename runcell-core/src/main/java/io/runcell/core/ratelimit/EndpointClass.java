package io.runcell.core.ratelimit;

/** What kind of call a request is, for rate limiting: each has its own per-account rate in the plan. */
public enum EndpointClass {
    /** Starting an execution. */
    EXEC,
    /** Creating, starting, stopping, destroying or relabelling a sandbox; cancelling an execution. */
    MANAGE,
    /** Getting or listing sandboxes and executions, reading files. */
    READ;

    public String wire() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
