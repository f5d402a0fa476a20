package store

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"io/fs"

	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"
	"github.com/riverqueue/river/riverdriver"
	"github.com/riverqueue/river/riverdriver/riverdatabasesql"
	"github.com/riverqueue/river/riverdriver/riversqlite"
	"github.com/riverqueue/river/rivermigrate"
)

//go:embed migrations
var migrations embed.FS

// riverSchemaVersion pins River's schema. Upgrading River to a version with
// new migrations means a new goose migration that migrates to the new target.
const riverSchemaVersion = 8

// Migrate applies every pending migration, River's included. On PostgreSQL a
// session lock makes replicas that start together take turns.
func (s *Store) Migrate(ctx context.Context) error {
	p, done, err := s.provider()
	if err != nil {
		return err
	}
	defer done()
	if _, err := p.Up(ctx); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	return nil
}

// MigrationStatus lists each migration and whether it is applied.
func (s *Store) MigrationStatus(ctx context.Context) ([]*goose.MigrationStatus, error) {
	p, done, err := s.provider()
	if err != nil {
		return nil, err
	}
	defer done()
	return p.Status(ctx)
}

// provider returns goose's provider and a function that releases what it
// holds. On SQLite it runs on a pool of its own: goose keeps a connection
// while River's migration needs another, and the store has one writer.
func (s *Store) provider() (*goose.Provider, func(), error) {
	db, done := s.db, func() {}
	if s.dialect == SQLite {
		var err error
		if db, err = sql.Open("sqlite", s.dsn+"&_txlock=immediate"); err != nil {
			return nil, nil, err
		}
		db.SetMaxOpenConns(2)
		done = func() { db.Close() }
	} else if n := db.Stats().MaxOpenConnections; n == 1 {
		// A pool of one (tests that prove no path needs a second): goose
		// needs a second connection for its Go migrations, only meanwhile.
		db.SetMaxOpenConns(2)
		done = func() { db.SetMaxOpenConns(n) }
	}
	p, err := s.gooseProvider(db)
	if err != nil {
		done()
		return nil, nil, err
	}
	return p, done, nil
}

func (s *Store) gooseProvider(db *sql.DB) (*goose.Provider, error) {
	dir := "migrations/sqlite"
	dialect := goose.DialectSQLite3
	if s.dialect == Postgres {
		dir = "migrations/postgres"
		dialect = goose.DialectPostgres
	}
	sub, err := fs.Sub(migrations, dir)
	if err != nil {
		return nil, err
	}
	// River's own migrations run from a Go migration through the pool
	// (RunDB): its PostgreSQL migrations cannot all share one transaction.
	riverUp := &goose.GoFunc{RunDB: s.migrateRiver, Mode: goose.TransactionDisabled}
	opts := []goose.ProviderOption{
		goose.WithGoMigrations(goose.NewGoMigration(1, riverUp, nil)),
	}
	if s.dialect == Postgres {
		locker, err := lock.NewPostgresSessionLocker()
		if err != nil {
			return nil, err
		}
		opts = append(opts, goose.WithSessionLocker(locker))
	}
	return goose.NewProvider(dialect, db, sub, opts...)
}

func (s *Store) migrateRiver(ctx context.Context, db *sql.DB) error {
	m, err := rivermigrate.New(riverDriver(s.dialect, db), nil)
	if err == nil {
		_, err = m.Migrate(ctx, rivermigrate.DirectionUp, &rivermigrate.MigrateOpts{TargetVersion: riverSchemaVersion})
	}
	if err != nil {
		return fmt.Errorf("river migrations: %w", err)
	}
	return nil
}

// riverDriver picks River's database/sql driver for the dialect, so that
// River's transaction type is *sql.Tx on both stores.
func riverDriver(d Dialect, db *sql.DB) riverdriver.Driver[*sql.Tx] {
	if d == Postgres {
		return riverdatabasesql.New(db)
	}
	return riversqlite.New(db)
}
