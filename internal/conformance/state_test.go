package conformance

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	sdkerrors "github.com/aliyun/alibaba-cloud-sdk-go/sdk/errors"
	"github.com/aliyun/alibaba-cloud-sdk-go/services/ecs"
	"github.com/google/go-cmp/cmp"
	"github.com/riverqueue/river"

	"github.com/ecsd/ecsd/adminclient"
	"github.com/ecsd/ecsd/internal/clock"
	"github.com/ecsd/ecsd/internal/ecsdtest"
	"github.com/ecsd/ecsd/internal/server"
	"github.com/ecsd/ecsd/internal/store/storetest"
)

// Reset and snapshots (ARCHITECTURE.md §8), through the admin API, on both
// stores and across them.

var stStart = time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC)

// stSnapshot exports the server's state and returns the raw document and
// its decoded form.
func stSnapshot(t *testing.T, s *ecsdtest.Server) ([]byte, map[string]any) {
	t.Helper()
	var buf bytes.Buffer
	if err := s.Kit.Admin.Snapshot(t.Context(), &buf); err != nil {
		t.Fatalf("GET snapshot: %v", err)
	}
	var doc map[string]any
	if err := json.Unmarshal(buf.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes(), doc
}

// stTables is a document's Tables, for comparing two states.
func stTables(t *testing.T, s *ecsdtest.Server) any {
	t.Helper()
	_, doc := stSnapshot(t, s)
	return doc["Tables"]
}

// stPendingJobs counts the jobs of the domain's kinds not yet finished.
func stPendingJobs(t *testing.T, s *ecsdtest.Server) int {
	t.Helper()
	res, err := s.Jobs().JobList(t.Context(), river.NewJobListParams().Kinds("instance_transition", "spec_change").First(1000).
		States("available", "pending", "retryable", "scheduled"))
	if err != nil {
		t.Fatal(err)
	}
	return len(res.Jobs)
}

func stChange(a *lcActor, id, typ string) error {
	r := ecs.CreateModifyPrepayInstanceSpecRequest()
	r.RegionId, r.InstanceId, r.InstanceType = "cn-hangzhou", id, typ
	_, err := a.v1.ModifyPrepayInstanceSpec(r)
	return err
}

// TestReset: after POST /_ecsd/v1/reset the state is that of a first
// start: the default account is new but has the configured keys and the
// opening balance, other accounts and their keys are gone, stock is the
// catalog's, the manual clock is back at its start, armed faults and pending
// work of the old state are gone.
func TestReset(t *testing.T) {
	t.Parallel()
	slow := func(c *server.Config) { c.ChangeDelay = time.Hour }
	ecsdtest.Each(t, ecsdtest.Options{ManualClock: true, ClockStart: stStart, Configure: slow}, func(t *testing.T, s *ecsdtest.Server) {
		ctx := t.Context()
		admin := s.Kit.Admin
		const zone, typ = "cn-hangzhou-h", "ecs.g6.large"
		initialStock, err := admin.Stock(ctx, zone, typ)
		if err != nil {
			t.Fatal(err)
		}
		oldDefault := s.AccountID
		a := lcAccount(t, s, "before-reset", "5000.00", "0.00")
		id := a.mustRun(t, lcZone(zone), lcPrePaid(1, "Month")).InstanceIdSets.InstanceIdSet[0]
		a.waitStatus(t, "Running", id)
		if err := stChange(a, id, "ecs.g6.xlarge"); err != nil {
			t.Fatal(err)
		}
		if stPendingJobs(t, s) == 0 {
			t.Fatal("the accepted change has no pending job before the reset")
		}
		if err := admin.SetStock(ctx, zone, typ, 3); err != nil {
			t.Fatal(err)
		}
		if _, err := admin.InjectFault(ctx, adminclient.Fault{Action: "DescribeRegions", Code: "InternalError", Count: 5}); err != nil {
			t.Fatal(err)
		}
		if _, err := admin.AdvanceClock(ctx, 48*time.Hour); err != nil {
			t.Fatal(err)
		}

		got, err := admin.Reset(ctx)
		if err != nil {
			t.Fatalf("reset: %v", err)
		}
		// The configured keys keep their account id across resets.
		if got.AccountId != oldDefault || got.AccessKeyId != s.AccessKeyID || got.AccessKeySecret != s.AccessKeySecret {
			t.Errorf("reset answered %+v; want the default account %s with the configured keys %s", got, oldDefault, s.AccessKeyID)
		}
		if _, err := admin.Account(ctx, a.ID); !adminclient.IsCode(err, "InvalidAccountId.NotFound") {
			t.Errorf("account of the old state after reset: %v, want InvalidAccountId.NotFound", err)
		}
		acc, err := admin.Account(ctx, got.AccountId)
		if err != nil || acc.Balance != "10000.00" || acc.Name != "default" {
			t.Errorf("new default account: %+v, %v; want default with 10000.00", acc, err)
		}
		if n, err := admin.Stock(ctx, zone, typ); err != nil || n != initialStock {
			t.Errorf("stock after reset: %d, %v; want the catalog's %d", n, err, initialStock)
		}
		if c, err := admin.Clock(ctx); err != nil || c.Now != stStart.Format(time.RFC3339Nano) {
			t.Errorf("clock after reset: %+v, %v; want %s", c, err, stStart.Format(time.RFC3339Nano))
		}
		if n := stPendingJobs(t, s); n != 0 {
			t.Errorf("%d jobs of the old state still pending after reset", n)
		}
		// The old account's key is gone; the default key works, sees no
		// instance and no fault.
		if _, err := a.v1.DescribeRegions(ecs.CreateDescribeRegionsRequest()); err == nil || !strings.Contains(err.Error(), "InvalidAccessKeyId.NotFound") {
			t.Errorf("old account's key after reset: %v, want InvalidAccessKeyId.NotFound", err)
		}
		def := s.SDKv1(t, s.AccessKeyID, s.AccessKeySecret)
		if _, err := def.DescribeRegions(ecs.CreateDescribeRegionsRequest()); err != nil {
			t.Errorf("DescribeRegions after reset (the fault was armed before): %v", err)
		}
		dr := ecs.CreateDescribeInstancesRequest()
		dr.RegionId = "cn-hangzhou"
		list, err := def.DescribeInstances(dr)
		if err != nil || list.TotalCount != 0 {
			t.Errorf("DescribeInstances after reset: %v, %v; want none", list, err)
		}
		// Twice in a row is the same fresh start.
		if _, err := admin.Reset(ctx); err != nil {
			t.Fatal(err)
		}
		if _, err := def.DescribeRegions(ecs.CreateDescribeRegionsRequest()); err != nil {
			t.Errorf("DescribeRegions after a second reset: %v", err)
		}
	})
}

// TestResetWhileRequestsRun resets the state again and again while the
// default account and another one buy and list instances. Every call
// either succeeds or is refused with a client error (the other account's
// key is gone); none fails with a server error, and afterwards every instance
// belongs to an account that exists and the balance is its ledger's sum.
func TestResetWhileRequestsRun(t *testing.T) {
	t.Parallel()
	ecsdtest.Each(t, ecsdtest.Options{ManualClock: true, ClockStart: stStart}, func(t *testing.T, s *ecsdtest.Server) {
		ctx := t.Context()
		stop := make(chan struct{})
		var wg sync.WaitGroup
		var calls, failures atomic.Int64
		var mu sync.Mutex
		var serverErrors []string
		// The default account's keys survive the resets; the other
		// account's go with the first one.
		other := lcAccount(t, s, "gone-at-reset", "100000.00", "0.00")
		for w := range 4 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				c := s.SDKv1(t, s.AccessKeyID, s.AccessKeySecret)
				if w == 3 {
					c = s.SDKv1(t, other.keyID, other.secr)
				}
				for {
					select {
					case <-stop:
						return
					default:
					}
					var err error
					if w == 0 {
						dr := ecs.CreateDescribeInstancesRequest()
						dr.RegionId = "cn-hangzhou"
						_, err = c.DescribeInstances(dr)
					} else {
						_, err = c.RunInstances(lcRunReq(lcPrePaid(1, "Week")))
					}
					calls.Add(1)
					if err == nil {
						continue
					}
					failures.Add(1)
					var se *sdkerrors.ServerError
					if !errors.As(err, &se) || se.HttpStatus() >= 500 {
						mu.Lock()
						serverErrors = append(serverErrors, err.Error())
						mu.Unlock()
					}
				}
			}()
		}
		for range 5 {
			time.Sleep(30 * time.Millisecond)
			if _, err := s.Kit.Admin.Reset(ctx); err != nil {
				t.Errorf("reset while requests run: %v", err)
			}
		}
		close(stop)
		wg.Wait()
		t.Logf("%d calls, %d refused", calls.Load(), failures.Load())
		if len(serverErrors) > 0 {
			t.Errorf("%d calls failed with a server error or no answer, e.g. %s", len(serverErrors), serverErrors[0])
		}
		db := s.Store.DB()
		var orphans int
		if err := db.QueryRowContext(ctx, `SELECT COUNT(*) FROM instances WHERE account_id NOT IN (SELECT id FROM accounts)`).Scan(&orphans); err != nil || orphans != 0 {
			t.Errorf("instances of no account: %d (%v)", orphans, err)
		}
		accounts, err := s.Store.AccountList(ctx)
		if err != nil || len(accounts) != 1 {
			t.Fatalf("accounts after the resets: %d (%v), want the default one", len(accounts), err)
		}
		lcLedger(t, s, accounts[0].ID)
	})
}

