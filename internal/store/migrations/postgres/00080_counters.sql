-- +goose Up
-- Counters that per-request checks read instead of scanning an account's
-- rows: instances per type, for the regional vCPU quota and the unfiltered
-- TotalCount of DescribeInstances; disk capacity per zone and category, for
-- the disk capacity quota; disks per region and orders per account, for the
-- unfiltered TotalCount of DescribeDisks and QueryOrders. Triggers keep
-- them in the transaction of every write to instances, disks and orders,
-- whichever code path makes it, so they cannot drift from the rows.
CREATE TABLE instance_counts (
    account_id    TEXT   NOT NULL,
    region_id     TEXT   NOT NULL,
    instance_type TEXT   NOT NULL,
    n             BIGINT NOT NULL,
    PRIMARY KEY (account_id, region_id, instance_type)
);
-- The quota also counts a change in flight at its target type: the few
-- instances with one are found through this index, not by a scan.
CREATE INDEX instances_in_flight ON instances (account_id, region_id) WHERE in_flight_order_id <> '';
CREATE TABLE disk_counts (
    account_id TEXT   NOT NULL,
    region_id  TEXT   NOT NULL,
    n          BIGINT NOT NULL,
    PRIMARY KEY (account_id, region_id)
);
CREATE TABLE order_counts (
    account_id TEXT   PRIMARY KEY,
    n          BIGINT NOT NULL
);
-- DescribeDisks pages in this order; without the index a page sorted every
-- disk of the account.
CREATE INDEX disks_page ON disks (account_id, region_id, creation_time, disk_type DESC, device, id);
CREATE TABLE disk_capacity (
    account_id TEXT   NOT NULL,
    zone_id    TEXT   NOT NULL,
    category   TEXT   NOT NULL,
    size       BIGINT NOT NULL,
    PRIMARY KEY (account_id, zone_id, category)
);

-- +goose StatementBegin
CREATE FUNCTION instance_counts_add(account TEXT, region TEXT, type TEXT, delta BIGINT) RETURNS void LANGUAGE sql AS $$
    INSERT INTO instance_counts VALUES (account, region, type, delta)
    ON CONFLICT (account_id, region_id, instance_type) DO UPDATE SET n = instance_counts.n + delta
$$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE FUNCTION instance_counts_track() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM instance_counts_add(NEW.account_id, NEW.region_id, NEW.instance_type, 1);
    ELSIF TG_OP = 'DELETE' THEN
        PERFORM instance_counts_add(OLD.account_id, OLD.region_id, OLD.instance_type, -1);
    -- Two counter rows change in key order, so that two changes going
    -- opposite ways (large to xlarge, xlarge to large) cannot deadlock.
    ELSIF (OLD.account_id, OLD.region_id, OLD.instance_type) < (NEW.account_id, NEW.region_id, NEW.instance_type) THEN
        PERFORM instance_counts_add(OLD.account_id, OLD.region_id, OLD.instance_type, -1);
        PERFORM instance_counts_add(NEW.account_id, NEW.region_id, NEW.instance_type, 1);
    ELSE
        PERFORM instance_counts_add(NEW.account_id, NEW.region_id, NEW.instance_type, 1);
        PERFORM instance_counts_add(OLD.account_id, OLD.region_id, OLD.instance_type, -1);
    END IF;
    RETURN NULL;
END
$$;
-- +goose StatementEnd

CREATE TRIGGER instances_count_insert AFTER INSERT OR DELETE ON instances
    FOR EACH ROW EXECUTE FUNCTION instance_counts_track();
CREATE TRIGGER instances_count_update AFTER UPDATE OF account_id, region_id, instance_type ON instances
    FOR EACH ROW WHEN (OLD.account_id IS DISTINCT FROM NEW.account_id OR OLD.region_id IS DISTINCT FROM NEW.region_id
        OR OLD.instance_type IS DISTINCT FROM NEW.instance_type)
    EXECUTE FUNCTION instance_counts_track();

-- +goose StatementBegin
CREATE FUNCTION disk_capacity_add(account TEXT, zone TEXT, cat TEXT, delta BIGINT) RETURNS void LANGUAGE sql AS $$
    INSERT INTO disk_capacity VALUES (account, zone, cat, delta)
    ON CONFLICT (account_id, zone_id, category) DO UPDATE SET size = disk_capacity.size + delta
