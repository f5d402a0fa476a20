package conformance

import (
	"encoding/json"
	"fmt"
	"slices"
	"testing"
	"time"

	ecs2 "github.com/alibabacloud-go/ecs-20140526/v7/client"
	"github.com/alibabacloud-go/tea/dara"

	"github.com/ecsd/ecsd/internal/ecsdtest"
	"github.com/ecsd/ecsd/internal/money"
)

// The priced configuration of these tests, in cn-hangzhou, a month:
// ecs.g6.large 300.00 (with a 40 GiB ESSD PL1 system disk bundled); a
// 100 GiB ESSD PL2 system disk 100 × 2.00 − 40 × 1.00 = 160.00; data disks
// of 100 GiB ESSD PL0 (50.00) and 50 GiB ultra disk (17.50) = 67.50;
// 5 Mbit/s PayByBandwidth 115.00. In all 642.50.
const prRegion = "cn-hangzhou"

// prLine is one DetailInfos line: its Resource and TradePrice.
type prLine struct {
	Resource string
	Price    string
}

// prPrice is PriceInfo.Price of any of the price actions: the SDK gives
// each its own type, all of one JSON shape.
type prPrice struct {
	OriginalPrice, DiscountPrice, TradePrice *float32
	Currency                                 *string
	DetailInfos                              *struct {
		DetailInfo []struct {
			Resource                                 *string
			OriginalPrice, DiscountPrice, TradePrice *float32
		}
	}
}

func prCents(f *float32) string {
	return money.Amount(int64(float64(dara.Float32Value(f))*100 + 0.5)).String()
}

// prCheck checks a PriceInfo.Price: its amounts are want (no discount, in
// CNY), its DetailInfos lines add up to it to the cent, each without a
// discount, and are wantLines (unless nil).
func prCheck(t *testing.T, what string, price any, want string, wantLines []prLine) {
	t.Helper()
	raw, err := json.Marshal(price)
	if err != nil {
		t.Fatal(err)
	}
	var p prPrice
	if err := json.Unmarshal(raw, &p); err != nil {
		t.Fatal(err)
	}
	lcPrice(t, what+" TradePrice", float64(dara.Float32Value(p.TradePrice)), want)
	lcPrice(t, what+" OriginalPrice", float64(dara.Float32Value(p.OriginalPrice)), want)
	lcPrice(t, what+" DiscountPrice", float64(dara.Float32Value(p.DiscountPrice)), "0")
	if dara.StringValue(p.Currency) != "CNY" {
		t.Errorf("%s: Currency %q", what, dara.StringValue(p.Currency))
	}
	if p.DetailInfos == nil {
		t.Fatalf("%s: no DetailInfos", what)
	}
	var lines []prLine
	var sum money.Amount
	for _, d := range p.DetailInfos.DetailInfo {
		l := prLine{dara.StringValue(d.Resource), prCents(d.TradePrice)}
		lines = append(lines, l)
		if prCents(d.OriginalPrice) != l.Price || prCents(d.DiscountPrice) != "0.00" {
			t.Errorf("%s: line %s Original %v Discount %v Trade %v", what, l.Resource, dara.Float32Value(d.OriginalPrice), dara.Float32Value(d.DiscountPrice), dara.Float32Value(d.TradePrice))
		}
		a, err := money.Parse(l.Price)
		if err != nil {
			t.Fatalf("%s: line %+v: %v", what, l, err)
		}
		sum += a
	}
	if sum.String() != want {
		t.Errorf("%s: DetailInfos %+v add up to %s, want %s", what, lines, sum, want)
	}
	if wantLines != nil && !slices.Equal(lines, wantLines) {
		t.Errorf("%s: DetailInfos %+v, want %+v", what, lines, wantLines)
	}
}

