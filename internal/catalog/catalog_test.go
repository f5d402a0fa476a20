package catalog

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
)

func TestDefaultParses(t *testing.T) {
	t.Parallel()
	data, err := embeddedDocument()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Parse(data); err != nil {
		t.Fatalf("embedded data does not parse: %v", err)
	}
	c := Default()
	if c != Default() {
		t.Error("Default returned two different catalogs")
	}

	wantZones := map[string][]string{
		"cn-hangzhou":    {"cn-hangzhou-g", "cn-hangzhou-h", "cn-hangzhou-i", "cn-hangzhou-j", "cn-hangzhou-k"},
		"cn-shanghai":    {"cn-shanghai-e", "cn-shanghai-f", "cn-shanghai-g", "cn-shanghai-l"},
		"cn-beijing":     {"cn-beijing-g", "cn-beijing-h", "cn-beijing-i", "cn-beijing-j"},
		"ap-southeast-1": {"ap-southeast-1a", "ap-southeast-1b", "ap-southeast-1c"},
		"us-west-1":      {"us-west-1a", "us-west-1b"},
		"eu-central-1":   {"eu-central-1a", "eu-central-1b"},
	}
	wantPrefix := map[string]string{"cn-hangzhou": "bp", "cn-shanghai": "uf", "cn-beijing": "2z", "ap-southeast-1": "t4", "us-west-1": "rj", "eu-central-1": "gw"}
	if got := len(c.Regions()); got != len(wantZones) {
		t.Errorf("len(Regions()) = %d, want %d", got, len(wantZones))
	}
	for id, zones := range wantZones {
		r, ok := c.Region(id)
		if !ok {
			t.Errorf("Region(%q) not found", id)
			continue
		}
		if r.InstanceIdPrefix != wantPrefix[id] {
			t.Errorf("%s: InstanceIdPrefix = %q, want %q", id, r.InstanceIdPrefix, wantPrefix[id])
		}
		if want := "ecs." + id + ".aliyuncs.com"; r.RegionEndpoint != want {
			t.Errorf("%s: RegionEndpoint = %q, want %q", id, r.RegionEndpoint, want)
		}
		if r.LocalName == "" {
			t.Errorf("%s: empty LocalName", id)
		}
		var got []string
		for _, z := range r.Zones {
			got = append(got, z.ZoneId)
		}
		if !slices.Equal(got, zones) {
			t.Errorf("%s: zones = %v, want %v", id, got, zones)
		}
		for _, zid := range zones {
			z, ok := c.Zone(zid)
			if !ok || z.RegionId != id || z.LocalName == "" {
				t.Errorf("Zone(%q) = %+v, %v; want a named zone of %s", zid, z, ok, id)
			}
		}
	}

	for _, f := range []string{"g5", "g6", "g7", "c5", "c6", "c7", "r5", "r6", "r7", "t5", "t6", "hfg7", "n4", "i2", "gn6i", "g8y"} {
		fam, ok := c.Family("ecs." + f)
		if !ok || fam.Generation == "" || fam.Category == "" {
			t.Errorf("Family(ecs.%s) = %+v, %v", f, fam, ok)
		}
	}
	for _, id := range []string{
		"aliyun_3_x64_20G_alibase_20240528.vhd", "ubuntu_22_04_x64_20G_alibase_20240530.vhd",
		"win2022_21H2_x64_dtc_en-us_40G_alibase_20240515.vhd", "aliyun_3_arm64_20G_alibase_20240528.vhd",
		"ubuntu_22_04_arm64_20G_alibase_20240530.vhd", "centos_7_9_x64_20G_alibase_20230919.vhd",
	} {
		im, ok := c.Image(id)
		if !ok || im.Status != "Available" || im.ImageOwnerAlias != "system" || im.Size <= 0 {
			t.Errorf("Image(%q) = %+v, %v", id, im, ok)
		}
	}
}

