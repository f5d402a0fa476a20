-- +goose Up
-- Nonces live 15 minutes and are only a replay guard: losing them in a
-- PostgreSQL crash is harmless, and skipping the WAL makes each request cheaper.
ALTER TABLE nonces SET UNLOGGED;

-- +goose Down
ALTER TABLE nonces SET LOGGED;
