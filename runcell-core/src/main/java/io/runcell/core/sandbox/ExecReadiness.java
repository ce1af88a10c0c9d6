package io.runcell.core.sandbox;

/**
 * Whether a sandbox can run commands now.
 *
 * @param available whether an execution would start
 * @param reason    why not (a sentence safe to show), or null when available
 * @param running   whether the sandbox itself is running
 */
public record ExecReadiness(boolean available, String reason, boolean running) {}
