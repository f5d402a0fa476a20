-- +goose Up
-- What RunInstances sets about an instance's life: the release time of a
-- pay-as-you-go instance (microseconds, 0 for none) and its spot terms
-- (the price limit in thousandths of the currency unit). Existing rows are
-- ordinary pay-as-you-go or subscription instances: no release time, NoSpot.
ALTER TABLE instances ADD COLUMN auto_release_time BIGINT NOT NULL DEFAULT 0;
ALTER TABLE instances ADD COLUMN spot_strategy TEXT NOT NULL DEFAULT 'NoSpot';
ALTER TABLE instances ADD COLUMN spot_price_limit BIGINT NOT NULL DEFAULT 0;
ALTER TABLE instances ADD COLUMN spot_duration INTEGER NOT NULL DEFAULT 0;
ALTER TABLE instances ADD COLUMN spot_interruption_behavior TEXT NOT NULL DEFAULT '';

-- A disk's name and description, as RunInstances gives them, and whether
-- it goes with its instance (else it stays behind, unattached); existing
-- disks go with their instances, as they always did.
ALTER TABLE disks ADD COLUMN disk_name TEXT NOT NULL DEFAULT '';
ALTER TABLE disks ADD COLUMN description TEXT NOT NULL DEFAULT '';
ALTER TABLE disks ADD COLUMN delete_with_instance BOOLEAN NOT NULL DEFAULT TRUE;

-- +goose Down
ALTER TABLE disks DROP COLUMN delete_with_instance;
ALTER TABLE disks DROP COLUMN description;
ALTER TABLE disks DROP COLUMN disk_name;
ALTER TABLE instances DROP COLUMN spot_interruption_behavior;
ALTER TABLE instances DROP COLUMN spot_duration;
ALTER TABLE instances DROP COLUMN spot_price_limit;
ALTER TABLE instances DROP COLUMN spot_strategy;
ALTER TABLE instances DROP COLUMN auto_release_time;
