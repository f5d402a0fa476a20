package store_test

import (
	"context"
	"fmt"
	"os"
	"slices"
	"testing"
	"time"

	"github.com/ecsd/ecsd/internal/store"
	"github.com/ecsd/ecsd/internal/store/storetest"
)

// Connections keep PostgreSQL's plan_cache_mode unless the DSN sets one
// (see openPostgres).
func TestPostgresPlanCacheMode(t *testing.T) {
	t.Parallel()
	if os.Getenv(storetest.PostgresEnv) == "" {
		t.Skip(storetest.PostgresEnv + " is not set; PostgreSQL tests need it (CI sets it)")
	}
	ctx := context.Background()
	dsn := storetest.PostgresDSN(t)
	for _, c := range []struct{ dsn, want string }{
		{dsn, "auto"},
		{dsn + "&plan_cache_mode=force_custom_plan", "force_custom_plan"},
	} {
		st, err := store.Open(ctx, c.dsn, store.Options{})
		if err != nil {
			t.Fatal(err)
		}
		var mode string
		err = st.DB().QueryRowContext(ctx, "SHOW plan_cache_mode").Scan(&mode)
		st.Close()
		if err != nil || mode != c.want {
			t.Errorf("%s: plan_cache_mode %q (%v), want %q", c.dsn, mode, err, c.want)
		}
	}
}

// A table that grew is analyzed, whether or not autovacuum runs (CI's
// server has it off): its statistics then show the rows, and it no longer
// qualifies.
func TestAnalyzeGrown(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, open storetest.Opener) {
		st := open(t)
		ctx := context.Background()
		if st.Dialect() == store.SQLite {
			if got, err := st.AnalyzeGrown(ctx); err != nil || len(got) != 0 {
				t.Fatalf("SQLite: %v, %v; want nothing", got, err)
			}
			return
		}
		now := time.Now()
		for i := range 200 {
			if err := st.AccountInsert(ctx, &store.Account{ID: fmt.Sprintf("10000000000%05d", i), Name: "grown", Currency: "CNY", CreatedAt: now}); err != nil {
				t.Fatal(err)
			}
		}
		// PostgreSQL publishes a backend's counts within about 10 s.
		deadline := time.Now().Add(30 * time.Second)
		for {
			got, err := st.AnalyzeGrown(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if slices.Contains(got, "accounts") {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("accounts, 200 rows new, was never analyzed (last: %v)", got)
			}
			time.Sleep(500 * time.Millisecond)
		}
		var tuples float64
		if err := st.DB().QueryRowContext(ctx, `SELECT reltuples FROM pg_class WHERE oid = 'accounts'::regclass`).Scan(&tuples); err != nil || tuples < 200 {
			t.Fatalf("statistics after: %v rows, %v; want 200", tuples, err)
		}
		if got, err := st.AnalyzeGrown(ctx); err != nil || slices.Contains(got, "accounts") {
			t.Fatalf("analyzed again without change: %v, %v", got, err)
		}
	})
}
