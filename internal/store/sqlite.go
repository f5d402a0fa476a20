package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"modernc.org/sqlite"
)

// On SQLite a Store holds two pools over one file. SQLite runs one writer
// at a time, and a writer that finds the lock taken sleeps and retries with
// growing pauses (busy_timeout: 1, 2, 5, 10 ms ...), which under load made
// the latency's tail. So every write of the process, River's included, goes
// through the write pool's single connection, and reads go to a pool of
// their own (WAL lets them run beside the writer). Between processes
// SQLite's lock still decides.
func openSQLite(ctx context.Context, dir string, opts Options) (*Store, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("data dir: %w", err)
	}
	file := "file:" + filepath.Join(dir, "ecsd.db") +
		"?_pragma=busy_timeout(30000)&_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)&_pragma=foreign_keys(1)"
	// _txlock=immediate takes the write lock at BEGIN, so that a
	// transaction never fails upgrading from read to write.
	write := sql.OpenDB(&cachingConnector{dsn: file + "&_txlock=immediate"})
	write.SetMaxOpenConns(1)
	write.SetMaxIdleConns(1)
	// query_only makes a write sent to the read pool by mistake fail
	// loudly instead of contending for the lock.
	read := sql.OpenDB(&cachingConnector{dsn: file + "&_pragma=query_only(1)"})
	n := opts.MaxConns
	if n <= 0 {
		n = 4
	}
	read.SetMaxOpenConns(n)
	read.SetMaxIdleConns(n)
	for _, db := range []*sql.DB{write, read} {
		if err := db.PingContext(ctx); err != nil {
			write.Close()
			read.Close()
			return nil, fmt.Errorf("open sqlite %s: %w", dir, err)
		}
	}
	nonces, err := openNonceFile(ctx, dir)
	if err != nil {
		write.Close()
		read.Close()
		return nil, fmt.Errorf("open sqlite %s: %w", dir, err)
	}
	st := newStore(write, nonces, SQLite, file)
	st.read = read
	st.writer = &writerTurn{ch: make(chan struct{}, 1)}
	st.Q = Q{db: sqliteRouter{write: write, read: read}}
	return st, nil
}

