package conformance

import (
	"cmp"
	"errors"
	"fmt"
	"math/big"
	"strings"
	"sync"
	"testing"
	"time"

	ecs2 "github.com/alibabacloud-go/ecs-20140526/v7/client"
	"github.com/alibabacloud-go/tea/dara"
	sdkerrors "github.com/aliyun/alibaba-cloud-sdk-go/sdk/errors"
	"github.com/aliyun/alibaba-cloud-sdk-go/sdk/requests"
	"github.com/aliyun/alibaba-cloud-sdk-go/services/bssopenapi"
	"github.com/aliyun/alibaba-cloud-sdk-go/services/ecs"

	"github.com/ecsd/ecsd/internal/ecsdtest"
	"github.com/ecsd/ecsd/internal/money"
	"github.com/ecsd/ecsd/internal/server"
	"github.com/ecsd/ecsd/internal/store"
)

// The spec-change tests' helpers are named sc… so that they do not collide
// with other files' helpers. They reuse the lc… actors (an account with its
// Go SDK v1, Go SDK v2 and BSS clients).

// scReq is one ModifyPrepayInstanceSpec request, sent through either SDK.
// Nil booleans and empty strings are not sent.
type scReq struct {
	RegionId           string // "" is cn-hangzhou
	InstanceId         string
	InstanceType       string
	OperatorType       string
	ClientToken        string
	AutoPay            *bool
	MigrateAcrossZone  *bool
	RebootWhenFinished *bool
	SystemDiskCategory string
	RebootTime         string
	EndTime            string
	ModifyMode         string
	Disks              []scDisk
}

// scDisk is one Disk.N of a request.
type scDisk struct{ DiskId, Category, PerformanceLevel string }

func scBool(v bool) *bool { return &v }

func (r scReq) v1() *ecs.ModifyPrepayInstanceSpecRequest {
	q := ecs.CreateModifyPrepayInstanceSpecRequest()
	q.RegionId = cmp.Or(r.RegionId, "cn-hangzhou")
	q.InstanceId, q.InstanceType, q.OperatorType, q.ClientToken = r.InstanceId, r.InstanceType, r.OperatorType, r.ClientToken
	q.SystemDiskCategory, q.RebootTime, q.EndTime, q.ModifyMode = r.SystemDiskCategory, r.RebootTime, r.EndTime, r.ModifyMode
	if r.AutoPay != nil {
		q.AutoPay = requests.NewBoolean(*r.AutoPay)
	}
	if r.MigrateAcrossZone != nil {
		q.MigrateAcrossZone = requests.NewBoolean(*r.MigrateAcrossZone)
	}
	if r.RebootWhenFinished != nil {
		q.RebootWhenFinished = requests.NewBoolean(*r.RebootWhenFinished)
	}
	if len(r.Disks) > 0 {
		disks := make([]ecs.ModifyPrepayInstanceSpecDisk, len(r.Disks))
		for i, d := range r.Disks {
			disks[i] = ecs.ModifyPrepayInstanceSpecDisk{DiskId: d.DiskId, Category: d.Category, PerformanceLevel: d.PerformanceLevel}
		}
		q.Disk = &disks
	}
	return q
}

func scOpt(s string) *string {
	if s == "" {
		return nil
	}
	return dara.String(s)
}

func (r scReq) v2() *ecs2.ModifyPrepayInstanceSpecRequest {
	q := &ecs2.ModifyPrepayInstanceSpecRequest{
		RegionId: dara.String(cmp.Or(r.RegionId, "cn-hangzhou")), InstanceId: scOpt(r.InstanceId), InstanceType: scOpt(r.InstanceType),
		OperatorType: scOpt(r.OperatorType), ClientToken: scOpt(r.ClientToken), AutoPay: r.AutoPay, MigrateAcrossZone: r.MigrateAcrossZone,
		RebootWhenFinished: r.RebootWhenFinished, RebootTime: scOpt(r.RebootTime), EndTime: scOpt(r.EndTime), ModifyMode: scOpt(r.ModifyMode),
	}
	if r.SystemDiskCategory != "" {
		q.SystemDisk = &ecs2.ModifyPrepayInstanceSpecRequestSystemDisk{Category: dara.String(r.SystemDiskCategory)}
	}
	for _, d := range r.Disks {
		q.Disk = append(q.Disk, &ecs2.ModifyPrepayInstanceSpecRequestDisk{DiskId: scOpt(d.DiskId), Category: scOpt(d.Category), PerformanceLevel: scOpt(d.PerformanceLevel)})
	}
	return q
}

// modify sends the request through Go SDK v1 and returns the OrderId.
func (r scReq) modify(c *ecs.Client) (string, error) {
	resp, err := c.ModifyPrepayInstanceSpec(r.v1())
	if err != nil {
		return "", err
	}
	return resp.OrderId, nil
}

// modify2 sends the request through Go SDK v2 and returns the OrderId.
func (r scReq) modify2(c *ecs2.Client) (string, error) {
	resp, err := c.ModifyPrepayInstanceSpec(r.v2())
	if err != nil {
		return "", err
	}
	if resp.Body == nil {
		return "", errors.New("v2: no body")
	}
	return dara.StringValue(resp.Body.OrderId), nil
}

// scAccept sends the request through Go SDK v1 and fails the test unless
// it is accepted with a well-formed OrderId.
func scAccept(t *testing.T, a *lcActor, r scReq) string {
	t.Helper()
	id, err := r.modify(a.v1)
	if err != nil {
		t.Fatalf("ModifyPrepayInstanceSpec %s → %s: %v", r.InstanceId, r.InstanceType, err)
	}
	if !lcOrderIDPattern.MatchString(id) {
		t.Fatalf("ModifyPrepayInstanceSpec %s → %s: OrderId %q is not a 15-16 digit number", r.InstanceId, r.InstanceType, id)
	}
	return id
}

// scAccept2 is scAccept through Go SDK v2.
func scAccept2(t *testing.T, a *lcActor, r scReq) string {
	t.Helper()
	id, err := r.modify2(a.v2)
	if err != nil {
		t.Fatalf("ModifyPrepayInstanceSpec (v2) %s → %s: %v", r.InstanceId, r.InstanceType, err)
	}
	if !lcOrderIDPattern.MatchString(id) {
		t.Fatalf("ModifyPrepayInstanceSpec (v2) %s → %s: OrderId %q is not a 15-16 digit number", r.InstanceId, r.InstanceType, id)
	}
	return id
}

// scRefused sends the request through both SDKs and checks that each gets
// the code with the HTTP status.
func scRefused(t *testing.T, a *lcActor, r scReq, code string, status int) {
	t.Helper()
	what := fmt.Sprintf("ModifyPrepayInstanceSpec %s → %s", r.InstanceId, r.InstanceType)
	_, err := r.modify(a.v1)
	scWantV1(t, what, err, code, status)
	_, err = r.modify2(a.v2)
	lcWantV2(t, what, err, code, status)
}

// scWantV1 checks a Go SDK v1 error as lcWantV1 does, and that it carries
// a message and a RequestId.
func scWantV1(t *testing.T, what string, err error, code string, status int) {
	t.Helper()
	lcWantV1(t, what, err, code, status)
	var se *sdkerrors.ServerError
	if errors.As(err, &se) && (se.Message() == "" || len(se.RequestId()) != 36) {
		t.Errorf("%s: Message %q RequestId %q", what, se.Message(), se.RequestId())
	}
}

// scCode returns the code of a Go SDK v1 error, or "" for none.
func scCode(err error) string {
	var se *sdkerrors.ServerError
	if errors.As(err, &se) {
		return se.ErrorCode()
	}
	if err != nil {
		return "not a server error: " + err.Error()
	}
	return ""
}

// scBuy buys one subscription instance (1 month unless opts say otherwise)
// in the zone and returns its id, without waiting for it to run.
func scBuy(t *testing.T, a *lcActor, zone, typ string, opts ...func(*ecs.RunInstancesRequest)) string {
	t.Helper()
	all := append([]func(*ecs.RunInstancesRequest){lcZone(zone), lcType(typ), lcPrePaid(1, "Month")}, opts...)
	resp := a.mustRun(t, all...)
	if n := len(resp.InstanceIdSets.InstanceIdSet); n != 1 {
		t.Fatalf("RunInstances %s in %s: %d instances", typ, zone, n)
	}
	return resp.InstanceIdSets.InstanceIdSet[0]
}

