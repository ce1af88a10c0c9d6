/**
 * Where sandboxes live when several nodes share one database: the node directory port, the locality rule every
 * sandbox operation passes ({@link io.runcell.core.cluster.Locality}) and the signal that a request belongs to
 * another node ({@link io.runcell.core.cluster.OwnedElsewhere}), which the HTTP layer answers by forwarding.
 */
package io.runcell.core.cluster;
