/** Short-lived read caches in front of repositories that every request reads (keys, accounts, plans). */
package io.runcell.core.cache;
