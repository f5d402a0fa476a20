-- +goose Up
-- A zone's stock of a type is held by 8 rows (shards), its sum: every
-- account's spec changes between two types met on the same two rows and
-- queued for each other's commits. Existing stock is spread evenly, the
-- remainder on shard 0.
CREATE TABLE stock_shards (
    zone_id       TEXT NOT NULL,
    instance_type TEXT NOT NULL,
    shard         INTEGER NOT NULL DEFAULT 0,
    available     BIGINT NOT NULL CHECK (available >= 0),
    PRIMARY KEY (zone_id, instance_type, shard)
);
INSERT INTO stock_shards (zone_id, instance_type, shard, available)
SELECT s.zone_id, s.instance_type, k.shard, s.available / 8 + CASE WHEN k.shard = 0 THEN s.available % 8 ELSE 0 END
FROM stock s CROSS JOIN (SELECT 0 AS shard UNION ALL SELECT 1 UNION ALL SELECT 2 UNION ALL SELECT 3
    UNION ALL SELECT 4 UNION ALL SELECT 5 UNION ALL SELECT 6 UNION ALL SELECT 7) k;
DROP TABLE stock;
ALTER TABLE stock_shards RENAME TO stock;

-- +goose Down
CREATE TABLE stock_one (
    zone_id       TEXT NOT NULL,
    instance_type TEXT NOT NULL,
    available     BIGINT NOT NULL CHECK (available >= 0),
    PRIMARY KEY (zone_id, instance_type)
);
INSERT INTO stock_one (zone_id, instance_type, available)
SELECT zone_id, instance_type, SUM(available) FROM stock GROUP BY zone_id, instance_type;
DROP TABLE stock;
ALTER TABLE stock_one RENAME TO stock;