// openNonceFile opens nonces.db beside ecsd.db: the signature nonces, on
// their own write connection and lock (WITHOUT ROWID: the key is the
// table, one B-tree fewer to write per nonce). Every signed request, reads
// included, records one; in ecsd.db each such write made every reader's
// next statement re-read its pages from the file, and queued for the one
// write connection behind the business writes. Processes sharing the
// directory share the file, so a nonce is still used once among them.
func openNonceFile(ctx context.Context, dir string) (*sql.DB, error) {
	db := sql.OpenDB(&cachingConnector{dsn: "file:" + filepath.Join(dir, "nonces.db") +
		"?_pragma=busy_timeout(30000)&_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)"})
	db.SetMaxOpenConns(1)
	db.SetMaxIdleConns(1)
	_, err := db.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS nonces (
		access_key_id TEXT NOT NULL,
		nonce         TEXT NOT NULL,
		expires_at    BIGINT NOT NULL,
		PRIMARY KEY (access_key_id, nonce)
	) WITHOUT ROWID;
	CREATE INDEX IF NOT EXISTS nonces_expires ON nonces (expires_at)`)
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("nonces.db: %w", err)
	}
	return db, nil
}

// sqliteRouter sends each statement outside a transaction to the pool it
// needs: reads to the read pool, anything else to the write connection.
type sqliteRouter struct{ write, read *sql.DB }

func (r sqliteRouter) pool(query string) *sql.DB {
	if readOnly(query) {
		return r.read
	}
	return r.write
}

func (r sqliteRouter) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	return r.pool(query).ExecContext(ctx, query, args...)
}

func (r sqliteRouter) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	return r.pool(query).QueryContext(ctx, query, args...)
}

func (r sqliteRouter) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	return r.pool(query).QueryRowContext(ctx, query, args...)
}

// readOnly reports whether a statement only reads: it starts, after
// comments, with SELECT, EXPLAIN or VALUES. Anything else is taken for a
// write.
func readOnly(query string) bool {
	q := query
	for {
		q = strings.TrimLeft(q, " \t\r\n")
		if strings.HasPrefix(q, "--") {
			i := strings.IndexByte(q, '\n')
			if i < 0 {
				return false
			}
			q = q[i+1:]
			continue
		}
		if strings.HasPrefix(q, "/*") {
			i := strings.Index(q, "*/")
			if i < 0 {
				return false
			}
			q = q[i+2:]
			continue
		}
		break
	}
	word := q
	if i := strings.IndexAny(q, " \t\r\n("); i >= 0 {
		word = q[:i]
	}
	switch strings.ToUpper(word) {
	case "SELECT", "EXPLAIN", "VALUES":
		return true
	}
	return false
}

// writerTurn queues Store.InTx callers for the write connection in arrival
// order (database/sql hands a freed connection to a random waiter, which
// under load starves some writers for long).
type writerTurn struct{ ch chan struct{} }

// turnTimeout matches busy_timeout: a writer that waits this long fails as
// SQLite's busy writers do.
const turnTimeout = 30 * time.Second

var errTurnTimeout = errors.New("store: database is locked: no write turn within 30s")

func (w *writerTurn) take(ctx context.Context) error {
	select {
	case w.ch <- struct{}{}:
		return nil
	default:
	}
	t := time.NewTimer(turnTimeout)
	defer t.Stop()
	select {
	case w.ch <- struct{}{}:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return errTurnTimeout
	}
}

func (w *writerTurn) give() { <-w.ch }

// cachingConnector opens modernc.org/sqlite connections that keep their
// statements prepared: the driver parses every query it is handed, and
// parsing took about a third of ecsd's CPU under load.
type cachingConnector struct{ dsn string }

func (c *cachingConnector) Connect(ctx context.Context) (driver.Conn, error) {
	conn, err := c.Driver().Open(c.dsn)
	if err != nil {
		return nil, err
	}
	return &cachingConn{conn: conn.(sqliteConn)}, nil
}

func (c *cachingConnector) Driver() driver.Driver { return &sqlite.Driver{} }

// sqliteConn is what database/sql uses of a modernc.org/sqlite connection.
type sqliteConn interface {
	driver.Conn
	driver.ConnBeginTx
	driver.ConnPrepareContext
	driver.ExecerContext
	driver.QueryerContext
	driver.SessionResetter
	driver.Validator
	driver.Pinger
}

type cachingConn struct {
	conn  sqliteConn
	stmts map[string]*cachedStmt
}

// maxCachedStmts bounds the statements kept per connection; queries built
// with a varying number of arguments beyond it are parsed every time.
const maxCachedStmts = 256

type preparedStmt interface {
	driver.Stmt
	driver.StmtExecContext
	driver.StmtQueryContext
}

type cachedStmt struct {
	stmt preparedStmt
	busy bool // its rows are still open: a second use would reset them
}

func (c *cachingConn) Prepare(query string) (driver.Stmt, error) { return c.conn.Prepare(query) }
func (c *cachingConn) Begin() (driver.Tx, error) {
	return c.conn.BeginTx(context.Background(), driver.TxOptions{})
}
func (c *cachingConn) BeginTx(ctx context.Context, opts driver.TxOptions) (driver.Tx, error) {
	return c.conn.BeginTx(ctx, opts)
}
func (c *cachingConn) ResetSession(ctx context.Context) error { return c.conn.ResetSession(ctx) }
func (c *cachingConn) IsValid() bool                          { return c.conn.IsValid() }
func (c *cachingConn) Ping(ctx context.Context) error         { return c.conn.Ping(ctx) }
func (c *cachingConn) PrepareContext(ctx context.Context, query string) (driver.Stmt, error) {
	return c.conn.PrepareContext(ctx, query)
}

func (c *cachingConn) Close() error {
	for _, s := range c.stmts {
		_ = s.stmt.Close()
	}
	c.stmts = nil
	return c.conn.Close()
}

// cached returns the connection's prepared statement for query, preparing
// it on first use, or nil when it is in use or cannot be kept.
func (c *cachingConn) cached(ctx context.Context, query string) *cachedStmt {
	if s, ok := c.stmts[query]; ok {
		if s.busy {
			return nil
		}
		return s
	}
	if len(c.stmts) >= maxCachedStmts {
		return nil
	}
	ds, err := c.conn.PrepareContext(ctx, query)
	if err != nil {
		return nil // the uncached path reports the error
	}
	st, ok := ds.(preparedStmt)
	if !ok {
		_ = ds.Close()
		return nil
	}
	if c.stmts == nil {
		c.stmts = map[string]*cachedStmt{}
	}
	s := &cachedStmt{stmt: st}
	c.stmts[query] = s
	return s
}

func (c *cachingConn) ExecContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Result, error) {
	if s := c.cached(ctx, query); s != nil {
		return s.stmt.ExecContext(ctx, args)
	}
	return c.conn.ExecContext(ctx, query, args)
}

func (c *cachingConn) QueryContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Rows, error) {
	s := c.cached(ctx, query)
	if s == nil {
		return c.conn.QueryContext(ctx, query, args)
	}
	rows, err := s.stmt.QueryContext(ctx, args)
	if err != nil {
		return nil, err
	}
	s.busy = true
	return &cachedRows{Rows: rows, stmt: s}, nil
}

// cachedRows frees its statement for the next use when it closes.
type cachedRows struct {
	driver.Rows
	stmt *cachedStmt
}

func (r *cachedRows) Close() error {
	err := r.Rows.Close()
	r.stmt.busy = false
	return err
}

// readTxRouter is a read transaction on the read pool: its reads see one
// snapshot, and a write sent through it goes to the write connection, as
// sqliteRouter sends it.
type readTxRouter struct {
	tx    *sql.Tx
	write *sql.DB
}

func (r readTxRouter) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	return r.write.ExecContext(ctx, query, args...)
}

func (r readTxRouter) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if readOnly(query) {
		return r.tx.QueryContext(ctx, query, args...)
	}
	return r.write.QueryContext(ctx, query, args...)
}

func (r readTxRouter) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	if readOnly(query) {
		return r.tx.QueryRowContext(ctx, query, args...)
	}
	return r.write.QueryRowContext(ctx, query, args...)
}
