-- +goose Up
-- What RunInstances sets about who an instance is and how it is reached:
-- its key pair, resource group, serial number and metadata options. Key
-- pairs are rows of their own (one name per account and region), and so
-- are resource groups (an account's default group is made on first need;
-- a partial unique index keeps it single when replicas make it together).
CREATE TABLE resource_groups (
    id            TEXT PRIMARY KEY,
    account_id    TEXT NOT NULL REFERENCES accounts (id),
    name          TEXT NOT NULL,
    display_name  TEXT NOT NULL,
    is_default    BOOLEAN NOT NULL DEFAULT FALSE,
    creation_time INTEGER NOT NULL
);
CREATE UNIQUE INDEX resource_groups_default ON resource_groups (account_id) WHERE is_default;
CREATE INDEX resource_groups_account ON resource_groups (account_id);

CREATE TABLE key_pairs (
    id                TEXT PRIMARY KEY,
    account_id        TEXT NOT NULL REFERENCES accounts (id),
    region_id         TEXT NOT NULL,
    name              TEXT NOT NULL,
    fingerprint       TEXT NOT NULL,
    public_key        TEXT NOT NULL,
    resource_group_id TEXT NOT NULL,
    creation_time     INTEGER NOT NULL,
    UNIQUE (account_id, region_id, name)
);

ALTER TABLE instances ADD COLUMN key_pair_name TEXT NOT NULL DEFAULT '';
ALTER TABLE instances ADD COLUMN resource_group_id TEXT NOT NULL DEFAULT '';
ALTER TABLE instances ADD COLUMN serial_number TEXT NOT NULL DEFAULT '';
ALTER TABLE instances ADD COLUMN http_endpoint TEXT NOT NULL DEFAULT 'enabled';
ALTER TABLE instances ADD COLUMN http_tokens TEXT NOT NULL DEFAULT 'optional';
ALTER TABLE instances ADD COLUMN http_put_response_hop_limit INTEGER NOT NULL DEFAULT 1;

-- Instances made before: each account that has some gets its default
-- group, its instances join it, and each instance gets a serial number (a
-- random UUID, version 4).
INSERT INTO resource_groups (id, account_id, name, display_name, is_default, creation_time)
SELECT 'rg-acfm' || substr(lower(hex(randomblob(6))), 1, 11), account_id, 'default', 'default resource group', TRUE, MIN(creation_time)
FROM instances GROUP BY account_id;
UPDATE instances SET resource_group_id = (SELECT g.id FROM resource_groups g WHERE g.account_id = instances.account_id AND g.is_default),
    serial_number = lower(hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-4' || substr(hex(randomblob(2)), 2) || '-' ||
        substr('89ab', 1 + (abs(random()) % 4), 1) || substr(hex(randomblob(2)), 2) || '-' || hex(randomblob(6)));

-- +goose Down
ALTER TABLE instances DROP COLUMN http_put_response_hop_limit;
ALTER TABLE instances DROP COLUMN http_tokens;
ALTER TABLE instances DROP COLUMN http_endpoint;
ALTER TABLE instances DROP COLUMN serial_number;
ALTER TABLE instances DROP COLUMN resource_group_id;
ALTER TABLE instances DROP COLUMN key_pair_name;
DROP TABLE key_pairs;
DROP INDEX resource_groups_account;
DROP INDEX resource_groups_default;
DROP TABLE resource_groups;
