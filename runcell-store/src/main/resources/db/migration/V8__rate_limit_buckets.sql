-- Cluster mode (PostgreSQL): the token buckets of io.runcell.cluster.ratelimit.PostgresRateLimiter, written by
-- Bucket4j's PostgreSQL proxy manager. Portable like V1 so SQLite runs it too (one node keeps its buckets in
-- memory and never reads this table); SQLite accepts BYTEA as a type name.

CREATE TABLE rate_limit_buckets (
    -- "<endpoint class>:<rate per second>:<account id>": a changed plan rate is a different bucket
    id         TEXT   NOT NULL PRIMARY KEY,
    -- Bucket4j's serialised bucket state; NULL for the instant between its INSERT ... ON CONFLICT DO NOTHING
    -- placeholder and the first UPDATE
    state      BYTEA  NULL,
    -- epoch milliseconds after which the bucket would be full again (plus a margin), so deleting the row changes
    -- nothing; PostgresRateLimiter.purgeExpired() deletes such rows
    expires_at BIGINT NULL
);
CREATE INDEX rate_limit_buckets_expires_at ON rate_limit_buckets (expires_at);
