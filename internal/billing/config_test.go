package billing

import (
	"testing"
	"time"

	"github.com/ecsd/ecsd/internal/apierr"
	"github.com/ecsd/ecsd/internal/catalog"
	"github.com/ecsd/ecsd/internal/money"
	"github.com/google/go-cmp/cmp"
)

// In cn-hangzhou: ecs.g6.large 300.00 a month with a bundled 40 GiB ESSD
// PL1 system disk; ESSD PL0/PL1/PL2 0.50/1.00/2.00, ultra disk 0.35 and
// SSD 1.00 per GiB-month; 23.00 per Mbit/s-month of PayByBandwidth.
var g6 = Config{RegionID: "cn-hangzhou", InstanceType: "ecs.g6.large"}

func TestMonthlyLines(t *testing.T) {
	t.Parallel()
	c := catalog.Default()
	for _, tc := range []struct {
		name string
		cfg  func(Config) Config
		want []Line
	}{
		{"default", func(c Config) Config { return c },
			[]Line{{"instanceType", 30000}, {"systemDisk", 0}}},
		{"the bundled disk given explicitly", func(c Config) Config {
			c.SystemDisk = Disk{Category: "cloud_essd", PerformanceLevel: "PL1", Size: 40}
			return c
		}, []Line{{"instanceType", 30000}, {"systemDisk", 0}}},
		{"a smaller, cheaper system disk is not a discount", func(c Config) Config {
			c.SystemDisk = Disk{Category: "cloud_efficiency", Size: 20}
			return c
		}, []Line{{"instanceType", 30000}, {"systemDisk", 0}}},
		{"a bigger system disk pays the difference", func(c Config) Config {
			c.SystemDisk = Disk{Category: "cloud_essd", Size: 100} // (100 − 40) × 1.00
			return c
		}, []Line{{"instanceType", 30000}, {"systemDisk", 6000}}},
		{"a faster system disk pays the difference", func(c Config) Config {
			c.SystemDisk = Disk{Category: "cloud_essd", PerformanceLevel: "PL2", Size: 40} // 40 × (2.00 − 1.00)
			return c
		}, []Line{{"instanceType", 30000}, {"systemDisk", 4000}}},
		{"data disks in full", func(c Config) Config {
			c.DataDisks = []Disk{{Category: "cloud_essd", PerformanceLevel: "PL0", Size: 100}, {Category: "cloud_efficiency", Size: 20}}
			return c
		}, []Line{{"instanceType", 30000}, {"systemDisk", 0}, {"dataDisk", 5000 + 700}}},
		{"PayByBandwidth", func(c Config) Config {
			c.InternetChargeType, c.BandwidthOut = PayByBandwidth, 5
			return c
		}, []Line{{"instanceType", 30000}, {"systemDisk", 0}, {"bandwidth", 11500}}},
		{"PayByTraffic is metered, not charged", func(c Config) Config {
			c.InternetChargeType, c.BandwidthOut = PayByTraffic, 100
			return c
		}, []Line{{"instanceType", 30000}, {"systemDisk", 0}, {"bandwidth", 0}}},
	} {
		got, err := Monthly(c, tc.cfg(g6))
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if diff := cmp.Diff(tc.want, got.Lines); diff != "" {
			t.Errorf("%s: lines (-want +got):\n%s", tc.name, diff)
		}
		var sum money.Amount
		for _, l := range got.Lines {
			sum += l.Price
		}
		if got.Total != sum {
			t.Errorf("%s: total %s, lines sum to %s", tc.name, got.Total, sum)
		}
	}
}

func TestPriceOfAWholeConfiguration(t *testing.T) {
	t.Parallel()
	c := catalog.Default()
	cfg := g6
	cfg.SystemDisk = Disk{Category: "cloud_essd", Size: 100}     // +60.00
	cfg.DataDisks = []Disk{{Category: "cloud_ssd", Size: 50}}    // 50.00
	cfg.InternetChargeType, cfg.BandwidthOut = PayByBandwidth, 1 // 23.00
	for _, tc := range []struct {
		unit           PriceUnit
		period, amount int
		want           []Line
		total          money.Amount
	}{
		// 433.00 a month.
		{Month, 3, 2, []Line{{"instanceType", 180000}, {"systemDisk", 36000}, {"dataDisk", 30000}, {"bandwidth", 13800}}, 259800},
		{Year, 1, 1, []Line{{"instanceType", 360000}, {"systemDisk", 72000}, {"dataDisk", 60000}, {"bandwidth", 27600}}, 519600},
		// 433.00 × 7 / 30 = 101.0333… → 101.03, split by running totals:
		// 70.00 | 84.00 → 14.00 | 95.666… → 95.67 − 84.00 = 11.67 | 101.03 − 95.67 = 5.36.
		{Week, 1, 1, []Line{{"instanceType", 7000}, {"systemDisk", 1400}, {"dataDisk", 1167}, {"bandwidth", 536}}, 10103},
		// 433.00 / 720 = 0.6013… → 0.60: 0.42 | 0.50 → 0.08 | 0.5694… → 0.57 (0.07) | 0.60 (0.03).
		{Hour, 1, 3, []Line{{"instanceType", 126}, {"systemDisk", 24}, {"dataDisk", 21}, {"bandwidth", 9}}, 180},
	} {
		got, err := Price(c, cfg, tc.unit, tc.period, tc.amount)
		if err != nil {
			t.Fatal(err)
		}
		if got.Total != tc.total {
			t.Errorf("%s×%d ×%d: total %s, want %s", tc.unit, tc.period, tc.amount, got.Total, tc.total)
		}
		if diff := cmp.Diff(tc.want, got.Lines); diff != "" {
			t.Errorf("%s×%d ×%d: lines (-want +got):\n%s", tc.unit, tc.period, tc.amount, diff)
		}
	}
}