// scRunning buys an instance and waits for it to run.
func scRunning(t *testing.T, a *lcActor, zone, typ string, opts ...func(*ecs.RunInstancesRequest)) string {
	t.Helper()
	id := scBuy(t, a, zone, typ, opts...)
	scWait(t, a, id, "Running", func(i ecs.Instance) bool { return i.Status == "Running" })
	return id
}

// scStop stops a Running instance (ForceStop=false, as Terraform sends it)
// and waits for Stopped.
func scStop(t *testing.T, a *lcActor, id string) {
	t.Helper()
	r := ecs.CreateStopInstanceRequest()
	r.InstanceId = id
	r.ForceStop = requests.NewBoolean(false)
	if _, err := a.v1.StopInstance(r); err != nil {
		t.Fatalf("StopInstance %s: %v", id, err)
	}
	scWait(t, a, id, "Stopped", func(i ecs.Instance) bool { return i.Status == "Stopped" })
}

// scStopped buys an instance, waits for it to run, stops it.
func scStopped(t *testing.T, a *lcActor, zone, typ string, opts ...func(*ecs.RunInstancesRequest)) string {
	t.Helper()
	id := scRunning(t, a, zone, typ, opts...)
	scStop(t, a, id)
	return id
}

// scPoll is how long the polls of a test wait (jobs run asynchronously even
// with a delay of 0) and how often they ask.
var (
	scDeadline = 15 * time.Second
	scInterval = 100 * time.Millisecond
)

// scWaitFor polls DescribeInstances until ok holds for the instance, for at
// most d, and returns the instance.
func scWaitFor(t *testing.T, a *lcActor, id, what string, d time.Duration, ok func(ecs.Instance) bool) ecs.Instance {
	t.Helper()
	deadline := time.Now().Add(d)
	for {
		i, found := a.describe(t, id)[id]
		if found && ok(i) {
			return i
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: after %v, not %s: %s %s %s", id, d, what, i.Status, i.InstanceType, i.ZoneId)
		}
		time.Sleep(scInterval)
	}
}

func scWait(t *testing.T, a *lcActor, id, what string, ok func(ecs.Instance) bool) ecs.Instance {
	t.Helper()
	return scWaitFor(t, a, id, what, scDeadline, ok)
}

// scWaitType waits until DescribeInstances reports the type, and checks the
// Cpu and Memory it reports with it.
func scWaitType(t *testing.T, a *lcActor, id, typ string, cpu, memGiB int) ecs.Instance {
	t.Helper()
	i := scWait(t, a, id, typ, func(i ecs.Instance) bool { return i.InstanceType == typ })
	if i.Cpu != cpu || i.Memory != memGiB*1024 {
		t.Errorf("%s is %s with Cpu %d Memory %d MiB, want %d and %d", id, typ, i.Cpu, i.Memory, cpu, memGiB*1024)
	}
	return i
}

// scCents parses a decimal amount such as "1840.00" or "-1839.58".
func scCents(t *testing.T, s string) int64 {
	t.Helper()
	v, err := money.Parse(s)
	if err != nil {
		t.Fatalf("amount %q: %v", s, err)
	}
	return int64(v)
}

func scAmount(cents int64) string { return money.Amount(cents).String() }

// scBalance returns the account's cash and voucher balances in cents.
func scBalance(t *testing.T, a *lcActor) (cash, voucher int64) {
	t.Helper()
	v := a.account(t)
	return scCents(t, v.Balance), scCents(t, v.VoucherBalance)
}

// scDivRound is num/den rounded half up (num, den > 0): ARCHITECTURE.md §5
// rounds once, half up, to cents.
func scDivRound(num, den *big.Int) int64 {
	q, r := new(big.Int).QuoRem(num, den, new(big.Int))
	if r.Mul(r, big.NewInt(2)).Cmp(den) >= 0 {
		q.Add(q, big.NewInt(1))
	}
	return q.Int64()
}

// scFee is the upgrade fee (ARCHITECTURE.md §5): H = ceil((until − now) /
// 1h), fee = (P(new) − P(old)) × H / 720, in cents.
func scFee(pOld, pNew int64, now, until time.Time) int64 {
	d := until.Sub(now)
	h := int64(d / time.Hour)
	if d%time.Hour != 0 {
		h++
	}
	return scDivRound(big.NewInt((pNew-pOld)*h), big.NewInt(720))
}

// scRefund is the downgrade refund: Hd = floor((expires − now) / 1h),
// value = (P(old) − P(new)) × Hd / 720, times cash / (cash + vouchers) paid
// for the instance, rounded once.
func scRefund(pOld, pNew int64, now, expires time.Time, cash, voucher int64) int64 {
	hd := int64(expires.Sub(now) / time.Hour)
	num := new(big.Int).Mul(big.NewInt((pOld-pNew)*hd), big.NewInt(cash))
	return scDivRound(num, new(big.Int).Mul(big.NewInt(720), big.NewInt(cash+voucher)))
}

// scNow reads the server's domain clock.
func scNow(t *testing.T, s *ecsdtest.Server) time.Time {
	t.Helper()
	var out struct{ Now string }
	if st := s.Admin(t, "GET", "/_ecsd/v1/clock", nil, &out); st != 200 {
		t.Fatalf("GET clock: HTTP %d", st)
	}
	now, err := time.Parse(time.RFC3339Nano, out.Now)
	if err != nil {
		t.Fatal(err)
	}
	return now
}

// scExpires reads an instance's ExpiredTime.
func scExpires(t *testing.T, a *lcActor, id string) time.Time {
	t.Helper()
	return lcParseMinute(t, a.one(t, id).ExpiredTime)
}

// scOrder returns the account's order with the id (QueryOrders).
func scOrder(t *testing.T, a *lcActor, id string, edit func(*bssopenapi.QueryOrdersRequest)) bssopenapi.Order {
	t.Helper()
	o, ok := lcOrderByID(a.orders(t, "2026-01-01T00:00:00Z", edit), id)
	if !ok {
		t.Fatalf("QueryOrders does not list order %s", id)
	}
	return o
}

// scChangeOrders returns the account's orders of the instance other than
// its purchase, from the store: every change leaves exactly one.
func scChangeOrders(t *testing.T, s *ecsdtest.Server, a *lcActor, instanceID string) []*store.Order {
	t.Helper()
	var out []*store.Order
	for _, o := range lcAllOrders(t, s, a.ID) {
		if o.Type != store.OrderNew && len(o.InstanceIDs) == 1 && o.InstanceIDs[0] == instanceID {
			out = append(out, o)
		}
	}
	return out
}

// scPrice is the monthly list price of a type in cn-hangzhou, in cents.
func scPrice(t *testing.T, s *ecsdtest.Server, typ string) int64 {
	t.Helper()
	p, ok := s.Catalog.MonthlyPrice("cn-hangzhou", typ)
	if !ok {
		t.Fatalf("no price for %s in cn-hangzhou", typ)
	}
	return p
}

