package ecsdtest_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	ecs "github.com/alibabacloud-go/ecs-20140526/v7/client"
	"github.com/alibabacloud-go/tea/dara"

	"github.com/ecsd/ecsd/adminclient"
	"github.com/ecsd/ecsd/ecsdtest"
	"github.com/ecsd/ecsd/internal/catalog"
)

// stores runs fn on a kit server of each store (PostgreSQL when
// ECSD_TEST_POSTGRES_DSN is set; CI sets it).
func stores(t *testing.T, fn func(t *testing.T, opts ...ecsdtest.Option)) {
	t.Run("sqlite", func(t *testing.T) { t.Parallel(); fn(t) })
	t.Run("postgres", func(t *testing.T) {
		t.Parallel()
		dsn := os.Getenv("ECSD_TEST_POSTGRES_DSN")
		if dsn == "" {
			t.Skip("ECSD_TEST_POSTGRES_DSN is not set; PostgreSQL tests need it (CI sets it)")
		}
		fn(t, ecsdtest.WithPostgres(dsn))
	})
}

func buy(t *testing.T, c *ecs.Client, typ string) string {
	t.Helper()
	r, err := c.RunInstances(&ecs.RunInstancesRequest{
		RegionId: dara.String("cn-hangzhou"), ImageId: dara.String("aliyun_3_x64_20G_alibase_20240528.vhd"),
		InstanceType: dara.String(typ), InstanceChargeType: dara.String("PrePaid"), Period: dara.Int32(1),
	})
	if err != nil {
		t.Fatal(err)
	}
	return *r.Body.InstanceIdSets.InstanceIdSet[0]
}

func status(t *testing.T, c *ecs.Client, id string) (string, string) {
	t.Helper()
	r, err := c.DescribeInstanceAttribute(&ecs.DescribeInstanceAttributeRequest{InstanceId: dara.String(id)})
	if err != nil {
		t.Fatal(err)
	}
	return *r.Body.Status, *r.Body.InstanceType
}

// TestKit: a kit server answers the SDK with its default AccessKey, its
// admin client moves the manual clock (an instance expires), Reset gives a
// fresh state with the same keys, Restart keeps the state, and Close
// removes the store.
func TestKit(t *testing.T) {
	t.Parallel()
	stores(t, func(t *testing.T, opts ...ecsdtest.Option) {
		start := time.Date(2026, 7, 1, 0, 0, 0, 0, time.UTC)
		srv := ecsdtest.New(t, append(opts, ecsdtest.WithClockStart(start), ecsdtest.WithDelays(0, 0))...)
		ctx := context.Background()
		if !strings.HasPrefix(srv.Endpoint, "127.0.0.1:") || srv.URL != "http://"+srv.Endpoint || srv.AccountID == "" {
			t.Fatalf("server %+v", srv)
		}
		client, err := ecs.NewClient(srv.OpenAPIConfig())
		if err != nil {
			t.Fatal(err)
		}
		id := buy(t, client, "ecs.g6.large")
		if err := srv.Settle(ctx); err != nil {
			t.Fatal(err)
		}
		if st, _ := status(t, client, id); st != "Running" {
			t.Fatalf("after Settle: %s, want Running", st)
		}
		if c, err := srv.Admin.Clock(ctx); err != nil || c.Mode != "manual" || c.Now != start.Format(time.RFC3339Nano) {
			t.Fatalf("clock: %+v %v", c, err)
		}
		// The subscription ends on 2026-08-02 00:00 UTC+8: past it, expired.
		if _, err := srv.Admin.AdvanceClock(ctx, 33*24*time.Hour); err != nil {
			t.Fatal(err)
		}
		if err := srv.Settle(ctx); err != nil {
			t.Fatal(err)
		}
		if st, _ := status(t, client, id); st != "Stopped" {
			t.Errorf("after the clock passed ExpiredTime: %s, want Stopped", st)
		}

		srv = srv.Restart(t)
		client, _ = ecs.NewClient(srv.OpenAPIConfig())
		if st, _ := status(t, client, id); st != "Stopped" {
			t.Errorf("after Restart: %s, want the instance as it was", st)
		}

		before := srv.AccountID
		srv.Reset(t)
		if srv.AccountID != before {
			t.Errorf("Reset: default account %s, was %s (the keys are fixed, so is the id)", srv.AccountID, before)
		}
		list, err := client.DescribeInstances(&ecs.DescribeInstancesRequest{RegionId: dara.String("cn-hangzhou")})
		if err != nil || *list.Body.TotalCount != 0 {
			t.Errorf("after Reset: %v instances, %v", list, err)
		}
		if _, err := srv.Admin.Account(ctx, "0000000000000000"); !adminclient.IsCode(err, "InvalidAccountId.NotFound") {
			t.Errorf("admin client error answer: %v", err)
		}
	})
}

