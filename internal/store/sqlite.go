package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"time"

	"modernc.org/sqlite"
)

func openSQLite(ctx context.Context, dir string, opts Options) (*Store, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("data dir: %w", err)
	}
	// WAL lets readers run beside the writer; _txlock=immediate takes the
	// write lock at BEGIN so two writers queue instead of failing when a
	// read transaction upgrades.
	dsn := "file:" + filepath.Join(dir, "ecsd.db") +
		"?_pragma=busy_timeout(30000)&_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)&_pragma=foreign_keys(1)&_txlock=immediate"
	turn := &writerTurn{ch: make(chan struct{}, 1)}
	db := sql.OpenDB(&writerConnector{dsn: dsn, turn: turn})
	// More than one connection: goose and any code that touches the pool
	// while a transaction is open would deadlock on a single one.
	n := opts.MaxConns
	if n <= 0 {
		n = 8
	}
	db.SetMaxOpenConns(n)
	db.SetMaxIdleConns(n)
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("open sqlite %s: %w", dir, err)
	}
	st := newStore(db, SQLite, dsn)
	st.writer = turn
	return st, nil
}

// writerTurn is the one write turn of this process's SQLite connections.
// SQLite runs one writer at a time; a writer that finds the lock taken
// sleeps and retries with growing pauses (busy_timeout: 1, 2, 5, 10 ms ...),
// which under load turns into long tails. Waiting for the turn here instead
// hands the lock over as soon as it is free, in arrival order. SQLite's own
// lock still decides between processes.
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

// writerTurnKey marks a context whose goroutine holds the turn already
// (Store.InTx takes it before it takes a connection).
type writerTurnKey struct{}

func withWriterTurn(ctx context.Context) context.Context {
	return context.WithValue(ctx, writerTurnKey{}, true)
}

func holdsWriterTurn(ctx context.Context) bool {
	held, _ := ctx.Value(writerTurnKey{}).(bool)
	return held
}

// writerConnector opens SQLite connections whose writes take the turn:
// River's own transactions (fetching and completing jobs, leadership,
// maintenance) and statements outside a transaction, as well as the
// store's.
type writerConnector struct {
	dsn  string
	turn *writerTurn
}

func (c *writerConnector) Connect(ctx context.Context) (driver.Conn, error) {
	conn, err := c.Driver().Open(c.dsn)
	if err != nil {
		return nil, err
	}
	return &writerConn{conn: conn.(sqliteConn), turn: c.turn}, nil
}

func (c *writerConnector) Driver() driver.Driver { return &sqlite.Driver{} }

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

type writerConn struct {
	conn sqliteConn
	turn *writerTurn
	inTx bool // a transaction is open on this connection
	// stmts keeps this connection's statements prepared: modernc.org/sqlite
	// parses every query it is handed, and parsing took about a third of
	// ecsd's CPU under load.
	stmts map[string]*cachedStmt
}

// maxCachedStmts bounds the statements kept per connection; queries built
// with a varying number of arguments beyond it are parsed every time.
const maxCachedStmts = 256

type cachedStmt struct {
	stmt interface {
		driver.Stmt
		driver.StmtExecContext
		driver.StmtQueryContext
	}
	busy bool // its rows are still open: a second use would reset them
}

func (c *writerConn) Prepare(query string) (driver.Stmt, error) { return c.conn.Prepare(query) }
func (c *writerConn) Begin() (driver.Tx, error) {
	return c.BeginTx(context.Background(), driver.TxOptions{})
}
func (c *writerConn) ResetSession(ctx context.Context) error { return c.conn.ResetSession(ctx) }
func (c *writerConn) IsValid() bool                          { return c.conn.IsValid() }
func (c *writerConn) Ping(ctx context.Context) error         { return c.conn.Ping(ctx) }

func (c *writerConn) PrepareContext(ctx context.Context, query string) (driver.Stmt, error) {
	return c.conn.PrepareContext(ctx, query)
}

func (c *writerConn) Close() error {
	for _, s := range c.stmts {
		_ = s.stmt.Close()
	}
	c.stmts = nil
	return c.conn.Close()
}

