-- +goose Up
-- Counters that per-request checks read instead of scanning an account's
-- rows: instances per type, for the regional vCPU quota and the unfiltered
-- TotalCount of DescribeInstances; disk capacity per zone and category, for
-- the disk capacity quota; disks per region and orders per account, for the
-- unfiltered TotalCount of DescribeDisks and QueryOrders. Triggers keep
-- them in the transaction of every write to instances, disks and orders,
-- whichever code path makes it, so they cannot drift from the rows.
CREATE TABLE instance_counts (
    account_id    TEXT    NOT NULL,
    region_id     TEXT    NOT NULL,
    instance_type TEXT    NOT NULL,
    n             INTEGER NOT NULL,
    PRIMARY KEY (account_id, region_id, instance_type)
);
-- The quota also counts a change in flight at its target type: the few
-- instances with one are found through this index, not by a scan.
CREATE INDEX instances_in_flight ON instances (account_id, region_id) WHERE in_flight_order_id <> '';
CREATE TABLE disk_counts (
    account_id TEXT    NOT NULL,
    region_id  TEXT    NOT NULL,
    n          INTEGER NOT NULL,
    PRIMARY KEY (account_id, region_id)
);
CREATE TABLE order_counts (
    account_id TEXT    PRIMARY KEY,
    n          INTEGER NOT NULL
);
-- DescribeDisks pages in this order; without the index a page sorted every
-- disk of the account.
CREATE INDEX disks_page ON disks (account_id, region_id, creation_time, disk_type DESC, device, id);
CREATE TABLE disk_capacity (
    account_id TEXT    NOT NULL,
    zone_id    TEXT    NOT NULL,
    category   TEXT    NOT NULL,
    size       INTEGER NOT NULL,
    PRIMARY KEY (account_id, zone_id, category)
);

-- +goose StatementBegin
CREATE TRIGGER instances_count_insert AFTER INSERT ON instances BEGIN
    INSERT INTO instance_counts VALUES (NEW.account_id, NEW.region_id, NEW.instance_type, 1)
    ON CONFLICT (account_id, region_id, instance_type) DO UPDATE SET n = n + 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER instances_count_delete AFTER DELETE ON instances BEGIN
    INSERT INTO instance_counts VALUES (OLD.account_id, OLD.region_id, OLD.instance_type, -1)
    ON CONFLICT (account_id, region_id, instance_type) DO UPDATE SET n = n - 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER instances_count_update AFTER UPDATE OF account_id, region_id, instance_type ON instances
WHEN OLD.account_id IS NOT NEW.account_id OR OLD.region_id IS NOT NEW.region_id OR OLD.instance_type IS NOT NEW.instance_type
BEGIN
    INSERT INTO instance_counts VALUES (OLD.account_id, OLD.region_id, OLD.instance_type, -1)
    ON CONFLICT (account_id, region_id, instance_type) DO UPDATE SET n = n - 1;
    INSERT INTO instance_counts VALUES (NEW.account_id, NEW.region_id, NEW.instance_type, 1)
    ON CONFLICT (account_id, region_id, instance_type) DO UPDATE SET n = n + 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER disks_capacity_insert AFTER INSERT ON disks BEGIN
    INSERT INTO disk_capacity VALUES (NEW.account_id, NEW.zone_id, NEW.category, NEW.size)
    ON CONFLICT (account_id, zone_id, category) DO UPDATE SET size = size + NEW.size;
    INSERT INTO disk_counts VALUES (NEW.account_id, NEW.region_id, 1)
    ON CONFLICT (account_id, region_id) DO UPDATE SET n = n + 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER disks_capacity_delete AFTER DELETE ON disks BEGIN
    INSERT INTO disk_capacity VALUES (OLD.account_id, OLD.zone_id, OLD.category, -OLD.size)
    ON CONFLICT (account_id, zone_id, category) DO UPDATE SET size = size - OLD.size;
    INSERT INTO disk_counts VALUES (OLD.account_id, OLD.region_id, -1)
    ON CONFLICT (account_id, region_id) DO UPDATE SET n = n - 1;
END;
-- +goose StatementEnd
-- Disks do not move between accounts or regions, so only inserts and
-- deletes change disk_counts.
-- +goose StatementBegin
CREATE TRIGGER disks_capacity_update AFTER UPDATE OF account_id, zone_id, category, size ON disks
WHEN OLD.account_id IS NOT NEW.account_id OR OLD.zone_id IS NOT NEW.zone_id OR OLD.category IS NOT NEW.category OR OLD.size IS NOT NEW.size
BEGIN
    INSERT INTO disk_capacity VALUES (OLD.account_id, OLD.zone_id, OLD.category, -OLD.size)
    ON CONFLICT (account_id, zone_id, category) DO UPDATE SET size = size - OLD.size;
    INSERT INTO disk_capacity VALUES (NEW.account_id, NEW.zone_id, NEW.category, NEW.size)
    ON CONFLICT (account_id, zone_id, category) DO UPDATE SET size = size + NEW.size;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER orders_count_insert AFTER INSERT ON orders BEGIN
    INSERT INTO order_counts VALUES (NEW.account_id, 1)
    ON CONFLICT (account_id) DO UPDATE SET n = n + 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER orders_count_delete AFTER DELETE ON orders BEGIN
    UPDATE order_counts SET n = n - 1 WHERE account_id = OLD.account_id;
END;
-- +goose StatementEnd

INSERT INTO instance_counts SELECT account_id, region_id, instance_type, COUNT(*) FROM instances WHERE true GROUP BY 1, 2, 3;
INSERT INTO disk_capacity SELECT account_id, zone_id, category, SUM(size) FROM disks WHERE true GROUP BY 1, 2, 3;
INSERT INTO disk_counts SELECT account_id, region_id, COUNT(*) FROM disks WHERE true GROUP BY 1, 2;
INSERT INTO order_counts SELECT account_id, COUNT(*) FROM orders WHERE true GROUP BY 1;

-- +goose Down
DROP TRIGGER orders_count_delete;
DROP TRIGGER orders_count_insert;
DROP TRIGGER disks_capacity_update;
DROP TRIGGER disks_capacity_delete;
DROP TRIGGER disks_capacity_insert;
DROP TRIGGER instances_count_update;
DROP TRIGGER instances_count_delete;
DROP TRIGGER instances_count_insert;
DROP INDEX instances_in_flight;
DROP TABLE disk_capacity;
DROP INDEX disks_page;
DROP TABLE order_counts;
DROP TABLE disk_counts;
DROP TABLE instance_counts;
