/**
 * The {@code namespace} backend: one persistent bubblewrap holder per running sandbox (pid, net, ipc, uts, mount and
 * cgroup namespaces, no user namespace) in a pooled set of cgroups, and a small C helper ({@code runcell-sandbox})
 * that runs each execution inside it as the sandbox's uid with no capabilities.
 *
 * <p>Every process is spawned from {@link io.runcell.driver.namespace.Spawner}'s long-lived platform threads,
 * because {@code PR_SET_PDEATHSIG} fires when the forking <em>thread</em> exits. Needs root and cgroup v1 (memory,
 * pids, cpu) or cgroup v2 with those controllers.
 */
package io.runcell.driver.namespace;