func TestTypeAttributes(t *testing.T) {
	t.Parallel()
	c := Default()
	for _, typ := range c.Types() {
		fam, _ := c.Family(typ.InstanceTypeFamily)
		name := typ.InstanceTypeId
		if !strings.HasPrefix(name, typ.InstanceTypeFamily+".") && !strings.HasPrefix(name, typ.InstanceTypeFamily+"-") {
			t.Errorf("%s: id does not start with its family %s", name, typ.InstanceTypeFamily)
		}
		if typ.PhysicalProcessorModel == "" || typ.CpuSpeedFrequency <= 0 || typ.InstanceBandwidthRx <= 0 || typ.InstancePpsRx <= 0 ||
			typ.EniPrivateIpAddressQuantity <= 0 || typ.EniTotalQuantity < typ.EniQuantity || typ.DiskQuantity <= 0 ||
			len(typ.SupportedDiskCategories) == 0 || typ.PrimaryEniQueueNumber <= 0 || typ.TotalEniQueueQuantity < typ.PrimaryEniQueueNumber ||
			typ.InstanceFamilyLevel == "" || typ.InstanceCategory != fam.Category || typ.NvmeSupport == "" {
			t.Errorf("%s: missing or inconsistent attribute: %+v", name, typ)
		}
		switch typ.InstanceTypeFamily {
		case "ecs.g7", "ecs.c7", "ecs.r7", "ecs.hfg7", "ecs.g8y":
			if slices.ContainsFunc(typ.SupportedDiskCategories, func(d string) bool { return d == "cloud_efficiency" || d == "cloud_ssd" }) {
				t.Errorf("%s: 7th generation and later support ESSD only, got %v", name, typ.SupportedDiskCategories)
			}
		}
		if got, want := typ.NestedVirtualization, slices.Contains([]string{"ecs.g7", "ecs.c7", "ecs.r7", "ecs.hfg7"}, typ.InstanceTypeFamily); got != want {
			t.Errorf("%s: NestedVirtualization = %v, want %v", name, got, want)
		}
		if got, want := typ.CpuArchitecture == "ARM", typ.InstanceTypeFamily == "ecs.g8y"; got != want {
			t.Errorf("%s: CpuArchitecture = %s", name, typ.CpuArchitecture)
		}
		if got, want := typ.Retired, typ.InstanceTypeFamily == "ecs.n4"; got != want {
			t.Errorf("%s: Retired = %v, want %v", name, got, want)
		}
		if got, want := typ.IoOptimized, typ.InstanceTypeFamily != "ecs.n4"; got != want {
			t.Errorf("%s: IoOptimized = %v, want %v", name, got, want)
		}
		if got, want := typ.LocalStorageAmount > 0, typ.InstanceTypeFamily == "ecs.i2"; got != want || (got && (typ.LocalStorageCapacity <= 0 || typ.LocalStorageCategory == "")) {
			t.Errorf("%s: local storage %s %d×%d GiB", name, typ.LocalStorageCategory, typ.LocalStorageAmount, typ.LocalStorageCapacity)
		}
		if got, want := typ.GPUAmount > 0, typ.InstanceTypeFamily == "ecs.gn6i"; got != want || (got && (typ.GPUSpec != "NVIDIA T4" || typ.GPUMemorySize <= 0)) {
			t.Errorf("%s: GPU %d × %q %v GiB", name, typ.GPUAmount, typ.GPUSpec, typ.GPUMemorySize)
		}
	}
}

func TestPinnedPrices(t *testing.T) {
	t.Parallel()
	c := Default()
	for _, tc := range []struct {
		region, typ string
		want        int64
	}{
		{"cn-hangzhou", "ecs.g6.large", 30000},
		{"cn-hangzhou", "ecs.g6.xlarge", 60000},
		{"cn-shanghai", "ecs.g6.large", 30000},
		{"cn-beijing", "ecs.g6.large", 30000},
		{"ap-southeast-1", "ecs.g6.large", 34500},
		{"us-west-1", "ecs.g6.large", 36000},
		{"eu-central-1", "ecs.g6.large", 37500},
	} {
		if got, ok := c.MonthlyPrice(tc.region, tc.typ); !ok || got != tc.want {
			t.Errorf("MonthlyPrice(%q, %q) = %d, %v; want %d", tc.region, tc.typ, got, ok, tc.want)
		}
	}
	if _, ok := c.MonthlyPrice("ap-southeast-1", "ecs.g8y.large"); ok {
		t.Error("ecs.g8y.large has a price in ap-southeast-1, where no zone offers it")
	}
	if _, ok := c.MonthlyPrice("nowhere-1", "ecs.g6.large"); ok {
		t.Error("MonthlyPrice found a price in an unknown region")
	}
}

