package conformance

import (
	"encoding/json"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	ecs2 "github.com/alibabacloud-go/ecs-20140526/v7/client"
	"github.com/alibabacloud-go/tea/dara"
	"github.com/alibabacloud-go/tea/tea"
	"github.com/aliyun/alibaba-cloud-sdk-go/sdk/requests"
	"github.com/aliyun/alibaba-cloud-sdk-go/services/bssopenapi"
	"github.com/aliyun/alibaba-cloud-sdk-go/services/ecs"

	"github.com/ecsd/ecsd/internal/ecsdtest"
	"github.com/ecsd/ecsd/internal/server"
)

// The charge-type tests' helpers are named ct….

// ctIDs is InstanceIds as the Terraform provider sends it: a JSON list.
func ctIDs(ids ...string) *string {
	b, _ := json.Marshal(ids)
	return dara.String(string(b))
}

// ctToPostPaid is the request of the provider's destroy of a PrePaid instance.
func ctToPostPaid(token string, ids ...string) *ecs2.ModifyInstanceChargeTypeRequest {
	return &ecs2.ModifyInstanceChargeTypeRequest{
		RegionId: dara.String("cn-hangzhou"), InstanceIds: ctIDs(ids...), InstanceChargeType: dara.String("PostPaid"),
		AutoPay: dara.Bool(true), IncludeDataDisks: dara.Bool(true), DryRun: dara.Bool(false), ClientToken: scOpt(token),
	}
}

func ctToPrePaid(period int32, autoPay bool, ids ...string) *ecs2.ModifyInstanceChargeTypeRequest {
	return &ecs2.ModifyInstanceChargeTypeRequest{
		RegionId: dara.String("cn-hangzhou"), InstanceIds: ctIDs(ids...), InstanceChargeType: dara.String("PrePaid"),
		Period: dara.Int32(period), PeriodUnit: dara.String("Month"), AutoPay: dara.Bool(autoPay), IsDetailFee: dara.Bool(true),
	}
}

func ctChange(t *testing.T, a *lcActor, r *ecs2.ModifyInstanceChargeTypeRequest) *ecs2.ModifyInstanceChargeTypeResponseBody {
	t.Helper()
	resp, err := a.v2.ModifyInstanceChargeType(r)
	if err != nil {
		t.Fatalf("ModifyInstanceChargeType %s %s: %v", dara.StringValue(r.InstanceChargeType), dara.StringValue(r.InstanceIds), err)
	}
	if !lcOrderIDPattern.MatchString(dara.StringValue(resp.Body.OrderId)) {
		t.Errorf("ModifyInstanceChargeType: OrderId %q", dara.StringValue(resp.Body.OrderId))
	}
	return resp.Body
}

// ctDelete deletes an instance as the provider does (Force=true) and waits
// until DescribeInstances no longer lists it.
func ctDelete(t *testing.T, a *lcActor, id string) {
	t.Helper()
	if _, err := a.v2.DeleteInstance(&ecs2.DeleteInstanceRequest{InstanceId: dara.String(id), Force: dara.Bool(true)}); err != nil {
		t.Fatalf("DeleteInstance %s: %v", id, err)
	}
	if _, ok := a.describe(t, id)[id]; ok {
		t.Errorf("DescribeInstances still lists %s after DeleteInstance", id)
	}
}

// TestModifyInstanceChargeType changes charge types through Go SDK v2 on a
// manual clock, on each store, and checks every movement of money against
// the formulas of ARCHITECTURE.md §5.
func TestModifyInstanceChargeType(t *testing.T) {
	t.Parallel()
	start := time.Date(2026, 3, 2, 2, 30, 0, 0, time.UTC) // 10:30 UTC+8
	ecsdtest.Each(t, ecsdtest.Options{ManualClock: true, ClockStart: start}, func(t *testing.T, s *ecsdtest.Server) {
		t.Run("clock-still", func(t *testing.T) {
			t.Run("TerraformDestroy", func(t *testing.T) { t.Parallel(); ctTestTerraformDestroy(t, s, start) })
			t.Run("TerraformDestroyV1", func(t *testing.T) { t.Parallel(); ctTestTerraformDestroyV1(t, s) })
			t.Run("ToPrePaid", func(t *testing.T) { t.Parallel(); ctTestToPrePaid(t, s, start) })
			t.Run("ToPrePaidUnpaid", func(t *testing.T) { t.Parallel(); ctTestToPrePaidUnpaid(t, s) })
			t.Run("Errors", func(t *testing.T) { t.Parallel(); ctTestErrors(t, s) })
		})
		t.Run("VoucherShare", func(t *testing.T) { ctTestVoucherShare(t, s) })
		t.Run("Expired", func(t *testing.T) { ctTestExpired(t, s) })
	})
}

