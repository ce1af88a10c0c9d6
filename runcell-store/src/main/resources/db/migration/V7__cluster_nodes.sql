-- Cluster mode (PostgreSQL): the node registry and settings every node shares. Portable like V1 so SQLite runs
-- it too (one node never reads these tables). Times are epoch milliseconds of the database's clock.

CREATE TABLE nodes (
    id            TEXT    NOT NULL PRIMARY KEY,
    url           TEXT    NOT NULL,
    capacity      INTEGER NOT NULL,
    -- active | draining | left (deregistered by a graceful shutdown)
    state         TEXT    NOT NULL,
    -- random per process start: a node that restarts under the same id is a new incarnation
    incarnation   TEXT    NOT NULL,
    started_at    BIGINT  NOT NULL,
    heartbeat_at  BIGINT  NOT NULL,
    lease_until   BIGINT  NOT NULL,
    -- set when a surviving node marked this node's sandboxes unknown and its executions lost; cleared on return
    declared_dead_at BIGINT NULL
);

-- Secrets every node must agree on (the result-link signing key); created by the first node, read by the rest.
CREATE TABLE cluster_settings (
    name  TEXT NOT NULL PRIMARY KEY,
    value TEXT NOT NULL
);