// TestSpecChange changes instance types through both SDKs on a manual clock,
// on each store. The first group runs in parallel while the clock stands
// still at its start, so that every amount is exact; the later subtests
// move the clock, one at a time.
func TestSpecChange(t *testing.T) {
	t.Parallel()
	start := time.Date(2026, 3, 2, 2, 30, 0, 0, time.UTC) // 10:30 UTC+8
	ecsdtest.Each(t, ecsdtest.Options{ManualClock: true, ClockStart: start}, func(t *testing.T, s *ecsdtest.Server) {
		// Zones and types are split so that the subtests that count stock
		// own their (zone, type) pairs: cn-hangzhou-j c6.*, cn-hangzhou-i
		// c7.*, cn-hangzhou-h/g r6.*. The others use g6.* in cn-hangzhou-h.
		t.Run("clock-still", func(t *testing.T) {
			t.Run("UpgradeRunning", func(t *testing.T) { t.Parallel(); scTestUpgradeRunning(t, s, start) })
			t.Run("UpgradeStopped", func(t *testing.T) { t.Parallel(); scTestUpgradeStopped(t, s) })
			t.Run("Downgrade", func(t *testing.T) { t.Parallel(); scTestDowngrade(t, s, start) })
			t.Run("OperatorType", func(t *testing.T) { t.Parallel(); scTestOperatorType(t, s) })
			t.Run("StockMoves", func(t *testing.T) { t.Parallel(); scTestStockMoves(t, s) })
			t.Run("MigrateAcrossZone", func(t *testing.T) { t.Parallel(); scTestMigrateAcrossZone(t, s) })
			t.Run("Idempotency", func(t *testing.T) { t.Parallel(); scTestIdempotency(t, s) })
			t.Run("InsufficientBalance", func(t *testing.T) { t.Parallel(); scTestInsufficientBalance(t, s) })
			t.Run("Vouchers", func(t *testing.T) { t.Parallel(); scTestVouchers(t, s, start) })
			t.Run("DowngradeQuota", func(t *testing.T) { t.Parallel(); scTestDowngradeQuota(t, s) })
			t.Run("RefundVcpuQuota", func(t *testing.T) { t.Parallel(); scTestRefundVcpuQuota(t, s) })
			t.Run("UnpaidCancelled", func(t *testing.T) { t.Parallel(); scTestUnpaidCancelled(t, s) })
		})
		// These move the manual clock, which every subtest shares: they run
		// one after the other, after the group above.
		// A burst of requests at once holds every SQLite connection of the
		// server: alone here, away from the admin calls that read the manual
		// clock inside their transaction (reported; internal/admin).
		t.Run("IdempotentBurst", func(t *testing.T) { scTestIdempotentBurst(t, s) })
		t.Run("Money184Days", func(t *testing.T) { scTestMoney184Days(t, s) })
		t.Run("RebootWhenFinished", func(t *testing.T) { scTestRebootWhenFinished(t, s) })
		t.Run("RebootTime", func(t *testing.T) { scTestRebootTime(t, s) })
		t.Run("TemporaryUpgrade", func(t *testing.T) { scTestTemporaryUpgrade(t, s) })
		t.Run("UnpaidOrder24h", func(t *testing.T) { scTestUnpaidOrder24h(t, s) })
	})
}

// An upgrade of a Running instance, OperatorType omitted: the direction
// comes from the list prices; the fee is charged at once; the new type,
// Cpu and Memory show after the job; the instance keeps running.
func scTestUpgradeRunning(t *testing.T, s *ecsdtest.Server, now time.Time) {
	a := lcAccount(t, s, "sc-up-running", "10000.00", "0.00")
	id := scRunning(t, a, "cn-hangzhou-h", "ecs.g6.large")
	before := a.one(t, id)
	cash0, _ := scBalance(t, a)
	expires := scExpires(t, a, id)
	if want := time.Date(2026, 4, 2, 16, 0, 0, 0, time.UTC); !expires.Equal(want) {
		t.Fatalf("ExpiredTime %v, want %v (bought 2026-03-02 10:30 UTC+8 for a month)", expires, want)
	}

	order := scAccept(t, a, scReq{InstanceId: id, InstanceType: "ecs.g6.xlarge"})
	// 757.5 hours are left: H = 758, fee = 300 × 758 / 720 = 315.83.
	fee := scFee(30000, 60000, now, expires)
	if fee != 31583 {
		t.Fatalf("the test's own fee is %s, want 315.83", scAmount(fee))
	}
	if cash, _ := scBalance(t, a); cash0-cash != fee {
		t.Errorf("balance went from %s to %s, want a fee of %s", scAmount(cash0), scAmount(cash), scAmount(fee))
	}
	o := scOrder(t, a, order, nil)
	if o.OrderType != "Upgrade" || o.PaymentStatus != "Paid" || o.PretaxAmount != "315.83" || o.OrderSubType != "ProductSubOrder" {
		t.Errorf("order %s: %s/%s %s %s, want a Paid Upgrade of 315.83", order, o.OrderType, o.OrderSubType, o.PaymentStatus, o.PretaxAmount)
	}
	if d := a.orderDetail(t, order); d.PretaxAmount != "315.83" || d.OrderType != "upgrade" || d.PaymentStatus != "paid" {
		t.Errorf("GetOrderDetail %s: %s %s %s", order, d.OrderType, d.PaymentStatus, d.PretaxAmount)
	}

	after := scWaitType(t, a, id, "ecs.g6.xlarge", 4, 16)
	if after.Status != "Running" || after.StartTime != before.StartTime {
		t.Errorf("after the change: %s since %s, want Running since %s (no restart without RebootWhenFinished)", after.Status, after.StartTime, before.StartTime)
	}
	if after.ZoneId != before.ZoneId || after.ExpiredTime != before.ExpiredTime {
		t.Errorf("zone %s → %s, ExpiredTime %s → %s: neither should change", before.ZoneId, after.ZoneId, before.ExpiredTime, after.ExpiredTime)
	}
	if got := scChangeOrders(t, s, a, id); len(got) != 1 || got[0].ID != order {
		t.Errorf("change orders of %s: %d, want only %s", id, len(got), order)
	}
}

// An upgrade of a Stopped instance through Go SDK v2 with OperatorType
// upgrade: DescribeInstances shows the new type while it is still Stopped,
// and it stays Stopped.
func scTestUpgradeStopped(t *testing.T, s *ecsdtest.Server) {
	a := lcAccount(t, s, "sc-up-stopped", "10000.00", "0.00")
	id := scStopped(t, a, "cn-hangzhou-h", "ecs.g6.large")
	scAccept2(t, a, scReq{InstanceId: id, InstanceType: "ecs.g6.2xlarge", OperatorType: "upgrade"})
	i := scWaitType(t, a, id, "ecs.g6.2xlarge", 8, 32)
	if i.Status != "Stopped" {
		t.Errorf("%s: %s after the change, want Stopped", id, i.Status)
	}
	time.Sleep(300 * time.Millisecond)
	if i := a.one(t, id); i.Status != "Stopped" {
		t.Errorf("%s: %s a little later, want still Stopped", id, i.Status)
	}
	// The v2 SDK's DescribeInstances reads the same.
	resp, err := a.v2.DescribeInstances(&ecs2.DescribeInstancesRequest{RegionId: dara.String("cn-hangzhou"), InstanceIds: dara.String(`["` + id + `"]`)})
	if err != nil {
		t.Fatalf("DescribeInstances (v2): %v", err)
	}
	if l := resp.Body.Instances.Instance; len(l) != 1 || dara.StringValue(l[0].InstanceType) != "ecs.g6.2xlarge" || dara.Int32Value(l[0].Cpu) != 8 || dara.Int32Value(l[0].Memory) != 32768 {
		t.Errorf("DescribeInstances (v2): %+v", l)
	}
}

// A downgrade needs a Stopped instance; it refunds the difference to the
// cash balance at once (AutoPay ignored) and shows as a Refund order.
func scTestDowngrade(t *testing.T, s *ecsdtest.Server, now time.Time) {
	a := lcAccount(t, s, "sc-down", "10000.00", "0.00")
	id := scRunning(t, a, "cn-hangzhou-h", "ecs.g6.xlarge")
	scRefused(t, a, scReq{InstanceId: id, InstanceType: "ecs.g6.large"}, "InvalidStatus.NotStopped", 400)
	scRefused(t, a, scReq{InstanceId: id, InstanceType: "ecs.g6.large", OperatorType: "downgrade"}, "InvalidStatus.NotStopped", 400)
	if i := a.one(t, id); i.InstanceType != "ecs.g6.xlarge" || i.Status != "Running" {
		t.Fatalf("%s after refused downgrades: %s %s", id, i.InstanceType, i.Status)
	}

	scStop(t, a, id)
	cash0, _ := scBalance(t, a)
	expires := scExpires(t, a, id)
	// AutoPay=false is ignored for a downgrade: the refund is made at once.
	order := scAccept(t, a, scReq{InstanceId: id, InstanceType: "ecs.g6.large", OperatorType: "downgrade", AutoPay: scBool(false)})
	// Hd = floor(757.5) = 757: 300 × 757 / 720 = 315.42.
	refund := scRefund(60000, 30000, now, expires, 60000, 0)
	if refund != 31542 {
		t.Fatalf("the test's own refund is %s, want 315.42", scAmount(refund))
	}
	if cash, _ := scBalance(t, a); cash-cash0 != refund {
		t.Errorf("balance went from %s to %s, want a refund of %s", scAmount(cash0), scAmount(cash), scAmount(refund))
	}
	o := scOrder(t, a, order, nil)
	if o.OrderType != "Refund" || o.PaymentStatus != "Paid" || o.PretaxAmount != "-315.42" {
		t.Errorf("order %s: %s %s %s, want a Paid Refund of -315.42", order, o.OrderType, o.PaymentStatus, o.PretaxAmount)
	}
	if list := a.orders(t, "2026-01-01T00:00:00Z", func(r *bssopenapi.QueryOrdersRequest) { r.OrderType = "Refund" }); len(list) != 1 || list[0].OrderId != order {
		t.Errorf("QueryOrders OrderType=Refund: %d orders, want %s", len(list), order)
	}
	i := scWaitType(t, a, id, "ecs.g6.large", 2, 8)
	if i.Status != "Stopped" {
		t.Errorf("%s: %s after the downgrade, want Stopped", id, i.Status)
	}
}

