-- +goose Up
-- What ModifyInstanceAttribute sets and DescribeInstances reads back.
ALTER TABLE instances ADD COLUMN deletion_protection BOOLEAN NOT NULL DEFAULT FALSE;
-- Standard or Unlimited for burstable types; '' for others.
ALTER TABLE instances ADD COLUMN credit_specification TEXT NOT NULL DEFAULT '';
-- Base64, as given.
ALTER TABLE instances ADD COLUMN user_data TEXT NOT NULL DEFAULT '';
-- SHA-256 of the instance id and the password: the password itself is never kept.
ALTER TABLE instances ADD COLUMN password_hash TEXT NOT NULL DEFAULT '';

-- A disk's own charge type: '' follows its instance; PostPaid is a data disk
-- left pay-as-you-go when its instance became a subscription.
ALTER TABLE disks ADD COLUMN charge_type TEXT NOT NULL DEFAULT '';

CREATE TABLE disk_tags (
    disk_id   TEXT NOT NULL REFERENCES disks (id) ON DELETE CASCADE,
    tag_key   TEXT NOT NULL,
    tag_value TEXT NOT NULL,
    PRIMARY KEY (disk_id, tag_key)
);
CREATE INDEX disk_tags_key ON disk_tags (tag_key, tag_value);
CREATE INDEX instance_tags_key ON instance_tags (tag_key, tag_value);

-- +goose Down
DROP INDEX instance_tags_key;
DROP TABLE disk_tags;
ALTER TABLE disks DROP COLUMN charge_type;
ALTER TABLE instances DROP COLUMN password_hash;
ALTER TABLE instances DROP COLUMN user_data;
ALTER TABLE instances DROP COLUMN credit_specification;
ALTER TABLE instances DROP COLUMN deletion_protection;
