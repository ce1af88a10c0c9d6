package io.runcell.core.plan;

import java.util.List;

/**
 * The limits of an account. Sizes in MiB, times in seconds, output cap in bytes per stream.
 *
 * @param maxSandboxes             live (not destroyed) sandboxes an account may hold
 * @param maxConcurrentExecutions  executions running at once per account
 * @param execRatePerSecond        execution starts per second per account (0 = unlimited)
 * @param manageRatePerSecond      sandbox create/start/stop/destroy/label calls per second (0 = unlimited)
 * @param readRatePerSecond        reads (get/list) per second (0 = unlimited)
 * @param commandAllowlist         the programs the allowlist policy (Vast's execute) lets this plan run; null: the
 *                                 server's configured allowlist ({@code --command-allowlist}, default ls, rm, du)
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
        long outputCapBytes,
        double execRatePerSecond,
        double manageRatePerSecond,
        double readRatePerSecond,
        List<String> commandAllowlist) {

    public Plan {
        commandAllowlist = commandAllowlist == null ? null : List.copyOf(commandAllowlist);
    }

    /** The limits without rates (unlimited), following the server's allowlist; kept for older call sites. */
    public Plan(
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
        this(
                name,
                maxSandboxes,
                maxConcurrentExecutions,
                defaultLifetimeSeconds,
                maxLifetimeSeconds,
                defaultMemoryMb,
                maxMemoryMb,
                defaultVcpus,
                maxVcpus,
                defaultPidsMax,
                maxPidsMax,
                defaultExecTimeoutSeconds,
                maxExecTimeoutSeconds,
                outputCapBytes,
                0,
                0,
                0,
                null);
    }

    /** The rate of {@code cls} in requests per second; 0 means unlimited. */
    public double rateOf(io.runcell.core.ratelimit.EndpointClass cls) {
        return switch (cls) {
            case EXEC -> execRatePerSecond;
            case MANAGE -> manageRatePerSecond;
            case READ -> readRatePerSecond;
        };
    }

    /** Hard ceiling of the output cap (16 MiB, the QEMU guest agent's own cap). */
    public static final long MAX_OUTPUT_CAP_BYTES = 16L * 1024 * 1024;

    public static final String DEFAULT = "default";
}
