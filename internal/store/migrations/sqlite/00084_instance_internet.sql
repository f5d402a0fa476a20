-- +goose Up
-- An instance's public bandwidth and public IP address, one row per
-- instance bought with them (RunInstances InternetChargeType and
-- InternetMaxBandwidthIn/Out); an instance without a row has none. A
-- public address is unique in its region by constraint, so two purchases
-- can never be given the same one.
CREATE TABLE instance_internet (
    instance_id   TEXT PRIMARY KEY REFERENCES instances (id),
    region_id     TEXT NOT NULL,
    charge_type   TEXT NOT NULL,
    bandwidth_in  INTEGER NOT NULL,
    bandwidth_out INTEGER NOT NULL,
    public_ip     TEXT,
    UNIQUE (region_id, public_ip)
);
CREATE INDEX instance_internet_public_ip ON instance_internet (public_ip);

-- +goose Down
DROP TABLE instance_internet;
