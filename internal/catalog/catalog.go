package catalog

//go:generate go run ./internal/gen -out data

import (
	"github.com/ecsd/ecsd/internal/money"

	"bytes"
	"cmp"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"sync"
)

// Catalog is a parsed, validated catalog with its lookup indexes. It is
// immutable after Parse and safe for concurrent use.
type Catalog struct {
	// The sections in file order, as Dump writes them back.
	regions  []*Region
	families []*Family
	types    []*InstanceType
	compat   compatibility
	images   []*Image
	prices   map[string]map[string]int64 // RegionId → InstanceTypeId → cents
	stock    []Stock
	// resourceDoc is the ResourcePrices section as read, for Dump;
	// resourcePrices the same in cents.
	resourceDoc    map[string]*ResourcePrices
	resourcePrices map[string]resourcePrices

	// Indexes built by Parse.
	regionByID  map[string]*Region
	zoneByID    map[string]*Zone
	familyByID  map[string]*Family
	typeByID    map[string]*InstanceType
	imageByID   map[string]*Image
	changes     map[string]map[string]bool // family → families it may change to
	offers      map[zoneType]bool
	typesSorted []*InstanceType
	typesInZone map[string][]*InstanceType
}

// compatibility is the Compatibility section. A family may change to itself
// and to its Targets, unless it is listed in NoChange (local-disk families),
// which may change to nothing.
type compatibility struct {
	NoChange []string
	Targets  map[string][]string
}

// document is the JSON shape of a whole catalog: what Load and Parse read
// and Dump writes. The embedded data holds one section per file.
type document struct {
	Regions       []*Region
	Families      []*Family
	InstanceTypes []*InstanceType
	Compatibility compatibility
	Images        []*Image
	Prices        map[string]map[string]string // RegionId → InstanceTypeId → "300.00"
	Stock         []Stock
	// ResourcePrices: RegionId → disk and bandwidth prices.
	ResourcePrices map[string]*ResourcePrices
}

type zoneType struct{ zone, typ string }

//go:embed data/*.json
var dataFS embed.FS

// sections maps each top-level key of a document to its embedded file.
var sections = []struct{ key, file string }{
	{"Regions", "regions.json"},
	{"Families", "families.json"},
	{"InstanceTypes", "types.json"},
	{"Compatibility", "compatibility.json"},
	{"Images", "images.json"},
	{"Prices", "prices.json"},
	{"Stock", "stock.json"},
	{"ResourcePrices", "resource_prices.json"},
}

// embeddedDocument joins the embedded section files into one document.
func embeddedDocument() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, s := range sections {
		data, err := dataFS.ReadFile("data/" + s.file)
		if err != nil {
			return nil, fmt.Errorf("catalog: %w", err)
		}
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, "%q:", s.key)
		b.Write(bytes.TrimSpace(data))
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

var defaultCatalog = sync.OnceValue(func() *Catalog {
	data, err := embeddedDocument()
	if err != nil {
		panic(err)
	}
	c, err := Parse(data)
	if err != nil {
		panic(fmt.Sprintf("embedded catalog data is broken: %v", err))
	}
	return c
})

// Default returns the catalog built from the embedded data files. It parses
// them once; later calls return the same *Catalog. It panics only if the
// embedded data is broken, which the package tests rule out.
func Default() *Catalog { return defaultCatalog() }

// Load reads a catalog from a JSON file holding every section in one object,
// the shape Dump writes (see the package doc). It returns Parse's errors,
// prefixed with the path.
func Load(path string) (*Catalog, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("catalog: %w", err)
	}
	c, err := Parse(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return c, nil
}

