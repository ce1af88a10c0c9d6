package io.runcell.core.policy;

/** The rule sets an execution can be held to. */
public enum PolicyProfile {
    /** Any command (within length and resource limits): native and InstaVM. */
    OPEN,
    /** Only allowlisted programs with plain arguments (Vast's "constrained remote command"). */
    ALLOWLIST,
    /** Anything except blocked commands (power control, filesystem destruction...), every decision audited (Hostup). */
    GUARDED
}
