/**
 * The append-only audit log of policy decisions: who asked to run what in which sandbox, and whether a rule
 * blocked it. Written by the policies in {@link io.runcell.core.policy}, read by administrators.
 */
package io.runcell.core.audit;