// OperatorType may only confirm the direction the list prices give.
func scTestOperatorType(t *testing.T, s *ecsdtest.Server) {
	a := lcAccount(t, s, "sc-operator", "10000.00", "0.00")
	id := scStopped(t, a, "cn-hangzhou-h", "ecs.g6.xlarge")
	scRefused(t, a, scReq{InstanceId: id, InstanceType: "ecs.g6.2xlarge", OperatorType: "downgrade"}, "InvalidAction", 400)
	scRefused(t, a, scReq{InstanceId: id, InstanceType: "ecs.g6.large", OperatorType: "upgrade"}, "InvalidAction", 400)
	scRefused(t, a, scReq{InstanceId: id, InstanceType: "ecs.g6.large", OperatorType: "sideways"}, "InvalidParameter", 400)
	if got := scChangeOrders(t, s, a, id); len(got) != 0 {
		t.Errorf("refused requests left %d orders", len(got))
	}
	// Omitted, the direction is derived: g6.xlarge → c6.xlarge is cheaper,
	// a downgrade, and gets a Refund order.
	order := scAccept(t, a, scReq{InstanceId: id, InstanceType: "ecs.c6.xlarge"})
	if o := scOrder(t, a, order, nil); o.OrderType != "Refund" {
		t.Errorf("g6.xlarge → c6.xlarge without OperatorType: order type %s, want Refund", o.OrderType)
	}
	scWaitType(t, a, id, "ecs.c6.xlarge", 4, 8)
}

// The stock moves from the old type to the new one in the request's
// transaction: both counts have moved when the answer arrives.
func scTestStockMoves(t *testing.T, s *ecsdtest.Server) {
	const zone = "cn-hangzhou-j"
	a := lcAccount(t, s, "sc-stock", "10000.00", "0.00")
	id := scRunning(t, a, zone, "ecs.c6.large")
	oldN, newN := lcStock(t, s, zone, "ecs.c6.large"), lcStock(t, s, zone, "ecs.c6.xlarge")
	scAccept(t, a, scReq{InstanceId: id, InstanceType: "ecs.c6.xlarge"})
	if o, n := lcStock(t, s, zone, "ecs.c6.large"), lcStock(t, s, zone, "ecs.c6.xlarge"); o != oldN+1 || n != newN-1 {
		t.Errorf("stock right after the answer: c6.large %d → %d, c6.xlarge %d → %d; want +1 and -1", oldN, o, newN, n)
	}
	scWaitType(t, a, id, "ecs.c6.xlarge", 4, 8)
	if o, n := lcStock(t, s, zone, "ecs.c6.large"), lcStock(t, s, zone, "ecs.c6.xlarge"); o != oldN+1 || n != newN-1 {
		t.Errorf("stock after the job: c6.large %d → %d, c6.xlarge %d → %d; want +1 and -1 (moved once)", oldN, o, newN, n)
	}
}

// With no stock of the target in the instance's zone, MigrateAcrossZone
// moves it to a zone that has some: zone, vSwitch, private IP and disks
// change; the stock moves between the two zones.
func scTestMigrateAcrossZone(t *testing.T, s *ecsdtest.Server) {
	const from, to = "cn-hangzhou-h", "cn-hangzhou-g"
	a := lcAccount(t, s, "sc-migrate", "10000.00", "0.00")
	id := scRunning(t, a, from, "ecs.r6.large")
	lcSetStock(t, s, from, "ecs.r6.xlarge", 0)
	scRefused(t, a, scReq{InstanceId: id, InstanceType: "ecs.r6.xlarge"}, "OperationDenied.NoStock", 403)
	scRefused(t, a, scReq{InstanceId: id, InstanceType: "ecs.r6.xlarge", MigrateAcrossZone: scBool(false)}, "OperationDenied.NoStock", 403)

	before := a.one(t, id)
	oldN, newN := lcStock(t, s, from, "ecs.r6.large"), lcStock(t, s, to, "ecs.r6.xlarge")
	scAccept(t, a, scReq{InstanceId: id, InstanceType: "ecs.r6.xlarge", MigrateAcrossZone: scBool(true)})
	if o, n := lcStock(t, s, from, "ecs.r6.large"), lcStock(t, s, to, "ecs.r6.xlarge"); o != oldN+1 || n != newN-1 {
		t.Errorf("stock: %s r6.large %d → %d, %s r6.xlarge %d → %d; want +1 and -1", from, oldN, o, to, newN, n)
	}
	if got := lcStock(t, s, from, "ecs.r6.xlarge"); got != 0 {
		t.Errorf("%s r6.xlarge: %d, want still 0", from, got)
	}
	after := scWaitType(t, a, id, "ecs.r6.xlarge", 4, 32)
	if after.ZoneId != to {
		t.Errorf("zone %s → %s, want %s (the first zone of the region with stock)", before.ZoneId, after.ZoneId, to)
	}
	ipOf := func(i ecs.Instance) string {
		if ips := i.VpcAttributes.PrivateIpAddress.IpAddress; len(ips) == 1 {
			return ips[0]
		}
		return ""
	}
	if b, c := ipOf(before), ipOf(after); b == "" || c == "" || b == c || strings.Join(strings.Split(b, ".")[:3], ".") == strings.Join(strings.Split(c, ".")[:3], ".") {
		t.Errorf("private IP %q → %q, want a new address in the new zone's subnet", b, c)
	}
	if before.VpcAttributes.VSwitchId == after.VpcAttributes.VSwitchId || after.VpcAttributes.VpcId != before.VpcAttributes.VpcId {
		t.Errorf("vSwitch %s → %s, VPC %s → %s: want a new vSwitch in the same VPC", before.VpcAttributes.VSwitchId, after.VpcAttributes.VSwitchId, before.VpcAttributes.VpcId, after.VpcAttributes.VpcId)
	}
	r := ecs.CreateDescribeDisksRequest()
	r.RegionId, r.InstanceId = "cn-hangzhou", id
	disks, err := a.v1.DescribeDisks(r)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range disks.Disks.Disk {
		if d.ZoneId != to {
			t.Errorf("disk %s of %s is in %s, want %s", d.DiskId, id, d.ZoneId, to)
		}
	}
}

// ClientToken: the same token and parameters answer the same OrderId and
// charge once; other parameters are refused.
func scTestIdempotency(t *testing.T, s *ecsdtest.Server) {
	a := lcAccount(t, s, "sc-token", "10000.00", "0.00")
	id := scRunning(t, a, "cn-hangzhou-h", "ecs.g6.large")
	req := scReq{InstanceId: id, InstanceType: "ecs.g6.xlarge", ClientToken: "sc-token-" + id}
	cash0, _ := scBalance(t, a)
	first := scAccept(t, a, req)
	cash1, _ := scBalance(t, a)
	if again := scAccept(t, a, req); again != first {
		t.Errorf("the same ClientToken and parameters: OrderId %s, then %s", first, again)
	}
	other := req
	other.InstanceType = "ecs.g6.2xlarge"
	_, err := other.modify(a.v1)
	scWantV1(t, "same ClientToken, other InstanceType", err, "IdempotenceParamNotMatch", 400)
	scWaitType(t, a, id, "ecs.g6.xlarge", 4, 16)
	// A replay after the change is applied is still the first answer.
	if again := scAccept(t, a, req); again != first {
		t.Errorf("a replay after the change: OrderId %s, want %s", again, first)
	}
	if cash, _ := scBalance(t, a); cash != cash1 || cash >= cash0 {
		t.Errorf("balance %s → %s → %s: want one charge", scAmount(cash0), scAmount(cash1), scAmount(cash))
	}
	if got := scChangeOrders(t, s, a, id); len(got) != 1 {
		t.Errorf("%d change orders, want 1", len(got))
	}
}