// TestSnapshotAcrossStores takes a snapshot on one store with a spec change
// in flight, loads it into a server on the other store, and checks that
// the change is applied there and that both states are then the same,
// table by table. Then the way back.
func TestSnapshotAcrossStores(t *testing.T) {
	t.Parallel()
	if os.Getenv(storetest.PostgresEnv) == "" {
		t.Skip(storetest.PostgresEnv + " is not set; this test needs PostgreSQL (CI sets it)")
	}
	for _, dir := range [][2]string{{"sqlite", "postgres"}, {"postgres", "sqlite"}} {
		t.Run(dir[0]+"-to-"+dir[1], func(t *testing.T) {
			t.Parallel()
			delay := func(c *server.Config) { c.ChangeDelay = 1500 * time.Millisecond }
			src := ecsdtest.Start(t, dir[0], ecsdtest.Options{ManualClock: true, ClockStart: stStart, Configure: delay})
			dst := ecsdtest.Start(t, dir[1], ecsdtest.Options{ManualClock: true, ClockStart: stStart.Add(-time.Hour)})
			ctx := t.Context()
			a := lcAccount(t, src, "traveller", "3000.00", "200.00")
			ids := a.mustRun(t, lcAmount(2), lcPrePaid(1, "Month")).InstanceIdSets.InstanceIdSet
			a.waitStatus(t, "Running", ids...)
			if _, err := src.Kit.Admin.AdvanceClock(ctx, 90*time.Minute); err != nil {
				t.Fatal(err)
			}
			a.patch(t, map[string]any{"DowngradeQuota": 5, "VCPUQuota": map[string]int{"cn-hangzhou": 64}})
			if _, err := src.Kit.Admin.InjectFault(ctx, adminclient.Fault{Action: "DescribeZones", Code: "InternalError", Count: 1}); err != nil {
				t.Fatal(err)
			}
			unpaid, err := a.run(lcNoAutoPay, lcPrePaid(1, "Month"))
			if err != nil {
				t.Fatal(err)
			}
			if err := stChange(a, ids[0], "ecs.g6.xlarge"); err != nil {
				t.Fatal(err)
			}
			raw, _ := stSnapshot(t, src)
			loaded, err := dst.Kit.Admin.LoadSnapshot(ctx, bytes.NewReader(raw))
			if err != nil {
				t.Fatalf("load the %s snapshot on %s: %v", dir[0], dir[1], err)
			}
			if loaded.Rows["instances"] != 3 || loaded.Rows["accounts"] != 2 || loaded.Jobs == 0 {
				t.Errorf("loaded %+v; want 3 instances, 2 accounts and the change's job", loaded)
			}
			// The same account, keys and instances answer on the other
			// store; the change exported in flight is applied there.
			b := *a
			b.s, b.v1 = dst, dst.SDKv1(t, a.keyID, a.secr)
			if got := b.one(t, ids[0]).InstanceType; got != "ecs.g6.large" {
				t.Logf("the change was already applied at import (%s)", got)
			}
			deadline := time.Now().Add(15 * time.Second)
			for b.one(t, ids[0]).InstanceType != "ecs.g6.xlarge" {
				if time.Now().After(deadline) {
					t.Fatalf("the change in flight in the snapshot was not applied on %s", dir[1])
				}
				time.Sleep(50 * time.Millisecond)
			}
			if c, err := dst.Kit.Admin.Clock(ctx); err != nil || c.Now != stStart.Add(90*time.Minute).Format(time.RFC3339Nano) {
				t.Errorf("clock after import: %+v, %v; want the snapshot's", c, err)
			}
			if _, err := dst.Kit.Admin.PayOrder(ctx, unpaid.OrderId); err != nil {
				t.Errorf("pay on %s the order left Unpaid on %s: %v", dir[1], dir[0], err)
			}
			if _, err := src.Kit.Admin.PayOrder(ctx, unpaid.OrderId); err != nil {
				t.Fatal(err)
			}
			// Both servers did the same work from the same state.
			for _, s := range []*ecsdtest.Server{src, dst} {
				if err := s.Kit.Settle(ctx); err != nil {
					t.Fatal(err)
				}
			}
			if _, err := b.v1.DescribeZones(ecs.CreateDescribeZonesRequest()); err == nil || !strings.Contains(err.Error(), "InternalError") {
				t.Errorf("the fault armed in the snapshot: DescribeZones got %v, want InternalError", err)
			}
			if _, err := a.v1.DescribeZones(ecs.CreateDescribeZonesRequest()); err == nil {
				t.Errorf("the fault armed on %s did not fire there", dir[0])
			}
			if diff := cmp.Diff(stTables(t, src), stTables(t, dst)); diff != "" {
				t.Errorf("state on %s differs from the state on %s it was loaded from (-%s +%s):\n%s", dir[1], dir[0], dir[0], dir[1], diff)
			}
			lcLedger(t, dst, a.ID)
			// The expiry timers came along: past ExpiredTime the instances
			// expire on the store they were loaded into.
			if _, err := dst.Kit.Admin.AdvanceClock(ctx, 40*24*time.Hour); err != nil {
				t.Fatal(err)
			}
			if got := b.one(t, ids[1]); got.Status != "Stopped" {
				t.Errorf("on %s 40 days later: %s, want Stopped (expired)", dir[1], got.Status)
			}
		})
	}
}