// TestKitOptions: WithDelays makes transitions observable, WithRealClock
// refuses clock moves, WithCatalog serves another catalog, and Close
// deletes the SQLite store.
func TestKitOptions(t *testing.T) {
	t.Parallel()
	ctx := context.Background()

	slow := ecsdtest.New(t, ecsdtest.WithDelays(300*time.Millisecond, 0))
	client, _ := ecs.NewClient(slow.OpenAPIConfig())
	id := buy(t, client, "ecs.g6.large")
	if st, _ := status(t, client, id); st != "Pending" {
		t.Errorf("with a 300ms transition delay, right after purchase: %s, want Pending", st)
	}
	if err := slow.Settle(ctx); err != nil {
		t.Fatal(err)
	}
	if st, _ := status(t, client, id); st != "Running" {
		t.Errorf("after Settle: %s, want Running", st)
	}

	real := ecsdtest.New(t, ecsdtest.WithRealClock(), ecsdtest.WithAccessKey("LTAIkitkitkitkitkitkitkit0", "kitsecretkitsecretkitsecret000"))
	if real.AccessKeyID != "LTAIkitkitkitkitkitkitkit0" {
		t.Errorf("WithAccessKey: %s", real.AccessKeyID)
	}
	if _, err := real.Admin.AdvanceClock(ctx, time.Hour); !adminclient.IsCode(err, "InvalidClockMode") {
		t.Errorf("advancing the real clock: %v, want InvalidClockMode", err)
	}

	// The embedded catalog with every initial stock set to 3.
	raw, err := catalog.Default().Dump()
	if err != nil {
		t.Fatal(err)
	}
	var cat map[string]any
	if err := json.Unmarshal(raw, &cat); err != nil {
		t.Fatal(err)
	}
	for _, st := range cat["Stock"].([]any) {
		st.(map[string]any)["Available"] = 3
	}
	raw, _ = json.Marshal(cat)
	file := filepath.Join(t.TempDir(), "catalog.json")
	if err := os.WriteFile(file, raw, 0o600); err != nil {
		t.Fatal(err)
	}
	custom, err := ecsdtest.Start(ecsdtest.WithCatalog(file))
	if err != nil {
		t.Fatal(err)
	}
	if n, err := custom.Admin.Stock(ctx, "cn-hangzhou-h", "ecs.g6.large"); err != nil || n != 3 {
		t.Errorf("stock from the catalog file: %d, %v; want 3", n, err)
	}
	dir := filepath.Dir(strings.TrimPrefix(strings.SplitN(custom.Internals().Store.DSN(), "?", 2)[0], "file:"))
	if _, err := os.Stat(dir); err != nil {
		t.Fatalf("the SQLite store %s: %v", dir, err)
	}
	if err := custom.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Errorf("after Close the store %s is still there (%v)", dir, err)
	}
	if _, err := ecsdtest.Start(ecsdtest.WithCatalog(filepath.Join(t.TempDir(), "none.json"))); err == nil {
		t.Error("a missing catalog file started a server")
	}
}
