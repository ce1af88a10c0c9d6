package io.runcell.cluster.ratelimit;

import io.github.bucket4j.TimeMeter;
import java.util.concurrent.TimeUnit;

/** A clock that moves only when told; thread-safe, so limiters of two "nodes" can share it. */
final class ManualTime implements TimeMeter {

    private volatile long nanos;

    ManualTime() {
        this.nanos = 1_000_000_000L;
    }

    @Override
    public long currentTimeNanos() {
        return nanos;
    }

    /** Counts from the epoch, as distributed Bucket4j buckets require of a clock shared by nodes. */
    @Override
    public boolean isWallClockBased() {
        return true;
    }

    void advanceMillis(long ms) {
        nanos += TimeUnit.MILLISECONDS.toNanos(ms);
    }
}
