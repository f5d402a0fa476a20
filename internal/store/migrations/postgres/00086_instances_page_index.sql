-- +goose Up
-- A page of DescribeInstances is ORDER BY creation_time, id LIMIT n. With
-- the id in the index the page is the index's first n entries whatever the
-- planner's statistics say; without it a store that had grown since its
-- last ANALYZE read and sorted every instance of the account.
CREATE INDEX instances_page ON instances (account_id, region_id, creation_time, id);
DROP INDEX instances_account;

-- +goose Down
CREATE INDEX instances_account ON instances (account_id, region_id, creation_time);
DROP INDEX instances_page;
