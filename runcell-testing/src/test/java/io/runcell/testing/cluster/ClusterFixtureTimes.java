package io.runcell.testing.cluster;

/** The server's cluster timing (ClusterNode: 5 s lease, 1 s heartbeat), for tests that must outlast a lease. */
final class ClusterFixtureTimes {

    /** A lapsed lease is noticed by the next heartbeat of a survivor: lease + two heartbeats. */
    static final long LEASE_PLUS_SWEEP_MILLIS = 5_000 + 2_000;

    private ClusterFixtureTimes() {}
}
