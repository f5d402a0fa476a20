-- +goose Up
-- Two look-ups run on every spec change; partial indexes keep both from
-- reading the account's whole order history. The queries name the same
-- literals so that both engines can use them.
-- Is an order of the instance still Unpaid?
CREATE INDEX orders_unpaid ON orders (account_id, created_at) WHERE payment_status = 'Unpaid';
-- How many downgrades, and how many vCPUs refunded, this month? (covering)
CREATE INDEX orders_downgrades ON orders (account_id, created_at, refunded_vcpu)
    WHERE order_type = 'Downgrade' AND payment_status = 'Paid';

-- +goose Down
DROP INDEX orders_downgrades;
DROP INDEX orders_unpaid;
