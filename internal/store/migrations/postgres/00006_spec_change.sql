-- +goose Up
-- The order of the spec change being applied; at most one per instance.
ALTER TABLE instances ADD COLUMN in_flight_order_id TEXT NOT NULL DEFAULT '';
-- A temporary upgrade: the type to go back to at elastic_until.
ALTER TABLE instances ADD COLUMN elastic_until BIGINT NOT NULL DEFAULT 0;
ALTER TABLE instances ADD COLUMN elastic_from_type TEXT NOT NULL DEFAULT '';
-- Online (no-reboot) changes since the last start or reboot.
ALTER TABLE instances ADD COLUMN online_changes BIGINT NOT NULL DEFAULT 0;
ALTER TABLE instances ADD COLUMN last_change_at BIGINT NOT NULL DEFAULT 0;
-- JSON: state that comes from other products (EIP, starter package, ...).
ALTER TABLE instances ADD COLUMN flags TEXT NOT NULL DEFAULT '{}';
-- The unit of AutoRenewPeriod: Month or Week, as the subscription was bought.
ALTER TABLE instances ADD COLUMN auto_renew_unit TEXT NOT NULL DEFAULT 'Month';

-- Monthly limits on downgrades.
ALTER TABLE accounts ADD COLUMN downgrade_quota BIGINT NOT NULL DEFAULT 3;
ALTER TABLE accounts ADD COLUMN refund_vcpu_quota BIGINT NOT NULL DEFAULT 64;
-- JSON: {"cloud_essd": 32768, ...} GiB per disk category and zone; none: no limit
ALTER TABLE accounts ADD COLUMN disk_capacity_quota TEXT NOT NULL DEFAULT '{}';

-- vCPUs a downgrade order gave back, for the monthly refund quota.
ALTER TABLE orders ADD COLUMN refunded_vcpu BIGINT NOT NULL DEFAULT 0;
CREATE INDEX orders_account_type ON orders (account_id, order_type, created_at);

-- Injected failures: the next `remaining` calls of an action return code.
CREATE TABLE faults (
    id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    action     TEXT NOT NULL,
    account_id TEXT NOT NULL,
    code       TEXT NOT NULL,
    status     BIGINT NOT NULL,
    remaining  BIGINT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX faults_action ON faults (action, remaining);

-- +goose Down
DROP TABLE faults;
DROP INDEX orders_account_type;
ALTER TABLE orders DROP COLUMN refunded_vcpu;
ALTER TABLE accounts DROP COLUMN disk_capacity_quota;
ALTER TABLE accounts DROP COLUMN refund_vcpu_quota;
ALTER TABLE accounts DROP COLUMN downgrade_quota;
ALTER TABLE instances DROP COLUMN auto_renew_unit;
ALTER TABLE instances DROP COLUMN flags;
ALTER TABLE instances DROP COLUMN last_change_at;
ALTER TABLE instances DROP COLUMN online_changes;
ALTER TABLE instances DROP COLUMN elastic_from_type;
ALTER TABLE instances DROP COLUMN elastic_until;
ALTER TABLE instances DROP COLUMN in_flight_order_id;