// TestChargeTypeDuringSpecChange: a spec change waiting to apply holds the
// instance; a change of charge type gets LastOrderProcessing and moves no
// money.
func TestChargeTypeDuringSpecChange(t *testing.T) {
	t.Parallel()
	ecsdtest.Each(t, ecsdtest.Options{Configure: func(c *server.Config) { c.ChangeDelay = time.Hour }}, func(t *testing.T, s *ecsdtest.Server) {
		a := lcAccount(t, s, "ct-in-flight", "10000.00", "0.00")
		id := scStopped(t, a, "cn-hangzhou-h", "ecs.g6.xlarge")
		scAccept(t, a, scReq{InstanceId: id, InstanceType: "ecs.g6.large"})
		cash0, _ := scBalance(t, a)
		_, err := a.v2.ModifyInstanceChargeType(ctToPostPaid("", id))
		lcWantV2(t, "ModifyInstanceChargeType during a spec change", err, "LastOrderProcessing", 400)
		if cash, _ := scBalance(t, a); cash != cash0 {
			t.Errorf("a refused change moved the balance from %s to %s", scAmount(cash0), scAmount(cash))
		}
	})
}

// The provider's destroy of a PrePaid instance: ModifyInstanceChargeType
// to PostPaid (64-character ClientToken) → DescribeInstances until
// PostPaid → DeleteInstance Force=true. The refund is the cash share of
// P × floor(hours left) / 720, as one Refund order; the token replays.
func ctTestTerraformDestroy(t *testing.T, s *ecsdtest.Server, now time.Time) {
	a := lcAccount(t, s, "ct-destroy", "10000.00", "0.00")
	stock0 := lcStock(t, s, "cn-hangzhou-i", "ecs.g6.large") // no other subtest uses this pair
	id := scRunning(t, a, "cn-hangzhou-i", "ecs.g6.large", lcParam("DataDisk.1.Category", "cloud_essd"), lcParam("DataDisk.1.Size", "40"))
	cash0, _ := scBalance(t, a)
	expires := scExpires(t, a, id)
	// P is the whole configuration: ecs.g6.large 300.00 and its 40 GiB
	// ESSD data disk 40.00 a month.
	p := scPrice(t, s, "ecs.g6.large") + 40*100
	// 757.5 hours left: Hd = 757, 340 × 757 / 720 = 357.47, more than the
	// month cost (March has 31 days): the refund is capped at the 340.00 paid.
	if v := scRefund(p, 0, now, expires, p, 0); v != 35747 {
		t.Fatalf("the test's own refund value is %s, want 357.47", scAmount(v))
	}
	refund := p

	token := strings.Repeat("0123456789abcdef", 4)
	body := ctChange(t, a, ctToPostPaid(token, id))
	i := scWait(t, a, id, "PostPaid", func(i ecs.Instance) bool { return i.InstanceChargeType == "PostPaid" })
	if i.Status != "Running" {
		t.Errorf("after the change: %s, want Running", i.Status)
	}
	if cash, _ := scBalance(t, a); cash-cash0 != refund {
		t.Errorf("refund %s, want %s", scAmount(cash-cash0), scAmount(refund))
	}
	o := scOrder(t, a, dara.StringValue(body.OrderId), func(r *bssopenapi.QueryOrdersRequest) { r.OrderType = "Refund" })
	if o.PaymentStatus != "Paid" || scCents(t, o.PretaxAmount) != -refund {
		t.Errorf("Refund order: %s %s, want Paid -%s", o.PaymentStatus, o.PretaxAmount, scAmount(refund))
	}
	// The disks follow the instance.
	d, err := a.v2.DescribeDisks(&ecs2.DescribeDisksRequest{RegionId: dara.String("cn-hangzhou"), InstanceId: dara.String(id)})
	if err != nil {
		t.Fatal(err)
	}
	for _, disk := range d.Body.Disks.Disk {
		if dara.StringValue(disk.DiskChargeType) != "PostPaid" {
			t.Errorf("disk %s: %s, want PostPaid", dara.StringValue(disk.DiskId), dara.StringValue(disk.DiskChargeType))
		}
	}
	// The same token and parameters: the same order, no second refund.
	again := ctChange(t, a, ctToPostPaid(token, id))
	if dara.StringValue(again.OrderId) != dara.StringValue(body.OrderId) {
		t.Errorf("replay: OrderId %s, want %s", dara.StringValue(again.OrderId), dara.StringValue(body.OrderId))
	}
	if cash, _ := scBalance(t, a); cash-cash0 != refund {
		t.Errorf("after the replay the refund is %s, want %s", scAmount(cash-cash0), scAmount(refund))
	}
	r := ctToPostPaid(token, id)
	r.IncludeDataDisks = dara.Bool(false)
	_, err = a.v2.ModifyInstanceChargeType(r)
	lcWantV2(t, "the token with other parameters", err, "IdempotenceParamNotMatch", 400)

	ctDelete(t, a, id)
	if n := lcStock(t, s, "cn-hangzhou-i", "ecs.g6.large"); n != stock0 {
		t.Errorf("stock after delete: %d, want %d", n, stock0)
	}
}