// 32 identical requests at once, each goroutine with its own client, make
// one order and one charge, and all answer the same OrderId.
func scTestIdempotentBurst(t *testing.T, s *ecsdtest.Server) {
	a := lcAccount(t, s, "sc-token-burst", "10000.00", "0.00")
	id := scRunning(t, a, "cn-hangzhou-h", "ecs.g6.large")
	cash0, _ := scBalance(t, a)
	fee := scFee(30000, 60000, scNow(t, s), scExpires(t, a, id))
	req := scReq{InstanceId: id, InstanceType: "ecs.g6.xlarge", ClientToken: "sc-token-32-" + id}
	const n = 32
	ids, errs := make([]string, n), make([]error, n)
	clients := make([]*lcActor, n)
	for i := range clients {
		clients[i] = a.fork(t)
	}
	var wg sync.WaitGroup
	gate := make(chan struct{})
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-gate
			ids[i], errs[i] = req.modify(clients[i].v1)
		}()
	}
	close(gate)
	wg.Wait()
	for i := range n {
		if errs[i] != nil || ids[i] != ids[0] || ids[0] == "" {
			t.Errorf("request %d of %d identical: OrderId %q, %v; want %q", i, n, ids[i], errs[i], ids[0])
		}
	}
	scWaitType(t, a, id, "ecs.g6.xlarge", 4, 16)
	if got := scChangeOrders(t, s, a, id); len(got) != 1 || got[0].ID != ids[0] {
		t.Errorf("%d identical requests made %d orders, want 1", n, len(got))
	}
	if cash, _ := scBalance(t, a); cash0-cash != fee {
		t.Errorf("%d identical requests charged %s, want %s once", n, scAmount(cash0-cash), scAmount(fee))
	}
}

// InsufficientBalance with AutoPay=true leaves nothing: no order, no ledger
// entry, no stock move, no claim on the instance.
func scTestInsufficientBalance(t *testing.T, s *ecsdtest.Server) {
	const zone = "cn-hangzhou-i"
	a := lcAccount(t, s, "sc-poor", "400.00", "0.00")
	id := scRunning(t, a, zone, "ecs.c7.large") // 256.00: 144.00 left
	orders0 := len(lcAllOrders(t, s, a.ID))
	cash0, entries0 := lcLedger(t, s, a.ID)
	oldN, newN := lcStock(t, s, zone, "ecs.c7.large"), lcStock(t, s, zone, "ecs.c7.2xlarge")
	req := scReq{InstanceId: id, InstanceType: "ecs.c7.2xlarge", AutoPay: scBool(true)}
	scRefused(t, a, req, "InsufficientBalance", 403)

	if n := len(lcAllOrders(t, s, a.ID)); n != orders0 {
		t.Errorf("orders: %d → %d", orders0, n)
	}
	if cash, entries := lcLedger(t, s, a.ID); cash != cash0 || entries != entries0 {
		t.Errorf("ledger: cash %d → %d, entries %d → %d", cash0, cash, entries0, entries)
	}
	a.wantBalance(t, "144.00", "0.00")
	if o, n := lcStock(t, s, zone, "ecs.c7.large"), lcStock(t, s, zone, "ecs.c7.2xlarge"); o != oldN || n != newN {
		t.Errorf("stock moved: c7.large %d → %d, c7.2xlarge %d → %d", oldN, o, newN, n)
	}
	if i := a.one(t, id); i.InstanceType != "ecs.c7.large" || i.Status != "Running" {
		t.Errorf("%s: %s %s", id, i.InstanceType, i.Status)
	}
	// Nothing holds the instance: with the money, the same change goes through.
	if st := s.Admin(t, "POST", "/_ecsd/v1/accounts/"+a.ID+"/balance", map[string]string{"Amount": "2000.00"}, nil); st != 200 {
		t.Fatalf("top up: HTTP %d", st)
	}
	scAccept(t, a, req)
	scWaitType(t, a, id, "ecs.c7.2xlarge", 8, 16)
}

// Vouchers are spent first; a downgrade refunds only the cash share of the
// value, to the cash balance; vouchers are never refunded.
func scTestVouchers(t *testing.T, s *ecsdtest.Server, now time.Time) {
	a := lcAccount(t, s, "sc-voucher", "10000.00", "100.00")
	id := scRunning(t, a, "cn-hangzhou-h", "ecs.g6.large")
	a.wantBalance(t, "9800.00", "0.00") // 300.00: 100.00 of vouchers, 200.00 cash
	expires := scExpires(t, a, id)
	fee := scFee(30000, 60000, now, expires)
	scAccept(t, a, scReq{InstanceId: id, InstanceType: "ecs.g6.xlarge"})
	scWaitType(t, a, id, "ecs.g6.xlarge", 4, 16)
	scStop(t, a, id)
	cash1, _ := scBalance(t, a)
	if cash1 != 980000-fee {
		t.Fatalf("cash %s after an upgrade of %s, want %s", scAmount(cash1), scAmount(fee), scAmount(980000-fee))
	}
	order := scAccept(t, a, scReq{InstanceId: id, InstanceType: "ecs.g6.large"})
	// Paid for the instance: 200.00 + fee in cash, 100.00 in vouchers.
	refund := scRefund(60000, 30000, now, expires, 20000+fee, 10000)
	full := scRefund(60000, 30000, now, expires, 1, 0)
	if refund >= full {
		t.Fatalf("the test's own refund %s is not below the full value %s", scAmount(refund), scAmount(full))
	}
	cash2, voucher2 := scBalance(t, a)
	if cash2-cash1 != refund || voucher2 != 0 {
		t.Errorf("refund: cash %s → %s (want +%s, the cash share of %s), vouchers %s (want 0.00)",
			scAmount(cash1), scAmount(cash2), scAmount(refund), scAmount(full), scAmount(voucher2))
	}
	if o := scOrder(t, a, order, nil); o.PretaxAmount != scAmount(-refund) || o.OrderType != "Refund" {
		t.Errorf("order %s: %s %s, want Refund %s", order, o.OrderType, o.PretaxAmount, scAmount(-refund))
	}
	scWaitType(t, a, id, "ecs.g6.large", 2, 8)
}

// The monthly downgrade quota counts downgrades of the account.
func scTestDowngradeQuota(t *testing.T, s *ecsdtest.Server) {
	a := lcAccount(t, s, "sc-down-quota", "10000.00", "0.00")
	a.patch(t, map[string]any{"DowngradeQuota": 1})
	one := scStopped(t, a, "cn-hangzhou-h", "ecs.g6.xlarge")
	two := scStopped(t, a, "cn-hangzhou-h", "ecs.g6.xlarge")
	scAccept(t, a, scReq{InstanceId: one, InstanceType: "ecs.g6.large"})
	scRefused(t, a, scReq{InstanceId: two, InstanceType: "ecs.g6.large"}, "InstanceDowngrade.QuotaExceed", 400)
	// An upgrade is not a downgrade.
	scAccept(t, a, scReq{InstanceId: two, InstanceType: "ecs.g6.2xlarge"})
	scWaitType(t, a, one, "ecs.g6.large", 2, 8)
	scWaitType(t, a, two, "ecs.g6.2xlarge", 8, 32)
}

// The monthly quota of refunded vCPUs adds up over downgrades.
func scTestRefundVcpuQuota(t *testing.T, s *ecsdtest.Server) {
	a := lcAccount(t, s, "sc-vcpu-quota", "10000.00", "0.00")
	a.patch(t, map[string]any{"RefundVCPUQuota": 3})
	one := scStopped(t, a, "cn-hangzhou-h", "ecs.g6.xlarge")
	two := scStopped(t, a, "cn-hangzhou-h", "ecs.g6.xlarge")
	scAccept(t, a, scReq{InstanceId: one, InstanceType: "ecs.g6.large"}) // gives back 2
	scRefused(t, a, scReq{InstanceId: two, InstanceType: "ecs.g6.large"}, "QuotaExceed.RufundVcpu", 400)
	scWaitType(t, a, one, "ecs.g6.large", 2, 8)
}

