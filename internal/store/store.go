// Package store holds ecsd's state: schema, migrations, queries and
// transactions, on SQLite (the embedded default) and PostgreSQL. Queries are
// written once with $N placeholders, which both drivers bind by number; only
// the migrations and error interpretation differ by dialect.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/stdlib"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// Dialect names the database engine behind a Store.
type Dialect string

const (
	SQLite   Dialect = "sqlite"
	Postgres Dialect = "postgres"
)

var (
	// ErrNotFound is returned when a row asked for by key does not exist.
	ErrNotFound = errors.New("store: not found")
	// ErrConflict is returned when a write breaks a unique constraint.
	ErrConflict = errors.New("store: conflict")
)

// Store is a handle on the database. It is safe for concurrent use.
type Store struct {
	Q // queries outside a transaction, on the pool

	db      *sql.DB
	dialect Dialect
	dsn     string
	// On SQLite db is the one write connection; read is the pool for
	// reads outside transactions, and writer queues InTx for db (see
	// openSQLite). Both are nil on PostgreSQL.
	read   *sql.DB
	writer *writerTurn
	health writeHealth
	// nonces records the signature nonces of the process in batches, in
	// nonceDB: on SQLite a file of its own (openNonceFile), else db.
	nonces  *nonceBatcher
	nonceDB *sql.DB
}

// Options tunes Open.
type Options struct {
	// MaxConns is the pool size (idle connections are kept at the same
	// number: with database/sql's default of 2, River's throughput on
	// PostgreSQL drops about tenfold).
	MaxConns int
}

// Open connects to dsn: a postgres:// or postgresql:// URL selects
// PostgreSQL; anything else is a directory that holds the SQLite file
// (created if missing).
func Open(ctx context.Context, dsn string, opts Options) (*Store, error) {
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		return openPostgres(ctx, dsn, opts)
	}
	return openSQLite(ctx, dsn, opts)
}

func openPostgres(ctx context.Context, dsn string, opts Options) (*Store, error) {
	cfg, err := pgx.ParseConfig(dsn)
	if err != nil {
		return nil, err
	}
	// Prepared statements keep PostgreSQL's plan_cache_mode (auto: a
	// generic plan once it is no worse). Generic plans made while the
	// tables were empty are replaced when the tables are analyzed, which
	// ecsd has done as they grow (AnalyzeGrown); without that they went bad
	// under load (16 accounts: 180 changes/s falling to 120 within 70 s),
	// and with it they hold (205/s flat) where planning every execution
	// (force_custom_plan) held 160/s and read a third slower. A DSN may
	// still set plan_cache_mode.
	db := stdlib.OpenDB(*cfg)
	n := opts.MaxConns
	if n <= 0 {
		n = 20
	}
	db.SetMaxOpenConns(n)
	db.SetMaxIdleConns(n)
	db.SetConnMaxIdleTime(5 * time.Minute)
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("open postgres: %w", err)
	}
	return newStore(db, db, Postgres, dsn), nil
}

func newStore(db, nonceDB *sql.DB, d Dialect, dsn string) *Store {
	// SQLite has one writer, so one batch at a time; PostgreSQL takes a
	// few at once.
	workers := 4
	if d == SQLite {
		workers = 1
	}
	return &Store{Q: Q{db: db, pg: d == Postgres}, db: db, dialect: d, dsn: dsn, nonceDB: nonceDB, nonces: startNonceBatcher(nonceDB, workers)}
}

// DB returns the pool River uses: on SQLite, the one write connection.
func (s *Store) DB() *sql.DB { return s.db }

// Dialect reports the engine.
func (s *Store) Dialect() Dialect { return s.dialect }

// DSN returns the connection string (PostgreSQL: for River's listener pool).
func (s *Store) DSN() string { return s.dsn }

// Close closes the pool.
func (s *Store) Close() error {
	s.nonces.close()
	if s.read != nil {
		s.read.Close()
	}
	if s.nonceDB != s.db {
		s.nonceDB.Close()
	}
	return s.db.Close()
}

// Tx is one database transaction. Domain code receives it and never begins
// or ends one: the request pipeline or the job worker does.
type Tx struct {
	Q
	tx *sql.Tx
	// last holds the statements on rows every account shares, run after
	// everything else of the transaction (see Last).
	last []func(context.Context) error
	// ipsTaken are the addresses taken in a vSwitch as this transaction
	// knows them, by vSwitch id (see PrivateIPsTaken).
	ipsTaken map[string]map[string]bool
}

// Last has fn run after everything else the transaction does, right before
// its commit. It is for statements on rows that every account's requests
// write (stock): their locks are then held only for the commit, so a change
// of one account waits for another's only that long. An error of fn rolls
// the transaction back and is what InTx returns.
func (t *Tx) Last(fn func(context.Context) error) { t.last = append(t.last, fn) }

