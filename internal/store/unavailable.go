package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"io"
	"math/rand/v2"
	"net"
	"strings"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// UnavailableError is a store that cannot answer now: the connection is
// lost or refused, the server is shutting down, the disk is full, the
// database is read-only, or the write lock stayed taken. The request may
// succeed when retried; apierr turns it into ServiceUnavailable (503),
// which the SDKs retry, never InternalError.
type UnavailableError struct{ Err error }

func (e *UnavailableError) Error() string     { return "store unavailable: " + e.Err.Error() }
func (e *UnavailableError) Unwrap() error     { return e.Err }
func (e *UnavailableError) Unavailable() bool { return true }

// markUnavailable wraps err when it is an unavailability.
func markUnavailable(err error) error {
	var u *UnavailableError
	if err == nil || errors.As(err, &u) || !Unavailable(err) {
		return err
	}
	return &UnavailableError{Err: err}
}

// Unavailable reports whether err says the store cannot answer now, as
// opposed to a query that is wrong or a row that is missing.
func Unavailable(err error) bool {
	if err == nil {
		return false
	}
	var u *UnavailableError
	if errors.As(err, &u) {
		return true
	}
	if errors.Is(err, errTurnTimeout) || errors.Is(err, driver.ErrBadConn) || errors.Is(err, sql.ErrConnDone) ||
		errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) ||
		errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE) {
		return true
	}
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		switch {
		case strings.HasPrefix(pgErr.Code, "08"), // connection exception
			strings.HasPrefix(pgErr.Code, "53"),          // insufficient resources: disk full, out of memory, too many connections
			pgErr.Code == "57P01", pgErr.Code == "57P02", // admin or crash shutdown
			pgErr.Code == "57P03", // cannot connect now (starting up)
			pgErr.Code == "25006", // read-only transaction (a standby)
			pgErr.Code == "58030", // I/O error
			retryable(err):        // serialization failure or deadlock beyond the retries
			return true
		}
		return false
	}
	var connectErr *pgconn.ConnectError
	var netErr net.Error
	if errors.As(err, &connectErr) || errors.As(err, &netErr) {
		return true
	}
	var sqErr *sqlite.Error
	if errors.As(err, &sqErr) {
		switch sqErr.Code() & 0xff {
		case sqlite3.SQLITE_FULL, sqlite3.SQLITE_READONLY, sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED,
			sqlite3.SQLITE_IOERR, sqlite3.SQLITE_CANTOPEN, sqlite3.SQLITE_NOMEM, sqlite3.SQLITE_PROTOCOL:
			return true
		}
		return false
	}
	// database/sql and pgconn say these only in words.
	msg := err.Error()
	return strings.Contains(msg, "sql: database is closed") || strings.Contains(msg, "conn closed") ||
		strings.Contains(msg, "closed network connection")
}

// retryable reports whether a transaction failed only because it met a
// concurrent one (PostgreSQL: serialization failure, deadlock) and may be
// run again from the start.
func retryable(err error) bool {
	var pgErr *pgconn.PgError
	return errors.As(err, &pgErr) && (pgErr.Code == "40001" || pgErr.Code == "40P01")
}

// maxTxAttempts bounds how often InTx runs a transaction that keeps
// meeting concurrent ones.
const maxTxAttempts = 5

// backoff sleeps before attempt n+1 (n from 1): a few milliseconds,
// doubling, with jitter so that the two sides of a deadlock do not meet
// again.
func backoff(ctx context.Context, n int) error {
	d := time.Duration(1<<n) * time.Millisecond
	d = d/2 + rand.N(d)
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// writeHealth remembers how the latest write transactions ended, for the
// readiness probe: a store whose writes fail for want of disk or
// permission is not ready even when a connection still opens.
type writeHealth struct {
	lastOK, lastFail atomic.Int64 // unix nanoseconds
}

func (h *writeHealth) record(err error) {
	switch {
	case err == nil:
		h.lastOK.Store(time.Now().UnixNano())
	case Unavailable(err):
		h.lastFail.Store(time.Now().UnixNano())
	}
}

// failing reports whether the latest write transaction within the window
// failed with an unavailability.
func (h *writeHealth) failing(window time.Duration) bool {
	f := h.lastFail.Load()
	return f > h.lastOK.Load() && time.Since(time.Unix(0, f)) < window
}

// CheckWrite commits a small write, as the readiness probe asks: a store
// that cannot commit one (disk full, read-only, no connection) is not
// ready, nor one whose latest write transaction, within the last 30 s,
// failed for one of those reasons.
func (s *Store) CheckWrite(ctx context.Context) error {
	if s.health.failing(30 * time.Second) {
		return &UnavailableError{Err: errors.New("the latest write transaction failed")}
	}
	return s.runTx(ctx, func(tx *Tx) error {
		_, err := tx.db.ExecContext(ctx, `INSERT INTO write_probe (id, at) VALUES (1, $1)
			ON CONFLICT (id) DO UPDATE SET at = excluded.at`, time.Now().UnixMicro())
		return interpretError(err)
	})
}