// An unpaid change cancelled through BSS CancelOrder: nothing changes, and
// the instance takes a new change.
func scTestUnpaidCancelled(t *testing.T, s *ecsdtest.Server) {
	a := lcAccount(t, s, "sc-unpaid-cancel", "10000.00", "0.00")
	id := scRunning(t, a, "cn-hangzhou-h", "ecs.g6.large")
	cash0, _ := scBalance(t, a)
	order := scAccept(t, a, scReq{InstanceId: id, InstanceType: "ecs.g6.xlarge", AutoPay: scBool(false)})
	if o := scOrder(t, a, order, nil); o.PaymentStatus != "Unpaid" || o.OrderType != "Upgrade" {
		t.Errorf("order %s: %s %s, want an Unpaid Upgrade", order, o.OrderType, o.PaymentStatus)
	}
	if _, err := a.cancelOrder(order); err != nil {
		t.Fatalf("CancelOrder %s: %v", order, err)
	}
	if o := scOrder(t, a, order, nil); o.PaymentStatus != "Cancelled" {
		t.Errorf("order %s: %s after CancelOrder", order, o.PaymentStatus)
	}
	if cash, _ := scBalance(t, a); cash != cash0 {
		t.Errorf("balance %s → %s", scAmount(cash0), scAmount(cash))
	}
	if i := a.one(t, id); i.InstanceType != "ecs.g6.large" {
		t.Errorf("%s: %s after a cancelled change", id, i.InstanceType)
	}
	scAccept(t, a, scReq{InstanceId: id, InstanceType: "ecs.g6.xlarge"})
	scWaitType(t, a, id, "ecs.g6.xlarge", 4, 16)
}

// The worked example of ARCHITECTURE.md §5: g6.large → g6.xlarge with
// exactly 184 days left costs 1840.00; back down 10 minutes later, all paid
// in cash, refunds 1839.58.
func scTestMoney184Days(t *testing.T, s *ecsdtest.Server) {
	a := lcAccount(t, s, "sc-money", "100000.00", "0.00")
	id := scRunning(t, a, "cn-hangzhou-h", "ecs.g6.large", lcPrePaid(7, "Month"))
	expires := scExpires(t, a, id)
	now := scNow(t, s)
	gap := expires.Add(-184 * 24 * time.Hour).Sub(now)
	if gap <= 0 {
		t.Fatalf("ExpiredTime %v is less than 184 days after %v", expires, now)
	}
	lcAdvance(t, s, gap.String())
	if got := scNow(t, s); expires.Sub(got) != 184*24*time.Hour {
		t.Fatalf("now %v is not 184 days before %v", got, expires)
	}

	cash0, _ := scBalance(t, a)
	up := scAccept(t, a, scReq{InstanceId: id, InstanceType: "ecs.g6.xlarge"})
	cash1, _ := scBalance(t, a)
	if d := cash0 - cash1; d != 184000 {
		t.Errorf("upgrade fee (balance delta) %s, want 1840.00", scAmount(d))
	}
	if d := a.orderDetail(t, up); d.PretaxAmount != "1840.00" || d.OrderType != "upgrade" {
		t.Errorf("GetOrderDetail %s: %s %s, want upgrade 1840.00", up, d.OrderType, d.PretaxAmount)
	}
	scWaitType(t, a, id, "ecs.g6.xlarge", 4, 16)

	lcAdvance(t, s, "10m")
	scStop(t, a, id)
	down := scAccept(t, a, scReq{InstanceId: id, InstanceType: "ecs.g6.large"})
	cash2, _ := scBalance(t, a)
	if d := cash2 - cash1; d != 183958 {
		t.Errorf("downgrade refund (balance delta) %s, want 1839.58", scAmount(d))
	}
	if d := a.orderDetail(t, down); d.PretaxAmount != "-1839.58" || d.OrderType != "refund" {
		t.Errorf("GetOrderDetail %s: %s %s, want refund -1839.58", down, d.OrderType, d.PretaxAmount)
	}
	scWaitType(t, a, id, "ecs.g6.large", 2, 8)
}

// RebootWhenFinished restarts a Running instance after the change (its
// StartTime moves to the time of the restart); a Stopped one stays Stopped.
func scTestRebootWhenFinished(t *testing.T, s *ecsdtest.Server) {
	a := lcAccount(t, s, "sc-reboot", "10000.00", "0.00")
	running := scRunning(t, a, "cn-hangzhou-h", "ecs.g6.large")
	stopped := scStopped(t, a, "cn-hangzhou-h", "ecs.g6.large")
	started := a.one(t, running).StartTime
	lcAdvance(t, s, "1h")
	restart := rpcMinute(scNow(t, s))
	if restart == started {
		t.Fatal("the clock did not move")
	}
	scAccept(t, a, scReq{InstanceId: running, InstanceType: "ecs.g6.xlarge", RebootWhenFinished: scBool(true)})
	scAccept2(t, a, scReq{InstanceId: stopped, InstanceType: "ecs.g6.xlarge", RebootWhenFinished: scBool(true)})
	seen := map[string]bool{}
	i := scWait(t, a, running, "restarted on the new type", func(i ecs.Instance) bool {
		seen[i.Status] = true
		return i.InstanceType == "ecs.g6.xlarge" && i.Status == "Running" && i.StartTime == restart
	})
	t.Logf("statuses seen while it restarted: %v", seen)
	if i.Cpu != 4 {
		t.Errorf("Cpu %d", i.Cpu)
	}
	scWaitType(t, a, stopped, "ecs.g6.xlarge", 4, 16)
	time.Sleep(300 * time.Millisecond)
	if i := a.one(t, stopped); i.Status != "Stopped" {
		t.Errorf("%s: %s, want Stopped: RebootWhenFinished does nothing to a Stopped instance", stopped, i.Status)
	}
}

// rpcMinute formats a time as DescribeInstances does (yyyy-MM-ddTHH:mmZ).
func rpcMinute(t time.Time) string { return t.UTC().Format("2006-01-02T15:04Z") }

// RebootTime, in both ISO 8601 forms, schedules the restart: nothing
// happens before it, and moving the clock past it restarts the instances.
func scTestRebootTime(t *testing.T, s *ecsdtest.Server) {
	a := lcAccount(t, s, "sc-reboot-time", "10000.00", "0.00")
	secs := scRunning(t, a, "cn-hangzhou-h", "ecs.g6.large")
	mins := scRunning(t, a, "cn-hangzhou-h", "ecs.g6.large")
	started := map[string]string{secs: a.one(t, secs).StartTime, mins: a.one(t, mins).StartTime}
	now := scNow(t, s)
	at := now.Add(2 * time.Hour)
	scAccept(t, a, scReq{InstanceId: secs, InstanceType: "ecs.g6.xlarge", RebootTime: at.Format("2006-01-02T15:04:05Z")})
	scAccept2(t, a, scReq{InstanceId: mins, InstanceType: "ecs.g6.xlarge", RebootTime: at.Format("2006-01-02T15:04Z")})
	for _, id := range []string{secs, mins} {
		if i := scWaitType(t, a, id, "ecs.g6.xlarge", 4, 16); i.Status != "Running" || i.StartTime != started[id] {
			t.Errorf("%s right after the change: %s since %s, want Running since %s", id, i.Status, i.StartTime, started[id])
		}
	}
	lcAdvance(t, s, "1h")
	time.Sleep(300 * time.Millisecond)
	for _, id := range []string{secs, mins} {
		if i := a.one(t, id); i.Status != "Running" || i.StartTime != started[id] {
			t.Errorf("%s an hour before RebootTime: %s since %s, want no restart yet", id, i.Status, i.StartTime)
		}
	}
	lcAdvance(t, s, "2h")
	restart := rpcMinute(now.Add(3 * time.Hour))
	for _, id := range []string{secs, mins} {
		scWait(t, a, id, "restarted at "+restart, func(i ecs.Instance) bool { return i.Status == "Running" && i.StartTime == restart })
	}
}

