package conformance

import (
	"encoding/json"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	ecs2 "github.com/alibabacloud-go/ecs-20140526/v7/client"
	"github.com/alibabacloud-go/tea/dara"
	"github.com/aliyun/alibaba-cloud-sdk-go/sdk/requests"
	"github.com/aliyun/alibaba-cloud-sdk-go/services/ecs"

	"github.com/ecsd/ecsd/internal/billing"
	"github.com/ecsd/ecsd/internal/catalog"
	"github.com/ecsd/ecsd/internal/ecsdtest"
	"github.com/ecsd/ecsd/internal/money"
)

// The helpers of DescribeResourcesModification and
// DescribeInstanceModificationPrice are named rm….

const rmRegion = "cn-hangzhou"

// rmOffer is one value of a DescribeResourcesModification answer.
type rmOffer struct {
	Value, Zone, Status, StatusCategory string
	Conditional                         bool
}

// rmBuy buys a one-month subscription of typ in zone and waits until it
// is Running.
func rmBuy(t *testing.T, a *lcActor, zone, typ string, opts ...func(*ecs.RunInstancesRequest)) string {
	t.Helper()
	resp := a.mustRun(t, append([]func(*ecs.RunInstancesRequest){lcZone(zone), lcType(typ), lcPrePaid(1, "Month")}, opts...)...)
	id := resp.InstanceIdSets.InstanceIdSet[0]
	a.waitStatus(t, "Running", id)
	return id
}

func rmStop(t *testing.T, a *lcActor, id string) {
	t.Helper()
	r := ecs.CreateStopInstanceRequest()
	r.InstanceId = id
	if _, err := a.v1.StopInstance(r); err != nil {
		t.Fatalf("StopInstance %s: %v", id, err)
	}
	a.waitStatus(t, "Stopped", id)
}

// rmDescribeReq is a DescribeResourcesModification request (Go SDK v1).
func rmDescribeReq(id, op string, edit func(*ecs.DescribeResourcesModificationRequest)) *ecs.DescribeResourcesModificationRequest {
	r := ecs.CreateDescribeResourcesModificationRequest()
	r.RegionId = rmRegion
	r.ResourceId = id
	r.DestinationResource = "InstanceType"
	r.OperationType = op
	if edit != nil {
		edit(r)
	}
	return r
}

// rmDescribe calls DescribeResourcesModification and returns the values it
// offers, in answer order, after checking the answer's shape.
func rmDescribe(t *testing.T, cat *catalog.Catalog, a *lcActor, id, op string, edit func(*ecs.DescribeResourcesModificationRequest)) []rmOffer {
	t.Helper()
	resp, err := a.v1.DescribeResourcesModification(rmDescribeReq(id, op, edit))
	if err != nil {
		t.Fatalf("DescribeResourcesModification %s %s: %v", id, op, err)
	}
	return rmOffers(t, cat, resp)
}

func rmOffers(t *testing.T, cat *catalog.Catalog, resp *ecs.DescribeResourcesModificationResponse) []rmOffer {
	t.Helper()
	if len(resp.RequestId) != 36 {
		t.Errorf("RequestId %q", resp.RequestId)
	}
	var out []rmOffer
	seen := map[string]bool{}
	for _, z := range resp.AvailableZones.AvailableZone {
		if z.RegionId != rmRegion || !strings.HasPrefix(z.ZoneId, rmRegion+"-") {
			t.Errorf("zone %s/%s", z.RegionId, z.ZoneId)
		}
		anyAvailable := false
		for _, r := range z.AvailableResources.AvailableResource {
			if r.Type != "InstanceType" {
				t.Errorf("%s: resource Type %q, want InstanceType", z.ZoneId, r.Type)
			}
			check := func(v, status, category string, min, max int, unit string, conditional bool) {
				if seen[v] {
					t.Errorf("%s is listed twice", v)
				}
				seen[v] = true
				if !(status == "Available" && category == "WithStock") && !(status == "SoldOut" && category == "WithoutStock") {
					t.Errorf("%s: Status %q StatusCategory %q", v, status, category)
				}
				if min != 0 || max != 0 || unit != "" {
					t.Errorf("%s: Min %d Max %d Unit %q for an instance type", v, min, max, unit)
				}
				if _, ok := cat.Type(v); !ok {
					t.Errorf("%s is not a catalog type", v)
				}
				anyAvailable = anyAvailable || status == "Available"
				out = append(out, rmOffer{Value: v, Zone: z.ZoneId, Status: status, StatusCategory: category, Conditional: conditional})
			}
			var values []string
			for _, v := range r.SupportedResources.SupportedResource {
				check(v.Value, v.Status, v.StatusCategory, v.Min, v.Max, v.Unit, false)
				values = append(values, v.Value)
			}
			rmWantSorted(t, cat, values)
			values = nil
			for _, v := range r.ConditionSupportedResources.ConditionSupportedResource {
				check(v.Value, v.Status, v.StatusCategory, v.Min, v.Max, v.Unit, true)
				if len(v.Conditions.Condition) != 1 || v.Conditions.Condition[0].Key != "DiskCategory" {
					t.Errorf("%s: Conditions %+v, want Key DiskCategory", v.Value, v.Conditions)
				}
				values = append(values, v.Value)
			}
			rmWantSorted(t, cat, values)
		}
		wantStatus, wantCategory := "SoldOut", "WithoutStock"
		if anyAvailable {
			wantStatus, wantCategory = "Available", "WithStock"
		}
		if z.Status != wantStatus || z.StatusCategory != wantCategory {
			t.Errorf("zone %s: Status %q StatusCategory %q, want %s %s", z.ZoneId, z.Status, z.StatusCategory, wantStatus, wantCategory)
		}
	}
	return out
}

// rmWantSorted checks types are sorted by vCPUs, then memory.
func rmWantSorted(t *testing.T, cat *catalog.Catalog, values []string) {
	t.Helper()
	if !slices.IsSortedFunc(values, func(a, b string) int {
		x, _ := cat.Type(a)
		y, _ := cat.Type(b)
		if x == nil || y == nil {
			return 0
		}
		if x.CpuCoreCount != y.CpuCoreCount {
			return x.CpuCoreCount - y.CpuCoreCount
		}
		switch {
		case x.MemorySize < y.MemorySize:
			return -1
		case x.MemorySize > y.MemorySize:
			return 1
		}
		return 0
	}) {
		t.Errorf("types not sorted by vCPUs then memory: %v", values)
	}
}

func rmByValue(offers []rmOffer) map[string]rmOffer {
	m := map[string]rmOffer{}
	for _, o := range offers {
		m[o.Value] = o
	}
	return m
}

