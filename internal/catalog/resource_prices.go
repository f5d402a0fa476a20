package catalog

import (
	"fmt"
	"slices"
	"strings"

	"github.com/ecsd/ecsd/internal/money"
)

// ResourcePrices are the list prices of what an instance has besides its
// type, in one region, as decimal CNY strings: cloud disks per GiB-month
// and public bandwidth. Disks is keyed by category, and for ESSDs by
// category and performance level ("cloud_essd.PL1").
type ResourcePrices struct {
	Disks map[string]string
	// BandwidthPerMbps is the monthly price of 1 Mbit/s of outbound public
	// bandwidth billed by bandwidth (InternetChargeType PayByBandwidth).
	BandwidthPerMbps string
	// TrafficPerGB is the price of 1 GB of outbound public traffic billed by
	// traffic (PayByTraffic). Traffic is metered, so no purchase, renewal or
	// change charges it.
	TrafficPerGB string
}

// DiskCategories are the cloud disk categories ecsd knows, and
// PerformanceLevels the ESSD performance levels; every region prices each.
var (
	DiskCategories    = []string{"cloud", "cloud_efficiency", "cloud_ssd", "cloud_essd", "cloud_auto", "cloud_essd_entry"}
	PerformanceLevels = []string{"PL0", "PL1", "PL2", "PL3"}
)

// BundledSystemDiskSize is the size in GiB of the system disk that a type's
// monthly list price includes (the disk RunInstances creates when no
// SystemDisk is given, of the type's DefaultDiskCategory). No image is
// larger, so a default purchase costs exactly the type's price.
const BundledSystemDiskSize = 40

// diskPriceKey is the Disks key of a category and performance level: the
// level counts for ESSDs only.
func diskPriceKey(category, pl string) string {
	if category == "cloud_essd" {
		return category + "." + pl
	}
	return category
}

// DiskPrice returns the monthly price of one GiB of a disk, in cents. pl
// is read for cloud_essd only. It reports false for an unpriced disk.
func (c *Catalog) DiskPrice(regionID, category, pl string) (int64, bool) {
	p, ok := c.resourcePrices[regionID].disks[diskPriceKey(category, pl)]
	return p, ok
}

// BandwidthPrice returns the monthly price of 1 Mbit/s of PayByBandwidth
// outbound bandwidth in a region, in cents.
func (c *Catalog) BandwidthPrice(regionID string) (int64, bool) {
	r, ok := c.resourcePrices[regionID]
	return r.perMbps, ok
}

// TrafficPrice returns the price of 1 GB of PayByTraffic outbound traffic
// in a region, in cents.
func (c *Catalog) TrafficPrice(regionID string) (int64, bool) {
	r, ok := c.resourcePrices[regionID]
	return r.perGB, ok
}

// DefaultDiskCategory is the category of a disk created for the type when
// none is asked for: ESSD when the type takes it, else ultra disk
// (cloud_efficiency), else the type's first category.
func (t *InstanceType) DefaultDiskCategory() string {
	switch {
	case slices.Contains(t.SupportedDiskCategories, "cloud_essd"):
		return "cloud_essd"
	case slices.Contains(t.SupportedDiskCategories, "cloud_efficiency") || len(t.SupportedDiskCategories) == 0:
		return "cloud_efficiency"
	}
	return t.SupportedDiskCategories[0]
}

// resourcePrices is one region's ResourcePrices in cents.
type resourcePrices struct {
	disks          map[string]int64
	perMbps, perGB int64
}

// buildResourcePrices checks the ResourcePrices section: a known region,
// every disk category (ESSDs at every level) priced and nothing else, and
// every price a positive amount. Each region must have its block; build
// checks that.
func buildResourcePrices(doc map[string]*ResourcePrices, regions map[string]*Region, bad func(string, ...any)) map[string]resourcePrices {
	out := make(map[string]resourcePrices, len(doc))
	var keys []string
	for _, cat := range DiskCategories {
		if cat == "cloud_essd" {
			for _, pl := range PerformanceLevels {
				keys = append(keys, diskPriceKey(cat, pl))
			}
			continue
		}
		keys = append(keys, cat)
	}
	parse := func(name, s string) int64 {
		amt, err := money.Parse(s)
		switch {
		case err != nil:
			bad("%s: %v", name, err)
		case amt <= 0:
			bad("%s: price must be positive, got %q", name, s)
		}
		return int64(amt)
	}
	for _, region := range sortedKeys(doc) {
		name := fmt.Sprintf("ResourcePrices[%q]", region)
		rp := doc[region]
		if regions[region] == nil {
			bad("%s: unknown RegionId", name)
			continue
		}
		if rp == nil {
			bad("%s: null entry", name)
			continue
		}
		r := resourcePrices{disks: map[string]int64{}}
		for _, k := range sortedKeys(rp.Disks) {
			if !slices.Contains(keys, k) {
				bad("%s.Disks[%q]: unknown disk; use one of %s", name, k, strings.Join(keys, ", "))
				continue
			}
			r.disks[k] = parse(fmt.Sprintf("%s.Disks[%q]", name, k), rp.Disks[k])
		}
		for _, k := range keys {
			if _, ok := rp.Disks[k]; !ok {
				bad("%s.Disks: no price for %q", name, k)
			}
		}
		r.perMbps = parse(name+".BandwidthPerMbps", rp.BandwidthPerMbps)
		r.perGB = parse(name+".TrafficPerGB", rp.TrafficPerGB)
		out[region] = r
	}
	return out
}