// prFullConfig sets the priced configuration on a DescribePrice request.
func prFullPrice(r *ecs2.DescribePriceRequest) {
	r.SystemDisk = &ecs2.DescribePriceRequestSystemDisk{Category: dara.String("cloud_essd"), PerformanceLevel: dara.String("PL2"), Size: dara.Int32(100)}
	r.DataDisk = []*ecs2.DescribePriceRequestDataDisk{
		{Category: dara.String("cloud_essd"), PerformanceLevel: dara.String("PL0"), Size: dara.Int64(100)},
		{Category: dara.String("cloud_efficiency"), Size: dara.Int64(50)},
	}
	r.InternetChargeType, r.InternetMaxBandwidthOut = dara.String("PayByBandwidth"), dara.Int32(5)
}

// prFullRun sets the same configuration on a RunInstances request.
func prFullRun(r *ecs2.RunInstancesRequest) {
	r.SystemDisk = &ecs2.RunInstancesRequestSystemDisk{Category: dara.String("cloud_essd"), PerformanceLevel: dara.String("PL2"), Size: dara.String("100")}
	r.DataDisk = []*ecs2.RunInstancesRequestDataDisk{
		{Category: dara.String("cloud_essd"), PerformanceLevel: dara.String("PL0"), Size: dara.Int32(100)},
		{Category: dara.String("cloud_efficiency"), Size: dara.Int32(50)},
	}
	r.InternetChargeType, r.InternetMaxBandwidthOut = dara.String("PayByBandwidth"), dara.Int32(5)
}

func prDescribePrice(c *ecs2.Client, unit string, period, amount int32, edit func(*ecs2.DescribePriceRequest)) (*ecs2.DescribePriceResponse, error) {
	r := &ecs2.DescribePriceRequest{RegionId: dara.String(prRegion), InstanceType: dara.String("ecs.g6.large"),
		PriceUnit: dara.String(unit), Period: dara.Int32(period), Amount: dara.Int32(amount)}
	if edit != nil {
		edit(r)
	}
	return c.DescribePrice(r)
}

// prRun buys PrePaid ecs.g6.large in cn-hangzhou-h.
func prRun(c *ecs2.Client, months, amount int32, edit func(*ecs2.RunInstancesRequest)) (*ecs2.RunInstancesResponse, error) {
	r := &ecs2.RunInstancesRequest{RegionId: dara.String(prRegion), ZoneId: dara.String("cn-hangzhou-h"), ImageId: dara.String(lcImage),
		InstanceType: dara.String("ecs.g6.large"), InstanceChargeType: dara.String("PrePaid"), Period: dara.Int32(months),
		PeriodUnit: dara.String("Month"), Amount: dara.Int32(amount)}
	if edit != nil {
		edit(r)
	}
	return c.RunInstances(r)
}

func prIDs(resp *ecs2.RunInstancesResponse) []string {
	var ids []string
	for _, id := range resp.Body.InstanceIdSets.InstanceIdSet {
		ids = append(ids, dara.StringValue(id))
	}
	return ids
}

// prList lists instances with DescribeInstances (v2) and a filter.
func prList(t *testing.T, c *ecs2.Client, edit func(*ecs2.DescribeInstancesRequest)) map[string]*ecs2.DescribeInstancesResponseBodyInstancesInstance {
	t.Helper()
	r := &ecs2.DescribeInstancesRequest{RegionId: dara.String(prRegion), PageSize: dara.Int32(100)}
	edit(r)
	resp, err := c.DescribeInstances(r)
	if err != nil {
		t.Fatalf("DescribeInstances: %v", err)
	}
	out := map[string]*ecs2.DescribeInstancesResponseBodyInstancesInstance{}
	for _, i := range resp.Body.Instances.Instance {
		out[dara.StringValue(i.InstanceId)] = i
	}
	return out
}

func prJSON(v ...string) *string {
	s := "["
	for k, x := range v {
		if k > 0 {
			s += ","
		}
		s += fmt.Sprintf("%q", x)
	}
	return dara.String(s + "]")
}

