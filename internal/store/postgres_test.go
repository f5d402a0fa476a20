package store_test

import (
	"context"
	"os"
	"testing"

	"github.com/ecsd/ecsd/internal/store"
	"github.com/ecsd/ecsd/internal/store/storetest"
)

// Connections plan each execution for its arguments unless the DSN says
// otherwise (see openPostgres).
func TestPostgresPlanCacheMode(t *testing.T) {
	t.Parallel()
	if os.Getenv(storetest.PostgresEnv) == "" {
		t.Skip(storetest.PostgresEnv + " is not set; PostgreSQL tests need it (CI sets it)")
	}
	ctx := context.Background()
	dsn := storetest.PostgresDSN(t)
	for _, c := range []struct{ dsn, want string }{
		{dsn, "force_custom_plan"},
		{dsn + "&plan_cache_mode=auto", "auto"},
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
