package conformance

import (
	"testing"

	ecs2 "github.com/alibabacloud-go/ecs-20140526/v7/client"
	"github.com/alibabacloud-go/tea/dara"

	"github.com/ecsd/ecsd/internal/ecsdtest"
)

// The pay-as-you-go resize tests' helpers are named is….

func isResize(a *lcActor, id, typ string, edit func(*ecs2.ModifyInstanceSpecRequest)) error {
	r := &ecs2.ModifyInstanceSpecRequest{InstanceId: dara.String(id), InstanceType: dara.String(typ)}
	if edit != nil {
		edit(r)
	}
	_, err := a.v2.ModifyInstanceSpec(r)
	return err
}

// isPostPaid buys a pay-as-you-go instance in the zone, waits for it to
// run, stops it.
func isPostPaid(t *testing.T, a *lcActor, zone, typ string) string {
	t.Helper()
	id := a.mustRun(t, lcZone(zone), lcType(typ)).InstanceIdSets.InstanceIdSet[0]
	a.waitStatus(t, "Running", id)
	scStop(t, a, id)
	return id
}

// TestModifyInstanceSpec resizes pay-as-you-go instances through Go SDK v2
// on each store, as the Terraform provider does (StopInstance →
// ModifyInstanceSpec with a ClientToken → DescribeInstances until the type
// shows → StartInstance): no order and no money, the stock moves, the type
// shows at once.
func TestModifyInstanceSpec(t *testing.T) {
	t.Parallel()
	ecsdtest.Each(t, ecsdtest.Options{}, func(t *testing.T, s *ecsdtest.Server) {
		a := lcAccount(t, s, "resize", "10000.00", "0.00")
		large0, xlarge0 := lcStock(t, s, "cn-hangzhou-j", "ecs.c6.large"), lcStock(t, s, "cn-hangzhou-j", "ecs.c6.xlarge")
		id := a.mustRun(t, lcZone("cn-hangzhou-j"), lcType("ecs.c6.large")).InstanceIdSets.InstanceIdSet[0]
		a.waitStatus(t, "Running", id)
		lcWantV2(t, "Running instance", isResize(a, id, "ecs.c6.xlarge", nil), "InvalidInstanceStatus.NotStopped", 400)
		scStop(t, a, id)
		cash0, _ := scBalance(t, a)
		orders0 := len(lcAllOrders(t, s, a.ID))

		dry := func(r *ecs2.ModifyInstanceSpecRequest) { r.DryRun = dara.Bool(true) }
		lcWantV2(t, "DryRun", isResize(a, id, "ecs.c6.xlarge", dry), "DryRunOperation", 400)
		token := func(r *ecs2.ModifyInstanceSpecRequest) { r.ClientToken = dara.String("tf-resize-0001") }
		if err := isResize(a, id, "ecs.c6.xlarge", token); err != nil {
			t.Fatalf("ModifyInstanceSpec: %v", err)
		}
		// The type shows at once, Stopped stays Stopped.
		i := a.one(t, id)
		if i.InstanceType != "ecs.c6.xlarge" || i.Cpu != 4 || i.Memory != 8*1024 || i.Status != "Stopped" {
			t.Errorf("after the resize: %s Cpu %d Memory %d %s", i.InstanceType, i.Cpu, i.Memory, i.Status)
		}
		if n := lcStock(t, s, "cn-hangzhou-j", "ecs.c6.large"); n != large0 {
			t.Errorf("c6.large stock %d, want %d", n, large0)
		}
		if n := lcStock(t, s, "cn-hangzhou-j", "ecs.c6.xlarge"); n != xlarge0-1 {
			t.Errorf("c6.xlarge stock %d, want %d", n, xlarge0-1)
		}
		// The token replays without a second move.
		if err := isResize(a, id, "ecs.c6.xlarge", token); err != nil {
			t.Errorf("replay: %v", err)
		}
		if n := lcStock(t, s, "cn-hangzhou-j", "ecs.c6.xlarge"); n != xlarge0-1 {
			t.Errorf("after the replay c6.xlarge stock %d, want %d", n, xlarge0-1)
		}
		lcWantV2(t, "token with another type", isResize(a, id, "ecs.c6.2xlarge", token), "IdempotenceParamNotMatch", 400)
		// Down again, then start.
		if err := isResize(a, id, "ecs.c6.large", nil); err != nil {
			t.Fatalf("resize down: %v", err)
		}
		if _, err := a.v2.StartInstance(&ecs2.StartInstanceRequest{InstanceId: dara.String(id)}); err != nil {
			t.Fatal(err)
		}
		a.waitStatus(t, "Running", id)
		if i := a.one(t, id); i.InstanceType != "ecs.c6.large" {
			t.Errorf("after resizing down: %s", i.InstanceType)
		}
		if cash, _ := scBalance(t, a); cash != cash0 {
			t.Errorf("a pay-as-you-go resize moved the balance from %s to %s", scAmount(cash0), scAmount(cash))
		}
		if n := len(lcAllOrders(t, s, a.ID)); n != orders0 {
			t.Errorf("a pay-as-you-go resize made %d orders", n-orders0)
		}
		if n := lcStock(t, s, "cn-hangzhou-j", "ecs.c6.xlarge"); n != xlarge0 {
			t.Errorf("c6.xlarge stock back at %d, want %d", n, xlarge0)
		}

		// Across zones when the zone has none left.
		b := isPostPaid(t, a, "cn-hangzhou-k", "ecs.c6.large")
		lcSetStock(t, s, "cn-hangzhou-k", "ecs.c6.2xlarge", 0)
		lcWantV2(t, "no stock", isResize(a, b, "ecs.c6.2xlarge", nil), "OperationDenied.NoStock", 403)
		if err := isResize(a, b, "ecs.c6.2xlarge", func(r *ecs2.ModifyInstanceSpecRequest) { r.AllowMigrateAcrossZone = dara.Bool(true) }); err != nil {
			t.Fatalf("AllowMigrateAcrossZone: %v", err)
		}
		if i := a.one(t, b); i.InstanceType != "ecs.c6.2xlarge" || i.ZoneId == "cn-hangzhou-k" {
			t.Errorf("after moving zones: %s in %s", i.InstanceType, i.ZoneId)
		}

		// Errors.
		c := isPostPaid(t, a, "cn-hangzhou-h", "ecs.g5.large")
		for _, e := range []struct {
			what, typ string
			edit      func(*ecs2.ModifyInstanceSpecRequest)
			code      string
			status    int
		}{
			{"unknown type", "ecs.nope.large", nil, "InvalidInstanceType.ValueNotSupported", 400},
			{"same type", "ecs.g5.large", nil, "InvalidInstanceType.NotSupported", 400},
			{"retired type", "ecs.n4.4xlarge", nil, "InstanceType.Offline", 403},
			{"bandwidth", "ecs.g5.xlarge", func(r *ecs2.ModifyInstanceSpecRequest) { r.InternetMaxBandwidthOut = dara.Int32(10) }, "InvalidParameter", 400},
			{"temporary", "ecs.g5.xlarge", func(r *ecs2.ModifyInstanceSpecRequest) {
				r.Temporary = &ecs2.ModifyInstanceSpecRequestTemporary{EndTime: dara.String("2030-01-01T00:00Z")}
			}, "InvalidParameter", 400},
			{"online", "ecs.g5.xlarge", func(r *ecs2.ModifyInstanceSpecRequest) { r.ModifyMode = dara.String("Online") }, "InvalidOperation.OnlineModificationUnsupported", 400},
		} {
			lcWantV2(t, e.what, isResize(a, c, e.typ, e.edit), e.code, e.status)
		}
		lcWantV2(t, "no InstanceType", isResize(a, c, "", nil), "MissingParameter", 400)
		lcWantV2(t, "unknown instance", isResize(a, "i-bp1nonexistent00000", "ecs.g5.xlarge", nil), "InvalidInstanceId.NotFound", 404)
		pre := scStopped(t, a, "cn-hangzhou-h", "ecs.g6.large")
		lcWantV2(t, "subscription instance", isResize(a, pre, "ecs.g6.xlarge", nil), "ChargeTypeViolation", 403)
		a.patch(t, map[string]any{"OverduePayment": true})
		lcWantV2(t, "overdue account", isResize(a, c, "ecs.g5.xlarge", nil), "Account.Arrearage", 400)
		a.patch(t, map[string]any{"OverduePayment": false})
		// An unpaid change to subscription holds the instance.
		if _, err := a.v2.ModifyInstanceChargeType(ctToPrePaid(1, false, c)); err != nil {
			t.Fatal(err)
		}
		lcWantV2(t, "unpaid order", isResize(a, c, "ecs.g5.xlarge", nil), "OperationDenied.UnpaidOrder", 403)
		if i := a.one(t, c); i.InstanceType != "ecs.g5.large" {
			t.Errorf("refused resizes left %s", i.InstanceType)
		}
	})
}
