-- +goose Up
-- Token buckets of the throttling limits shared by replicas on one
-- database: each replica leases a few tokens at a time from here and
-- spends them in process (rpc.SharedThrottler). tokens may be fractional;
-- at is when they were counted, in microseconds of the wall clock.
CREATE TABLE throttle_buckets (
    key          TEXT PRIMARY KEY,
    tokens       DOUBLE PRECISION NOT NULL,
    at           BIGINT NOT NULL,
    last_granted BIGINT NOT NULL DEFAULT 0
);

-- +goose Down
DROP TABLE throttle_buckets;
