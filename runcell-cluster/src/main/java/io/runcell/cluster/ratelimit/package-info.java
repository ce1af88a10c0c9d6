/**
 * Rate limiting with Bucket4j token buckets of one shape ({@code BucketShape}):
 * {@link io.runcell.cluster.ratelimit.LocalRateLimiter} in one node's memory,
 * {@link io.runcell.cluster.ratelimit.PostgresRateLimiter} shared by the nodes of a cluster through PostgreSQL.
 */
package io.runcell.cluster.ratelimit;
