/** Rate limiting with Bucket4j token buckets: {@link io.runcell.cluster.ratelimit.LocalRateLimiter} for one node. */
package io.runcell.cluster.ratelimit;