// TestSnapshotRefused: a document that cannot be loaded is refused with
// 400 InvalidSnapshot saying where and what, and the state stays whole.
func TestSnapshotRefused(t *testing.T) {
	t.Parallel()
	ecsdtest.Each(t, ecsdtest.Options{ManualClock: true, ClockStart: stStart}, func(t *testing.T, s *ecsdtest.Server) {
		ctx := t.Context()
		a := lcAccount(t, s, "kept", "100.00", "0.00")
		a.waitStatus(t, "Running", a.mustRun(t).InstanceIdSets.InstanceIdSet...)
		raw, _ := stSnapshot(t, s)
		before := stTables(t, s)
		edit := func(f func(doc map[string]any)) string {
			var doc map[string]any
			dec := json.NewDecoder(bytes.NewReader(raw))
			dec.UseNumber()
			if err := dec.Decode(&doc); err != nil {
				t.Fatal(err)
			}
			f(doc)
			b, err := json.Marshal(doc)
			if err != nil {
				t.Fatal(err)
			}
			return string(b)
		}
		table := func(doc map[string]any, name string) map[string]any {
			return doc["Tables"].(map[string]any)[name].(map[string]any)
		}
		for _, c := range []struct {
			name, doc string
			want      []string
		}{
			{"newer version", edit(func(d map[string]any) { d["Version"] = 2 }), []string{"at Version", "newer than this ecsd reads (1)"}},
			{"no version", edit(func(d map[string]any) { delete(d, "Version") }), []string{"at Version"}},
			{"other format", edit(func(d map[string]any) { d["Format"] = "something" }), []string{"at Format", `"something"`}},
			{"not JSON", `{"Format": "ecsd-snapshot",`, []string{"line 1", "not valid JSON"}},
			{"unknown table", edit(func(d map[string]any) {
				d["Tables"].(map[string]any)["load_balancers"] = map[string]any{"Columns": []any{}, "Rows": []any{}}
			}),
				[]string{"at Tables.load_balancers", "no such table"}},
			{"rows without columns", edit(func(d map[string]any) { table(d, "accounts")["Columns"] = []any{} }),
				[]string{"at Tables.accounts.Columns", "is empty"}},
			{"unknown column", edit(func(d map[string]any) { table(d, "accounts")["Columns"].([]any)[1] = "nickname" }),
				[]string{"at Tables.accounts.Columns[1]", `no column "nickname"`}},
			{"wrong value", edit(func(d map[string]any) {
				table(d, "accounts")["Rows"].([]any)[0].([]any)[3] = "a lot"
			}), []string{"at Tables.accounts.Rows[0][3] (cash_balance)", "want an integer"}},
			{"short row", edit(func(d map[string]any) {
				rows := table(d, "instances")["Rows"].([]any)
				rows[0] = rows[0].([]any)[:3]
			}), []string{"at Tables.instances.Rows[0]", "3 values"}},
			{"duplicate row", edit(func(d map[string]any) {
				t := table(d, "accounts")
				t["Rows"] = append(t["Rows"].([]any), t["Rows"].([]any)[0])
			}), []string{"at Tables.accounts.Rows[2]", "refused the row"}},
			{"row of no account", edit(func(d map[string]any) { delete(d["Tables"].(map[string]any), "accounts") }),
				[]string{"at Tables.access_keys.Rows[0]", "refused the row"}},
			{"unknown job", edit(func(d map[string]any) {
				d["Jobs"] = []any{map[string]any{"Kind": "teleport", "Args": map[string]any{}, "ScheduledAt": "2026-01-01T00:00:00Z"}}
			}), []string{"at Jobs[0].Kind", `"teleport"`}},
			{"bad job time", edit(func(d map[string]any) {
				d["Jobs"] = []any{map[string]any{"Kind": "spec_change", "Args": map[string]any{}, "ScheduledAt": "soon"}}
			}), []string{"at Jobs[0].ScheduledAt"}},
		} {
			r := adminCall(t, s, "PUT", "/_ecsd/v1/snapshot", "Bearer "+s.AdminToken, c.doc)
			r.wantError(t, 400, "InvalidSnapshot")
			msg, _ := r.Body["Message"].(string)
			for _, w := range c.want {
				if !strings.Contains(msg, w) {
					t.Errorf("%s: message %q does not say %q", c.name, msg, w)
				}
			}
		}
		if diff := cmp.Diff(before, stTables(t, s)); diff != "" {
			t.Errorf("refused snapshots changed the state:\n%s", diff)
		}
		a.wantBalance(t, "100.00", "0.00")
		// The untouched document loads.
		if _, err := s.Kit.Admin.LoadSnapshot(ctx, bytes.NewReader(raw)); err != nil {
			t.Errorf("load the document as exported: %v", err)
		}
		for _, call := range [][2]string{{"POST", "/_ecsd/v1/reset"}, {"GET", "/_ecsd/v1/snapshot"}, {"PUT", "/_ecsd/v1/snapshot"}} {
			adminCall(t, s, call[0], call[1], "Bearer wrong", string(raw)).wantError(t, 401, "Unauthorized")
		}
		if diff := cmp.Diff(before, stTables(t, s)); diff != "" {
			t.Errorf("the reloaded state differs from the exported one:\n%s", diff)
		}
	})
}