// EndTime makes an upgrade temporary: a TempUpgrade order priced to
// EndTime, no other change while it lasts, the old type back at EndTime,
// and no refund.
func scTestTemporaryUpgrade(t *testing.T, s *ecsdtest.Server) {
	const zone = "cn-hangzhou-h"
	a := lcAccount(t, s, "sc-temp", "10000.00", "0.00")
	id := scRunning(t, a, zone, "ecs.g6.large")
	now := scNow(t, s)
	end := now.Add(48 * time.Hour)
	oldN, newN := lcStock(t, s, zone, "ecs.g6.large"), lcStock(t, s, zone, "ecs.g6.xlarge")
	cash0, _ := scBalance(t, a)
	order := scAccept(t, a, scReq{InstanceId: id, InstanceType: "ecs.g6.xlarge", EndTime: end.Format("2006-01-02T15:04Z")})
	cash1, _ := scBalance(t, a)
	if d := cash0 - cash1; d != 2000 { // 300 × 48 / 720
		t.Errorf("a 48-hour upgrade cost %s, want 20.00", scAmount(d))
	}
	// A temporary upgrade is an Upgrade whose Config has its end.
	if o := scOrder(t, a, order, nil); o.OrderType != "Upgrade" || o.OrderSubType != "ProductSubOrder" || o.PretaxAmount != "20.00" ||
		!strings.Contains(o.Config, "EndTime:"+end.Format(time.RFC3339)+";") {
		t.Errorf("order %s: %s/%s %s Config %q, want Upgrade/ProductSubOrder 20.00 ending at %s", order, o.OrderType, o.OrderSubType, o.PretaxAmount, o.Config, end.Format(time.RFC3339))
	}
	scWaitType(t, a, id, "ecs.g6.xlarge", 4, 16)
	scRefused(t, a, scReq{InstanceId: id, InstanceType: "ecs.g6.2xlarge"}, "InvalidAction.WithActiveElasticUpgrade", 400)
	scStop(t, a, id)
	scRefused(t, a, scReq{InstanceId: id, InstanceType: "ecs.g6.large"}, "InvalidAction.WithActiveElasticUpgrade", 400)
	orders1 := len(lcAllOrders(t, s, a.ID))

	lcAdvance(t, s, "47h")
	if i := a.one(t, id); i.InstanceType != "ecs.g6.xlarge" {
		t.Errorf("an hour before EndTime: %s", i.InstanceType)
	}
	lcAdvance(t, s, "2h")
	// The revert runs before the clock call returns.
	if i := a.one(t, id); i.InstanceType != "ecs.g6.large" || i.Cpu != 2 || i.Status != "Stopped" {
		t.Errorf("after EndTime: %s Cpu %d %s, want ecs.g6.large again, still Stopped", i.InstanceType, i.Cpu, i.Status)
	}
	if cash, _ := scBalance(t, a); cash != cash1 {
		t.Errorf("balance %s → %s at the revert, want no refund", scAmount(cash1), scAmount(cash))
	}
	if n := len(lcAllOrders(t, s, a.ID)); n != orders1 {
		t.Errorf("orders %d → %d at the revert", orders1, n)
	}
	if o, n := lcStock(t, s, zone, "ecs.g6.large"), lcStock(t, s, zone, "ecs.g6.xlarge"); o != oldN || n != newN {
		t.Errorf("stock after the revert: g6.large %d → %d, g6.xlarge %d → %d; want back where it was", oldN, o, newN, n)
	}
	// Over: other changes are possible again.
	scAccept(t, a, scReq{InstanceId: id, InstanceType: "ecs.g6.2xlarge"})
	scWaitType(t, a, id, "ecs.g6.2xlarge", 8, 32)
}

// AutoPay=false: the change waits Unpaid (no charge, no stock move, other
// changes refused) until it is paid (admin API, as in the console); an
// unpaid change is cancelled after 24 hours and the instance is unchanged.
func scTestUnpaidOrder24h(t *testing.T, s *ecsdtest.Server) {
	const zone = "cn-hangzhou-h"
	a := lcAccount(t, s, "sc-unpaid", "10000.00", "0.00")
	id := scRunning(t, a, zone, "ecs.g6.large")
	oldN, newN := lcStock(t, s, zone, "ecs.g6.large"), lcStock(t, s, zone, "ecs.g6.xlarge")
	cash0, _ := scBalance(t, a)
	order := scAccept(t, a, scReq{InstanceId: id, InstanceType: "ecs.g6.xlarge", AutoPay: scBool(false)})
	unpaid := a.orders(t, "2026-01-01T00:00:00Z", func(r *bssopenapi.QueryOrdersRequest) { r.PaymentStatus = "Unpaid" })
	if o, ok := lcOrderByID(unpaid, order); !ok || o.OrderType != "Upgrade" || o.PaymentTime != "" {
		t.Errorf("QueryOrders PaymentStatus=Unpaid: %v %+v", ok, o)
	}
	if cash, _ := scBalance(t, a); cash != cash0 {
		t.Errorf("balance %s → %s for an unpaid order", scAmount(cash0), scAmount(cash))
	}
	if o, n := lcStock(t, s, zone, "ecs.g6.large"), lcStock(t, s, zone, "ecs.g6.xlarge"); o != oldN || n != newN {
		t.Errorf("stock moved for an unpaid order: %d → %d, %d → %d", oldN, o, newN, n)
	}
	scRefused(t, a, scReq{InstanceId: id, InstanceType: "ecs.g6.2xlarge"}, "InvalidInstance.UnpaidOrder", 400)
	time.Sleep(300 * time.Millisecond)
	if i := a.one(t, id); i.InstanceType != "ecs.g6.large" {
		t.Errorf("%s: %s before payment", id, i.InstanceType)
	}

	st, paid := lcPay(t, s, order)
	if st != 200 || paid.PaymentStatus != "Paid" {
		t.Fatalf("pay %s: HTTP %d %+v", order, st, paid)
	}
	scWaitType(t, a, id, "ecs.g6.xlarge", 4, 16)
	cash1, _ := scBalance(t, a)
	if d := cash0 - cash1; d != scCents(t, paid.Amount) || d <= 0 {
		t.Errorf("paid %s, balance delta %s", paid.Amount, scAmount(d))
	}
	if o, n := lcStock(t, s, zone, "ecs.g6.large"), lcStock(t, s, zone, "ecs.g6.xlarge"); o != oldN+1 || n != newN-1 {
		t.Errorf("stock after payment: %d → %d, %d → %d; want +1 and -1", oldN, o, newN, n)
	}

	// Not paid within 24 hours: cancelled, nothing changes.
	late := scAccept(t, a, scReq{InstanceId: id, InstanceType: "ecs.g6.2xlarge", AutoPay: scBool(false)})
	lcAdvance(t, s, "25h")
	if o := scOrder(t, a, late, func(r *bssopenapi.QueryOrdersRequest) { r.PaymentStatus = "Cancelled" }); o.PaymentStatus != "Cancelled" {
		t.Errorf("order %s after 25 hours: %s", late, o.PaymentStatus)
	}
	time.Sleep(300 * time.Millisecond)
	if i := a.one(t, id); i.InstanceType != "ecs.g6.xlarge" {
		t.Errorf("%s: %s after its unpaid order was cancelled, want ecs.g6.xlarge", id, i.InstanceType)
	}
	if cash, _ := scBalance(t, a); cash != cash1 {
		t.Errorf("balance %s → %s at the cancellation", scAmount(cash1), scAmount(cash))
	}
	if st, _ := lcPay(t, s, late); st == 200 {
		t.Errorf("a cancelled order could be paid")
	}
	scAccept(t, a, scReq{InstanceId: id, InstanceType: "ecs.g6.2xlarge"})
	scWaitType(t, a, id, "ecs.g6.2xlarge", 8, 32)
}