func TestPinnedResourcePrices(t *testing.T) {
	t.Parallel()
	c := Default()
	for _, tc := range []struct {
		region, category, pl string
		want                 int64
	}{
		{"cn-hangzhou", "cloud_efficiency", "", 35},
		{"cn-hangzhou", "cloud_essd", "PL0", 50},
		{"cn-hangzhou", "cloud_essd", "PL1", 100},
		{"cn-hangzhou", "cloud_essd", "PL2", 200},
		{"cn-hangzhou", "cloud_ssd", "PL2", 100}, // the level counts for ESSDs only
		{"eu-central-1", "cloud_essd", "PL1", 125},
	} {
		if got, ok := c.DiskPrice(tc.region, tc.category, tc.pl); !ok || got != tc.want {
			t.Errorf("DiskPrice(%q, %q, %q) = %d, %v; want %d", tc.region, tc.category, tc.pl, got, ok, tc.want)
		}
	}
	if got, ok := c.BandwidthPrice("cn-hangzhou"); !ok || got != 2300 {
		t.Errorf("BandwidthPrice(cn-hangzhou) = %d, %v; want 2300", got, ok)
	}
	if got, ok := c.TrafficPrice("cn-hangzhou"); !ok || got != 80 {
		t.Errorf("TrafficPrice(cn-hangzhou) = %d, %v; want 80", got, ok)
	}
	if _, ok := c.DiskPrice("cn-hangzhou", "local_nvme", ""); ok {
		t.Error("DiskPrice priced an unknown category")
	}
}

// TestPricesLinearInSize checks that within an enterprise family, types
// with the same memory per vCPU cost the same per vCPU.
func TestPricesLinearInSize(t *testing.T) {
	t.Parallel()
	c := Default()
	for _, r := range c.Regions() {
		perCPU := map[[2]any]int64{} // (family, GiB per vCPU) → price of a vCPU × 1000
		for _, typ := range c.Types() {
			p, ok := c.MonthlyPrice(r.RegionId, typ.InstanceTypeId)
			if !ok || typ.InstanceFamilyLevel != "EnterpriseLevel" || typ.GPUAmount > 0 {
				continue
			}
			if p*1000%int64(typ.CpuCoreCount) != 0 {
				t.Errorf("%s %s: price %d not divisible by %d vCPUs", r.RegionId, typ.InstanceTypeId, p, typ.CpuCoreCount)
			}
			key := [2]any{typ.InstanceTypeFamily, typ.MemorySize / float64(typ.CpuCoreCount)}
			unit := p * 1000 / int64(typ.CpuCoreCount)
			if prev, seen := perCPU[key]; seen && prev != unit {
				t.Errorf("%s %s: %d per 1000 vCPU, family elsewhere %d", r.RegionId, typ.InstanceTypeId, unit, prev)
			}
			perCPU[key] = unit
		}
	}
}

func TestEveryOfferedTypeHasPrice(t *testing.T) {
	t.Parallel()
	c := Default()
	for _, s := range c.InitialStock() {
		z, ok := c.Zone(s.ZoneId)
		if !ok {
			t.Fatalf("stock for unknown zone %q", s.ZoneId)
		}
		if _, ok := c.MonthlyPrice(z.RegionId, s.InstanceType); !ok {
			t.Errorf("%s is offered in %s but has no price in %s", s.InstanceType, s.ZoneId, z.RegionId)
		}
		if !c.ZoneOffers(s.ZoneId, s.InstanceType) {
			t.Errorf("ZoneOffers(%q, %q) = false for a stock row", s.ZoneId, s.InstanceType)
		}
	}
	// The retired family keeps its prices so that its instances can upgrade
	// out of it.
	for _, r := range c.Regions() {
		if _, ok := c.MonthlyPrice(r.RegionId, "ecs.n4.large"); !ok {
			t.Errorf("ecs.n4.large has no price in %s", r.RegionId)
		}
	}
}