func rmAvailable(offers []rmOffer) []string {
	var out []string
	for _, o := range offers {
		if o.Status == "Available" && !o.Conditional {
			out = append(out, o.Value)
		}
	}
	return out
}

func rmPrice(a *lcActor, id, typ string) (*ecs.DescribeInstanceModificationPriceResponse, error) {
	r := ecs.CreateDescribeInstanceModificationPriceRequest()
	r.RegionId = rmRegion
	r.InstanceId = id
	r.InstanceType = typ
	return a.v1.DescribeInstanceModificationPrice(r)
}

func rmModify(a *lcActor, id, typ, op string, edit func(*ecs.ModifyPrepayInstanceSpecRequest)) (*ecs.ModifyPrepayInstanceSpecResponse, error) {
	r := ecs.CreateModifyPrepayInstanceSpecRequest()
	r.RegionId = rmRegion
	r.InstanceId = id
	r.InstanceType = typ
	r.OperatorType = op
	if edit != nil {
		edit(r)
	}
	return a.v1.ModifyPrepayInstanceSpec(r)
}

// rmNow reads the manual clock.
func rmNow(t *testing.T, s *ecsdtest.Server) time.Time {
	t.Helper()
	var out struct{ Now, Mode string }
	if st := s.Admin(t, "GET", "/_ecsd/v1/clock", nil, &out); st != 200 || out.Mode != "manual" {
		t.Fatalf("GET clock: HTTP %d %+v", st, out)
	}
	now, err := time.Parse(time.RFC3339Nano, out.Now)
	if err != nil {
		t.Fatal(err)
	}
	return now
}

