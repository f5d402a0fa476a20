-- +goose Up
-- One row that the readiness probe rewrites: ready means a write commits.
CREATE TABLE write_probe (
    id INTEGER PRIMARY KEY,
    at BIGINT  NOT NULL
);

-- +goose Down
DROP TABLE write_probe;