func TestOfferings(t *testing.T) {
	t.Parallel()
	c := Default()
	for _, tc := range []struct {
		zone, typ string
		offered   bool
		available int // -1: any positive number
	}{
		{"cn-hangzhou-h", "ecs.g6.large", true, -1},
		{"cn-hangzhou-h", "ecs.g6.xlarge", true, -1},
		{"cn-hangzhou-k", "ecs.g6.2xlarge", true, 0},
		{"cn-hangzhou-i", "ecs.g6.2xlarge", true, -1},
		{"cn-shanghai-f", "ecs.c6.4xlarge", true, 0},
		{"cn-hangzhou-h", "ecs.gn6i-c16g1.4xlarge", true, 0},
		{"cn-hangzhou-i", "ecs.gn6i-c4g1.xlarge", true, 20},
		{"cn-beijing-j", "ecs.r7.8xlarge", true, 0},
		{"cn-hangzhou-g", "ecs.g7.large", false, 0},
		{"cn-hangzhou-i", "ecs.g8y.large", true, -1},
		{"ap-southeast-1b", "ecs.g8y.large", false, 0},
		{"cn-hangzhou-h", "ecs.n4.large", false, 0},
		{"cn-hangzhou-z", "ecs.g6.large", false, 0},
	} {
		if got := c.ZoneOffers(tc.zone, tc.typ); got != tc.offered {
			t.Errorf("ZoneOffers(%q, %q) = %v, want %v", tc.zone, tc.typ, got, tc.offered)
		}
		if !tc.offered {
			continue
		}
		i := slices.IndexFunc(c.InitialStock(), func(s Stock) bool { return s.ZoneId == tc.zone && s.InstanceType == tc.typ })
		got := c.InitialStock()[i].Available
		if (tc.available < 0 && got <= 0) || (tc.available >= 0 && got != tc.available) {
			t.Errorf("stock of %s in %s = %d, want %d", tc.typ, tc.zone, got, tc.available)
		}
	}

	for _, s := range c.InitialStock() {
		typ, _ := c.Type(s.InstanceType)
		z, _ := c.Zone(s.ZoneId)
		if typ.Retired {
			t.Errorf("retired %s offered in %s", typ.InstanceTypeId, s.ZoneId)
		}
		if typ.InstanceTypeFamily == "ecs.g8y" && !strings.HasPrefix(z.RegionId, "cn-") {
			t.Errorf("g8y offered in %s", s.ZoneId)
		}
	}

	types := c.TypesInZone("cn-hangzhou-h")
	if len(types) == 0 || !slices.IsSortedFunc(types, compareTypes) {
		t.Errorf("TypesInZone(cn-hangzhou-h) is empty or not sorted")
	}
	for _, typ := range types {
		if !c.ZoneOffers("cn-hangzhou-h", typ.InstanceTypeId) {
			t.Errorf("TypesInZone lists %s, which ZoneOffers denies", typ.InstanceTypeId)
		}
	}
	if got := c.TypesInZone("cn-hangzhou-z"); got != nil {
		t.Errorf("TypesInZone(unknown) = %v, want nil", got)
	}
	all := c.Types()
	if !slices.IsSortedFunc(all, compareTypes) {
		t.Error("Types() is not sorted by family then vCPU")
	}
	all[0] = nil
	if c.Types()[0] == nil {
		t.Error("Types() returned the catalog's own slice")
	}
}