// The provider's own request, built with Go SDK v1 as
// resource_alicloud_instance.go builds it (ecs.CreateModifyInstanceChargeTypeRequest),
// then DeleteInstance with Force through v1.
func ctTestTerraformDestroyV1(t *testing.T, s *ecsdtest.Server) {
	a := lcAccount(t, s, "ct-destroy-v1", "10000.00", "0.00")
	id := scRunning(t, a, "cn-hangzhou-k", "ecs.g6.large")
	cash0, _ := scBalance(t, a)
	r := ecs.CreateModifyInstanceChargeTypeRequest()
	r.RegionId = "cn-hangzhou"
	r.InstanceIds = `["` + id + `"]`
	r.IncludeDataDisks = requests.NewBoolean(true)
	r.AutoPay = requests.NewBoolean(true)
	r.DryRun = requests.NewBoolean(false)
	r.ClientToken = strings.Repeat("f", 64)
	r.InstanceChargeType = "PostPaid"
	resp, err := a.v1.ModifyInstanceChargeType(r)
	if err != nil {
		t.Fatalf("ModifyInstanceChargeType (v1): %v", err)
	}
	if !lcOrderIDPattern.MatchString(resp.OrderId) {
		t.Errorf("OrderId %q", resp.OrderId)
	}
	scWait(t, a, id, "PostPaid", func(i ecs.Instance) bool { return i.InstanceChargeType == "PostPaid" })
	if cash, _ := scBalance(t, a); cash-cash0 != scPrice(t, s, "ecs.g6.large") {
		t.Errorf("refund %s, want the 300.00 paid (capped)", scAmount(cash-cash0))
	}
	d := ecs.CreateDeleteInstanceRequest()
	d.InstanceId, d.Force = id, requests.NewBoolean(true)
	if _, err := a.v1.DeleteInstance(d); err != nil {
		t.Fatalf("DeleteInstance (v1): %v", err)
	}
	if _, ok := a.describe(t, id)[id]; ok {
		t.Errorf("DescribeInstances still lists %s", id)
	}
}

// Vouchers are never refunded: the refund is the cash share of the value
// of the hours left. Two days into a week's subscription the value is
// below what was paid, so nothing is capped.
func ctTestVoucherShare(t *testing.T, s *ecsdtest.Server) {
	type buyer struct {
		a         *lcActor
		id        string
		vouchers  int64
		want      int64
		cash0     int64
		voucher0  int64
		paidTotal int64
	}
	var bs []*buyer
	for _, c := range []struct {
		voucher string
		want    int64
	}{{"0.00", 5542}, {"50.00", 1583}} {
		b := &buyer{a: lcAccount(t, s, "ct-vouchers-"+c.voucher, "10000.00", c.voucher), vouchers: scCents(t, c.voucher), want: c.want}
		b.id = scRunning(t, b.a, "cn-hangzhou-h", "ecs.g6.large", lcPrePaid(1, "Week"))
		bs = append(bs, b)
	}
	if st := s.Admin(t, "POST", "/_ecsd/v1/clock", map[string]string{"Advance": "48h"}, nil); st != 200 {
		t.Fatalf("advance clock: HTTP %d", st)
	}
	now := scNow(t, s)
	p := scPrice(t, s, "ecs.g6.large")
	paid := p * 7 / 30
	for _, b := range bs {
		cash0, _ := scBalance(t, b.a)
		// Bought 10:30 UTC+8 for a week, ends 00:00 UTC+8 8 days later:
		// 181.5 hours, 48 gone: Hd = 133, value 300 × 133 / 720 = 55.42.
		want := scRefund(p, 0, now, scExpires(t, b.a, b.id), paid-b.vouchers, b.vouchers)
		if want != b.want {
			t.Fatalf("the test's own refund is %s, want %s", scAmount(want), scAmount(b.want))
		}
		ctChange(t, b.a, ctToPostPaid("", b.id))
		cash, voucher := scBalance(t, b.a)
		if cash-cash0 != want || voucher != 0 {
			t.Errorf("vouchers %s: refund %s to cash, %s to vouchers; want %s and 0.00", scAmount(b.vouchers), scAmount(cash-cash0), scAmount(voucher), scAmount(want))
		}
	}
}