// cached returns the connection's prepared statement for query, preparing
// it on first use, or nil when it is in use or cannot be kept.
func (c *writerConn) cached(ctx context.Context, query string) *cachedStmt {
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
	st, ok := ds.(interface {
		driver.Stmt
		driver.StmtExecContext
		driver.StmtQueryContext
	})
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

// BeginTx takes the turn for a write transaction unless its caller holds
// it, and gives it back when the transaction ends. Read-only transactions
// begin DEFERRED and need no turn.
func (c *writerConn) BeginTx(ctx context.Context, opts driver.TxOptions) (driver.Tx, error) {
	own := !opts.ReadOnly && !holdsWriterTurn(ctx)
	if own {
		if err := c.turn.take(ctx); err != nil {
			return nil, err
		}
	}
	tx, err := c.conn.BeginTx(ctx, opts)
	if err != nil {
		if own {
			c.turn.give()
		}
		return nil, err
	}
	c.inTx = true
	return &writerTx{tx: tx, conn: c, own: own}, nil
}

type writerTx struct {
	tx   driver.Tx
	conn *writerConn
	own  bool
}

func (t *writerTx) Commit() error   { defer t.end(); return t.tx.Commit() }
func (t *writerTx) Rollback() error { defer t.end(); return t.tx.Rollback() }

func (t *writerTx) end() {
	t.conn.inTx = false
	if t.own {
		t.own = false
		t.conn.turn.give()
	}
}

// needsTurn: a statement outside a transaction is a one-statement write
// transaction unless it only reads.
func (c *writerConn) needsTurn(ctx context.Context, query string) bool {
	return !c.inTx && !holdsWriterTurn(ctx) && !readOnly(query)
}

func (c *writerConn) ExecContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Result, error) {
	if c.needsTurn(ctx, query) {
		if err := c.turn.take(ctx); err != nil {
			return nil, err
		}
		defer c.turn.give()
	}
	if s := c.cached(ctx, query); s != nil {
		return s.stmt.ExecContext(ctx, args)
	}
	return c.conn.ExecContext(ctx, query, args)
}

func (c *writerConn) QueryContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Rows, error) {
	// A writing statement runs to its end while its rows are read: the
	// turn is held until they are closed.
	turn := c.needsTurn(ctx, query)
	if turn {
		if err := c.turn.take(ctx); err != nil {
			return nil, err
		}
	}
	var rows driver.Rows
	var err error
	s := c.cached(ctx, query)
	if s != nil {
		rows, err = s.stmt.QueryContext(ctx, args)
	} else {
		rows, err = c.conn.QueryContext(ctx, query, args)
	}
	if err != nil {
		if turn {
			c.turn.give()
		}
		return nil, err
	}
	if !turn && s == nil {
		return rows, nil
	}
	r := &releasingRows{Rows: rows}
	if s != nil {
		s.busy = true
		r.release = append(r.release, func() { s.busy = false })
	}
	if turn {
		r.release = append(r.release, c.turn.give)
	}
	return r, nil
}

// releasingRows runs release once, when the rows close.
type releasingRows struct {
	driver.Rows
	release []func()
}

func (r *releasingRows) Close() error {
	err := r.Rows.Close()
	for _, f := range r.release {
		f()
	}
	r.release = nil
	return err
}

// The column-type methods of the driver's rows, for sql.Rows.ColumnTypes.
func (r *releasingRows) ColumnTypeDatabaseTypeName(i int) string {
	if t, ok := r.Rows.(driver.RowsColumnTypeDatabaseTypeName); ok {
		return t.ColumnTypeDatabaseTypeName(i)
	}
	return ""
}

func (r *releasingRows) ColumnTypeScanType(i int) reflect.Type {
	if t, ok := r.Rows.(driver.RowsColumnTypeScanType); ok {
		return t.ColumnTypeScanType(i)
	}
	return reflect.TypeFor[any]()
}

func (r *releasingRows) ColumnTypeNullable(i int) (nullable, ok bool) {
	if t, ok := r.Rows.(driver.RowsColumnTypeNullable); ok {
		return t.ColumnTypeNullable(i)
	}
	return false, false
}

// readOnly reports whether a statement only reads: it starts, after
// comments (sqlc puts its "-- name:" first), with SELECT, EXPLAIN or
// VALUES. Anything else is taken for a write.
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
