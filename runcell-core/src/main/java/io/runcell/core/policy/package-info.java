/**
 * Pre-execution rules: which commands a caller may run, decided in the core before anything starts. A dialect
 * only picks the {@link io.runcell.core.policy.PolicyProfile} its API contract implies.
 */
package io.runcell.core.policy;