// PostPaid → PrePaid buys the period like a purchase: the price leaves the
// balance, the subscription ends as a purchase's would, data disks stay
// pay-as-you-go without IncludeDataDisks.
func ctTestToPrePaid(t *testing.T, s *ecsdtest.Server, now time.Time) {
	a := lcAccount(t, s, "ct-prepaid", "10000.00", "0.00")
	resp := a.mustRun(t, lcZone("cn-hangzhou-h"), lcParam("DataDisk.1.Category", "cloud_essd"), lcParam("DataDisk.1.Size", "40"))
	id := resp.InstanceIdSets.InstanceIdSet[0]
	a.waitStatus(t, "Running", id)
	cash0, _ := scBalance(t, a)
	body := ctChange(t, a, ctToPrePaid(3, true, id))
	price := 3 * scPrice(t, s, "ecs.g6.large")
	if cash, _ := scBalance(t, a); cash0-cash != price {
		t.Errorf("paid %s, want %s", scAmount(cash0-cash), scAmount(price))
	}
	if f := body.FeeOfInstances.FeeOfInstance; len(f) != 1 || dara.StringValue(f[0].Fee) != scAmount(price) || dara.StringValue(f[0].Currency) != "CNY" {
		t.Errorf("FeeOfInstances: %+v", f)
	}
	i := a.one(t, id)
	if want := time.Date(2026, 6, 2, 16, 0, 0, 0, time.UTC); i.InstanceChargeType != "PrePaid" || !lcParseMinute(t, i.ExpiredTime).Equal(want) {
		t.Errorf("after the change: %s until %s, want PrePaid until %v", i.InstanceChargeType, i.ExpiredTime, want)
	}
	d, err := a.v2.DescribeDisks(&ecs2.DescribeDisksRequest{RegionId: dara.String("cn-hangzhou"), InstanceId: dara.String(id)})
	if err != nil {
		t.Fatal(err)
	}
	for _, disk := range d.Body.Disks.Disk {
		want := "PrePaid"
		if dara.StringValue(disk.Type) == "data" {
			want = "PostPaid"
		}
		if got := dara.StringValue(disk.DiskChargeType); got != want {
			t.Errorf("%s disk: %s, want %s", dara.StringValue(disk.Type), got, want)
		}
	}
	o := scOrder(t, a, dara.StringValue(body.OrderId), nil)
	if o.OrderType != "Convert" || o.PaymentStatus != "Paid" || scCents(t, o.PretaxAmount) != price {
		t.Errorf("order: %s %s %s", o.OrderType, o.PaymentStatus, o.PretaxAmount)
	}
	// Now a subscription: it can be changed back, and refunds the cash
	// paid for it (the value of 92 days and more is capped at the 900.00).
	cash1, _ := scBalance(t, a)
	ctChange(t, a, ctToPostPaid("", id))
	want := min(scRefund(scPrice(t, s, "ecs.g6.large"), 0, now, lcParseMinute(t, i.ExpiredTime), price, 0), price)
	if cash, _ := scBalance(t, a); cash-cash1 != want {
		t.Errorf("refund after the conversion %s, want %s", scAmount(cash-cash1), scAmount(want))
	}
}

