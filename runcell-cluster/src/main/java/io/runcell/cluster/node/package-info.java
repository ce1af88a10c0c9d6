/**
 * Membership of a node in the cluster: registration, heartbeat lease, the in-memory view of the other nodes that
 * every request consults, and the sweep that declares lapsed nodes dead.
 */
package io.runcell.cluster.node;