func rmBalance(t *testing.T, a *lcActor) money.Amount {
	t.Helper()
	v, err := money.Parse(a.account(t).Balance)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// rmListPrice is P(typ) in the test region.
func rmListPrice(t *testing.T, cat *catalog.Catalog, typ string) money.Amount {
	t.Helper()
	p, err := billing.MonthlyPrice(cat, rmRegion, typ)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// rmConfig is the instance's whole configuration as the API reports it
// (DescribeInstances, DescribeDisks), with its type set to typ and the
// disks of moves (disk id → category) moved.
func rmConfig(t *testing.T, a *lcActor, id, typ string, moves map[string]string) billing.Config {
	t.Helper()
	i := a.one(t, id)
	cfg := billing.Config{RegionID: rmRegion, InstanceType: typ, InternetChargeType: i.InternetChargeType, BandwidthOut: i.InternetMaxBandwidthOut}
	r := ecs.CreateDescribeDisksRequest()
	r.RegionId, r.InstanceId, r.PageSize = rmRegion, id, requests.NewInteger(100)
	resp, err := a.v1.DescribeDisks(r)
	if err != nil {
		t.Fatalf("DescribeDisks %s: %v", id, err)
	}
	for _, d := range resp.Disks.Disk {
		bd := billing.Disk{Category: d.Category, PerformanceLevel: d.PerformanceLevel, Size: d.Size}
		if c, ok := moves[d.DiskId]; ok {
			bd.Category, bd.PerformanceLevel = c, ""
		}
		if d.Type == "system" {
			cfg.SystemDisk = bd
		} else {
			cfg.DataDisks = append(cfg.DataDisks, bd)
		}
	}
	return cfg
}

// rmFee is the upgrade fee of changing the instance to typ with the disk
// moves: §5's fee over P(whole configuration) before and after.
func rmFee(t *testing.T, cat *catalog.Catalog, a *lcActor, id, typ string, moves map[string]string, now, until time.Time) money.Amount {
	t.Helper()
	cur := a.one(t, id).InstanceType
	old, err := billing.Monthly(cat, rmConfig(t, a, id, cur, nil))
	if err != nil {
		t.Fatal(err)
	}
	nw, err := billing.Monthly(cat, rmConfig(t, a, id, typ, moves))
	if err != nil {
		t.Fatal(err)
	}
	fee := billing.UpgradeFee(old.Total, nw.Total, now, until)
	if moves == nil && old.Total-rmListPrice(t, cat, cur) != nw.Total-rmListPrice(t, cat, typ) {
		// The disks and bandwidth cost the same with either type, so the
		// fee is the type's (the bundled system disk is ESSD for both).
		t.Errorf("%s → %s: the rest of the configuration costs %s before and %s after", cur, typ, old.Total-rmListPrice(t, cat, cur), nw.Total-rmListPrice(t, cat, typ))
	}
	return fee
}

// rmDearerDisk is a move of the instance's first data disk to a dearer
// category that typ supports, if there is one.
func rmDearerDisk(t *testing.T, a *lcActor, id string, to *catalog.InstanceType) map[string]string {
	t.Helper()
	r := ecs.CreateDescribeDisksRequest()
	r.RegionId, r.InstanceId, r.DiskType = rmRegion, id, "data"
	resp, err := a.v1.DescribeDisks(r)
	if err != nil {
		t.Fatalf("DescribeDisks %s: %v", id, err)
	}
	if len(resp.Disks.Disk) == 0 {
		return nil
	}
	d := resp.Disks.Disk[0]
	for _, c := range []string{"cloud_ssd", "cloud_essd"} {
		if c != d.Category && slices.Contains(to.SupportedDiskCategories, c) && (d.Category == "cloud_efficiency" || d.Category == "cloud") {
			return map[string]string{d.DiskId: c}
		}
	}
	return nil
}

// rmWaitType waits until DescribeInstances reports the new type.
func rmWaitType(t *testing.T, a *lcActor, id, typ string) ecs.Instance {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for {
		i := a.one(t, id)
		if i.InstanceType == typ {
			return i
		}
		if time.Now().After(deadline) {
			t.Fatalf("after 15s %s is %s, want %s", id, i.InstanceType, typ)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func rmWantPrice(t *testing.T, what string, resp *ecs.DescribeInstanceModificationPriceResponse, want money.Amount) {
	t.Helper()
	p := resp.PriceInfo.Price
	lcPrice(t, what+" TradePrice", p.TradePrice, want.String())
	lcPrice(t, what+" OriginalPrice", p.OriginalPrice, want.String())
	lcPrice(t, what+" DiscountPrice", p.DiscountPrice, "0")
	if p.Currency != "CNY" {
		t.Errorf("%s: Currency %q", what, p.Currency)
	}
}

// rmPromise checks what DescribeResourcesModification promises for an
// upgrade of the instance against the whole catalog, with the clock
// standing still: every type offered as Available is quoted by
// DescribeInstanceModificationPrice at billing.UpgradeFee over the whole
// configuration (disks and bandwidth included), every other type is
// refused by ModifyPrepayInstanceSpec (and by the price action) and
// nothing changes; then it upgrades three times to offered types, each
// charged exactly the quote — or, when the second moves a data disk to a
// dearer category (Disk.N), the quote plus the disk's difference.
func rmPromise(t *testing.T, s *ecsdtest.Server, cat *catalog.Catalog, a *lcActor, id string) {
	t.Helper()
	now := rmNow(t, s)
	inst := a.one(t, id)
	from, status := inst.InstanceType, inst.Status
	expired := lcParseMinute(t, inst.ExpiredTime)
	offers := rmByValue(rmDescribe(t, cat, a, id, "Upgrade", nil))
	before := rmBalance(t, a)
	available := 0
	for _, typ := range cat.Types() {
		v := typ.InstanceTypeId
		o, listed := offers[v]
		if listed && o.Zone != inst.ZoneId {
			t.Errorf("%s offered in %s, not in the instance's zone %s (MigrateAcrossZone=false)", v, o.Zone, inst.ZoneId)
		}
		if listed && o.Status == "Available" {
			available++
			want := rmFee(t, cat, a, id, v, nil, now, expired)
			if want <= 0 {
				t.Errorf("%s → %s offered as an upgrade with a fee of %s", from, v, want)
			}
			resp, err := rmPrice(a, id, v)
			if err != nil {
				t.Errorf("%s → %s is offered, but DescribeInstanceModificationPrice: %v", from, v, err)
				continue
			}
			rmWantPrice(t, from+" → "+v, resp, want)
			continue
		}
		_, err := rmModify(a, id, v, "upgrade", nil)
		if err == nil {
			t.Fatalf("%s → %s is not offered (listed %v), but ModifyPrepayInstanceSpec accepted it", from, v, listed)
		}
		if listed {
			lcWantV1(t, from+" → sold-out "+v, err, "OperationDenied.NoStock", 403)
		}
		if _, err := rmPrice(a, id, v); err == nil {
			t.Errorf("%s → %s is not offered, but DescribeInstanceModificationPrice quotes it", from, v)
		}
	}
	if available == 0 {
		t.Fatalf("%s (%s) is offered no upgrade", from, status)
	}
	t.Logf("%s (%s): %d of %d catalog types offered for an upgrade (%d listed)", from, status, available, len(cat.Types()), len(offers))
	if after := rmBalance(t, a); after != before {
		t.Errorf("refused changes moved the balance from %s to %s", before, after)
	}
	if got := a.one(t, id); got.InstanceType != from || got.Status != status {
		t.Errorf("refused changes left %s as %s %s, want %s %s", id, got.InstanceType, got.Status, from, status)
	}

	// Three changes to offered types, each charged its quote.
	for step := range 3 {
		cur := a.one(t, id).InstanceType
		avail := rmAvailable(rmDescribe(t, cat, a, id, "Upgrade", nil))
		if len(avail) == 0 {
			t.Fatalf("step %d: %s is offered no upgrade", step, cur)
		}
		pick := avail[[]int{0, len(avail) / 2, len(avail) - 1}[step]]
		want := rmFee(t, cat, a, id, pick, nil, now, expired)
		quote, err := rmPrice(a, id, pick)
		if err != nil {
			t.Fatalf("quote %s → %s: %v", cur, pick, err)
		}
		rmWantPrice(t, cur+" → "+pick, quote, want)
		var edit func(*ecs.ModifyPrepayInstanceSpecRequest)
		to, _ := cat.Type(pick)
		if moves := rmDearerDisk(t, a, id, to); step == 1 && moves != nil {
			withDisk := rmFee(t, cat, a, id, pick, moves, now, expired)
			if withDisk <= want {
				t.Errorf("%s → %s moving %v: fee %s, not more than %s without the move", cur, pick, moves, withDisk, want)
			}
			want = withDisk
			edit = func(r *ecs.ModifyPrepayInstanceSpecRequest) {
				for d, c := range moves {
					r.Disk = &[]ecs.ModifyPrepayInstanceSpecDisk{{DiskId: d, Category: c}}
				}
			}
		}
		bal := rmBalance(t, a)
		resp, err := rmModify(a, id, pick, "upgrade", edit)
		if err != nil {
			t.Fatalf("%s → %s was offered and quoted %s, but ModifyPrepayInstanceSpec: %v", cur, pick, want, err)
		}
		if o := a.orderDetail(t, resp.OrderId); o.PretaxAmount != want.String() || !strings.EqualFold(o.OrderType, "upgrade") {
			t.Errorf("%s → %s: order %s amount %s type %s, want the quote %s, Upgrade", cur, pick, resp.OrderId, o.PretaxAmount, o.OrderType, want)
		}
		if got := bal - rmBalance(t, a); got != want {
			t.Errorf("%s → %s: the balance went down by %s, want the quote %s", cur, pick, got, want)
		}
		rmWaitType(t, a, id, pick)
	}
}

// TestResourcesModification checks DescribeResourcesModification and
// DescribeInstanceModificationPrice through both SDKs on both stores: what
// they promise is what ModifyPrepayInstanceSpec does, over the whole
// catalog; the documented fields; both index bases of Conditions.N; every
// documented error. The clock is manual and stands still until the last
// part, which lets subscriptions expire.
func TestResourcesModification(t *testing.T) {
	t.Parallel()
	start := time.Date(2026, 3, 10, 4, 0, 0, 0, time.UTC) // 12:00 UTC+8; subscriptions end 2026-04-10T16:00Z
	cat := catalog.Default()
	ecsdtest.Each(t, ecsdtest.Options{ManualClock: true, ClockStart: start}, func(t *testing.T, s *ecsdtest.Server) {
		old := lcAccount(t, s, "rm-expiring", "10000.00", "0.00")
		oldID := rmBuy(t, old, "cn-hangzhou-g", "ecs.g6.large")

		// The clock stands still while these run in parallel.
		t.Run("still", func(t *testing.T) {
			for _, c := range []struct {
				name, zone, typ string
				stop            bool
			}{
				{"g6.large Running", "cn-hangzhou-h", "ecs.g6.large", false},
				{"c6.xlarge Stopped", "cn-hangzhou-i", "ecs.c6.xlarge", true},
				{"r7.large Running", "cn-hangzhou-j", "ecs.r7.large", false},
				{"g6.large with disks and bandwidth Running", "cn-hangzhou-k", "ecs.g6.large", false},
			} {
				t.Run("Promise "+c.name, func(t *testing.T) {
					t.Parallel()
					a := lcAccount(t, s, "rm-"+c.typ, "100000.00", "0.00")
					var opts []func(*ecs.RunInstancesRequest)
					if strings.Contains(c.name, "disks") {
						opts = append(opts, lcParam("SystemDisk.Size", "80"), lcParam("SystemDisk.PerformanceLevel", "PL2"),
							lcParam("DataDisk.1.Category", "cloud_efficiency"), lcParam("DataDisk.1.Size", "200"),
							lcParam("InternetChargeType", "PayByBandwidth"), lcParam("InternetMaxBandwidthOut", "3"))
					}
					id := rmBuy(t, a, c.zone, c.typ, opts...)
					if c.stop {
						rmStop(t, a, id)
					}
					rmPromise(t, s, cat, a, id)
					if strings.Contains(c.name, "disks") {
						r := ecs.CreateDescribeDisksRequest()
						r.RegionId, r.InstanceId, r.DiskType = rmRegion, id, "data"
						resp, err := a.v1.DescribeDisks(r)
						if err != nil || len(resp.Disks.Disk) != 1 || resp.Disks.Disk[0].Category == "cloud_efficiency" {
							t.Errorf("the second upgrade did not move the data disk to a dearer category: %+v, %v", resp, err)
						}
					}
				})
			}
			t.Run("Downgrade", func(t *testing.T) { t.Parallel(); rmTestDowngrade(t, s, cat) })
			t.Run("Zones", func(t *testing.T) { t.Parallel(); rmTestZones(t, s, cat) })
			t.Run("Conditions", func(t *testing.T) { t.Parallel(); rmTestConditions(t, s, cat) })
			t.Run("Renewal", func(t *testing.T) { t.Parallel(); rmTestRenewal(t, s, cat) })
			t.Run("Fields", func(t *testing.T) { t.Parallel(); rmTestFields(t, s, cat) })
			t.Run("Errors", func(t *testing.T) { t.Parallel(); rmTestErrors(t, s) })
		})

		// Expiry: the price action says InstanceExpired, the upgrade list
		// the rules' InvalidInstance.PreInstanceExpired; a renewal with a
		// change is still offered.
		lcSetClock(t, s, "2026-04-11T00:00:00Z")
		if st := old.one(t, oldID).Status; st != "Stopped" {
			t.Fatalf("expired instance is %s", st)
		}
		_, err := rmPrice(old, oldID, "ecs.g6.xlarge")
		lcWantV1(t, "price of an expired instance", err, "InstanceExpired", 403)
		_, err = old.v2.DescribeInstanceModificationPrice(&ecs2.DescribeInstanceModificationPriceRequest{
			RegionId: dara.String(rmRegion), InstanceId: dara.String(oldID), InstanceType: dara.String("ecs.g6.xlarge"),
		})
		lcWantV2(t, "price of an expired instance", err, "InstanceExpired", 403)
		_, err = old.v1.DescribeResourcesModification(rmDescribeReq(oldID, "Upgrade", nil))
		lcWantV1(t, "upgrades of an expired instance", err, "InvalidInstance.PreInstanceExpired", 403)
		_, err = rmModify(old, oldID, "ecs.g6.xlarge", "upgrade", nil)
		lcWantV1(t, "upgrade an expired instance", err, "InvalidInstance.PreInstanceExpired", 403)
		if renew := rmDescribe(t, cat, old, oldID, "RenewModify", nil); len(renew) == 0 {
			t.Error("RenewModify offers nothing for an expired instance")
		}
	})
}

// rmTestDowngrade: downgrades need a Stopped instance; every type not
// offered for a downgrade is refused, and an offered one is refunded as
// billing.DowngradeRefund says.
func rmTestDowngrade(t *testing.T, s *ecsdtest.Server, cat *catalog.Catalog) {
	a := lcAccount(t, s, "rm-downgrade", "10000.00", "0.00")
	id := rmBuy(t, a, "cn-hangzhou-i", "ecs.c6.2xlarge")
	if offers := rmDescribe(t, cat, a, id, "Downgrade", nil); len(offers) != 0 {
		t.Errorf("a Running instance is offered downgrades: %+v", offers)
	}
	rmStop(t, a, id)
	now := rmNow(t, s)
	inst := a.one(t, id)
	expired := lcParseMinute(t, inst.ExpiredTime)
	offers := rmDescribe(t, cat, a, id, "Downgrade", nil)
	byValue := rmByValue(offers)
	pOld := rmListPrice(t, cat, inst.InstanceType)
	before := rmBalance(t, a)
	for _, typ := range cat.Types() {
		if o, ok := byValue[typ.InstanceTypeId]; ok {
			if p := rmListPrice(t, cat, typ.InstanceTypeId); p > pOld {
				t.Errorf("Downgrade offers %s at %s, dearer than %s at %s", typ.InstanceTypeId, p, inst.InstanceType, pOld)
			}
			if o.Status == "Available" {
				continue
			}
		}
		if _, err := rmModify(a, id, typ.InstanceTypeId, "downgrade", nil); err == nil {
			t.Fatalf("%s → %s is not offered for a downgrade, but ModifyPrepayInstanceSpec accepted it", inst.InstanceType, typ.InstanceTypeId)
		}
	}
	if after := rmBalance(t, a); after != before {
		t.Errorf("refused downgrades moved the balance from %s to %s", before, after)
	}
	avail := rmAvailable(offers)
	if len(avail) == 0 {
		t.Fatal("no downgrade offered")
	}
	pick := avail[len(avail)-1]
	cash := rmListPrice(t, cat, inst.InstanceType) // the purchase, paid in cash
	want := billing.DowngradeRefund(pOld, rmListPrice(t, cat, pick), now, expired, cash, 0, 0)
	if _, err := rmModify(a, id, pick, "downgrade", nil); err != nil {
		t.Fatalf("offered downgrade %s → %s: %v", inst.InstanceType, pick, err)
	}
	if got := rmBalance(t, a) - before; got != want || want <= 0 {
		t.Errorf("downgrade %s → %s refunded %s, want %s", inst.InstanceType, pick, got, want)
	}
	rmWaitType(t, a, id, pick)
}

// rmTestZones: a type sold out in the instance's zone is SoldOut there and
// refused for lack of stock; with MigrateAcrossZone it is offered in the
// zone the change moves the instance to, and the change goes there. ZoneId,
// Cores, Memory and InstanceType filter the answer.
func rmTestZones(t *testing.T, s *ecsdtest.Server, cat *catalog.Catalog) {
	const home, soldOut = "cn-hangzhou-k", "ecs.g6.2xlarge" // the catalog's stock of it in k is 0
	a := lcAccount(t, s, "rm-zones", "10000.00", "0.00")
	id := rmBuy(t, a, home, "ecs.g6.large")
	if o, ok := rmByValue(rmDescribe(t, cat, a, id, "Upgrade", nil))[soldOut]; !ok || o.Zone != home || o.Status != "SoldOut" || o.StatusCategory != "WithoutStock" {
		t.Errorf("%s in %s: %+v (listed %v), want SoldOut WithoutStock", soldOut, home, o, ok)
	}
	_, err := rmModify(a, id, soldOut, "upgrade", nil)
	lcWantV1(t, "sold out", err, "OperationDenied.NoStock", 403)
	_, err = rmPrice(a, id, soldOut)
	lcWantV1(t, "price of a sold-out type", err, "OperationDenied.NoStock", 403)

	migrate := func(r *ecs.DescribeResourcesModificationRequest) { r.MigrateAcrossZone = requests.NewBoolean(true) }
	offers := rmDescribe(t, cat, a, id, "Upgrade", migrate)
	byValue := rmByValue(offers)
	if o := byValue[soldOut]; o.Zone != "cn-hangzhou-g" || o.Status != "Available" {
		t.Errorf("MigrateAcrossZone: %s offered %+v, want Available in cn-hangzhou-g", soldOut, o)
	}
	if len(offers) == 0 || offers[0].Zone != home {
		t.Errorf("MigrateAcrossZone: the instance's zone is not answered first: %+v", offers)
	}
	for _, o := range offers {
		if o.Zone != home && cat.ZoneOffers(home, o.Value) && lcStock(t, s, home, o.Value) > 0 {
			t.Errorf("%s offered in %s though %s has it in stock", o.Value, o.Zone, home)
		}
	}
	resp, err := a.v1.DescribeResourcesModification(rmDescribeReq(id, "Upgrade", func(r *ecs.DescribeResourcesModificationRequest) {
		migrate(r)
		r.ZoneId = "cn-hangzhou-g"
	}))
	if err != nil {
		t.Fatal(err)
	}
	if zs := resp.AvailableZones.AvailableZone; len(zs) != 1 || zs[0].ZoneId != "cn-hangzhou-g" {
		t.Errorf("ZoneId=cn-hangzhou-g answered %+v", zs)
	}
	for _, f := range []struct {
		name string
		edit func(*ecs.DescribeResourcesModificationRequest)
		keep func(*catalog.InstanceType) bool
	}{
		{"Cores=4", func(r *ecs.DescribeResourcesModificationRequest) { r.Cores = requests.NewInteger(4) }, func(x *catalog.InstanceType) bool { return x.CpuCoreCount == 4 }},
		{"Memory=16", func(r *ecs.DescribeResourcesModificationRequest) { r.Memory = requests.NewFloat(16) }, func(x *catalog.InstanceType) bool { return x.MemorySize == 16 }},
		{"InstanceType", func(r *ecs.DescribeResourcesModificationRequest) { r.InstanceType = "ecs.g6.xlarge" }, func(x *catalog.InstanceType) bool { return x.InstanceTypeId == "ecs.g6.xlarge" }},
	} {
		got := rmDescribe(t, cat, a, id, "Upgrade", f.edit)
		var want []string
		for _, o := range rmDescribe(t, cat, a, id, "Upgrade", nil) {
			if x, _ := cat.Type(o.Value); f.keep(x) {
				want = append(want, o.Value)
			}
		}
		var values []string
		for _, o := range got {
			values = append(values, o.Value)
		}
		if len(want) == 0 || !slices.Equal(values, want) {
			t.Errorf("%s: %v, want %v", f.name, values, want)
		}
	}

	// The change goes where the answer said.
	if _, err := rmModify(a, id, soldOut, "upgrade", func(r *ecs.ModifyPrepayInstanceSpecRequest) { r.MigrateAcrossZone = requests.NewBoolean(true) }); err != nil {
		t.Fatalf("offered across zones, but: %v", err)
	}
	if i := rmWaitType(t, a, id, soldOut); i.ZoneId != "cn-hangzhou-g" {
		t.Errorf("moved to %s, want cn-hangzhou-g", i.ZoneId)
	}
}

// rmTestConditions: with a data disk the ESSD-only families do not support,
// those families are offered only under Conditions.N=DiskCategory — given
// 0-based or 1-based — and ModifyPrepayInstanceSpec accepts them with
// Disk.N changing that disk's category.
func rmTestConditions(t *testing.T, s *ecsdtest.Server, cat *catalog.Catalog) {
	a := lcAccount(t, s, "rm-conditions", "10000.00", "0.00")
	id := rmBuy(t, a, "cn-hangzhou-j", "ecs.g6.large", lcParam("SystemDisk.Category", "cloud_essd"),
		lcParam("DataDisk.1.Category", "cloud_efficiency"), lcParam("DataDisk.1.Size", "40"))
	plain := rmByValue(rmDescribe(t, cat, a, id, "Upgrade", nil))
	if _, ok := plain["ecs.g7.large"]; ok {
		t.Error("ecs.g7.large offered without the DiskCategory condition, though it does not support the cloud_efficiency data disk")
	}
	if _, ok := plain["ecs.g6.xlarge"]; !ok {
		t.Error("ecs.g6.xlarge not offered")
	}
	oneBased, err := a.v1.DescribeResourcesModification(rmDescribeReq(id, "Upgrade", func(r *ecs.DescribeResourcesModificationRequest) {
		r.Conditions = &[]string{"DiskCategory"}
	}))
	if err != nil {
		t.Fatal(err)
	}
	zeroBased, err := a.v1.DescribeResourcesModification(rmDescribeReq(id, "Upgrade", func(r *ecs.DescribeResourcesModificationRequest) {
		r.QueryParams["Conditions.0"] = "DiskCategory"
	}))
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(oneBased.AvailableZones, zeroBased.AvailableZones) {
		t.Errorf("Conditions.0 and Conditions.1 answered differently:\n%+v\n%+v", zeroBased.AvailableZones, oneBased.AvailableZones)
	}
	offers := rmOffers(t, cat, oneBased)
	var conditional []string
	for _, o := range offers {
		if o.Conditional {
			conditional = append(conditional, o.Value)
			if x, _ := cat.Type(o.Value); slices.Contains(x.SupportedDiskCategories, "cloud_efficiency") {
				t.Errorf("%s is conditional though it supports the data disk", o.Value)
			}
		} else if _, ok := plain[o.Value]; !ok {
			t.Errorf("%s is offered unconditionally only with Conditions", o.Value)
		}
	}
	if !slices.Contains(conditional, "ecs.g7.large") {
		t.Fatalf("Conditions=DiskCategory offers %v, want ecs.g7.large among them", conditional)
	}
	v2, err := a.v2.DescribeResourcesModification(&ecs2.DescribeResourcesModificationRequest{
		RegionId: dara.String(rmRegion), ResourceId: dara.String(id), DestinationResource: dara.String("InstanceType"),
		OperationType: dara.String("Upgrade"), Conditions: []*string{dara.String("DiskCategory")},
	})
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, z := range v2.Body.AvailableZones.AvailableZone {
		for _, r := range z.AvailableResources.AvailableResource {
			if r.ConditionSupportedResources != nil {
				for _, c := range r.ConditionSupportedResources.ConditionSupportedResource {
					n++
					if dara.StringValue(c.Conditions.Condition[0].Key) != "DiskCategory" {
						t.Errorf("v2: %s condition %v", dara.StringValue(c.Value), c.Conditions)
					}
				}
			}
		}
	}
	if n != len(conditional) {
		t.Errorf("v2: %d conditional types, v1 %d", n, len(conditional))
	}

	_, err = rmModify(a, id, "ecs.g7.large", "upgrade", nil)
	lcWantV1(t, "g7 with a cloud_efficiency data disk", err, "InvalidInstanceType.NotSupportDiskCategory", 403)
	dr := ecs.CreateDescribeDisksRequest()
	dr.RegionId = rmRegion
	dr.InstanceId = id
	dr.DiskType = "data"
	disks, err := a.v1.DescribeDisks(dr)
	if err != nil || len(disks.Disks.Disk) != 1 {
		t.Fatalf("DescribeDisks: %v %+v", err, disks)
	}
	if _, err := rmModify(a, id, "ecs.g7.large", "upgrade", func(r *ecs.ModifyPrepayInstanceSpecRequest) {
		r.Disk = &[]ecs.ModifyPrepayInstanceSpecDisk{{DiskId: disks.Disks.Disk[0].DiskId, Category: "cloud_essd"}}
	}); err != nil {
		t.Fatalf("offered under DiskCategory, but with Disk.1.Category=cloud_essd: %v", err)
	}
	rmWaitType(t, a, id, "ecs.g7.large")
}

// rmTestRenewal: RenewDowngrade offers cheaper compatible types of the
// zone, RenewModify any compatible ones.
func rmTestRenewal(t *testing.T, s *ecsdtest.Server, cat *catalog.Catalog) {
	a := lcAccount(t, s, "rm-renewal", "10000.00", "0.00")
	id := rmBuy(t, a, "cn-hangzhou-h", "ecs.g6.xlarge")
	pOld := rmListPrice(t, cat, "ecs.g6.xlarge")
	down := rmDescribe(t, cat, a, id, "RenewDowngrade", nil)
	modify := rmByValue(rmDescribe(t, cat, a, id, "RenewModify", nil))
	if len(down) == 0 || len(modify) <= len(down) {
		t.Fatalf("RenewDowngrade %d types, RenewModify %d", len(down), len(modify))
	}
	for _, o := range down {
		x, _ := cat.Type(o.Value)
		if p := rmListPrice(t, cat, o.Value); p >= pOld || !cat.CanChange("ecs.g6.xlarge", o.Value) || x.Retired || o.Zone != "cn-hangzhou-h" {
			t.Errorf("RenewDowngrade offers %s (%s, zone %s)", o.Value, p, o.Zone)
		}
		if _, ok := modify[o.Value]; !ok {
			t.Errorf("RenewModify lacks %s", o.Value)
		}
	}
	if _, ok := modify["ecs.g6.2xlarge"]; !ok {
		t.Error("RenewModify lacks ecs.g6.2xlarge")
	}
}

// rmTestFields: the documented fields arrive through both SDKs.
func rmTestFields(t *testing.T, s *ecsdtest.Server, cat *catalog.Catalog) {
	a := lcAccount(t, s, "rm-fields", "10000.00", "0.00")
	id := rmBuy(t, a, "cn-hangzhou-h", "ecs.g6.large")

	resp, err := a.v1.DescribeResourcesModification(rmDescribeReq(id, "", nil)) // Upgrade by default
	if err != nil {
		t.Fatal(err)
	}
	raw := resp.GetHttpContentString()
	if !strings.Contains(raw, `"AvailableZones":{"AvailableZone":[{`) || !strings.Contains(raw, `"AvailableResources":{"AvailableResource":[{`) ||
		!strings.Contains(raw, `"SupportedResources":{"SupportedResource":[{`) || strings.Contains(raw, `"Min"`) || strings.Contains(raw, `"Unit"`) {
		t.Errorf("raw answer: %.400s", raw)
	}
	zs := resp.AvailableZones.AvailableZone
	if len(zs) != 1 || zs[0].ZoneId != "cn-hangzhou-h" || zs[0].RegionId != rmRegion || zs[0].Status != "Available" || zs[0].StatusCategory != "WithStock" {
		t.Fatalf("zones %+v", zs)
	}
	res := zs[0].AvailableResources.AvailableResource
	if len(res) != 1 || res[0].Type != "InstanceType" || len(res[0].SupportedResources.SupportedResource) == 0 {
		t.Fatalf("resources %+v", res)
	}
	first := res[0].SupportedResources.SupportedResource[0]
	if first.Value == "" || first.Status != "Available" || first.StatusCategory != "WithStock" {
		t.Errorf("first resource %+v", first)
	}
	v1Values := rmOffers(t, cat, resp)
	xmlReq := rmDescribeReq(id, "Upgrade", nil)
	xmlReq.AcceptFormat = "XML"
	if x, err := a.v1.DescribeResourcesModification(xmlReq); err != nil {
		t.Errorf("Format=XML: %v", err)
	} else if !reflect.DeepEqual(x.AvailableZones, resp.AvailableZones) {
		t.Errorf("Format=XML answered %+v", x.AvailableZones)
	}

	v2, err := a.v2.DescribeResourcesModification(&ecs2.DescribeResourcesModificationRequest{
		RegionId: dara.String(rmRegion), ResourceId: dara.String(id), DestinationResource: dara.String("InstanceType"), OperationType: dara.String("Upgrade"),
	})
	if err != nil {
		t.Fatal(err)
	}
	z2 := v2.Body.AvailableZones.AvailableZone
	if len(z2) != 1 || dara.StringValue(z2[0].ZoneId) != "cn-hangzhou-h" || dara.StringValue(z2[0].RegionId) != rmRegion ||
		dara.StringValue(z2[0].Status) != "Available" || dara.StringValue(z2[0].StatusCategory) != "WithStock" || len(dara.StringValue(v2.Body.RequestId)) != 36 {
		t.Fatalf("v2 zones %+v", z2)
	}
	r2 := z2[0].AvailableResources.AvailableResource
	if len(r2) != 1 || dara.StringValue(r2[0].Type) != "InstanceType" || len(r2[0].SupportedResources.SupportedResource) != len(v1Values) {
		t.Fatalf("v2 resources %+v", r2)
	}
	for k, v := range r2[0].SupportedResources.SupportedResource {
		if dara.StringValue(v.Value) != v1Values[k].Value || dara.StringValue(v.Status) != v1Values[k].Status ||
			dara.StringValue(v.StatusCategory) != v1Values[k].StatusCategory || v.Min != nil || v.Max != nil || v.Unit != nil {
			t.Errorf("v2 resource %d: %s, v1 %+v", k, dara.Prettify(v), v1Values[k])
		}
	}

	// SystemDisk: the categories of the type, 20–2048 GiB.
	sd, err := a.v1.DescribeResourcesModification(rmDescribeReq(id, "Upgrade", func(r *ecs.DescribeResourcesModificationRequest) {
		r.DestinationResource = "SystemDisk"
		r.InstanceType = "ecs.g7.large"
	}))
	if err != nil {
		t.Fatal(err)
	}
	var cats []string
	for _, z := range sd.AvailableZones.AvailableZone {
		for _, r := range z.AvailableResources.AvailableResource {
			if r.Type != "SystemDisk" {
				t.Errorf("SystemDisk answer Type %q", r.Type)
			}
			for _, v := range r.SupportedResources.SupportedResource {
				cats = append(cats, v.Value)
				if v.Min != 20 || v.Max != 2048 || v.Unit != "GiB" || v.Status != "Available" || v.StatusCategory != "WithStock" {
					t.Errorf("SystemDisk %+v", v)
				}
			}
		}
	}
	g7, _ := cat.Type("ecs.g7.large")
	if !slices.Equal(cats, g7.SupportedDiskCategories) {
		t.Errorf("SystemDisk categories %v, want %v", cats, g7.SupportedDiskCategories)
	}
	sd2, err := a.v2.DescribeResourcesModification(&ecs2.DescribeResourcesModificationRequest{
		RegionId: dara.String(rmRegion), ResourceId: dara.String(id), DestinationResource: dara.String("SystemDisk"), InstanceType: dara.String("ecs.g7.large"),
	})
	if err != nil {
		t.Fatal(err)
	}
	v := sd2.Body.AvailableZones.AvailableZone[0].AvailableResources.AvailableResource[0].SupportedResources.SupportedResource[0]
	if dara.StringValue(v.Value) != "cloud_essd" || dara.Int32Value(v.Min) != 20 || dara.Int32Value(v.Max) != 2048 || dara.StringValue(v.Unit) != "GiB" {
		t.Errorf("v2 SystemDisk %s", dara.Prettify(v))
	}

	// The price, through v2.
	inst := a.one(t, id)
	want := billing.UpgradeFee(rmListPrice(t, cat, "ecs.g6.large"), rmListPrice(t, cat, "ecs.g6.xlarge"), rmNow(t, s), lcParseMinute(t, inst.ExpiredTime))
	p2, err := a.v2.DescribeInstanceModificationPrice(&ecs2.DescribeInstanceModificationPriceRequest{
		RegionId: dara.String(rmRegion), InstanceId: dara.String(id), InstanceType: dara.String("ecs.g6.xlarge"),
	})
	if err != nil {
		t.Fatal(err)
	}
	pr := p2.Body.PriceInfo.Price
	lcPrice(t, "v2 TradePrice", float64(dara.Float32Value(pr.TradePrice)), want.String())
	lcPrice(t, "v2 OriginalPrice", float64(dara.Float32Value(pr.OriginalPrice)), want.String())
	if dara.Float32Value(pr.DiscountPrice) != 0 || dara.StringValue(pr.Currency) != "CNY" || len(dara.StringValue(p2.Body.RequestId)) != 36 {
		t.Errorf("v2 price %s", dara.Prettify(p2.Body))
	}
	p1, err := rmPrice(a, id, "ecs.g6.xlarge")
	if err != nil {
		t.Fatal(err)
	}
	rmWantPrice(t, "v1", p1, want)
	var body map[string]any
	if err := json.Unmarshal([]byte(p1.GetHttpContentString()), &body); err != nil {
		t.Fatal(err)
	}
	if rules, _ := body["PriceInfo"].(map[string]any)["Rules"].(map[string]any); rules == nil || rules["Rule"] == nil {
		t.Errorf("PriceInfo.Rules.Rule missing: %s", p1.GetHttpContentString())
	}
}

// rmTestErrors: every documented error, with its code and HTTP status.
func rmTestErrors(t *testing.T, s *ecsdtest.Server) {
	a := lcAccount(t, s, "rm-errors", "10000.00", "0.00")
	id := rmBuy(t, a, "cn-hangzhou-i", "ecs.g6.large")
	post := a.mustRun(t, lcZone("cn-hangzhou-i")).InstanceIdSets.InstanceIdSet[0]
	other := lcAccount(t, s, "rm-errors-other", "10000.00", "0.00")

	describe := func(what, code string, status int, edit func(*ecs.DescribeResourcesModificationRequest)) {
		t.Helper()
		_, err := a.v1.DescribeResourcesModification(rmDescribeReq(id, "Upgrade", edit))
		lcWantV1(t, what, err, code, status)
	}
	describe("no DestinationResource", "Invalid.Param", 400, func(r *ecs.DescribeResourcesModificationRequest) { r.DestinationResource = "" })
	describe("DestinationResource=DataDisk", "Invalid.DestinationResource", 404, func(r *ecs.DescribeResourcesModificationRequest) { r.DestinationResource = "DataDisk" })
	describe("OperationType=Sideways", "Invalid.OperationType", 400, func(r *ecs.DescribeResourcesModificationRequest) { r.OperationType = "Sideways" })
	describe("InstanceType and Cores", "InvalidParam.TypeAndCpuMem.Conflict", 403, func(r *ecs.DescribeResourcesModificationRequest) {
		r.InstanceType, r.Cores = "ecs.g6.xlarge", requests.NewInteger(4)
	})
	describe("InstanceType and Memory", "InvalidParam.TypeAndCpuMem.Conflict", 403, func(r *ecs.DescribeResourcesModificationRequest) {
		r.InstanceType, r.Memory = "ecs.g6.xlarge", requests.NewFloat(16)
	})
	describe("SystemDisk with Cores", "InvalidParam.Cores", 403, func(r *ecs.DescribeResourcesModificationRequest) {
		r.DestinationResource, r.InstanceType, r.Cores = "SystemDisk", "ecs.g7.large", requests.NewInteger(2)
	})
	describe("SystemDisk with Memory", "InvalidParam.Memory", 403, func(r *ecs.DescribeResourcesModificationRequest) {
		r.DestinationResource, r.InstanceType, r.Memory = "SystemDisk", "ecs.g7.large", requests.NewFloat(8)
	})
	describe("SystemDisk without InstanceType", "MissingParameter", 400, func(r *ecs.DescribeResourcesModificationRequest) { r.DestinationResource = "SystemDisk" })
	describe("SystemDisk of an unknown type", "InvalidInstanceType.ValueNotSupported", 400, func(r *ecs.DescribeResourcesModificationRequest) {
		r.DestinationResource, r.InstanceType = "SystemDisk", "ecs.nope.large"
	})
	describe("no ResourceId", "MissingParameter", 400, func(r *ecs.DescribeResourcesModificationRequest) { r.ResourceId = "" })
	describe("ResourceId not an instance id", "Invalid.ResourceId", 404, func(r *ecs.DescribeResourcesModificationRequest) { r.ResourceId = "d-bp1notaninstance" })
	describe("unknown instance", "InvalidInstanceId.NotFound", 404, func(r *ecs.DescribeResourcesModificationRequest) { r.ResourceId = "i-bp" + strings.Repeat("9", 18) })
	describe("unknown region", "InvalidRegionId.NotFound", 404, func(r *ecs.DescribeResourcesModificationRequest) { r.RegionId = "cn-nowhere" })
	describe("unknown zone", "InvalidZoneId.NotFound", 404, func(r *ecs.DescribeResourcesModificationRequest) { r.ZoneId = "cn-shanghai-e" })
	describe("unknown condition", "InvalidParameter", 400, func(r *ecs.DescribeResourcesModificationRequest) { r.Conditions = &[]string{"Weather"} })
	describe("pay-as-you-go instance", "InvalidBillingMethod.ValueNotSupported", 400, func(r *ecs.DescribeResourcesModificationRequest) { r.ResourceId = post })
	_, err := other.v1.DescribeResourcesModification(rmDescribeReq(id, "Upgrade", nil))
	lcWantV1(t, "another account's instance", err, "InvalidInstanceId.NotFound", 404)
	_, err = a.v2.DescribeResourcesModification(&ecs2.DescribeResourcesModificationRequest{
		RegionId: dara.String(rmRegion), ResourceId: dara.String(id), DestinationResource: dara.String("Network"),
	})
	lcWantV2(t, "DestinationResource=Network", err, "Invalid.DestinationResource", 404)
	_, err = a.v2.DescribeResourcesModification(&ecs2.DescribeResourcesModificationRequest{
		RegionId: dara.String(rmRegion), ResourceId: dara.String(id), DestinationResource: dara.String("InstanceType"),
		InstanceType: dara.String("ecs.g6.xlarge"), Cores: dara.Int32(4),
	})
	lcWantV2(t, "InstanceType and Cores", err, "InvalidParam.TypeAndCpuMem.Conflict", 403)

	price := func(what, code string, status int, edit func(*ecs.DescribeInstanceModificationPriceRequest)) {
		t.Helper()
		r := ecs.CreateDescribeInstanceModificationPriceRequest()
		r.RegionId = rmRegion
		r.InstanceId = id
		r.InstanceType = "ecs.g6.xlarge"
		edit(r)
		_, err := a.v1.DescribeInstanceModificationPrice(r)
		lcWantV1(t, what, err, code, status)
	}
	price("neither InstanceType nor DataDisk", "MissingParameter.InstanceTypeOrDataDisk", 400, func(r *ecs.DescribeInstanceModificationPriceRequest) { r.InstanceType = "" })
	price("a downgrade", "InvalidInstanceType.NotSupportUpgrade", 403, func(r *ecs.DescribeInstanceModificationPriceRequest) { r.InstanceType = "ecs.t6-c1m1.large" })
	price("pay-as-you-go instance", "ChargeTypeViolation", 403, func(r *ecs.DescribeInstanceModificationPriceRequest) { r.InstanceId = post })
	price("unknown instance", "InvalidInstanceId.NotFound", 404, func(r *ecs.DescribeInstanceModificationPriceRequest) { r.InstanceId = "i-bp" + strings.Repeat("8", 18) })
	price("no InstanceId", "MissingParameter", 400, func(r *ecs.DescribeInstanceModificationPriceRequest) { r.InstanceId = "" })
	price("the same type", "InvalidInstanceType.NotSupported", 400, func(r *ecs.DescribeInstanceModificationPriceRequest) { r.InstanceType = "ecs.g6.large" })
	price("an incompatible type", "InvalidInstanceType.ValueNotSupported", 403, func(r *ecs.DescribeInstanceModificationPriceRequest) { r.InstanceType = "ecs.i2.xlarge" })
	price("a data disk", "PriceNotFound", 400, func(r *ecs.DescribeInstanceModificationPriceRequest) {
		r.InstanceType = ""
		r.DataDisk = &[]ecs.DescribeInstanceModificationPriceDataDisk{{Category: "cloud_essd", Size: "100", PerformanceLevel: "PL1"}}
	})
	price("a data disk of an unknown category", "InvalidDataDiskCategory.ValueNotSupported", 403, func(r *ecs.DescribeInstanceModificationPriceRequest) {
		r.DataDisk = &[]ecs.DescribeInstanceModificationPriceDataDisk{{Category: "floppy", Size: "100"}}
	})
	_, err = a.v2.DescribeInstanceModificationPrice(&ecs2.DescribeInstanceModificationPriceRequest{
		RegionId: dara.String(rmRegion), InstanceId: dara.String(id), InstanceType: dara.String("ecs.t6-c1m1.large"),
	})
	lcWantV2(t, "a downgrade", err, "InvalidInstanceType.NotSupportUpgrade", 403)
	_, err = a.v2.DescribeInstanceModificationPrice(&ecs2.DescribeInstanceModificationPriceRequest{
		RegionId: dara.String(rmRegion), InstanceId: dara.String(id),
	})
	lcWantV2(t, "neither InstanceType nor DataDisk", err, "MissingParameter.InstanceTypeOrDataDisk", 400)

	// A temporary upgrade is active: the price action and the upgrade
	// list both answer InvalidAction.WithActiveElasticUpgrade.
	end := rmNow(t, s).Add(3 * time.Hour).UTC().Format("2006-01-02T15:04:05Z")
	if _, err := rmModify(a, id, "ecs.g6.xlarge", "upgrade", func(r *ecs.ModifyPrepayInstanceSpecRequest) { r.EndTime = end }); err != nil {
		t.Fatalf("temporary upgrade: %v", err)
	}
	rmWaitType(t, a, id, "ecs.g6.xlarge")
	price("during a temporary upgrade", "InvalidAction.WithActiveElasticUpgrade", 400, func(r *ecs.DescribeInstanceModificationPriceRequest) { r.InstanceType = "ecs.g6.2xlarge" })
	describe("during a temporary upgrade", "InvalidAction.WithActiveElasticUpgrade", 400, nil)
}