// AutoPay=false: the order waits Unpaid, the instance stays PostPaid and
// held; cancelling the order frees it, paying it through the admin API
// makes it PrePaid.
func ctTestToPrePaidUnpaid(t *testing.T, s *ecsdtest.Server) {
	a := lcAccount(t, s, "ct-unpaid", "10000.00", "0.00")
	resp := a.mustRun(t, lcZone("cn-hangzhou-h"))
	id := resp.InstanceIdSets.InstanceIdSet[0]
	a.waitStatus(t, "Running", id)
	cash0, _ := scBalance(t, a)
	// Cancelled through BSS, the order lets the instance go.
	first := ctChange(t, a, ctToPrePaid(1, false, id))
	if _, err := a.cancelOrder(dara.StringValue(first.OrderId)); err != nil {
		t.Fatalf("CancelOrder: %v", err)
	}
	body := ctChange(t, a, ctToPrePaid(1, false, id))
	if cash, _ := scBalance(t, a); cash != cash0 {
		t.Errorf("an unpaid order moved the balance")
	}
	if i := a.one(t, id); i.InstanceChargeType != "PostPaid" {
		t.Errorf("before payment: %s, want PostPaid", i.InstanceChargeType)
	}
	_, err := a.v2.ModifyInstanceChargeType(ctToPrePaid(1, true, id))
	lcWantV2(t, "a second change while unpaid", err, "OperationDenied.UnpaidOrder", 403)
	if st := s.Admin(t, "POST", "/_ecsd/v1/orders/"+dara.StringValue(body.OrderId)+"/pay", nil, nil); st != 200 {
		t.Fatalf("pay: HTTP %d", st)
	}
	if i := a.one(t, id); i.InstanceChargeType != "PrePaid" {
		t.Errorf("after payment: %s, want PrePaid", i.InstanceChargeType)
	}
	if cash, _ := scBalance(t, a); cash0-cash != scPrice(t, s, "ecs.g6.large") {
		t.Errorf("paid %s", scAmount(cash0-cash))
	}
}

func ctTestErrors(t *testing.T, s *ecsdtest.Server) {
	a := lcAccount(t, s, "ct-errors", "10000.00", "0.00")
	id := scRunning(t, a, "cn-hangzhou-h", "ecs.g6.large")
	cash0, _ := scBalance(t, a)
	want := func(what string, r *ecs2.ModifyInstanceChargeTypeRequest, code string, status int) {
		t.Helper()
		_, err := a.v2.ModifyInstanceChargeType(r)
		lcWantV2(t, what, err, code, status)
	}
	dry := ctToPostPaid("", id)
	dry.DryRun = dara.Bool(true)
	want("DryRun", dry, "DryRunOperation", 400)
	want("already PrePaid", ctToPrePaid(1, true, id), "InvalidInstanceChargeType.ValueNotSupported", 400)
	bad := ctToPostPaid("", id)
	bad.InstanceIds = dara.String(id)
	want("InstanceIds not JSON", bad, "InvalidParameter.InstanceIds", 400)
	var many []string
	for range 21 {
		many = append(many, id)
	}
	want("21 instances", ctToPostPaid("", many...), "InstancesIdQuotaExceed", 400)
	want("unknown instance", ctToPostPaid("", "i-bp1nonexistent00000"), "InvalidInstanceId.NotFound", 404)
	kind := ctToPostPaid("", id)
	kind.InstanceChargeType = dara.String("Spot")
	want("charge type Spot", kind, "InvalidInstanceChargeType.ValueNotSupported", 400)
	period := ctToPostPaid("", id)
	period.Period = dara.Int32(1)
	want("Period with PostPaid", period, "InvalidPeriod.UnitMismatch", 400)
	noPeriod := ctToPrePaid(1, true, id)
	noPeriod.Period = nil
	want("PrePaid without Period", noPeriod, "MissingParameter", 400)
	// An unpaid purchase leaves its instance Pending.
	pending := a.mustRun(t, lcZone("cn-hangzhou-h"), lcPrePaid(1, "Month"), lcParam("AutoPay", "false")).InstanceIdSets.InstanceIdSet[0]
	want("Pending instance", ctToPostPaid("", pending), "InvalidStatus.ValueNotSupported", 400)
	// PostPaid → PrePaid beyond the balance.
	poor := lcAccount(t, s, "ct-poor", "1.00", "0.00")
	pp := poor.mustRun(t, lcZone("cn-hangzhou-h")).InstanceIdSets.InstanceIdSet[0]
	poor.waitStatus(t, "Running", pp)
	_, err := poor.v2.ModifyInstanceChargeType(ctToPrePaid(1, true, pp))
	lcWantV2(t, "beyond the balance", err, "InvalidAccountStatus.NotEnoughBalance", 403)
	if i := poor.one(t, pp); i.InstanceChargeType != "PostPaid" {
		t.Errorf("a refused change left %s", i.InstanceChargeType)
	}
	// An account with an overdue payment.
	a.patch(t, map[string]any{"OverduePayment": true})
	want("overdue account", ctToPostPaid("", id), "Account.Arrearage", 403)
	a.patch(t, map[string]any{"OverduePayment": false})
	if cash, _ := scBalance(t, a); cash != cash0 {
		t.Errorf("refused calls moved the balance from %s to %s", scAmount(cash0), scAmount(cash))
	}
	if i := a.one(t, id); i.InstanceChargeType != "PrePaid" {
		t.Errorf("refused calls changed the instance to %s", i.InstanceChargeType)
	}
}

