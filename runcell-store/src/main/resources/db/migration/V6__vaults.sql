-- Vaults of secrets. Values are AES-256-GCM ciphertexts under the node's master key (base64 of nonce and
-- ciphertext with tag); the plaintext never reaches the store.

CREATE TABLE vaults (
    id         TEXT   NOT NULL PRIMARY KEY,
    account_id TEXT   NOT NULL REFERENCES accounts (id),
    name       TEXT   NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX vaults_account ON vaults (account_id, id);

CREATE TABLE vault_secrets (
    vault_id   TEXT   NOT NULL REFERENCES vaults (id),
    name       TEXT   NOT NULL,
    ciphertext TEXT   NOT NULL,
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (vault_id, name)
);