func TestCanChange(t *testing.T) {
	t.Parallel()
	c := Default()
	for _, tc := range []struct {
		from, to string
		want     bool
	}{
		{"ecs.g6.large", "ecs.g7.large", true},
		{"ecs.g6.large", "ecs.g6.xlarge", true},
		{"ecs.g6.xlarge", "ecs.c6.large", true},
		{"ecs.g6.large", "ecs.t6-c1m2.large", true},
		{"ecs.g6.large", "ecs.hfg7.large", true},
		{"ecs.g7.large", "ecs.g6.large", false},
		{"ecs.g7.large", "ecs.r7.xlarge", true},
		{"ecs.i2.xlarge", "ecs.i2.2xlarge", false},
		{"ecs.i2.xlarge", "ecs.g6.large", false},
		{"ecs.n4.large", "ecs.g6.large", true},
		{"ecs.n4.large", "ecs.g5.large", true},
		{"ecs.n4.large", "ecs.g7.large", false},
		{"ecs.gn6i-c4g1.xlarge", "ecs.g6.large", false},
		{"ecs.gn6i-c4g1.xlarge", "ecs.gn6i-c8g1.2xlarge", true},
		{"ecs.g8y.large", "ecs.g8y.xlarge", true},
		{"ecs.g8y.large", "ecs.g7.large", false},
		{"ecs.g6.large", "ecs.g8y.large", false},
		{"ecs.t5-c1m2.large", "ecs.n4.large", true},
		{"ecs.t6-c1m2.large", "ecs.g6.large", true},
		{"ecs.t6-c1m2.large", "ecs.g7.large", false},
		{"ecs.hfg7.large", "ecs.g7.large", true},
		{"ecs.g5.large", "ecs.g6.large", true},
		{"ecs.g6.large", "ecs.g5.large", false},
		{"ecs.g6.large", "ecs.g6.large", false},
		{"ecs.g6.large", "ecs.nope.large", false},
		{"ecs.nope.large", "ecs.g6.large", false},
	} {
		if got := c.CanChange(tc.from, tc.to); got != tc.want {
			t.Errorf("CanChange(%q, %q) = %v, want %v", tc.from, tc.to, got, tc.want)
		}
	}
	for _, typ := range c.Types() {
		if c.CanChange("ecs.i2.xlarge", typ.InstanceTypeId) {
			t.Errorf("i2 may change to %s", typ.InstanceTypeId)
		}
	}
}

