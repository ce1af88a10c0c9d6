-- The append-only audit log of policy decisions (GUARDED profile: Hostup exec) and power-action operations.
-- Portable SQL as in V1: times are epoch milliseconds, enums lowercase wire names.

CREATE TABLE audit_log (
    id             TEXT   NOT NULL PRIMARY KEY,
    created_at     BIGINT NOT NULL,
    account_id     TEXT   NOT NULL,
    key_id         TEXT   NULL,
    sandbox_id     TEXT   NOT NULL,
    policy         TEXT   NOT NULL,
    decision       TEXT   NOT NULL,
    rule           TEXT   NULL,
    command_sha256 TEXT   NOT NULL,
    command        TEXT   NOT NULL
);
-- Listing one sandbox's entries newest first; the primary key serves the unfiltered listing.
CREATE INDEX audit_log_sandbox ON audit_log (sandbox_id, id);

CREATE TABLE operations (
    id         TEXT   NOT NULL PRIMARY KEY,
    sandbox_id TEXT   NOT NULL REFERENCES sandboxes (id),
    account_id TEXT   NOT NULL REFERENCES accounts (id),
    action     TEXT   NOT NULL,
    status     TEXT   NOT NULL,
    error      TEXT   NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX operations_status ON operations (status);