// Parse decodes and validates a catalog document and builds its indexes.
// Unknown fields are an error. Every problem found is reported, each naming
// the bad entry: duplicate ids, a type of an unknown family, a price for an
// unknown region or type, stock for an unknown zone or type, a compatibility
// rule naming an unknown family, non-positive vCPU or memory, a malformed
// price, a type offered in a zone whose region has no price for it.
func Parse(data []byte) (*Catalog, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var doc document
	if err := dec.Decode(&doc); err != nil {
		return nil, fmt.Errorf("catalog: decoding: %w", err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, errors.New("catalog: decoding: data after the catalog object")
	}
	return build(&doc)
}

// MarshalJSON writes the catalog as one document, sections in file order and
// prices as decimal strings, so that Parse reads it back to an equal catalog.
func (c *Catalog) MarshalJSON() ([]byte, error) {
	return json.Marshal(c.document())
}

// UnmarshalJSON replaces c with the catalog Parse builds from data.
func (c *Catalog) UnmarshalJSON(data []byte) error {
	p, err := Parse(data)
	if err != nil {
		return err
	}
	*c = *p
	return nil
}

// Dump writes the catalog as one indented JSON document that Load and Parse
// accept (`ecsd catalog dump > my.json`, edit, `--catalog my.json`).
func (c *Catalog) Dump() ([]byte, error) {
	b, err := json.MarshalIndent(c.document(), "", "  ")
	if err != nil {
		return nil, err
	}
	return append(b, '\n'), nil
}

func (c *Catalog) document() *document {
	prices := make(map[string]map[string]string, len(c.prices))
	for region, byType := range c.prices {
		m := make(map[string]string, len(byType))
		for typ, cents := range byType {
			m[typ] = money.Amount(cents).String()
		}
		prices[region] = m
	}
	return &document{
		Regions:       c.regions,
		Families:      c.families,
		InstanceTypes: c.types,
		Compatibility: c.compat,
		Images:        c.images,
		Prices:        prices,
		Stock:         c.stock,

		ResourcePrices: c.resourceDoc,
	}
}

// Region returns the region with the given id.
func (c *Catalog) Region(id string) (*Region, bool) {
	r, ok := c.regionByID[id]
	return r, ok
}

// Zone returns the zone with the given id; its RegionId names its region.
func (c *Catalog) Zone(id string) (*Zone, bool) {
	z, ok := c.zoneByID[id]
	return z, ok
}

// Type returns the instance type with the given id, retired ones included.
func (c *Catalog) Type(id string) (*InstanceType, bool) {
	t, ok := c.typeByID[id]
	return t, ok
}

// Family returns the instance type family with the given id ("ecs.g6").
func (c *Catalog) Family(id string) (*Family, bool) {
	f, ok := c.familyByID[id]
	return f, ok
}

// Image returns the image with the given id.
func (c *Catalog) Image(id string) (*Image, bool) {
	im, ok := c.imageByID[id]
	return im, ok
}

// MonthlyPrice returns the monthly list price, in cents, of a type in a
// region. It reports false if the region has no price for the type.
func (c *Catalog) MonthlyPrice(regionID, typeID string) (int64, bool) {
	p, ok := c.prices[regionID][typeID]
	return p, ok
}

// CanChange reports whether the compatibility table lets an instance of type
// fromType change to type toType: both types exist, they differ, and the
// family of toType is the family of fromType or one of its targets, unless
// the family of fromType allows no change at all (i2). It does not look at
// retirement, zones, stock or prices.
func (c *Catalog) CanChange(fromType, toType string) bool {
	if fromType == toType {
		return false
	}
	from, ok := c.typeByID[fromType]
	if !ok {
		return false
	}
	to, ok := c.typeByID[toType]
	if !ok {
		return false
	}
	return c.changes[from.InstanceTypeFamily][to.InstanceTypeFamily]
}

// ZoneOffers reports whether the zone offers the type for purchase, in stock
// or sold out.
func (c *Catalog) ZoneOffers(zoneID, typeID string) bool {
	return c.offers[zoneType{zoneID, typeID}]
}

// InitialStock returns a copy of the Stock section: the stock each zone
// starts with, one row per (zone, type) offered.
func (c *Catalog) InitialStock() []Stock {
	return slices.Clone(c.stock)
}

// TypesInZone returns the types the zone offers, in the order of Types. It
// returns nil for an unknown zone.
func (c *Catalog) TypesInZone(zoneID string) []*InstanceType {
	return slices.Clone(c.typesInZone[zoneID])
}

// Families returns every family in file order.
func (c *Catalog) Families() []*Family { return slices.Clone(c.families) }

// Types returns every instance type, retired ones included, sorted by
// family id, then vCPUs, memory, GPUs and type id.
func (c *Catalog) Types() []*InstanceType { return slices.Clone(c.typesSorted) }

// Regions returns every region in file order.
func (c *Catalog) Regions() []*Region { return slices.Clone(c.regions) }

// Images returns every image in file order.
func (c *Catalog) Images() []*Image { return slices.Clone(c.images) }

func compareTypes(a, b *InstanceType) int {
	return cmp.Or(
		cmp.Compare(a.InstanceTypeFamily, b.InstanceTypeFamily),
		cmp.Compare(a.CpuCoreCount, b.CpuCoreCount),
		cmp.Compare(a.MemorySize, b.MemorySize),
		cmp.Compare(a.GPUAmount, b.GPUAmount),
		cmp.Compare(a.InstanceTypeId, b.InstanceTypeId),
	)
}