// TestStateAcrossReplicas: two servers share one PostgreSQL schema, as
// replicas do. A reset through one is the state the other serves at once;
// a snapshot loaded through one brings back accounts, instances and armed
// faults on the other.
func TestStateAcrossReplicas(t *testing.T) {
	t.Parallel()
	if os.Getenv(storetest.PostgresEnv) == "" {
		t.Skip(storetest.PostgresEnv + " is not set; this test needs PostgreSQL")
	}
	a := ecsdtest.Start(t, "postgres", ecsdtest.Options{ManualClock: true, ClockStart: stStart})
	adminB := adminclient.New(a.Replica(t, server.Config{
		Throttle: server.DefaultThrottle, Clock: clock.ModeManual,
		DefaultAccessKeyID: a.AccessKeyID, DefaultAccessKeySecret: a.AccessKeySecret,
	}), a.AdminToken)
	ctx := t.Context()

	x := lcAccount(t, a, "replicated", "2000.00", "0.00")
	id := x.mustRun(t, lcPrePaid(1, "Month")).InstanceIdSets.InstanceIdSet[0]
	x.waitStatus(t, "Running", id)
	if _, err := a.Kit.Admin.InjectFault(ctx, adminclient.Fault{Action: "DescribeZones", Code: "InternalError", Count: 1, AccountId: x.ID}); err != nil {
		t.Fatal(err)
	}
	raw, _ := stSnapshot(t, a)

	if _, err := adminB.Reset(ctx); err != nil {
		t.Fatalf("reset through B: %v", err)
	}
	if _, err := a.Kit.Admin.Account(ctx, x.ID); !adminclient.IsCode(err, "InvalidAccountId.NotFound") {
		t.Errorf("A after a reset through B: account %v, want InvalidAccountId.NotFound", err)
	}
	if _, err := x.v1.DescribeRegions(ecs.CreateDescribeRegionsRequest()); err == nil {
		t.Error("A still accepts the key of an account reset away through B")
	}

	if _, err := adminB.LoadSnapshot(ctx, bytes.NewReader(raw)); err != nil {
		t.Fatalf("load through B: %v", err)
	}
	if got := x.one(t, id); got.Status != "Running" || got.InstanceType != "ecs.g6.large" {
		t.Errorf("A after a snapshot loaded through B: %s %s", got.Status, got.InstanceType)
	}
	x.wantBalance(t, lcMoney(2000-300), "0.00")
	// The fault armed in the snapshot fires on A (its switch is refreshed
	// from the store within a tick).
	deadline := time.Now().Add(5 * time.Second)
	for {
		_, err := x.v1.DescribeZones(ecs.CreateDescribeZonesRequest())
		if err != nil && strings.Contains(err.Error(), "InternalError") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the fault loaded through B never fired on A (last: %v)", err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
