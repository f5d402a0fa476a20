-- +goose Up
-- What an instance was given at purchase or set later, read back as set:
-- the renewal setting (Normal, AutoRenewal or NotRenewal; auto_renew stays
-- the flag the expiry reads, and while it is set the status is AutoRenewal
-- whatever this column says), and the maintenance attributes ('' action:
-- the type's default; windows: JSON [{"StartTime","EndTime"}]).
ALTER TABLE instances ADD COLUMN renewal_status TEXT NOT NULL DEFAULT 'Normal';
ALTER TABLE instances ADD COLUMN maintenance_action TEXT NOT NULL DEFAULT '';
ALTER TABLE instances ADD COLUMN maintenance_notify BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE instances ADD COLUMN maintenance_windows TEXT NOT NULL DEFAULT '[]';
UPDATE instances SET renewal_status = 'AutoRenewal' WHERE auto_renew;

-- Elastic network interfaces. Every instance has a primary one (device
-- index 0) whose private IP is the instance's; secondary ones follow.
-- instance_id is '' for an ENI that is attached to nothing.
CREATE TABLE network_interfaces (
    id                TEXT PRIMARY KEY,
    account_id        TEXT NOT NULL REFERENCES accounts (id),
    region_id         TEXT NOT NULL,
    zone_id           TEXT NOT NULL,
    vpc_id            TEXT NOT NULL,
    vswitch_id        TEXT NOT NULL,
    security_group_id TEXT NOT NULL,
    instance_id       TEXT NOT NULL DEFAULT '',
    eni_type          TEXT NOT NULL,
    device_index      BIGINT NOT NULL,
    private_ip        TEXT NOT NULL,
    mac_address       TEXT NOT NULL,
    queue_number      BIGINT NOT NULL,
    creation_time     BIGINT NOT NULL
);
CREATE INDEX network_interfaces_instance ON network_interfaces (instance_id);
CREATE INDEX network_interfaces_account ON network_interfaces (account_id, region_id, creation_time);
-- Instances bought before ENIs were rows get their primary ENI.
INSERT INTO network_interfaces (id, account_id, region_id, zone_id, vpc_id, vswitch_id, security_group_id,
    instance_id, eni_type, device_index, private_ip, mac_address, queue_number, creation_time)
SELECT 'eni-' || substr(id, 3), account_id, region_id, zone_id, vpc_id, vswitch_id, security_group_id,
    id, 'Primary', 0, private_ip, '00:16:3e:' || substr(md5(id), 1, 2) || ':' || substr(md5(id), 3, 2) || ':' || substr(md5(id), 5, 2), eni_queue_number, creation_time
FROM instances;

-- +goose Down
DROP TABLE network_interfaces;
ALTER TABLE instances DROP COLUMN maintenance_windows;
ALTER TABLE instances DROP COLUMN maintenance_notify;
ALTER TABLE instances DROP COLUMN maintenance_action;
ALTER TABLE instances DROP COLUMN renewal_status;
