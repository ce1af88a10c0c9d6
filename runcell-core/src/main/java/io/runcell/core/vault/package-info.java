/**
 * Vaults: named sets of secrets of one account, stored encrypted under the node's master key, injected into an
 * execution's environment on request and redacted from its output.
 */
package io.runcell.core.vault;