// SQL returns the underlying transaction, for River's InsertTx and
// JobCompleteTx so that jobs commit with the change that causes them.
func (t *Tx) SQL() *sql.Tx { return t.tx }

// InTx runs fn in a transaction and commits it when fn returns nil. Any
// error, or a panic, rolls everything back. A transaction that fails only
// because it met a concurrent one (PostgreSQL: serialization failure,
// deadlock) is run again from the start, up to maxTxAttempts times, so fn
// must do nothing outside tx that it cannot do twice. An error that says
// the store cannot answer now is an *UnavailableError.
func (s *Store) InTx(ctx context.Context, fn func(*Tx) error) error {
	err := s.runTx(ctx, fn)
	s.health.record(err)
	return err
}

func (s *Store) runTx(ctx context.Context, fn func(*Tx) error) error {
	for n := 1; ; n++ {
		err := s.txOnce(ctx, fn)
		if !retryable(err) || n == maxTxAttempts || backoff(ctx, n) != nil {
			return markUnavailable(err)
		}
	}
}

func (s *Store) txOnce(ctx context.Context, fn func(*Tx) error) (err error) {
	if s.writer != nil {
		if err := s.writer.take(ctx); err != nil {
			return err
		}
		defer s.writer.give()
	}
	stx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return interpretError(err)
	}
	defer func() {
		if p := recover(); p != nil {
			_ = stx.Rollback()
			panic(p)
		}
		if err != nil {
			_ = stx.Rollback()
		}
	}()
	tx := &Tx{Q: Q{db: stx, pg: s.dialect == Postgres}, tx: stx}
	if err = fn(tx); err != nil {
		return err
	}
	for _, last := range tx.last {
		if err = last(ctx); err != nil {
			return err
		}
	}
	return interpretError(stx.Commit())
}

// Read runs fn with the queries of a read: on SQLite one read transaction,
// so that a request's statements see one snapshot and take SQLite's read
// lock once instead of once each (every write of another request, a nonce
// or a call log row, makes a new statement outside a transaction re-read
// its pages); on PostgreSQL the pool, since a transaction there costs two
// more round trips.
func (s *Store) Read(ctx context.Context, fn func(Q) error) error {
	if s.read == nil {
		return fn(s.Q)
	}
	rtx, err := s.read.BeginTx(ctx, nil)
	if err != nil {
		return markUnavailable(interpretError(err))
	}
	defer func() { _ = rtx.Rollback() }() // nothing to keep: it only read
	return fn(Q{db: readTxRouter{tx: rtx, write: s.db}})
}

// dbtx is what a query needs: the pool or a transaction.
type dbtx interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// Q carries the queries. Method names put the noun first, as River's do.
type Q struct {
	db dbtx
	pg bool // on PostgreSQL
}

// interpretError turns driver errors into the store's sentinels, so that no
// database/sql or driver error type leaves this package.
func interpretError(err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, sql.ErrNoRows) {
		return ErrNotFound
	}
	if Unavailable(err) {
		return markUnavailable(err)
	}
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) && pgErr.Code == "23505" {
		return fmt.Errorf("%w: %s", ErrConflict, pgErr.ConstraintName)
	}
	var sqErr *sqlite.Error
	if errors.As(err, &sqErr) {
		switch sqErr.Code() {
		case sqlite3.SQLITE_CONSTRAINT_UNIQUE, sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY:
			return fmt.Errorf("%w: %s", ErrConflict, sqErr.Error())
		}
	}
	return err
}

// isForeignKeyViolation reports whether err is a write that refers to a row
// that does not exist.
func isForeignKeyViolation(err error) bool {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		return pgErr.Code == "23503"
	}
	var sqErr *sqlite.Error
	return errors.As(err, &sqErr) && sqErr.Code() == sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY
}

// micros converts a time to the stored form.
func micros(t time.Time) int64 { return t.UnixMicro() }

// fromMicros converts the stored form back, in UTC.
func fromMicros(us int64) time.Time { return time.UnixMicro(us).UTC() }

// scanner is a row to scan: *sql.Row or *sql.Rows.
type scanner interface{ Scan(...any) error }

// queryAll runs a query and scans every row with scan.
func queryAll[T any](ctx context.Context, db dbtx, scan func(scanner) (*T, error), query string, args ...any) ([]*T, error) {
	rows, err := db.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, interpretError(err)
	}
	defer rows.Close()
	var out []*T
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, interpretError(rows.Err())
}

// total is the number of rows a list matches, given n rows read from its
// page: the first page holds them all when it is not full, which spares the
// COUNT that every list (and every spec change) would otherwise run.
func (q Q) total(ctx context.Context, n int, first bool, limit int, count string, args ...any) (int, error) {
	if first && (limit <= 0 || n < limit) {
		return n, nil
	}
	var total int
	err := q.db.QueryRowContext(ctx, count, args...).Scan(&total)
	return total, interpretError(err)
}
