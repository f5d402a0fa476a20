// Package storetest opens migrated stores for tests: a SQLite file in a
// temporary directory, and a fresh PostgreSQL schema in the database named by
// ECSD_TEST_POSTGRES_DSN.
package storetest

import (
	"context"
	"os"
	"testing"

	"github.com/ecsd/ecsd/internal/store"
)

// PostgresEnv names the variable holding the PostgreSQL DSN for tests.
const PostgresEnv = "ECSD_TEST_POSTGRES_DSN"

// Opener opens a migrated store for one test.
type Opener func(t *testing.T) *store.Store

// Each runs fn once per store, as subtests named "sqlite" and "postgres".
// Without ECSD_TEST_POSTGRES_DSN the postgres subtest is skipped with a note;
// CI sets the variable, so there it fails when PostgreSQL is unreachable.
func Each(t *testing.T, fn func(t *testing.T, open Opener)) {
	t.Helper()
	t.Run("sqlite", func(t *testing.T) {
		t.Parallel()
		fn(t, OpenSQLite)
	})
	t.Run("postgres", func(t *testing.T) {
		t.Parallel()
		if os.Getenv(PostgresEnv) == "" {
			t.Skip(PostgresEnv + " is not set; PostgreSQL tests need it (CI sets it)")
		}
		fn(t, OpenPostgres)
	})
}

// OpenSQLite opens a migrated SQLite store in t.TempDir() (a file, not
// :memory:, so tests meet the same pool behaviour as production).
func OpenSQLite(t *testing.T) *store.Store {
	t.Helper()
	return open(t, SQLiteDSN(t))
}

// SQLiteDSN returns a fresh data directory.
func SQLiteDSN(t *testing.T) string {
	t.Helper()
	return t.TempDir()
}

// OpenPostgres opens a migrated store in a new schema, dropped at cleanup.
func OpenPostgres(t *testing.T) *store.Store {
	t.Helper()
	return open(t, PostgresDSN(t))
}

// PostgresDSN creates a fresh schema and returns a DSN whose search_path
// points at it, so that every table (River's too) lands there. The schema
// is dropped when the test ends.
func PostgresDSN(t *testing.T) string {
	t.Helper()
	base := os.Getenv(PostgresEnv)
	if base == "" {
		t.Fatal(PostgresEnv + " is not set")
	}
	dsn, drop, err := store.NewPostgresSchema(context.Background(), base)
	if err != nil {
		t.Fatalf("%s: %v", PostgresEnv, err)
	}
	t.Cleanup(func() { _ = drop() })
	return dsn
}

func open(t *testing.T, dsn string) *store.Store {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, dsn, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if err := st.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	return st
}