// TestSpecChangeInFlight runs on servers whose changes and transitions take
// seconds (ChangeDelay 3s, TransitionDelay 1s), so that a change in flight
// and a transitional status last long enough to be met on purpose: at most
// one change per instance is accepted, whatever the concurrency, and a
// transitional status refuses changes.
func TestSpecChangeInFlight(t *testing.T) {
	t.Parallel()
	slow := func(c *server.Config) { c.ChangeDelay, c.TransitionDelay = 3*time.Second, time.Second }
	ecsdtest.Each(t, ecsdtest.Options{Configure: slow}, func(t *testing.T, s *ecsdtest.Server) {
		t.Run("SameTarget", func(t *testing.T) {
			t.Parallel()
			scTestRace(t, s, []string{"ecs.g6.xlarge"})
		})
		t.Run("MixedTargets", func(t *testing.T) {
			t.Parallel()
			scTestRace(t, s, []string{"ecs.g6.xlarge", "ecs.g6.2xlarge", "ecs.c6.xlarge", "ecs.r6.large"})
		})
		t.Run("Transitional", func(t *testing.T) { t.Parallel(); scTestTransitional(t, s) })
		t.Run("QuotaRace", func(t *testing.T) { t.Parallel(); scTestQuotaRace(t, s) })
	})
}

// scTestQuotaRace sends changes of several instances of one account at
// once against its quotas: the monthly downgrade quota and the regional
// vCPU quota each let exactly as many through as they allow, and an
// accepted upgrade counts against the vCPU quota before it is applied.
func scTestQuotaRace(t *testing.T, s *ecsdtest.Server) {
	a := lcAccount(t, s, "sc-quota-race", "100000.00", "0.00")
	// 4 × g6.xlarge (16 vCPUs) to downgrade, 4 × g6.large (8 vCPUs) to
	// upgrade by 2 vCPUs each: a quota of 26 vCPUs leaves room for one.
	a.patch(t, map[string]any{"DowngradeQuota": 2, "VCPUQuota": map[string]int{"cn-hangzhou": 26}})
	const n = 4
	big := a.mustRun(t, lcZone("cn-hangzhou-h"), lcType("ecs.g6.xlarge"), lcPrePaid(1, "Month"), lcAmount(n)).InstanceIdSets.InstanceIdSet
	small := a.mustRun(t, lcZone("cn-hangzhou-h"), lcType("ecs.g6.large"), lcPrePaid(1, "Month"), lcAmount(n)).InstanceIdSets.InstanceIdSet
	for _, id := range append(big, small...) {
		scWaitForRunning(t, a, id)
	}
	for _, id := range big {
		r := ecs.CreateStopInstanceRequest()
		r.InstanceId = id
		if _, err := a.v1.StopInstance(r); err != nil {
			t.Fatalf("StopInstance %s: %v", id, err)
		}
	}
	for _, id := range big {
		scWaitFor(t, a, id, "Stopped", 30*time.Second, func(i ecs.Instance) bool { return i.Status == "Stopped" })
	}

	reqs := make([]scReq, 0, 2*n)
	for _, id := range big {
		reqs = append(reqs, scReq{InstanceId: id, InstanceType: "ecs.g6.large"})
	}
	for _, id := range small {
		reqs = append(reqs, scReq{InstanceId: id, InstanceType: "ecs.g6.xlarge"})
	}
	errs := make([]error, len(reqs))
	var wg sync.WaitGroup
	gate := make(chan struct{})
	for i, r := range reqs {
		c := a.fork(t)
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-gate
			_, errs[i] = r.modify(c.v1)
		}()
	}
	close(gate)
	wg.Wait()
	count := func(errs []error, code string, status int) (ok int) {
		for i, err := range errs {
			if err == nil {
				ok++
				continue
			}
			scWantV1(t, fmt.Sprintf("change %d", i), err, code, status)
		}
		return ok
	}
	if ok := count(errs[:n], "InstanceDowngrade.QuotaExceed", 400); ok != 2 {
		t.Errorf("%d of %d concurrent downgrades were accepted with a quota of 2", ok, n)
	}
	if ok := count(errs[n:], "QuotaExceed.ElasticQuota", 403); ok != 1 {
		t.Errorf("%d of %d concurrent upgrades (+2 vCPUs each) were accepted with room for 2 vCPUs", ok, n)
	}
}

// scTestRace sends 32 changes of one instance at once, each with its own
// ClientToken and client: exactly one is accepted, the others get
// LastOrderProcessing; one order, one charge, the winner's type.
func scTestRace(t *testing.T, s *ecsdtest.Server, targets []string) {
	a := lcAccount(t, s, "sc-race", "100000.00", "0.00")
	id := scWaitForRunning(t, a, scBuy(t, a, "cn-hangzhou-h", "ecs.g6.large"))
	cash0, _ := scBalance(t, a)
	const n = 32
	clients := make([]*lcActor, n)
	for i := range clients {
		clients[i] = a.fork(t)
	}
	orders, errs := make([]string, n), make([]error, n)
	var wg sync.WaitGroup
	gate := make(chan struct{})
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := scReq{InstanceId: id, InstanceType: targets[i%len(targets)], ClientToken: fmt.Sprintf("race-%s-%d", id, i)}
			<-gate
			orders[i], errs[i] = r.modify(clients[i].v1)
		}()
	}
	close(gate)
	wg.Wait()
	winner, won := -1, 0
	for i := range n {
		switch code := scCode(errs[i]); code {
		case "":
			winner = i
			won++
		case "LastOrderProcessing":
			scWantV1(t, "a losing request", errs[i], "LastOrderProcessing", 400)
		default:
			t.Errorf("request %d: %s, want LastOrderProcessing", i, code)
		}
	}
	if won != 1 {
		t.Fatalf("%d of %d concurrent changes were accepted, want exactly 1", won, n)
	}
	target := targets[winner%len(targets)]
	// Still in flight: a further change is refused the same way.
	scRefused(t, a, scReq{InstanceId: id, InstanceType: "ecs.g6.8xlarge"}, "LastOrderProcessing", 400)

	i := scWaitFor(t, a, id, target, 30*time.Second, func(i ecs.Instance) bool { return i.InstanceType == target })
	if i.Status != "Running" {
		t.Errorf("%s: %s after the change", id, i.Status)
	}
	changes := scChangeOrders(t, s, a, id)
	if len(changes) != 1 || changes[0].ID != orders[winner] || changes[0].PaymentStatus != store.PaymentPaid {
		t.Fatalf("%d change orders, want only the winner's %s", len(changes), orders[winner])
	}
	if cash, _ := scBalance(t, a); cash0-cash != changes[0].Amount || changes[0].Amount <= 0 {
		t.Errorf("charged %s, the order says %s", scAmount(cash0-cash), scAmount(changes[0].Amount))
	}
}

// scWaitForRunning waits (up to 30 s: delayed jobs wait for River's
// scheduler) for an instance to run.
func scWaitForRunning(t *testing.T, a *lcActor, id string) string {
	t.Helper()
	scWaitFor(t, a, id, "Running", 30*time.Second, func(i ecs.Instance) bool { return i.Status == "Running" })
	return id
}

// Pending, Stopping and Starting refuse changes with InvalidInstanceStatus
// (400): the instance is between two states.
func scTestTransitional(t *testing.T, s *ecsdtest.Server) {
	a := lcAccount(t, s, "sc-transitional", "10000.00", "0.00")
	id := scBuy(t, a, "cn-hangzhou-h", "ecs.g6.large")
	if st := a.one(t, id).Status; st != "Pending" {
		t.Fatalf("a new instance is %s, want Pending for at least the transition delay", st)
	}
	scRefused(t, a, scReq{InstanceId: id, InstanceType: "ecs.g6.xlarge"}, "InvalidInstanceStatus", 400)
	scWaitForRunning(t, a, id)

	stop := ecs.CreateStopInstanceRequest()
	stop.InstanceId = id
	if _, err := a.v1.StopInstance(stop); err != nil {
		t.Fatal(err)
	}
	scRefused(t, a, scReq{InstanceId: id, InstanceType: "ecs.g6.xlarge"}, "InvalidInstanceStatus", 400)
	scWaitFor(t, a, id, "Stopped", 30*time.Second, func(i ecs.Instance) bool { return i.Status == "Stopped" })

	start := ecs.CreateStartInstanceRequest()
	start.InstanceId = id
	if _, err := a.v1.StartInstance(start); err != nil {
		t.Fatal(err)
	}
	scRefused(t, a, scReq{InstanceId: id, InstanceType: "ecs.g6.xlarge"}, "InvalidInstanceStatus", 400)
	scWaitForRunning(t, a, id)
	if got := scChangeOrders(t, s, a, id); len(got) != 0 {
		t.Errorf("refused changes left %d orders", len(got))
	}
}
