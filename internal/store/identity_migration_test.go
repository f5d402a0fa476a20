package store_test

import (
	"context"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/ecsd/ecsd/internal/store"
	"github.com/ecsd/ecsd/internal/store/storetest"
)

// The migration that adds key pairs, resource groups, serial numbers and
// metadata options gives instances made before it the defaults: each
// account with instances gets its default resource group, which they join,
// and each instance its own UUID serial number.
func TestIdentityMigrationDefaults(t *testing.T) {
	t.Parallel()
	uuid := regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)
	eachStoreAt(t, 81, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		accounts := []string{"1000000000000021", "1000000000000022", "1000000000000023"}
		for _, id := range accounts {
			if err := st.AccountInsert(ctx, &store.Account{ID: id, Name: id, Currency: "CNY", CreatedAt: time.Unix(0, 0)}); err != nil {
				t.Fatal(err)
			}
		}
		// Two instances of the first account, one of the second, none of
		// the third; inserted as the schema of 00081 has them.
		for i, owner := range []string{accounts[0], accounts[0], accounts[1]} {
			_, err := st.DB().ExecContext(ctx, `INSERT INTO instances (id, account_id, region_id, zone_id, instance_type, image_id, name,
				description, host_name, status, charge_type, expired_time, vpc_id, vswitch_id, security_group_id, private_ip, creation_time)
				VALUES ($1, $2, 'cn-hangzhou', 'cn-hangzhou-h', 'ecs.g6.large', 'img', 'n', '', 'h', 'Running', 'PostPaid', 0, 'vpc', 'vsw', 'sg', $3, $4)`,
				"i-old"+string(rune('a'+i)), owner, "172.16.0."+string(rune('1'+i)), int64(i+1))
			if err != nil {
				t.Fatal(err)
			}
		}
		if err := st.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
		seen := map[string]bool{}
		groups := map[string]string{}
		for _, id := range []string{"i-olda", "i-oldb", "i-oldc"} {
			i, err := st.InstanceGetByID(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			if !uuid.MatchString(i.SerialNumber) || seen[i.SerialNumber] {
				t.Errorf("%s: serial number %q, want a UUID of its own", id, i.SerialNumber)
			}
			seen[i.SerialNumber] = true
			g, err := st.ResourceGroupGetDefault(ctx, i.AccountID)
			if err != nil || g.ID != i.ResourceGroupID || !strings.HasPrefix(g.ID, "rg-acfm") || len(g.ID) != len("rg-acfm")+11 {
				t.Errorf("%s: resource group %q, the account's default %v (%v)", id, i.ResourceGroupID, g, err)
			}
			groups[i.AccountID] = i.ResourceGroupID
			if m := i.Metadata; m.HttpEndpoint != "enabled" || m.HttpTokens != "optional" || m.HopLimit != 1 || i.KeyPairName != "" {
				t.Errorf("%s: metadata %+v, key pair %q; want the defaults", id, m, i.KeyPairName)
			}
		}
		if groups[accounts[0]] == groups[accounts[1]] {
			t.Errorf("two accounts share the default group %s", groups[accounts[0]])
		}
		if _, err := st.ResourceGroupGetDefault(ctx, accounts[2]); err != store.ErrNotFound {
			t.Errorf("an account without instances has a default group made by the migration (%v); it is made on first need", err)
		}
	})
}

// eachStoreAt runs fn, as subtests "sqlite" and "postgres", on a fresh
// store migrated up to version only: a test of a later migration stores
// rows of the old schema, then calls Migrate.
func eachStoreAt(t *testing.T, version int64, fn func(t *testing.T, st *store.Store)) {
	t.Helper()
	run := func(t *testing.T, dsn string) {
		st, err := store.Open(context.Background(), dsn, store.Options{})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { st.Close() })
		if err := st.MigrateTo(context.Background(), version); err != nil {
			t.Fatal(err)
		}
		fn(t, st)
	}
	t.Run("sqlite", func(t *testing.T) { t.Parallel(); run(t, storetest.SQLiteDSN(t)) })
	t.Run("postgres", func(t *testing.T) {
		t.Parallel()
		if os.Getenv(storetest.PostgresEnv) == "" {
			t.Skip(storetest.PostgresEnv + " is not set; PostgreSQL tests need it (CI sets it)")
		}
		run(t, storetest.PostgresDSN(t))
	})
}