// mutate decodes the embedded document, lets change edit it, and encodes it.
func mutate(t *testing.T, change func(d *document)) []byte {
	t.Helper()
	data, err := embeddedDocument()
	if err != nil {
		t.Fatal(err)
	}
	var d document
	if err := json.Unmarshal(data, &d); err != nil {
		t.Fatal(err)
	}
	change(&d)
	out, err := json.Marshal(&d)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func findType(d *document, id string) *InstanceType {
	for _, t := range d.InstanceTypes {
		if t.InstanceTypeId == id {
			return t
		}
	}
	panic(id)
}

func TestParseRejects(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name   string
		change func(d *document)
		want   []string // substrings of the error
	}{
		{"duplicate region", func(d *document) {
			r := *d.Regions[1]
			r.RegionId = "cn-hangzhou"
			r.Zones = []*Zone{{ZoneId: "cn-hangzhou-x", LocalName: "x", ZoneType: "AvailabilityZone"}}
			r.InstanceIdPrefix = "zz"
			d.Regions = append(d.Regions, &r)
		}, []string{`"cn-hangzhou": duplicate RegionId`}},
		{"duplicate zone", func(d *document) {
			d.Regions[1].Zones = append(d.Regions[1].Zones, &Zone{ZoneId: "cn-hangzhou-h", LocalName: "x"})
		}, []string{`"cn-hangzhou-h": duplicate ZoneId`}},
		{"duplicate prefix", func(d *document) { d.Regions[1].InstanceIdPrefix = "bp" }, []string{`InstanceIdPrefix "bp" already used by region "cn-hangzhou"`}},
		{"duplicate family", func(d *document) {
			d.Families = append(d.Families, &Family{InstanceTypeFamilyId: "ecs.g6", Generation: "ecs-5"})
		}, []string{`"ecs.g6": duplicate InstanceTypeFamilyId`}},
		{"duplicate type", func(d *document) {
			dup := *findType(d, "ecs.g6.large")
			d.InstanceTypes = append(d.InstanceTypes, &dup)
		}, []string{`"ecs.g6.large": duplicate InstanceTypeId`}},
		{"duplicate image", func(d *document) {
			dup := *d.Images[0]
			d.Images = append(d.Images, &dup)
		}, []string{`"aliyun_3_x64_20G_alibase_20240528.vhd": duplicate ImageId`}},
		{"unknown family of a type", func(d *document) { findType(d, "ecs.g6.large").InstanceTypeFamily = "ecs.zz9" },
			[]string{`"ecs.g6.large": unknown InstanceTypeFamily "ecs.zz9"`}},
		{"zero vCPU", func(d *document) { findType(d, "ecs.c7.large").CpuCoreCount = 0 },
			[]string{`"ecs.c7.large": CpuCoreCount must be positive`}},
		{"negative memory", func(d *document) { findType(d, "ecs.r6.large").MemorySize = -1 },
			[]string{`"ecs.r6.large": MemorySize must be positive`}},
		{"zero memory", func(d *document) { findType(d, "ecs.r6.xlarge").MemorySize = 0 },
			[]string{`"ecs.r6.xlarge": MemorySize must be positive`}},
		{"price for unknown type", func(d *document) { d.Prices["cn-beijing"]["ecs.g6.huge"] = "1.00" },
			[]string{`Prices["cn-beijing"]["ecs.g6.huge"]: unknown InstanceTypeId`}},
		{"price for unknown region", func(d *document) { d.Prices["mars-1"] = map[string]string{"ecs.g6.large": "1.00"} },
			[]string{`Prices["mars-1"]: unknown RegionId`}},
		{"price with three decimals", func(d *document) { d.Prices["cn-hangzhou"]["ecs.g6.large"] = "300.001" },
			[]string{`Prices["cn-hangzhou"]["ecs.g6.large"]`, "at most two decimals"}},
		{"zero price", func(d *document) { d.Prices["cn-hangzhou"]["ecs.g6.large"] = "0.00" },
			[]string{`Prices["cn-hangzhou"]["ecs.g6.large"]: price must be positive`}},
		{"offered without a price", func(d *document) { delete(d.Prices["cn-shanghai"], "ecs.g7.large") },
			[]string{`no price for "ecs.g7.large" in region "cn-shanghai"`}},
		{"stock for unknown zone", func(d *document) {
			d.Stock = append(d.Stock, Stock{ZoneId: "cn-hangzhou-z", InstanceType: "ecs.g6.large", Available: 1})
		}, []string{`{cn-hangzhou-z ecs.g6.large}: unknown ZoneId "cn-hangzhou-z"`}},
		{"stock for unknown type", func(d *document) {
			d.Stock = append(d.Stock, Stock{ZoneId: "cn-hangzhou-h", InstanceType: "ecs.g6.huge", Available: 1})
		}, []string{`{cn-hangzhou-h ecs.g6.huge}: unknown InstanceType "ecs.g6.huge"`}},
		{"duplicate stock row", func(d *document) { d.Stock = append(d.Stock, d.Stock[0]) },
			[]string{`{` + "cn-hangzhou-g ecs.g5.large" + `}: duplicate (ZoneId, InstanceType)`}},
		{"negative stock", func(d *document) { d.Stock[0].Available = -1 },
			[]string{`Available must not be negative`}},
		{"compatibility target unknown", func(d *document) {
			d.Compatibility.Targets["ecs.g6"] = append(d.Compatibility.Targets["ecs.g6"], "ecs.g99")
		}, []string{`Compatibility.Targets["ecs.g6"]: unknown target family "ecs.g99"`}},
		{"compatibility source unknown", func(d *document) { d.Compatibility.Targets["ecs.x1"] = []string{"ecs.g6"} },
			[]string{`Compatibility.Targets["ecs.x1"]: unknown family "ecs.x1"`}},
		{"no-change family unknown", func(d *document) { d.Compatibility.NoChange = append(d.Compatibility.NoChange, "ecs.d1") },
			[]string{`Compatibility.NoChange[1] "ecs.d1": unknown family`}},
		{"no-change family with targets", func(d *document) { d.Compatibility.Targets["ecs.i2"] = []string{"ecs.g6"} },
			[]string{`Compatibility.Targets["ecs.i2"]: family is in NoChange but has targets`}},
		{"two problems", func(d *document) {
			findType(d, "ecs.g6.large").CpuCoreCount = -2
			d.Prices["cn-hangzhou"]["ecs.c6.large"] = "abc"
		}, []string{`"ecs.g6.large": CpuCoreCount`, `Prices["cn-hangzhou"]["ecs.c6.large"]: money: "abc"`}},
		{"a region without disk and bandwidth prices", func(d *document) { delete(d.ResourcePrices, "cn-shanghai") },
			[]string{`no disk and bandwidth prices for region "cn-shanghai"`}},
		{"disk prices of an unknown region", func(d *document) { d.ResourcePrices["xx-nowhere-1"] = d.ResourcePrices["cn-hangzhou"] },
			[]string{`ResourcePrices["xx-nowhere-1"]: unknown RegionId`}},
		{"an unpriced ESSD level", func(d *document) { delete(d.ResourcePrices["cn-beijing"].Disks, "cloud_essd.PL3") },
			[]string{`ResourcePrices["cn-beijing"].Disks: no price for "cloud_essd.PL3"`}},
		{"an unknown disk", func(d *document) { d.ResourcePrices["cn-beijing"].Disks["cloud_essd"] = "1.00" },
			[]string{`ResourcePrices["cn-beijing"].Disks["cloud_essd"]: unknown disk`}},
		{"a bad bandwidth price", func(d *document) {
			d.ResourcePrices["cn-beijing"].BandwidthPerMbps = "0.00"
			d.ResourcePrices["cn-beijing"].TrafficPerGB = "0.8x"
		}, []string{`ResourcePrices["cn-beijing"].BandwidthPerMbps: price must be positive`, `ResourcePrices["cn-beijing"].TrafficPerGB`}},
		{"an image larger than the bundled system disk", func(d *document) { d.Images[0].Size = 41 },
			[]string{`Size 41 GiB is larger than the 40 GiB system disk`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := Parse(mutate(t, tc.change))
			if err == nil {
				t.Fatal("Parse accepted broken data")
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not contain %q", err, w)
				}
			}
		})
	}

	for _, tc := range []struct{ name, data, want string }{
		{"unknown field", `{"Regions":[],"Bogus":1}`, `unknown field "Bogus"`},
		{"not JSON", `{`, "decoding"},
		{"trailing data", `{} {}`, "data after"},
		{"empty", `{}`, "no region"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := Parse([]byte(tc.data))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("Parse(%s) error = %v, want one containing %q", tc.data, err, tc.want)
			}
		})
	}
}

