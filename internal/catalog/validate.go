package catalog

import (
	"github.com/ecsd/ecsd/internal/money"

	"errors"
	"fmt"
	"slices"
	"sort"
)

// build validates a decoded document and returns the catalog with its
// indexes. It reports every problem it finds, each naming its entry.
func build(doc *document) (*Catalog, error) {
	var errs []error
	bad := func(format string, args ...any) {
		errs = append(errs, fmt.Errorf("catalog: "+format, args...))
	}

	c := &Catalog{
		regions:     doc.Regions,
		families:    doc.Families,
		types:       doc.InstanceTypes,
		compat:      doc.Compatibility,
		images:      doc.Images,
		stock:       doc.Stock,
		prices:      make(map[string]map[string]int64, len(doc.Prices)),
		regionByID:  make(map[string]*Region, len(doc.Regions)),
		zoneByID:    make(map[string]*Zone),
		familyByID:  make(map[string]*Family, len(doc.Families)),
		typeByID:    make(map[string]*InstanceType, len(doc.InstanceTypes)),
		imageByID:   make(map[string]*Image, len(doc.Images)),
		changes:     make(map[string]map[string]bool, len(doc.Families)),
		offers:      make(map[zoneType]bool, len(doc.Stock)),
		typesInZone: make(map[string][]*InstanceType),
	}

	// Regions and zones.
	if len(doc.Regions) == 0 {
		bad("Regions: no region")
	}
	prefixes := make(map[string]string)
	for i, r := range doc.Regions {
		if r == nil {
			bad("Regions[%d]: null entry", i)
			continue
		}
		name := fmt.Sprintf("Regions[%d] %q", i, r.RegionId)
		switch {
		case r.RegionId == "":
			bad("%s: empty RegionId", name)
		case c.regionByID[r.RegionId] != nil:
			bad("%s: duplicate RegionId", name)
		default:
			c.regionByID[r.RegionId] = r
		}
		if r.Status != "available" && r.Status != "soldOut" {
			bad("%s: Status %q is not available or soldOut", name, r.Status)
		}
		if !validPrefix(r.InstanceIdPrefix) {
			bad("%s: InstanceIdPrefix %q is not 1 to 4 lowercase letters or digits", name, r.InstanceIdPrefix)
		} else if other, dup := prefixes[r.InstanceIdPrefix]; dup {
			bad("%s: InstanceIdPrefix %q already used by region %q", name, r.InstanceIdPrefix, other)
		} else {
			prefixes[r.InstanceIdPrefix] = r.RegionId
		}
		if len(r.Zones) == 0 {
			bad("%s: no zone", name)
		}
		for j, z := range r.Zones {
			if z == nil {
				bad("%s: Zones[%d]: null entry", name, j)
				continue
			}
			zname := fmt.Sprintf("%s: Zones[%d] %q", name, j, z.ZoneId)
			switch {
			case z.ZoneId == "":
				bad("%s: empty ZoneId", zname)
			case c.zoneByID[z.ZoneId] != nil:
				bad("%s: duplicate ZoneId", zname)
			default:
				c.zoneByID[z.ZoneId] = z
			}
			z.RegionId = r.RegionId
		}
	}

	// Families.
	if len(doc.Families) == 0 {
		bad("Families: no family")
	}
	for i, f := range doc.Families {
		if f == nil {
			bad("Families[%d]: null entry", i)
			continue
		}
		name := fmt.Sprintf("Families[%d] %q", i, f.InstanceTypeFamilyId)
		switch {
		case f.InstanceTypeFamilyId == "":
			bad("%s: empty InstanceTypeFamilyId", name)
		case c.familyByID[f.InstanceTypeFamilyId] != nil:
			bad("%s: duplicate InstanceTypeFamilyId", name)
		default:
			c.familyByID[f.InstanceTypeFamilyId] = f
		}
	}

	// Instance types.
	if len(doc.InstanceTypes) == 0 {
		bad("InstanceTypes: no instance type")
	}
	for i, t := range doc.InstanceTypes {
		if t == nil {
			bad("InstanceTypes[%d]: null entry", i)
			continue
		}
		name := fmt.Sprintf("InstanceTypes[%d] %q", i, t.InstanceTypeId)
		switch {
		case t.InstanceTypeId == "":
			bad("%s: empty InstanceTypeId", name)
		case c.typeByID[t.InstanceTypeId] != nil:
			bad("%s: duplicate InstanceTypeId", name)
		default:
			c.typeByID[t.InstanceTypeId] = t
		}
		if c.familyByID[t.InstanceTypeFamily] == nil {
			bad("%s: unknown InstanceTypeFamily %q", name, t.InstanceTypeFamily)
		}
		if t.CpuCoreCount <= 0 {
			bad("%s: CpuCoreCount must be positive, got %d", name, t.CpuCoreCount)
		}
		if !(t.MemorySize > 0) {
			bad("%s: MemorySize must be positive, got %v", name, t.MemorySize)
		}
		if t.EniQuantity <= 0 {
			bad("%s: EniQuantity must be positive, got %d", name, t.EniQuantity)
		}
		if t.GPUAmount < 0 || t.DiskQuantity < 0 || t.LocalStorageAmount < 0 || t.EniPrivateIpAddressQuantity < 0 || t.EniIpv6AddressQuantity < 0 {
			bad("%s: GPUAmount, DiskQuantity, LocalStorageAmount and ENI address quantities must not be negative", name)
		}
		if t.CpuArchitecture != "X86" && t.CpuArchitecture != "ARM" {
			bad("%s: CpuArchitecture %q is not X86 or ARM", name, t.CpuArchitecture)
		}
	}

	// Compatibility.
	noChange := make(map[string]bool, len(doc.Compatibility.NoChange))
	for i, f := range doc.Compatibility.NoChange {
		name := fmt.Sprintf("Compatibility.NoChange[%d] %q", i, f)
		switch {
		case c.familyByID[f] == nil:
			bad("%s: unknown family", name)
		case noChange[f]:
			bad("%s: listed twice", name)
		}
		noChange[f] = true
	}
	for _, from := range sortedKeys(doc.Compatibility.Targets) {
		name := fmt.Sprintf("Compatibility.Targets[%q]", from)
		if c.familyByID[from] == nil {
			bad("%s: unknown family %q", name, from)
		}
		if noChange[from] && len(doc.Compatibility.Targets[from]) > 0 {
			bad("%s: family is in NoChange but has targets", name)
		}
		for _, to := range doc.Compatibility.Targets[from] {
			if c.familyByID[to] == nil {
				bad("%s: unknown target family %q", name, to)
			}
		}
	}
	for _, f := range doc.Families {
		if f == nil || noChange[f.InstanceTypeFamilyId] {
			continue
		}
		allowed := map[string]bool{f.InstanceTypeFamilyId: true}
		for _, to := range doc.Compatibility.Targets[f.InstanceTypeFamilyId] {
			allowed[to] = true
		}
		c.changes[f.InstanceTypeFamilyId] = allowed
	}

	// Images.
	for i, im := range doc.Images {
		if im == nil {
			bad("Images[%d]: null entry", i)
			continue
		}
		name := fmt.Sprintf("Images[%d] %q", i, im.ImageId)
		switch {
		case im.ImageId == "":
			bad("%s: empty ImageId", name)
		case c.imageByID[im.ImageId] != nil:
			bad("%s: duplicate ImageId", name)
		default:
			c.imageByID[im.ImageId] = im
		}
		if im.OSType != "linux" && im.OSType != "windows" {
			bad("%s: OSType %q is not linux or windows", name, im.OSType)
		}
		if im.Architecture != "x86_64" && im.Architecture != "arm64" {
			bad("%s: Architecture %q is not x86_64 or arm64", name, im.Architecture)
		}
	}

	// Prices.
	for _, region := range sortedKeys(doc.Prices) {
		if c.regionByID[region] == nil {
			bad("Prices[%q]: unknown RegionId", region)
			continue
		}
		byType := make(map[string]int64, len(doc.Prices[region]))
		for _, typ := range sortedKeys(doc.Prices[region]) {
			name := fmt.Sprintf("Prices[%q][%q]", region, typ)
			if c.typeByID[typ] == nil {
				bad("%s: unknown InstanceTypeId", name)
				continue
			}
			amt, err := money.Parse(doc.Prices[region][typ])
			cents := int64(amt)
			switch {
			case err != nil:
				bad("%s: %v", name, err)
			case cents <= 0:
				bad("%s: price must be positive, got %q", name, doc.Prices[region][typ])
			default:
				byType[typ] = cents
			}
		}
		c.prices[region] = byType
	}

	// Disk and bandwidth prices: every region has them.
	c.resourceDoc = doc.ResourcePrices
	c.resourcePrices = buildResourcePrices(doc.ResourcePrices, c.regionByID, bad)
	for _, r := range doc.Regions {
		if r != nil && doc.ResourcePrices[r.RegionId] == nil {
			bad("ResourcePrices: no disk and bandwidth prices for region %q", r.RegionId)
		}
	}
	// A type's price includes a system disk as large as any image.
	for _, im := range doc.Images {
		if im != nil && im.Size > BundledSystemDiskSize {
			bad("Images %q: Size %d GiB is larger than the %d GiB system disk a type's price includes", im.ImageId, im.Size, BundledSystemDiskSize)
		}
	}

	// Stock: which zone offers which type.
	for i, s := range doc.Stock {
		name := fmt.Sprintf("Stock[%d] {%s %s}", i, s.ZoneId, s.InstanceType)
		z := c.zoneByID[s.ZoneId]
		t := c.typeByID[s.InstanceType]
		if z == nil {
			bad("%s: unknown ZoneId %q", name, s.ZoneId)
		}
		if t == nil {
			bad("%s: unknown InstanceType %q", name, s.InstanceType)
		}
		if s.Available < 0 {
			bad("%s: Available must not be negative, got %d", name, s.Available)
		}
		if z == nil || t == nil {
			continue
		}
		key := zoneType{s.ZoneId, s.InstanceType}
		if c.offers[key] {
			bad("%s: duplicate (ZoneId, InstanceType)", name)
			continue
		}
		c.offers[key] = true
		c.typesInZone[s.ZoneId] = append(c.typesInZone[s.ZoneId], t)
		if _, ok := c.prices[z.RegionId][t.InstanceTypeId]; !ok {
			bad("%s: no price for %q in region %q", name, t.InstanceTypeId, z.RegionId)
		}
	}

	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}

	c.typesSorted = slices.Clone(c.types)
	slices.SortFunc(c.typesSorted, compareTypes)
	for _, ts := range c.typesInZone {
		slices.SortFunc(ts, compareTypes)
	}
	return c, nil
}

func validPrefix(p string) bool {
	if len(p) == 0 || len(p) > 4 {
		return false
	}
	for i := range len(p) {
		if !('a' <= p[i] && p[i] <= 'z' || '0' <= p[i] && p[i] <= '9') {
			return false
		}
	}
	return true
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
