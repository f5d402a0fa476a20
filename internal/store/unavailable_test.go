package store_test

import (
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"syscall"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/ecsd/ecsd/internal/apierr"
	"github.com/ecsd/ecsd/internal/store"
)

// What the store calls unavailable — and so what clients get as
// ServiceUnavailable (503) instead of InternalError (500).
func TestUnavailableErrors(t *testing.T) {
	pg := func(code string) error { return fmt.Errorf("query: %w", &pgconn.PgError{Code: code}) }
	for _, c := range []struct {
		err  error
		want bool
	}{
		{pg("57P01"), true}, // terminated by an administrator
		{pg("57P02"), true}, // crash shutdown
		{pg("57P03"), true}, // starting up or shutting down
		{pg("08006"), true}, // connection failure
		{pg("53100"), true}, // disk full
		{pg("53300"), true}, // too many connections
		{pg("25006"), true}, // read-only transaction
		{pg("40P01"), true}, // deadlock, beyond the retries
		{pg("40001"), true}, // serialization failure, beyond the retries
		{pg("23505"), false},
		{pg("22P02"), false},
		{syscall.ECONNREFUSED, true},
		{fmt.Errorf("read: %w", io.ErrUnexpectedEOF), true},
		{driver.ErrBadConn, true},
		{errors.New("sql: database is closed"), true},
		{store.ErrNotFound, false},
		{errors.New("some bug"), false},
	} {
		if got := store.Unavailable(c.err); got != c.want {
			t.Errorf("Unavailable(%v) = %v, want %v", c.err, got, c.want)
		}
		want := apierr.InternalError
		if c.want {
			want = apierr.ServiceUnavailable
		}
		if got := apierr.As(fmt.Errorf("action: %w", store.MarkUnavailable(c.err))); got.Def != want {
			t.Errorf("apierr.As(%v) = %s, want %s", c.err, got.Def.Code, want.Code)
		}
	}
}
