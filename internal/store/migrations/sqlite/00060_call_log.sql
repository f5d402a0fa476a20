-- +goose Up
-- The call log: one row per RPC call, written in batches off the request
-- path, with secrets already removed from params and answer. at is the wall
-- clock in microseconds; instance_ids holds the instances a call named, as
-- " i-a i-b " so that one LIKE finds a call by any of them. No index
-- beyond the id: every insert would pay for it, and a query reads newest
-- first and stops at its page.
CREATE TABLE call_log (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    at            BIGINT NOT NULL,
    request_id    TEXT   NOT NULL,
    account_id    TEXT   NOT NULL,
    access_key_id TEXT   NOT NULL,
    user_name     TEXT   NOT NULL,
    product       TEXT   NOT NULL,
    version       TEXT   NOT NULL,
    action        TEXT   NOT NULL,
    instance_ids  TEXT   NOT NULL,
    code          TEXT   NOT NULL,
    http_status   BIGINT NOT NULL,
    duration_us   BIGINT NOT NULL,
    source_ip     TEXT   NOT NULL,
    params        TEXT   NOT NULL,
    answer        TEXT   NOT NULL
);

-- +goose Down
DROP TABLE call_log;
