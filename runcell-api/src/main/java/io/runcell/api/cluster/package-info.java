/**
 * The HTTP side of cluster mode: every answer names the node that produced it ({@code X-Runcell-Node}); a request
 * the core hands over ({@link io.runcell.core.cluster.OwnedElsewhere}) is relayed whole to the owning node with an
 * internal credential, and the owner's answer (status, headers, body, SSE stream) is relayed back unchanged.
 */
package io.runcell.api.cluster;
