/** Plans: the limits an account's sandboxes and executions are held to. */
package io.runcell.core.plan;
