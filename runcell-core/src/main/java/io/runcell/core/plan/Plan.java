package io.runcell.core.plan;

/**
 * The limits of an account. Sizes in MiB, times in seconds, output cap in bytes per stream.
 *
 * @param maxSandboxes             live (not destroyed) sandboxes an account may hold
 * @param maxConcurrentExecutions  executions running at once per account
 */
public record Plan(
        String name,
        int maxSandboxes,
        int maxConcurrentExecutions,
        int defaultLifetimeSeconds,
        int maxLifetimeSeconds,
        int defaultMemoryMb,
        int maxMemoryMb,
        int defaultVcpus,
        int maxVcpus,
        int defaultPidsMax,
        int maxPidsMax,
        int defaultExecTimeoutSeconds,
        int maxExecTimeoutSeconds,
        long outputCapBytes) {

    /** Hard ceiling of the output cap (16 MiB, the QEMU guest agent's own cap). */
    public static final long MAX_OUTPUT_CAP_BYTES = 16L * 1024 * 1024;

    public static final String DEFAULT = "default";
}