func TestPriceOfAnUnpricedDisk(t *testing.T) {
	t.Parallel()
	cfg := g6
	cfg.DataDisks = []Disk{{Category: "local_nvme", Size: 10}}
	if _, err := Price(catalog.Default(), cfg, Month, 1, 1); !apierr.PriceNotFound.Is(err) {
		t.Errorf("err = %v, want PriceNotFound", err)
	}
}

func TestChangeFeeCoversDisks(t *testing.T) {
	t.Parallel()
	c := catalog.Default()
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	until := now.Add(184 * 24 * time.Hour) // H = 4416
	oldCfg := g6
	oldCfg.DataDisks = []Disk{{Category: "cloud_efficiency", Size: 100}} // 35.00
	newCfg := oldCfg
	newCfg.InstanceType = "ecs.g6.xlarge"                          // 600.00
	newCfg.DataDisks = []Disk{{Category: "cloud_essd", Size: 100}} // 100.00
	old, _ := Monthly(c, oldCfg)
	nw, _ := Monthly(c, newCfg)
	got := ChangeFee(old, nw, now, until)
	// (665.00 − 335.00) × 4416 / 720 = 2024.00: type 300 × 4416/720 = 1840.00,
	// data disk 65 × 4416/720 = 398.666… → 2238.67 − 1840.00 = 398.67, and
	// the system disk 0.
	want := []Line{{"instanceType", 184000}, {"systemDisk", 0}, {"dataDisk", 39867}}
	if diff := cmp.Diff(want, got.Lines); diff != "" {
		t.Errorf("lines (-want +got):\n%s", diff)
	}
	if fee := UpgradeFee(old.Total, nw.Total, now, until); got.Total != fee || fee != 223867 {
		t.Errorf("total %s, UpgradeFee %s, want 2238.67", got.Total, fee)
	}
	// Back again ten minutes later: Hd = 4415, refund 365 × 4415 / 720.
	if r := DowngradeRefund(nw.Total, old.Total, now.Add(10*time.Minute), until, 1e9, 0, 0); r != 223816 {
		t.Errorf("refund %s, want 2238.16", r)
	}
	// No fee for a change that costs less.
	if z := ChangeFee(nw, old, now, until); z.Total != 0 || z.Lines[0].Price != 0 || z.Lines[2].Price != 0 {
		t.Errorf("fee of a cheaper configuration = %+v, want all 0", z)
	}
}

func TestUnifiedRenewal(t *testing.T) {
	t.Parallel()
	c := catalog.Default()
	z := time.FixedZone("UTC+8", 8*3600)
	cfg := g6
	cfg.InternetChargeType, cfg.BandwidthOut = PayByBandwidth, 2 // 346.00 a month
	for _, tc := range []struct {
		from    time.Time
		day     int
		wantEnd time.Time
		want    money.Amount
	}{
		// Ends Mar 10: to Mar 15 is 5 days, 346 × 120 / 720 = 57.666… → 57.67.
		{time.Date(2026, 3, 10, 0, 0, 0, 0, z), 15, time.Date(2026, 3, 15, 0, 0, 0, 0, z), 5767},
		// Ends Mar 20: the 15th is next month, 26 days: 346 × 624 / 720 = 299.866… → 299.87.
		{time.Date(2026, 3, 20, 0, 0, 0, 0, z), 15, time.Date(2026, 4, 15, 0, 0, 0, 0, z), 29987},
		// Ends on the day already: a whole month on, 31 days: 346 × 744 / 720 = 357.533… → 357.53.
		{time.Date(2026, 3, 15, 0, 0, 0, 0, z), 15, time.Date(2026, 4, 15, 0, 0, 0, 0, z), 35753},
		// Dec 28 → Jan 1 of the next year, 4 days: 346 × 96 / 720 = 46.133… → 46.13.
		{time.Date(2026, 12, 28, 0, 0, 0, 0, z), 1, time.Date(2027, 1, 1, 0, 0, 0, 0, z), 4613},
	} {
		end, q, err := UnifiedRenewal(c, cfg, tc.from.UTC(), tc.day)
		if err != nil || !end.Equal(tc.wantEnd) || q.Total != tc.want {
			t.Errorf("from %s to day %d: end %s, price %s, %v; want %s, %s", tc.from, tc.day, end.In(z), q.Total, err, tc.wantEnd, tc.want)
		}
	}
}
