package conformance

import (
	"testing"
	"time"

	"github.com/aliyun/alibaba-cloud-sdk-go/sdk/requests"
	"github.com/aliyun/alibaba-cloud-sdk-go/services/ecs"

	"github.com/ecsd/ecsd/internal/ecsdtest"
	"github.com/ecsd/ecsd/internal/server"
	"github.com/ecsd/ecsd/internal/store/storetest"
)

// TestOneConnectionPool runs the admin calls that write and the RAM checks a
// handler makes inside its transaction on a store pool of one connection,
// with the manual clock (which lives in the store). A path that read the
// pool while its transaction held the only connection would wait forever:
// the scenario must finish within its deadline instead.
func TestOneConnectionPool(t *testing.T) {
	t.Parallel()
	opts := ecsdtest.Options{ManualClock: true, Configure: func(c *server.Config) { c.MaxConns = 1 }}
	storetest.Each(t, func(t *testing.T, _ storetest.Opener) {
		// A deadlock can hang server.New itself (it writes the default
		// account in a transaction), before any test code could time out:
		// a watchdog ends the test binary with a message instead of letting
		// it hang. It starts once the store's subtest runs, not while the
		// subtest waits for its turn among the parallel tests.
		watchdog := time.AfterFunc(3*time.Minute, func() {
			panic("TestOneConnectionPool/" + t.Name() + " did not finish in 3 minutes on a pool of one connection: some path reads the pool while its transaction holds the only connection")
		})
		t.Cleanup(func() { watchdog.Stop() })
		poolScenario(t, ecsdtest.Start(t, t.Name(), opts))
	})
}

func poolScenario(t *testing.T, s *ecsdtest.Server) {
	a := lcAccount(t, s, "pool", "5000.00", "0.00")
	path := "/_ecsd/v1/accounts/" + a.ID
	if r := adminAs(t, s, "POST", path+"/balance", `{"Amount":"100.00"}`); r.Status != 200 {
		t.Fatalf("adjust balance: %d %s", r.Status, r.Raw)
	}
	if r := adminAs(t, s, "PATCH", path, `{"Name":"pool-renamed"}`); r.Status != 200 {
		t.Fatalf("patch account: %d %s", r.Status, r.Raw)
	}
	if r := adminAs(t, s, "POST", "/_ecsd/v1/clock", `{"Advance":"1h"}`); r.Status != 200 {
		t.Fatalf("advance clock: %d %s", r.Status, r.Raw)
	}
	// An unpaid subscription, paid through the admin API.
	resp, err := a.run(lcPrePaid(1, "Month"), lcParam("AutoPay", "false"))
	if err != nil {
		t.Fatalf("RunInstances AutoPay=false: %v", err)
	}
	if st, o := lcPay(t, s, resp.OrderId); st != 200 || o.PaymentStatus != "Paid" {
		t.Fatalf("pay order %s: HTTP %d %+v", resp.OrderId, st, o)
	}
	inst := resp.InstanceIdSets.InstanceIdSet[0]

	// A RAM user's upgrade without AutoPay needs bss:GetSubscriptionPrice,
	// which the handler checks inside its transaction.
	main := ramNewActor(t, s, a.ID, a.keyID, a.secr)
	main.waitStatus(t, "Running", inst)
	u := main.user(t, "pool-user", "System:AdministratorAccess")
	q := ecs.CreateModifyPrepayInstanceSpecRequest()
	q.RegionId = "cn-hangzhou"
	q.InstanceId = inst
	q.InstanceType = "ecs.g6.xlarge"
	q.AutoPay = requests.NewBoolean(false)
	q.ClientToken = "pool-upgrade"
	mr, err := u.ecs.ModifyPrepayInstanceSpec(q)
	if err != nil {
		t.Fatalf("ModifyPrepayInstanceSpec by a RAM user: %v", err)
	}
	if mr.OrderId == "" {
		t.Errorf("ModifyPrepayInstanceSpec: no OrderId")
	}
}
