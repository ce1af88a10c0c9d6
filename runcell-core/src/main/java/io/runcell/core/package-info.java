/**
 * The Runcell engine: accounts, keys, plans, sandboxes and executions, their lifecycles and rules, and the
 * ports (repositories, driver) it needs. Plain Java and SLF4J; every edge (store, driver, clock) is injected.
 */
package io.runcell.core;
