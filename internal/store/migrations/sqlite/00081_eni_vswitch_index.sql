-- +goose Up
-- A purchase reads the addresses taken in its vSwitch; without this index
-- that read scanned every ENI of the store, and purchases slowed as it grew.
CREATE INDEX network_interfaces_vswitch ON network_interfaces (vswitch_id);

-- +goose Down
DROP INDEX network_interfaces_vswitch;
