-- +goose Up
-- The monthly downgrade quotas count here, one row per account and month
-- (month_start: the month's first instant in UTC+8, in microseconds), so
-- that a downgrade takes its place with one guarded upsert instead of
-- counting the month's orders, and concurrent downgrades cannot together
-- pass a quota.
CREATE TABLE downgrade_counts (
    account_id     TEXT   NOT NULL REFERENCES accounts (id),
    month_start    BIGINT NOT NULL,
    downgrades     BIGINT NOT NULL,
    refunded_vcpus BIGINT NOT NULL,
    PRIMARY KEY (account_id, month_start)
);
INSERT INTO downgrade_counts (account_id, month_start, downgrades, refunded_vcpus)
SELECT account_id, m, COUNT(*), SUM(refunded_vcpu) FROM (
    SELECT account_id, refunded_vcpu,
        ((EXTRACT(EPOCH FROM date_trunc('month', (to_timestamp(created_at / 1000000.0) AT TIME ZONE 'UTC') + interval '8 hours'))
            - 8 * 3600) * 1000000)::BIGINT AS m
    FROM orders WHERE order_type = 'Downgrade' AND payment_status = 'Paid') d
GROUP BY account_id, m;
DROP INDEX orders_downgrades;

-- +goose Down
CREATE INDEX orders_downgrades ON orders (account_id, created_at, refunded_vcpu)
    WHERE order_type = 'Downgrade' AND payment_status = 'Paid';
DROP TABLE downgrade_counts;
