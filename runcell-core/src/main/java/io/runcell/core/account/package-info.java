/** Accounts, API keys with scopes, and authentication of a presented token into a {@link io.runcell.core.account.Principal}. */
package io.runcell.core.account;
