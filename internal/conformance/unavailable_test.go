package conformance

import (
	"context"
	"net/http"
	"strconv"
	"testing"

	"github.com/ecsd/ecsd/internal/ecsdtest"
	"github.com/ecsd/ecsd/internal/store"
)

// readyz returns the HTTP status of the readiness probe.
func readyz(t *testing.T, s *ecsdtest.Server) int {
	t.Helper()
	resp, err := http.Get(s.URL + "/readyz")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// A store that fails inside an action — the disk full (SQLite), the
// connection terminated by the server (PostgreSQL) — answers
// ServiceUnavailable (503), which the SDKs retry, never InternalError; and
// the readiness probe says the store cannot take writes. When the store
// recovers, so does ecsd.
func TestStoreFailureInActionIsUnavailable(t *testing.T) {
	ecsdtest.Each(t, ecsdtest.Options{}, func(t *testing.T, s *ecsdtest.Server) {
		a := lcAccount(t, s, "unavailable", "1000000.00", "0.00")
		ctx := context.Background()
		db := s.Server.Store.DB()
		if got := readyz(t, s); got != http.StatusOK {
			t.Fatalf("/readyz before: %d", got)
		}
		var heal func()
		if s.Server.Store.Dialect() == store.SQLite {
			// The write connection may not grow the file: the disk is
			// full. A purchase of a hundred instances needs new pages.
			var pages int
			if err := db.QueryRowContext(ctx, `PRAGMA page_count`).Scan(&pages); err != nil {
				t.Fatal(err)
			}
			if _, err := db.ExecContext(ctx, `PRAGMA max_page_count = `+strconv.Itoa(pages)); err != nil {
				t.Fatal(err)
			}
			heal = func() {
				if _, err := db.ExecContext(ctx, `PRAGMA max_page_count = 1073741823`); err != nil {
					t.Fatal(err)
				}
			}
		} else {
			// PostgreSQL terminates the backend in the middle of the
			// purchase's transaction, as pg_terminate_backend or a restart
			// does (57P01).
			if _, err := db.ExecContext(ctx, `CREATE FUNCTION terminate_self() RETURNS trigger LANGUAGE plpgsql AS
				$$ BEGIN PERFORM pg_terminate_backend(pg_backend_pid()); RETURN NEW; END $$`); err != nil {
				t.Fatal(err)
			}
			if _, err := db.ExecContext(ctx, `CREATE TRIGGER orders_terminate BEFORE INSERT ON orders FOR EACH ROW EXECUTE FUNCTION terminate_self()`); err != nil {
				t.Fatal(err)
			}
			heal = func() {
				if _, err := db.ExecContext(ctx, `DROP TRIGGER orders_terminate ON orders`); err != nil {
					t.Fatal(err)
				}
			}
		}
		_, err := a.run(lcPrePaid(1, "Month"), lcAmount(100), lcZone("cn-hangzhou-h"))
		if err == nil {
			t.Fatal("RunInstances succeeded on a broken store")
		}
		v1Error(t, err, http.StatusServiceUnavailable, "ServiceUnavailable")
		if got := readyz(t, s); got != http.StatusServiceUnavailable {
			t.Errorf("/readyz with the store failing writes: %d, want 503", got)
		}
		heal()
		a.mustRun(t, lcPrePaid(1, "Month"), lcAmount(100), lcZone("cn-hangzhou-h"))
		if got := readyz(t, s); got != http.StatusOK {
			t.Errorf("/readyz after the store recovered: %d, want 200", got)
		}
		lcLedger(t, s, a.ID)
	})
}

// A SQLite file that became read-only: every write, the readiness probe's
// included, fails, and ecsd answers 503, not 500.
func TestReadOnlyStoreIsUnavailable(t *testing.T) {
	s := ecsdtest.Start(t, "sqlite", ecsdtest.Options{})
	a := lcAccount(t, s, "read-only", "1000.00", "0.00")
	ctx := context.Background()
	db := s.Server.Store.DB()
	// query_only holds for the write connection it is set on; a background
	// writer (River, the nonce batcher) that fails on it may get the
	// connection replaced by a fresh, writable one. So it is set again
	// before each probe.
	readOnly := func() {
		t.Helper()
		if _, err := db.ExecContext(ctx, `PRAGMA query_only = 1`); err != nil {
			t.Fatal(err)
		}
	}
	readOnly()
	_, err := a.run(lcPrePaid(1, "Month"), lcZone("cn-hangzhou-h"))
	v1Error(t, err, http.StatusServiceUnavailable, "ServiceUnavailable")
	readOnly()
	if got := readyz(t, s); got != http.StatusServiceUnavailable {
		t.Errorf("/readyz on a read-only store: %d, want 503", got)
	}
	if _, err := db.ExecContext(ctx, `PRAGMA query_only = 0`); err != nil {
		t.Fatal(err)
	}
	a.mustRun(t, lcPrePaid(1, "Month"), lcZone("cn-hangzhou-h"))
	if got := readyz(t, s); got != http.StatusOK {
		t.Errorf("/readyz after the store recovered: %d, want 200", got)
	}
}