// TestPrices checks prices over the whole configuration through the v7 Go
// SDK on both stores, with the clock standing still: DescribePrice with and
// without disks and bandwidth and its DetailInfos; RunInstances charging
// exactly DescribePrice; public IPs and bandwidth read back and filtered;
// renewal by Period and by ExpectedRenewDay; a spec change that moves a
// data disk to a dearer category.
func TestPrices(t *testing.T) {
	t.Parallel()
	start := time.Date(2026, 3, 10, 4, 0, 0, 0, time.UTC) // 12:00 UTC+8
	ecsdtest.Each(t, ecsdtest.Options{ManualClock: true, ClockStart: start}, func(t *testing.T, s *ecsdtest.Server) {
		t.Run("DescribePrice", func(t *testing.T) {
			t.Parallel()
			a := lcAccount(t, s, "pr-quote", "0.00", "0.00")
			// The type alone: P × N, the bundled system disk free.
			resp, err := prDescribePrice(a.v2, "Month", 1, 1, nil)
			if err != nil {
				t.Fatal(err)
			}
			prCheck(t, "default", resp.Body.PriceInfo.Price, "300.00",
				[]prLine{{"instanceType", "300.00"}, {"systemDisk", "0.00"}})
			// A system disk no bigger than the bundled one costs nothing.
			resp, err = prDescribePrice(a.v2, "Month", 1, 1, func(r *ecs2.DescribePriceRequest) {
				r.SystemDisk = &ecs2.DescribePriceRequestSystemDisk{Category: dara.String("cloud_essd"), Size: dara.Int32(40)}
				r.InternetChargeType, r.InternetMaxBandwidthOut = dara.String("PayByTraffic"), dara.Int32(50)
			})
			if err != nil {
				t.Fatal(err)
			}
			prCheck(t, "bundled disk, PayByTraffic", resp.Body.PriceInfo.Price, "300.00",
				[]prLine{{"instanceType", "300.00"}, {"systemDisk", "0.00"}, {"bandwidth", "0.00"}})
			// A 40 GiB image's default system disk is the bundled one.
			resp, err = prDescribePrice(a.v2, "Month", 2, 1, func(r *ecs2.DescribePriceRequest) {
				r.ImageId = dara.String("win2022_21H2_x64_dtc_en-us_40G_alibase_20240515.vhd")
			})
			if err != nil {
				t.Fatal(err)
			}
			prCheck(t, "40 GiB image", resp.Body.PriceInfo.Price, "600.00", []prLine{{"instanceType", "600.00"}, {"systemDisk", "0.00"}})
			// The whole configuration, 3 months × 2 instances.
			resp, err = prDescribePrice(a.v2, "Month", 3, 2, prFullPrice)
			if err != nil {
				t.Fatal(err)
			}
			prCheck(t, "full", resp.Body.PriceInfo.Price, "3855.00",
				[]prLine{{"instanceType", "1800.00"}, {"systemDisk", "960.00"}, {"dataDisk", "405.00"}, {"bandwidth", "690.00"}})
			// An hour: 642.50 / 720 = 0.892… → 0.89 once, the lines its shares.
			resp, err = prDescribePrice(a.v2, "Hour", 1, 1, prFullPrice)
			if err != nil {
				t.Fatal(err)
			}
			prCheck(t, "hour", resp.Body.PriceInfo.Price, "0.89",
				[]prLine{{"instanceType", "0.42"}, {"systemDisk", "0.22"}, {"dataDisk", "0.09"}, {"bandwidth", "0.16"}})
			// A year.
			resp, err = prDescribePrice(a.v2, "Year", 1, 1, prFullPrice)
			if err != nil {
				t.Fatal(err)
			}
			prCheck(t, "year", resp.Body.PriceInfo.Price, "7710.00", nil)

			// Bad disks and bandwidth, with the codes RunInstances gives.
			for _, c := range []struct {
				what, code string
				status     int
				edit       func(*ecs2.DescribePriceRequest)
			}{
				{"InternetChargeType", "InvalidInternetChargeType.ValueNotSupported", 400, func(r *ecs2.DescribePriceRequest) { r.InternetChargeType = dara.String("PayByMonth") }},
				{"InternetMaxBandwidthOut", "InvalidParameter", 400, func(r *ecs2.DescribePriceRequest) { r.InternetMaxBandwidthOut = dara.Int32(101) }},
				{"SystemDisk.Category", "InvalidSystemDiskCategory.ValueNotSupported", 400, func(r *ecs2.DescribePriceRequest) {
					r.SystemDisk = &ecs2.DescribePriceRequestSystemDisk{Category: dara.String("floppy")}
				}},
				{"DataDisk.1.Category", "InvalidDataDiskCategory.ValueNotSupported", 403, func(r *ecs2.DescribePriceRequest) {
					r.DataDisk = []*ecs2.DescribePriceRequestDataDisk{{Category: dara.String("floppy"), Size: dara.Int64(20)}}
				}},
				{"DataDisk.1.PerformanceLevel", "InvalidPerformanceLevel.Malformed", 400, func(r *ecs2.DescribePriceRequest) {
					r.DataDisk = []*ecs2.DescribePriceRequestDataDisk{{Category: dara.String("cloud_efficiency"), PerformanceLevel: dara.String("PL1"), Size: dara.Int64(20)}}
				}},
				{"DataDisk.1.Size", "InvalidParameter", 400, func(r *ecs2.DescribePriceRequest) {
					r.DataDisk = []*ecs2.DescribePriceRequestDataDisk{{Category: dara.String("cloud_essd"), Size: dara.Int64(70000)}}
				}},
				{"ImageId", "InvalidImageId.NotFound", 404, func(r *ecs2.DescribePriceRequest) { r.ImageId = dara.String("no-such-image") }},
				{"SystemDisk.Size below the image", "InvalidParameter", 400, func(r *ecs2.DescribePriceRequest) {
					r.ImageId = dara.String("win2022_21H2_x64_dtc_en-us_40G_alibase_20240515.vhd")
					r.SystemDisk = &ecs2.DescribePriceRequestSystemDisk{Size: dara.Int32(30)}
				}},
			} {
				_, err := prDescribePrice(a.v2, "Month", 1, 1, c.edit)
				lcWantV2(t, "DescribePrice "+c.what, err, c.code, c.status)
			}
		})

		t.Run("Purchase, renewal and public IPs", func(t *testing.T) {
			t.Parallel()
			a := lcAccount(t, s, "pr-buy", "10000.00", "0.00")
			quote, err := prDescribePrice(a.v2, "Month", 3, 2, prFullPrice)
			if err != nil {
				t.Fatal(err)
			}
			before := rmBalance(t, a)
			resp, err := prRun(a.v2, 3, 2, prFullRun)
			if err != nil {
				t.Fatal(err)
			}
			lcPrice(t, "RunInstances", float64(dara.Float32Value(resp.Body.TradePrice)), prCents(quote.Body.PriceInfo.Price.TradePrice))
			lcPrice(t, "RunInstances", float64(dara.Float32Value(resp.Body.TradePrice)), "3855.00")
			if got := before - rmBalance(t, a); got.String() != "3855.00" {
				t.Errorf("the purchase took %s from the balance, want the quote 3855.00", got)
			}
			if o := a.orderDetail(t, dara.StringValue(resp.Body.OrderId)); o.PretaxAmount != "3855.00" {
				t.Errorf("order amount %s, want 3855.00", o.PretaxAmount)
			}
			ids := prIDs(resp)
			a.waitStatus(t, "Running", ids...)

			// The bandwidth and a public IP each, read back.
			got := prList(t, a.v2, func(r *ecs2.DescribeInstancesRequest) { r.InstanceIds = prJSON(ids...) })
			var ips []string
			for _, id := range ids {
				i := got[id]
				if i == nil {
					t.Fatalf("DescribeInstances does not list %s", id)
				}
				if dara.StringValue(i.InternetChargeType) != "PayByBandwidth" || dara.Int32Value(i.InternetMaxBandwidthOut) != 5 || dara.Int32Value(i.InternetMaxBandwidthIn) != 10 {
					t.Errorf("%s: InternetChargeType %q Out %d In %d, want PayByBandwidth 5 10", id, dara.StringValue(i.InternetChargeType), dara.Int32Value(i.InternetMaxBandwidthOut), dara.Int32Value(i.InternetMaxBandwidthIn))
				}
				if i.PublicIpAddress == nil || len(i.PublicIpAddress.IpAddress) != 1 {
					t.Fatalf("%s: PublicIpAddress %+v, want one address", id, i.PublicIpAddress)
				}
				ips = append(ips, dara.StringValue(i.PublicIpAddress.IpAddress[0]))
			}
			if ips[0] == ips[1] {
				t.Errorf("two instances share the public IP %s", ips[0])
			}
			attr, err := a.v2.DescribeInstanceAttribute(&ecs2.DescribeInstanceAttributeRequest{InstanceId: dara.String(ids[0])})
			if err != nil {
				t.Fatal(err)
			}
			if b := attr.Body; dara.StringValue(b.InternetChargeType) != "PayByBandwidth" || dara.Int32Value(b.InternetMaxBandwidthOut) != 5 ||
				b.PublicIpAddress == nil || len(b.PublicIpAddress.IpAddress) != 1 || dara.StringValue(b.PublicIpAddress.IpAddress[0]) != ips[0] {
				t.Errorf("DescribeInstanceAttribute: %s %d %+v, want PayByBandwidth 5 %s", dara.StringValue(b.InternetChargeType), dara.Int32Value(b.InternetMaxBandwidthOut), b.PublicIpAddress, ips[0])
			}

			// A default purchase still costs P × N; PayByTraffic is not charged.
			before = rmBalance(t, a)
			plain, err := prRun(a.v2, 1, 1, func(r *ecs2.RunInstancesRequest) {
				r.InternetChargeType, r.InternetMaxBandwidthOut, r.InternetMaxBandwidthIn = dara.String("PayByTraffic"), dara.Int32(20), dara.Int32(15)
			})
			if err != nil {
				t.Fatal(err)
			}
			lcPrice(t, "RunInstances PayByTraffic", float64(dara.Float32Value(plain.Body.TradePrice)), "300.00")
			if got := before - rmBalance(t, a); got.String() != "300.00" {
				t.Errorf("a PayByTraffic purchase took %s, want 300.00", got)
			}
			plainID := prIDs(plain)[0]

			// The filters.
			byIP := prList(t, a.v2, func(r *ecs2.DescribeInstancesRequest) { r.PublicIpAddresses = prJSON(ips[1]) })
			if len(byIP) != 1 || byIP[ids[1]] == nil {
				t.Errorf("PublicIpAddresses [%s] lists %d instances, want %s", ips[1], len(byIP), ids[1])
			}
			byBW := prList(t, a.v2, func(r *ecs2.DescribeInstancesRequest) { r.InternetChargeType = dara.String("PayByBandwidth") })
			if len(byBW) != 2 || byBW[ids[0]] == nil || byBW[ids[1]] == nil {
				t.Errorf("InternetChargeType PayByBandwidth lists %d instances, want %v", len(byBW), ids)
			}
			byTraffic := prList(t, a.v2, func(r *ecs2.DescribeInstancesRequest) { r.InternetChargeType = dara.String("PayByTraffic") })
			if len(byTraffic) != 1 || byTraffic[plainID] == nil {
				t.Errorf("InternetChargeType PayByTraffic lists %d instances, want %s", len(byTraffic), plainID)
			} else if i := byTraffic[plainID]; dara.Int32Value(i.InternetMaxBandwidthOut) != 20 || dara.Int32Value(i.InternetMaxBandwidthIn) != 15 {
				t.Errorf("%s: Out %d In %d, want 20 15", plainID, dara.Int32Value(i.InternetMaxBandwidthOut), dara.Int32Value(i.InternetMaxBandwidthIn))
			}
			_, err = a.v2.DescribeInstances(&ecs2.DescribeInstancesRequest{RegionId: dara.String(prRegion), InternetChargeType: dara.String("Free")})
			lcWantV2(t, "DescribeInstances InternetChargeType Free", err, "InvalidInternetChargeType.ValueNotSupported", 404)

			// Renewal prices the whole configuration: a month is 642.50.
			id := ids[0]
			rp, err := a.v2.DescribeRenewalPrice(&ecs2.DescribeRenewalPriceRequest{RegionId: dara.String(prRegion), ResourceId: dara.String(id), Period: dara.Int32(1), PriceUnit: dara.String("Month")})
			if err != nil {
				t.Fatal(err)
			}
			prCheck(t, "renewal price", rp.Body.PriceInfo.Price, "642.50", []prLine{{"instanceType", "300.00"}, {"systemDisk", "160.00"}, {"dataDisk", "67.50"}, {"bandwidth", "115.00"}})
			before = rmBalance(t, a)
			if _, err := a.v2.RenewInstance(&ecs2.RenewInstanceRequest{InstanceId: dara.String(id), Period: dara.Int32(1), PeriodUnit: dara.String("Month")}); err != nil {
				t.Fatal(err)
			}
			if got := before - rmBalance(t, a); got.String() != "642.50" {
				t.Errorf("RenewInstance took %s, want 642.50", got)
			}
			if got := a.one(t, id).ExpiredTime; got != "2026-07-10T16:00Z" {
				t.Errorf("renewed to %s, want 2026-07-10T16:00Z", got)
			}

			// ExpectedRenewDay 15: July 11 → July 15 (UTC+8), 4 days:
			// 642.50 × 96 / 720 = 85.666… → 85.67.
			rp, err = a.v2.DescribeRenewalPrice(&ecs2.DescribeRenewalPriceRequest{RegionId: dara.String(prRegion), ResourceId: dara.String(id), ExpectedRenewDay: dara.Int32(15)})
			if err != nil {
				t.Fatal(err)
			}
			prCheck(t, "renewal price to day 15", rp.Body.PriceInfo.Price, "85.67", []prLine{{"instanceType", "40.00"}, {"systemDisk", "21.33"}, {"dataDisk", "9.00"}, {"bandwidth", "15.34"}})
			for _, c := range []struct {
				what string
				req  *ecs2.RenewInstanceRequest
			}{
				{"day 29", &ecs2.RenewInstanceRequest{InstanceId: dara.String(id), ExpectedRenewDay: dara.Int32(29)}},
				{"day 0", &ecs2.RenewInstanceRequest{InstanceId: dara.String(id), ExpectedRenewDay: dara.Int32(0)}},
				{"day and Period", &ecs2.RenewInstanceRequest{InstanceId: dara.String(id), ExpectedRenewDay: dara.Int32(15), Period: dara.Int32(1)}},
			} {
				_, err := a.v2.RenewInstance(c.req)
				lcWantV2(t, "RenewInstance ExpectedRenewDay "+c.what, err, "InvalidParameter", 400)
			}
			_, err = a.v2.DescribeRenewalPrice(&ecs2.DescribeRenewalPriceRequest{RegionId: dara.String(prRegion), ResourceId: dara.String(id), ExpectedRenewDay: dara.Int32(31)})
			lcWantV2(t, "DescribeRenewalPrice ExpectedRenewDay 31", err, "InvalidParameter", 400)
			before = rmBalance(t, a)
			if _, err := a.v2.RenewInstance(&ecs2.RenewInstanceRequest{InstanceId: dara.String(id), ExpectedRenewDay: dara.Int32(15)}); err != nil {
				t.Fatal(err)
			}
			if got := before - rmBalance(t, a); got.String() != "85.67" {
				t.Errorf("RenewInstance to day 15 took %s, want 85.67", got)
			}
			if got := a.one(t, id).ExpiredTime; got != "2026-07-14T16:00Z" {
				t.Errorf("renewed to day 15: ExpiredTime %s, want 2026-07-14T16:00Z", got)
			}
		})

		t.Run("Public IP released with its instance", func(t *testing.T) {
			t.Parallel()
			a := lcAccount(t, s, "pr-release", "1000.00", "0.00")
			resp, err := a.v2.RunInstances(&ecs2.RunInstancesRequest{RegionId: dara.String(prRegion), ImageId: dara.String(lcImage), InstanceType: dara.String("ecs.g6.large"),
				InternetMaxBandwidthOut: dara.Int32(10)})
			if err != nil {
				t.Fatal(err)
			}
			id := prIDs(resp)[0]
			i := prList(t, a.v2, func(r *ecs2.DescribeInstancesRequest) { r.InstanceIds = prJSON(id) })[id]
			if i == nil || i.PublicIpAddress == nil || len(i.PublicIpAddress.IpAddress) != 1 || dara.StringValue(i.InternetChargeType) != "PayByTraffic" {
				t.Fatalf("%s: %+v, want a public IP and PayByTraffic", id, i)
			}
			ip := dara.StringValue(i.PublicIpAddress.IpAddress[0])
			nwDelete(t, a.v2, id)
			if left := prList(t, a.v2, func(r *ecs2.DescribeInstancesRequest) { r.PublicIpAddresses = prJSON(ip) }); len(left) != 0 {
				t.Errorf("after DeleteInstance, %s still lists %d instances", ip, len(left))
			}
			for _, c := range []struct {
				what, code string
				edit       func(*ecs2.RunInstancesRequest)
			}{
				{"InternetChargeType", "InvalidInternetChargeType.ValueNotSupported", func(r *ecs2.RunInstancesRequest) { r.InternetChargeType = dara.String("PayByHour") }},
				{"InternetMaxBandwidthOut 101", "InvalidParameter", func(r *ecs2.RunInstancesRequest) { r.InternetMaxBandwidthOut = dara.Int32(101) }},
				{"InternetMaxBandwidthOut -1", "InvalidParameter", func(r *ecs2.RunInstancesRequest) { r.InternetMaxBandwidthOut = dara.Int32(-1) }},
				{"InternetMaxBandwidthIn 11 with Out 10", "InvalidParameter", func(r *ecs2.RunInstancesRequest) {
					r.InternetMaxBandwidthOut, r.InternetMaxBandwidthIn = dara.Int32(10), dara.Int32(11)
				}},
				{"InternetMaxBandwidthIn 0", "InvalidParameter", func(r *ecs2.RunInstancesRequest) { r.InternetMaxBandwidthIn = dara.Int32(0) }},
			} {
				_, err := prRun(a.v2, 1, 1, c.edit)
				lcWantV2(t, "RunInstances "+c.what, err, c.code, 400)
			}
		})

		t.Run("Spec change with a disk", func(t *testing.T) {
			t.Parallel()
			a := lcAccount(t, s, "pr-change", "10000.00", "0.00")
			// ecs.g6.large with a 100 GiB ultra data disk (35.00): 335.00 a
			// month, until 2026-04-11 00:00 UTC+8, 756 hours from now.
			resp, err := prRun(a.v2, 1, 1, func(r *ecs2.RunInstancesRequest) {
				r.DataDisk = []*ecs2.RunInstancesRequestDataDisk{{Category: dara.String("cloud_efficiency"), Size: dara.Int32(100)}}
			})
			if err != nil {
				t.Fatal(err)
			}
			lcPrice(t, "RunInstances with a data disk", float64(dara.Float32Value(resp.Body.TradePrice)), "335.00")
			id := prIDs(resp)[0]
			a.waitStatus(t, "Running", id)

			// The quote of the type alone: 300 × 756 / 720 = 315.00.
			q, err := a.v2.DescribeInstanceModificationPrice(&ecs2.DescribeInstanceModificationPriceRequest{
				RegionId: dara.String(prRegion), InstanceId: dara.String(id), InstanceType: dara.String("ecs.g6.xlarge")})
			if err != nil {
				t.Fatal(err)
			}
			prCheck(t, "modification price", q.Body.PriceInfo.Price, "315.00", []prLine{{"instanceType", "315.00"}, {"systemDisk", "0.00"}, {"dataDisk", "0.00"}})

			// With the data disk moved to ESSD PL1 (100.00, +65.00):
			// (600 + 100 − 335) × 756 / 720 = 383.25.
			disks, err := a.v2.DescribeDisks(&ecs2.DescribeDisksRequest{RegionId: dara.String(prRegion), InstanceId: dara.String(id), DiskType: dara.String("data")})
			if err != nil || len(disks.Body.Disks.Disk) != 1 {
				t.Fatalf("DescribeDisks: %v", err)
			}
			diskID := dara.StringValue(disks.Body.Disks.Disk[0].DiskId)
			before := rmBalance(t, a)
			ch, err := a.v2.ModifyPrepayInstanceSpec(&ecs2.ModifyPrepayInstanceSpecRequest{
				RegionId: dara.String(prRegion), InstanceId: dara.String(id), InstanceType: dara.String("ecs.g6.xlarge"),
				Disk: []*ecs2.ModifyPrepayInstanceSpecRequestDisk{{DiskId: dara.String(diskID), Category: dara.String("cloud_essd")}},
			})
			if err != nil {
				t.Fatal(err)
			}
			if got := before - rmBalance(t, a); got.String() != "383.25" {
				t.Errorf("the upgrade with a disk took %s, want 383.25", got)
			}
			if o := a.orderDetail(t, dara.StringValue(ch.Body.OrderId)); o.PretaxAmount != "383.25" {
				t.Errorf("upgrade order amount %s, want 383.25", o.PretaxAmount)
			}
			rmWaitType(t, a, id, "ecs.g6.xlarge")
			disks, err = a.v2.DescribeDisks(&ecs2.DescribeDisksRequest{RegionId: dara.String(prRegion), InstanceId: dara.String(id), DiskType: dara.String("data")})
			if err != nil || len(disks.Body.Disks.Disk) != 1 || dara.StringValue(disks.Body.Disks.Disk[0].Category) != "cloud_essd" {
				t.Fatalf("after the change DescribeDisks: %+v, %v; want the disk on cloud_essd", disks, err)
			}

			// Back down, Stopped: the refund is over the whole configuration,
			// (700 − 400) × 756 / 720 = 315.00, all of it paid in cash.
			rmStop(t, a, id)
			before = rmBalance(t, a)
			if _, err := a.v2.ModifyPrepayInstanceSpec(&ecs2.ModifyPrepayInstanceSpecRequest{
				RegionId: dara.String(prRegion), InstanceId: dara.String(id), InstanceType: dara.String("ecs.g6.large"), OperatorType: dara.String("downgrade"),
			}); err != nil {
				t.Fatal(err)
			}
			if got := rmBalance(t, a) - before; got.String() != "315.00" {
				t.Errorf("the downgrade refunded %s, want 315.00", got)
			}
			// The next renewal prices the disk as it is now: 300 + 100 = 400.00.
			rmWaitType(t, a, id, "ecs.g6.large")
			rp, err := a.v2.DescribeRenewalPrice(&ecs2.DescribeRenewalPriceRequest{RegionId: dara.String(prRegion), ResourceId: dara.String(id)})
			if err != nil {
				t.Fatal(err)
			}
			lcPrice(t, "renewal after the change", float64(dara.Float32Value(rp.Body.PriceInfo.Price.TradePrice)), "400.00")
		})
	})
}