// TestChargeTypeRaceWithSpecChange sends a change of charge type and a spec
// change of one instance at once: the database lets exactly one win. The
// spec change takes 2 s to apply, so that it is still in flight when the
// other call arrives however the two are scheduled (with no delay it could
// finish first, and then both rightly succeed one after the other).
func TestChargeTypeRaceWithSpecChange(t *testing.T) {
	t.Parallel()
	ecsdtest.Each(t, ecsdtest.Options{Configure: func(c *server.Config) { c.ChangeDelay = 2 * time.Second }}, ctTestRace)
}

// ctTestRace: the loser gets LastOrderProcessing (or, after the charge type
// changed, InvalidBillingMethod.ValueNotSupported), and the money moved
// matches what won.
func ctTestRace(t *testing.T, s *ecsdtest.Server) {
	a := lcAccount(t, s, "ct-race", "100000.00", "0.00")
	for range 3 {
		id := scStopped(t, a, "cn-hangzhou-g", "ecs.g6.xlarge")
		cash0, _ := scBalance(t, a)
		var wg sync.WaitGroup
		var ctErr, scErr error
		wg.Add(2)
		go func() { defer wg.Done(); _, ctErr = a.v2.ModifyInstanceChargeType(ctToPostPaid("", id)) }()
		go func() {
			defer wg.Done()
			_, scErr = scReq{InstanceId: id, InstanceType: "ecs.g6.large"}.modify2(a.v2)
		}()
		wg.Wait()
		if (ctErr == nil) == (scErr == nil) {
			t.Fatalf("both or neither won: charge type %v, spec change %v", ctErr, scErr)
		}
		cash, _ := scBalance(t, a)
		if ctErr == nil {
			var se *tea.SDKError
			if !errors.As(scErr, &se) || (dara.StringValue(se.Code) != "LastOrderProcessing" && dara.StringValue(se.Code) != "InvalidBillingMethod.ValueNotSupported") {
				t.Errorf("the spec change lost with %v", scErr)
			}
			if i := a.one(t, id); i.InstanceChargeType != "PostPaid" || i.InstanceType != "ecs.g6.xlarge" {
				t.Errorf("after the charge-type change won: %s %s", i.InstanceChargeType, i.InstanceType)
			}
		} else {
			lcWantV2(t, "the charge-type change lost", ctErr, "LastOrderProcessing", 400)
			scWaitType(t, a, id, "ecs.g6.large", 2, 8)
		}
		if cash <= cash0 {
			t.Errorf("the winner refunded nothing: %s → %s", scAmount(cash0), scAmount(cash))
		}
	}
}

// An expired subscription cannot change: ExpiredInstance.
func ctTestExpired(t *testing.T, s *ecsdtest.Server) {
	a := lcAccount(t, s, "ct-expired", "10000.00", "0.00")
	id := scRunning(t, a, "cn-hangzhou-h", "ecs.g6.large", lcPrePaid(1, "Week"))
	if st := s.Admin(t, "POST", "/_ecsd/v1/clock", map[string]string{"Advance": "192h"}, nil); st != 200 {
		t.Fatalf("advance clock: HTTP %d", st)
	}
	scWait(t, a, id, "Stopped", func(i ecs.Instance) bool { return i.Status == "Stopped" })
	_, err := a.v2.ModifyInstanceChargeType(ctToPostPaid("", id))
	lcWantV2(t, "expired instance", err, "ExpiredInstance", 400)
}