$$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE FUNCTION disk_capacity_track() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM disk_capacity_add(NEW.account_id, NEW.zone_id, NEW.category, NEW.size);
        INSERT INTO disk_counts VALUES (NEW.account_id, NEW.region_id, 1)
        ON CONFLICT (account_id, region_id) DO UPDATE SET n = disk_counts.n + 1;
    ELSIF TG_OP = 'DELETE' THEN
        PERFORM disk_capacity_add(OLD.account_id, OLD.zone_id, OLD.category, -OLD.size);
        INSERT INTO disk_counts VALUES (OLD.account_id, OLD.region_id, -1)
        ON CONFLICT (account_id, region_id) DO UPDATE SET n = disk_counts.n - 1;
    ELSIF (OLD.account_id, OLD.zone_id, OLD.category) < (NEW.account_id, NEW.zone_id, NEW.category) THEN
        PERFORM disk_capacity_add(OLD.account_id, OLD.zone_id, OLD.category, -OLD.size);
        PERFORM disk_capacity_add(NEW.account_id, NEW.zone_id, NEW.category, NEW.size);
    ELSE
        PERFORM disk_capacity_add(NEW.account_id, NEW.zone_id, NEW.category, NEW.size);
        PERFORM disk_capacity_add(OLD.account_id, OLD.zone_id, OLD.category, -OLD.size);
    END IF;
    RETURN NULL;
END
$$;
-- +goose StatementEnd

CREATE TRIGGER disks_capacity_insert AFTER INSERT OR DELETE ON disks
    FOR EACH ROW EXECUTE FUNCTION disk_capacity_track();
-- Disks do not move between accounts or regions, so only inserts and
-- deletes change disk_counts.
CREATE TRIGGER disks_capacity_update AFTER UPDATE OF account_id, zone_id, category, size ON disks
    FOR EACH ROW WHEN (OLD.account_id IS DISTINCT FROM NEW.account_id OR OLD.zone_id IS DISTINCT FROM NEW.zone_id
        OR OLD.category IS DISTINCT FROM NEW.category OR OLD.size IS DISTINCT FROM NEW.size)
    EXECUTE FUNCTION disk_capacity_track();

-- +goose StatementBegin
CREATE FUNCTION order_counts_track() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO order_counts VALUES (NEW.account_id, 1)
        ON CONFLICT (account_id) DO UPDATE SET n = order_counts.n + 1;
    ELSE
        UPDATE order_counts SET n = n - 1 WHERE account_id = OLD.account_id;
    END IF;
    RETURN NULL;
END
$$;
-- +goose StatementEnd

CREATE TRIGGER orders_count AFTER INSERT OR DELETE ON orders
    FOR EACH ROW EXECUTE FUNCTION order_counts_track();

INSERT INTO instance_counts
SELECT account_id, region_id, instance_type, COUNT(*) FROM instances GROUP BY 1, 2, 3;
INSERT INTO disk_capacity SELECT account_id, zone_id, category, SUM(size) FROM disks GROUP BY 1, 2, 3;
INSERT INTO disk_counts SELECT account_id, region_id, COUNT(*) FROM disks GROUP BY 1, 2;
INSERT INTO order_counts SELECT account_id, COUNT(*) FROM orders GROUP BY 1;

-- +goose Down
DROP TRIGGER orders_count ON orders;
DROP FUNCTION order_counts_track();
DROP TRIGGER disks_capacity_update ON disks;
DROP TRIGGER disks_capacity_insert ON disks;
DROP FUNCTION disk_capacity_track();
DROP FUNCTION disk_capacity_add(TEXT, TEXT, TEXT, BIGINT);
DROP TRIGGER instances_count_update ON instances;
DROP TRIGGER instances_count_insert ON instances;
DROP FUNCTION instance_counts_track();
DROP FUNCTION instance_counts_add(TEXT, TEXT, TEXT, BIGINT);
DROP INDEX instances_in_flight;
DROP TABLE disk_capacity;
DROP INDEX disks_page;
DROP TABLE order_counts;
DROP TABLE disk_counts;
DROP TABLE instance_counts;
