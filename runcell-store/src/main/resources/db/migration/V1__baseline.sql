-- Portable SQL: runs unchanged on SQLite (>= 3.35) and PostgreSQL. Times are epoch milliseconds (BIGINT),
-- enums their lowercase wire names, JSON (env, metadata, argv) TEXT. No AUTOINCREMENT/SERIAL: numbers come
-- from the counters table via UPDATE ... RETURNING.

CREATE TABLE plans (
    name                         TEXT    NOT NULL PRIMARY KEY,
    max_sandboxes                INTEGER NOT NULL,
    max_concurrent_executions    INTEGER NOT NULL,
    default_lifetime_seconds     INTEGER NOT NULL,
    max_lifetime_seconds         INTEGER NOT NULL,
    default_memory_mb            INTEGER NOT NULL,
    max_memory_mb                INTEGER NOT NULL,
    default_vcpus                INTEGER NOT NULL,
    max_vcpus                    INTEGER NOT NULL,
    default_pids_max             INTEGER NOT NULL,
    max_pids_max                 INTEGER NOT NULL,
    default_exec_timeout_seconds INTEGER NOT NULL,
    max_exec_timeout_seconds     INTEGER NOT NULL,
    output_cap_bytes             BIGINT  NOT NULL
);

CREATE TABLE accounts (
    id         TEXT    NOT NULL PRIMARY KEY,
    name       TEXT    NOT NULL,
    plan       TEXT    NOT NULL,
    blocked    BOOLEAN NOT NULL DEFAULT FALSE,
    created_at BIGINT  NOT NULL
);
CREATE UNIQUE INDEX accounts_name ON accounts (name);

CREATE TABLE api_keys (
    id         TEXT   NOT NULL PRIMARY KEY,
    account_id TEXT   NOT NULL REFERENCES accounts (id),
    name       TEXT   NOT NULL,
    token_hash TEXT   NOT NULL,
    prefix     TEXT   NOT NULL,
    scopes     TEXT   NOT NULL,
    created_at BIGINT NOT NULL,
    revoked_at BIGINT NULL
);
CREATE UNIQUE INDEX api_keys_token_hash ON api_keys (token_hash);
CREATE INDEX api_keys_account ON api_keys (account_id, id);

CREATE TABLE sandboxes (
    id               TEXT    NOT NULL PRIMARY KEY,
    number           BIGINT  NOT NULL,
    account_id       TEXT    NOT NULL REFERENCES accounts (id),
    backend          TEXT    NOT NULL,
    state            TEXT    NOT NULL,
    label            TEXT    NULL,
    memory_mb        INTEGER NOT NULL,
    vcpus            INTEGER NOT NULL,
    pids_max         INTEGER NOT NULL,
    network          BOOLEAN NOT NULL,
    env              TEXT    NOT NULL,
    metadata         TEXT    NOT NULL,
    lifetime_seconds INTEGER NULL,
    expires_at       BIGINT  NULL,
    status_message   TEXT    NULL,
    node_id          TEXT    NULL,
    created_at       BIGINT  NOT NULL,
    started_at       BIGINT  NULL,
    updated_at       BIGINT  NOT NULL,
    exec_seq         BIGINT  NOT NULL DEFAULT 0
);
CREATE UNIQUE INDEX sandboxes_number ON sandboxes (number);
CREATE INDEX sandboxes_account ON sandboxes (account_id, id);
-- listByStates and findExpired (state = 'running' AND expires_at <= now) of one node.
CREATE INDEX sandboxes_node_state ON sandboxes (node_id, state, expires_at);

CREATE TABLE executions (
    id               TEXT    NOT NULL PRIMARY KEY,
    sandbox_id       TEXT    NOT NULL REFERENCES sandboxes (id),
    account_id       TEXT    NOT NULL REFERENCES accounts (id),
    seq              BIGINT  NOT NULL,
    command          TEXT    NOT NULL,
    argv             TEXT    NOT NULL,
    status           TEXT    NOT NULL,
    exit_code        INTEGER NULL,
    signal           INTEGER NULL,
    oom_killed       BOOLEAN NOT NULL DEFAULT FALSE,
    stdout           TEXT    NOT NULL DEFAULT '',
    stderr           TEXT    NOT NULL DEFAULT '',
    stdout_truncated BOOLEAN NOT NULL DEFAULT FALSE,
    stderr_truncated BOOLEAN NOT NULL DEFAULT FALSE,
    created_at       BIGINT  NOT NULL,
    started_at       BIGINT  NULL,
    finished_at      BIGINT  NULL,
    cpu_time_ms      BIGINT  NOT NULL DEFAULT 0,
    error            TEXT    NULL,
    node_id          TEXT    NULL
);
-- Also serves listBySandbox (newest first = highest seq first).
CREATE UNIQUE INDEX executions_sandbox_seq ON executions (sandbox_id, seq);
-- markLost and other status lookups of one node.
CREATE INDEX executions_node_status ON executions (node_id, status);

CREATE TABLE counters (
    name  TEXT   NOT NULL PRIMARY KEY,
    value BIGINT NOT NULL
);

INSERT INTO counters (name, value) VALUES ('sandbox', 0);

INSERT INTO plans (name, max_sandboxes, max_concurrent_executions, default_lifetime_seconds, max_lifetime_seconds,
                   default_memory_mb, max_memory_mb, default_vcpus, max_vcpus, default_pids_max, max_pids_max,
                   default_exec_timeout_seconds, max_exec_timeout_seconds, output_cap_bytes)
VALUES ('default', 100, 32, 0, 86400, 512, 8192, 1, 4, 256, 4096, 300, 3600, 1048576);
