-- +goose Up
-- Account flags that real accounts carry, set through the admin API.
ALTER TABLE accounts ADD COLUMN overdue_payment BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE accounts ADD COLUMN no_billing_method BOOLEAN NOT NULL DEFAULT FALSE;
-- JSON: ["ecs.gn6i-c4g1.xlarge", ...]
ALTER TABLE accounts ADD COLUMN restricted_types TEXT NOT NULL DEFAULT '[]';
-- JSON: {"cn-hangzhou": 200, ...}; a region not listed has the default quota
ALTER TABLE accounts ADD COLUMN vcpu_quota TEXT NOT NULL DEFAULT '{}';

-- Per-zone stock: how many more instances of a type the zone can place.
CREATE TABLE stock (
    zone_id       TEXT NOT NULL,
    instance_type TEXT NOT NULL,
    available     BIGINT NOT NULL CHECK (available >= 0),
    PRIMARY KEY (zone_id, instance_type)
);

CREATE TABLE instances (
    id                    TEXT PRIMARY KEY,
    account_id            TEXT NOT NULL REFERENCES accounts (id),
    region_id             TEXT NOT NULL,
    zone_id               TEXT NOT NULL,
    instance_type         TEXT NOT NULL,
    image_id              TEXT NOT NULL,
    name                  TEXT NOT NULL,
    description           TEXT NOT NULL,
    host_name             TEXT NOT NULL,
    status                TEXT NOT NULL,
    charge_type           TEXT NOT NULL,
    expired_time          BIGINT NOT NULL,
    expired               BOOLEAN NOT NULL DEFAULT FALSE,
    auto_renew            BOOLEAN NOT NULL DEFAULT FALSE,
    auto_renew_period     BIGINT NOT NULL DEFAULT 0,
    stopped_mode          TEXT NOT NULL DEFAULT '',
    vpc_id                TEXT NOT NULL,
    vswitch_id            TEXT NOT NULL,
    security_group_id     TEXT NOT NULL,
    private_ip            TEXT NOT NULL,
    eni_count             BIGINT NOT NULL DEFAULT 1,
    secondary_ip_count    BIGINT NOT NULL DEFAULT 0,
    ipv6_count            BIGINT NOT NULL DEFAULT 0,
    eni_queue_number      BIGINT NOT NULL DEFAULT 0,
    nested_virtualization BOOLEAN NOT NULL DEFAULT FALSE,
    hibernation           BOOLEAN NOT NULL DEFAULT FALSE,
    ram_role              TEXT NOT NULL DEFAULT '',
    lock_reason           TEXT NOT NULL DEFAULT '',
    creation_time         BIGINT NOT NULL,
    start_time            BIGINT NOT NULL DEFAULT 0,
    -- Bumped by every change: transitions compare-and-set on it.
    version               BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX instances_account ON instances (account_id, region_id, creation_time);

CREATE TABLE instance_tags (
    instance_id TEXT NOT NULL REFERENCES instances (id) ON DELETE CASCADE,
    tag_key     TEXT NOT NULL,
    tag_value   TEXT NOT NULL,
    PRIMARY KEY (instance_id, tag_key)
);

CREATE TABLE disks (
    id                TEXT PRIMARY KEY,
    account_id        TEXT NOT NULL REFERENCES accounts (id),
    instance_id       TEXT REFERENCES instances (id) ON DELETE SET NULL,
    region_id         TEXT NOT NULL,
    zone_id           TEXT NOT NULL,
    disk_type         TEXT NOT NULL,
    category          TEXT NOT NULL,
    size              BIGINT NOT NULL,
    performance_level TEXT NOT NULL,
    device            TEXT NOT NULL,
    status            TEXT NOT NULL,
    creation_time     BIGINT NOT NULL
);
CREATE INDEX disks_instance ON disks (instance_id);
CREATE INDEX disks_account ON disks (account_id, region_id);

CREATE TABLE orders (
    id             TEXT PRIMARY KEY,
    account_id     TEXT NOT NULL REFERENCES accounts (id),
    order_type     TEXT NOT NULL,
    payment_status TEXT NOT NULL,
    region_id      TEXT NOT NULL,
    charge_type    TEXT NOT NULL,
    instance_type  TEXT NOT NULL,
    quantity       BIGINT NOT NULL,
    -- Cents: the list amount, and how it was paid (vouchers first).
    amount         BIGINT NOT NULL,
    voucher_paid   BIGINT NOT NULL DEFAULT 0,
    cash_paid      BIGINT NOT NULL DEFAULT 0,
    usage_start    BIGINT NOT NULL DEFAULT 0,
    usage_end      BIGINT NOT NULL DEFAULT 0,
    -- JSON: what the order buys (period, unit, target type, ...).
    config         TEXT NOT NULL DEFAULT '{}',
    created_at     BIGINT NOT NULL,
    paid_at        BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX orders_account ON orders (account_id, created_at);

CREATE TABLE order_instances (
    order_id    TEXT NOT NULL REFERENCES orders (id),
    instance_id TEXT NOT NULL,
    PRIMARY KEY (order_id, instance_id)
);
CREATE INDEX order_instances_instance ON order_instances (instance_id);

-- ClientToken records: the same token and parameters give the same answer.
CREATE TABLE idempotency_records (
    account_id   TEXT NOT NULL,
    action       TEXT NOT NULL,
    client_token TEXT NOT NULL,
    params_hash  TEXT NOT NULL,
    response     TEXT NOT NULL,
    created_at   BIGINT NOT NULL,
    PRIMARY KEY (account_id, action, client_token)
);
CREATE INDEX idempotency_records_created ON idempotency_records (created_at);

-- Work due at a time of the domain clock (expiry, scheduled reboots,
-- unpaid-order expiry). A timer is done in the transaction of its work.
CREATE TABLE timers (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    kind        TEXT NOT NULL,
    subject     TEXT NOT NULL,
    due_at      BIGINT NOT NULL,
    done        BOOLEAN NOT NULL DEFAULT FALSE,
    payload     TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX timers_due ON timers (done, due_at);
CREATE INDEX timers_subject ON timers (subject, kind);

-- +goose Down
DROP TABLE timers;
DROP TABLE idempotency_records;
DROP TABLE order_instances;
DROP TABLE orders;
DROP TABLE disks;
DROP TABLE instance_tags;
DROP TABLE instances;
DROP TABLE stock;
ALTER TABLE accounts DROP COLUMN vcpu_quota;
ALTER TABLE accounts DROP COLUMN restricted_types;
ALTER TABLE accounts DROP COLUMN no_billing_method;
ALTER TABLE accounts DROP COLUMN overdue_payment;