func TestDumpRoundTrip(t *testing.T) {
	t.Parallel()
	c := Default()
	dump, err := c.Dump()
	if err != nil {
		t.Fatal(err)
	}
	c2, err := Parse(dump)
	if err != nil {
		t.Fatalf("Parse(Dump()) = %v", err)
	}
	if !reflect.DeepEqual(c, c2) {
		t.Error("Parse(Dump()) differs from the catalog")
	}
	dump2, err := c2.Dump()
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(dump, dump2) {
		t.Error("Dump is not stable across a round trip")
	}

	compact, err := json.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	var c3 Catalog
	if err := json.Unmarshal(compact, &c3); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(c, &c3) {
		t.Error("json.Unmarshal(json.Marshal(c)) differs from the catalog")
	}

	path := filepath.Join(t.TempDir(), "catalog.json")
	if err := os.WriteFile(path, dump, 0o600); err != nil {
		t.Fatal(err)
	}
	c4, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(c, c4) {
		t.Error("Load(dump) differs from the catalog")
	}
	if _, err := Load(filepath.Join(t.TempDir(), "missing.json")); err == nil {
		t.Error("Load of a missing file succeeded")
	}
	if err := os.WriteFile(path, []byte(`{"Regions":[]}`), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(path); err == nil || !strings.Contains(err.Error(), path) {
		t.Errorf("Load error = %v, want one naming %s", err, path)
	}
}
