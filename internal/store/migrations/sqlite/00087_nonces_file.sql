-- +goose Up
-- Signature nonces moved to nonces.db beside this file (openNonceFile), so
-- that recording one does not invalidate every reader's cache of this one.
-- Nonces recorded here before the upgrade are not carried over: each
-- guards its request for at most 15 minutes after its timestamp.
DROP TABLE nonces;

-- +goose Down
CREATE TABLE nonces (
    access_key_id TEXT NOT NULL,
    nonce         TEXT NOT NULL,
    expires_at    BIGINT NOT NULL,
    PRIMARY KEY (access_key_id, nonce)
);
CREATE INDEX nonces_expires ON nonces (expires_at);
