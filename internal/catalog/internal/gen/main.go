// Command gen writes the embedded catalog data files (one JSON file per
// section) from the tables below. Run it through `go generate` in
// internal/catalog. It checks the result with catalog.Parse before writing.
//
// Numbers follow the public Alibaba Cloud instance family pages (vCPU,
// memory, network, ENI and queue figures per size). List prices are a
// per-family rate per vCPU and per GiB (plus per GPU for gn6i), so a price
// scales linearly with size within a family; regions outside mainland China
// apply a surcharge in percent.
package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/ecsd/ecsd/internal/catalog"
)

func main() {
	out := flag.String("out", "data", "directory to write the JSON files to")
	flag.Parse()

	types := instanceTypes()
	stock := stockRows(types)
	sections := []struct {
		key, file string
		value     any
	}{
		{"Regions", "regions.json", regions},
		{"Families", "families.json", families()},
		{"InstanceTypes", "types.json", types},
		{"Compatibility", "compatibility.json", compatibility},
		{"Images", "images.json", images},
		{"Prices", "prices.json", prices(types)},
		{"Stock", "stock.json", stock},
		{"ResourcePrices", "resource_prices.json", resourcePrices()},
	}

	files := make(map[string][]byte)
	doc := map[string]json.RawMessage{}
	for _, s := range sections {
		var b []byte
		var err error
		switch s.key {
		case "Stock":
			b, err = linePerElement(stock)
		case "Compatibility":
			b, err = compatibilityJSON()
		default:
			b, err = json.MarshalIndent(s.value, "", "  ")
		}
		if err != nil {
			log.Fatalf("gen: %s: %v", s.file, err)
		}
		files[s.file] = append(b, '\n')
		doc[s.key] = b
	}
	whole, err := json.Marshal(doc)
	if err != nil {
		log.Fatal(err)
	}
	if _, err := catalog.Parse(whole); err != nil {
		log.Fatalf("gen: generated catalog does not parse: %v", err)
	}
	for name, b := range files {
		if err := os.WriteFile(filepath.Join(*out, name), b, 0o644); err != nil {
			log.Fatal(err)
		}
	}
}

// linePerElement writes a JSON array with one compact element per line.
func linePerElement[T any](xs []T) ([]byte, error) {
	var b bytes.Buffer
	b.WriteString("[\n")
	for i, x := range xs {
		e, err := json.Marshal(x)
		if err != nil {
			return nil, err
		}
		b.WriteString("  ")
		b.Write(e)
		if i < len(xs)-1 {
			b.WriteByte(',')
		}
		b.WriteByte('\n')
	}
	b.WriteString("]")
	return b.Bytes(), nil
}

// ---------------------------------------------------------------- regions

type zoneSpec struct {
	id, localName string
	groups        []string // family groups offered, see zoneGroups
}

type regionSpec struct {
	id, localName, prefix string
	surchargePct          int64 // list price = cn-hangzhou price × (100+surchargePct)/100
	zones                 []zoneSpec
}

// zoneGroups names the sets of families a zone may offer. Older zones lack
// the newest families, newer zones the oldest ones.
var zoneGroups = map[string][]string{
	"gen5":  {"ecs.g5", "ecs.c5", "ecs.r5"},
	"gen6":  {"ecs.g6", "ecs.c6", "ecs.r6"},
	"gen7":  {"ecs.g7", "ecs.c7", "ecs.r7"},
	"t5":    {"ecs.t5"},
	"t6":    {"ecs.t6"},
	"hfg7":  {"ecs.hfg7"},
	"g8y":   {"ecs.g8y"},
	"gn6i":  {"ecs.gn6i"},
	"i2":    {"ecs.i2"},
	"old":   {"gen5", "t5", "gen6", "t6", "i2"},
	"mid":   {"gen5", "gen6", "t6", "gen7", "hfg7", "gn6i"},
	"new":   {"gen6", "t6", "gen7", "hfg7", "g8y", "gn6i"},
	"newer": {"gen6", "t6", "gen7", "hfg7", "g8y"},
}

var regionSpecs = []regionSpec{
	{"cn-hangzhou", "华东1（杭州）", "bp", 0, []zoneSpec{
		{"cn-hangzhou-g", "杭州 可用区G", []string{"old"}},
		{"cn-hangzhou-h", "杭州 可用区H", []string{"mid", "t5", "i2"}},
		{"cn-hangzhou-i", "杭州 可用区I", []string{"new"}},
		{"cn-hangzhou-j", "杭州 可用区J", []string{"newer"}},
		{"cn-hangzhou-k", "杭州 可用区K", []string{"gen6", "t6", "gen7", "g8y", "gn6i"}},
	}},
	{"cn-shanghai", "华东2（上海）", "uf", 0, []zoneSpec{
		{"cn-shanghai-e", "上海 可用区E", []string{"old"}},
		{"cn-shanghai-f", "上海 可用区F", []string{"mid"}},
		{"cn-shanghai-g", "上海 可用区G", []string{"new"}},
		{"cn-shanghai-l", "上海 可用区L", []string{"newer"}},
	}},
	{"cn-beijing", "华北2（北京）", "2z", 0, []zoneSpec{
		{"cn-beijing-g", "北京 可用区G", []string{"old"}},
		{"cn-beijing-h", "北京 可用区H", []string{"mid"}},
		{"cn-beijing-i", "北京 可用区I", []string{"new"}},
		{"cn-beijing-j", "北京 可用区J", []string{"newer"}},
	}},
	{"ap-southeast-1", "新加坡", "t4", 15, []zoneSpec{
		{"ap-southeast-1a", "新加坡 可用区A", []string{"gen5", "t5", "gen6", "t6"}},
		{"ap-southeast-1b", "新加坡 可用区B", []string{"mid", "i2"}},
		{"ap-southeast-1c", "新加坡 可用区C", []string{"gen6", "t6", "gen7"}},
	}},
	{"us-west-1", "美国（硅谷）", "rj", 20, []zoneSpec{
		{"us-west-1a", "美国硅谷 可用区A", []string{"gen5", "t5", "gen6", "t6", "gen7"}},
		{"us-west-1b", "美国硅谷 可用区B", []string{"gen6", "t6", "gen7", "gn6i", "i2"}},
	}},
	{"eu-central-1", "德国（法兰克福）", "gw", 25, []zoneSpec{
		{"eu-central-1a", "法兰克福 可用区A", []string{"gen5", "t5", "gen6", "t6", "gen7", "i2"}},
		{"eu-central-1b", "法兰克福 可用区B", []string{"gen6", "t6", "gen7", "hfg7", "gn6i"}},
	}},
}

var regions = func() []*catalog.Region {
	var out []*catalog.Region
	for _, r := range regionSpecs {
		reg := &catalog.Region{
			RegionId:         r.id,
			LocalName:        r.localName,
			RegionEndpoint:   "ecs." + r.id + ".aliyuncs.com",
			Status:           "available",
			InstanceIdPrefix: r.prefix,
		}
		for _, z := range r.zones {
			reg.Zones = append(reg.Zones, &catalog.Zone{ZoneId: z.id, LocalName: z.localName, ZoneType: "AvailabilityZone"})
		}
		out = append(out, reg)
	}
	return out
}()

// expand resolves group names to family ids.
func expand(groups []string) []string {
	var out []string
	for _, g := range groups {
		members, ok := zoneGroups[g]
		if !ok {
			out = append(out, g) // a family id
			continue
		}
		for _, m := range expand(members) {
			if !slices.Contains(out, m) {
				out = append(out, m)
			}
		}
	}
	return out
}

// ---------------------------------------------------------------- families and types

const (
	skylake     = "Intel Xeon(Skylake) Platinum 8163"
	cascadeLake = "Intel Xeon(Cascade Lake) Platinum 8269CY"
	iceLake     = "Intel Xeon(Ice Lake) Platinum 8369B"
	cooperLake  = "Intel Xeon(Cooper Lake) Platinum 8369HC"
	broadwell   = "Intel Xeon E5-2682v4"
	yitian      = "Yitian 710"
)

var (
	disksGen5  = []string{"cloud_efficiency", "cloud_ssd", "cloud_essd"}
	disksGen6  = []string{"cloud_efficiency", "cloud_ssd", "cloud_essd", "cloud_auto"}
	disksGen7  = []string{"cloud_essd", "cloud_auto", "cloud_essd_entry"}
	disksT6    = []string{"cloud_efficiency", "cloud_ssd", "cloud_essd", "cloud_auto", "cloud_essd_entry"}
	disksBasic = []string{"cloud"}
)

const (
	sameAsIPv4 = -1
	noIPv6     = -2
)

// size is one size of a family: the figures that vary with the size.
type size struct {
	suffix     string
	cpu        int
	mem        float64 // GiB; 0 = cpu × family ratio
	bwMbit     int     // Mbit/s, each direction
	ppsK       int64   // thousand packets/s, each direction
	queues     int     // queues of the primary ENI
	eni        int
	ipv4       int
	ipv6       int // 0 = the family's; or sameAsIPv4, noIPv6
	disks      int
	gpus       int
	localDisks int
	localGiB   int64
	baseline   int   // burstable: baseline %, all vCPUs
	credit     int   // burstable: initial credits
	cpuRate    int64 // 0 = the family's
}

// familySpec is a family and what its sizes share.
type familySpec struct {
	id, generation, category string
	level                    string
	processor                string
	ghz, turbo               float64
	arch                     string
	memRatio                 float64
	disks                    []string
	nested, trunk, ioOpt     bool
	nvme                     string
	retired                  bool
	gpuSpec                  string
	gpuMem                   float64
	localCategory            string
	ipv6                     int // IPv6 per ENI when a size does not say
	// Monthly list price in cn-hangzhou, in yuan: cpuRate per vCPU (a size
	// may override it) plus memRate per GiB plus gpuRate per GPU.
	cpuRate, memRate, gpuRate int64
	sizes                     []size
}

var (
	sizesGen5 = []size{
		{suffix: "large", cpu: 2, bwMbit: 1024, ppsK: 300, queues: 2, eni: 2, ipv4: 6, disks: 16},
		{suffix: "xlarge", cpu: 4, bwMbit: 1536, ppsK: 500, queues: 2, eni: 3, ipv4: 10, disks: 16},
		{suffix: "2xlarge", cpu: 8, bwMbit: 2560, ppsK: 800, queues: 2, eni: 4, ipv4: 10, disks: 16},
		{suffix: "4xlarge", cpu: 16, bwMbit: 5120, ppsK: 1000, queues: 4, eni: 8, ipv4: 20, disks: 16},
		{suffix: "8xlarge", cpu: 32, bwMbit: 10240, ppsK: 2000, queues: 8, eni: 8, ipv4: 20, disks: 16},
	}
	sizesGen6 = []size{
		{suffix: "large", cpu: 2, bwMbit: 1024, ppsK: 300, queues: 2, eni: 2, ipv4: 6, disks: 16},
		{suffix: "xlarge", cpu: 4, bwMbit: 1536, ppsK: 500, queues: 2, eni: 3, ipv4: 10, disks: 16},
		{suffix: "2xlarge", cpu: 8, bwMbit: 2560, ppsK: 800, queues: 4, eni: 4, ipv4: 10, disks: 16},
		{suffix: "4xlarge", cpu: 16, bwMbit: 5120, ppsK: 1000, queues: 4, eni: 8, ipv4: 20, disks: 16},
		{suffix: "8xlarge", cpu: 32, bwMbit: 10240, ppsK: 2000, queues: 8, eni: 8, ipv4: 20, disks: 16},
	}
	sizesGen7 = []size{
		{suffix: "large", cpu: 2, bwMbit: 2048, ppsK: 900, queues: 2, eni: 3, ipv4: 6, ipv6: sameAsIPv4, disks: 16},
		{suffix: "xlarge", cpu: 4, bwMbit: 3072, ppsK: 1000, queues: 4, eni: 4, ipv4: 15, ipv6: sameAsIPv4, disks: 16},
		{suffix: "2xlarge", cpu: 8, bwMbit: 5120, ppsK: 1600, queues: 8, eni: 6, ipv4: 15, ipv6: sameAsIPv4, disks: 16},
		{suffix: "4xlarge", cpu: 16, bwMbit: 10240, ppsK: 3000, queues: 8, eni: 8, ipv4: 30, ipv6: sameAsIPv4, disks: 32},
		{suffix: "8xlarge", cpu: 32, bwMbit: 16384, ppsK: 6000, queues: 16, eni: 8, ipv4: 30, ipv6: sameAsIPv4, disks: 32},
	}
	sizesG8y = []size{
		{suffix: "large", cpu: 2, bwMbit: 2560, ppsK: 1000, queues: 2, eni: 3, ipv4: 6, ipv6: sameAsIPv4, disks: 16},
		{suffix: "xlarge", cpu: 4, bwMbit: 4096, ppsK: 1200, queues: 4, eni: 4, ipv4: 15, ipv6: sameAsIPv4, disks: 16},
		{suffix: "2xlarge", cpu: 8, bwMbit: 6144, ppsK: 1600, queues: 8, eni: 4, ipv4: 15, ipv6: sameAsIPv4, disks: 16},
		{suffix: "4xlarge", cpu: 16, bwMbit: 12288, ppsK: 3000, queues: 8, eni: 8, ipv4: 30, ipv6: sameAsIPv4, disks: 32},
		{suffix: "8xlarge", cpu: 32, bwMbit: 20480, ppsK: 6000, queues: 16, eni: 8, ipv4: 30, ipv6: sameAsIPv4, disks: 32},
	}
)

func familySpecs() []familySpec {
	gen5 := familySpec{generation: "ecs-4", level: "EnterpriseLevel", processor: skylake, ghz: 2.5, turbo: 2.7,
		arch: "X86", disks: disksGen5, ioOpt: true, nvme: "unsupported", ipv6: 1, cpuRate: 85, memRate: 14, sizes: sizesGen5}
	gen6 := familySpec{generation: "ecs-5", level: "EnterpriseLevel", processor: cascadeLake, ghz: 2.5, turbo: 3.2,
		arch: "X86", disks: disksGen6, ioOpt: true, nvme: "unsupported", ipv6: 1, cpuRate: 90, memRate: 15, sizes: sizesGen6}
	gen7 := familySpec{generation: "ecs-6", level: "EnterpriseLevel", processor: iceLake, ghz: 2.7, turbo: 3.5,
		arch: "X86", disks: disksGen7, nested: true, trunk: true, ioOpt: true, nvme: "unsupported", cpuRate: 96, memRate: 16, sizes: sizesGen7}
	with := func(f familySpec, id, category string, ratio float64) familySpec {
		f.id, f.category, f.memRatio = id, category, ratio
		return f
	}
	hfg7 := with(gen7, "ecs.hfg7", "High Clock Speed", 4)
	hfg7.processor, hfg7.ghz, hfg7.turbo, hfg7.cpuRate = cooperLake, 3.3, 3.8, 120

	return []familySpec{
		with(gen5, "ecs.g5", "General-purpose", 4),
		with(gen6, "ecs.g6", "General-purpose", 4),
		with(gen7, "ecs.g7", "General-purpose", 4),
		with(gen5, "ecs.c5", "Compute-optimized", 2),
		with(gen6, "ecs.c6", "Compute-optimized", 2),
		with(gen7, "ecs.c7", "Compute-optimized", 2),
		with(gen5, "ecs.r5", "Memory-optimized", 8),
		with(gen6, "ecs.r6", "Memory-optimized", 8),
		with(gen7, "ecs.r7", "Memory-optimized", 8),
		hfg7,
		{
			id: "ecs.g8y", generation: "ecs-7", category: "General-purpose", level: "EnterpriseLevel",
			processor: yitian, ghz: 2.75, arch: "ARM", memRatio: 4, disks: disksGen7, trunk: true, ioOpt: true,
			nvme: "required", cpuRate: 75, memRate: 13, sizes: sizesG8y,
		},
		{
			id: "ecs.t5", generation: "ecs-4", category: "Shared", level: "CreditEntryLevel",
			processor: skylake, ghz: 2.5, turbo: 3.1, arch: "X86", disks: disksGen5, ioOpt: true, nvme: "unsupported",
			ipv6: 1, cpuRate: 30, memRate: 12,
			sizes: []size{
				{suffix: "lc2m1.nano", cpu: 1, mem: 0.5, bwMbit: 100, ppsK: 40, queues: 1, eni: 1, ipv4: 2, ipv6: noIPv6, disks: 8, baseline: 10, credit: 30, cpuRate: 20},
				{suffix: "lc1m1.small", cpu: 1, mem: 1, bwMbit: 200, ppsK: 60, queues: 1, eni: 1, ipv4: 2, disks: 8, baseline: 10, credit: 30, cpuRate: 20},
				{suffix: "lc1m2.small", cpu: 1, mem: 2, bwMbit: 200, ppsK: 60, queues: 1, eni: 1, ipv4: 2, disks: 8, baseline: 10, credit: 30, cpuRate: 20},
				{suffix: "lc1m2.large", cpu: 2, mem: 4, bwMbit: 400, ppsK: 100, queues: 1, eni: 1, ipv4: 6, disks: 16, baseline: 20, credit: 60, cpuRate: 20},
				{suffix: "lc1m4.large", cpu: 2, mem: 8, bwMbit: 400, ppsK: 100, queues: 1, eni: 1, ipv4: 6, disks: 16, baseline: 20, credit: 60, cpuRate: 20},
				{suffix: "c1m1.large", cpu: 2, mem: 2, bwMbit: 500, ppsK: 100, queues: 2, eni: 2, ipv4: 6, disks: 16, baseline: 30, credit: 60},
				{suffix: "c1m2.large", cpu: 2, mem: 4, bwMbit: 500, ppsK: 100, queues: 2, eni: 2, ipv4: 6, disks: 16, baseline: 30, credit: 60},
				{suffix: "c1m4.large", cpu: 2, mem: 8, bwMbit: 500, ppsK: 100, queues: 2, eni: 2, ipv4: 6, disks: 16, baseline: 30, credit: 60},
				{suffix: "c1m2.xlarge", cpu: 4, mem: 8, bwMbit: 800, ppsK: 150, queues: 2, eni: 2, ipv4: 10, disks: 16, baseline: 60, credit: 120},
				{suffix: "c1m4.xlarge", cpu: 4, mem: 16, bwMbit: 800, ppsK: 150, queues: 2, eni: 2, ipv4: 10, disks: 16, baseline: 60, credit: 120},
				{suffix: "c1m2.2xlarge", cpu: 8, mem: 16, bwMbit: 1200, ppsK: 200, queues: 2, eni: 2, ipv4: 10, disks: 16, baseline: 120, credit: 240},
				{suffix: "c1m4.2xlarge", cpu: 8, mem: 32, bwMbit: 1200, ppsK: 200, queues: 2, eni: 2, ipv4: 10, disks: 16, baseline: 120, credit: 240},
			},
		},
		{
			id: "ecs.t6", generation: "ecs-5", category: "Shared", level: "CreditEntryLevel",
			processor: skylake, ghz: 2.5, turbo: 3.1, arch: "X86", disks: disksT6, ioOpt: true, nvme: "unsupported",
			ipv6: 1, cpuRate: 25, memRate: 10,
			sizes: []size{
				{suffix: "c4m1.large", cpu: 2, mem: 0.5, bwMbit: 80, ppsK: 60, queues: 1, eni: 2, ipv4: 2, disks: 8, baseline: 10},
				{suffix: "c2m1.large", cpu: 2, mem: 1, bwMbit: 80, ppsK: 60, queues: 1, eni: 2, ipv4: 2, disks: 8, baseline: 20},
				{suffix: "c1m1.large", cpu: 2, mem: 2, bwMbit: 100, ppsK: 80, queues: 1, eni: 2, ipv4: 6, disks: 16, baseline: 40},
				{suffix: "c1m2.large", cpu: 2, mem: 4, bwMbit: 100, ppsK: 80, queues: 1, eni: 2, ipv4: 6, disks: 16, baseline: 40},
				{suffix: "c1m4.large", cpu: 2, mem: 8, bwMbit: 100, ppsK: 80, queues: 1, eni: 2, ipv4: 6, disks: 16, baseline: 60},
				{suffix: "c1m2.xlarge", cpu: 4, mem: 8, bwMbit: 200, ppsK: 100, queues: 1, eni: 2, ipv4: 10, disks: 16, baseline: 80},
				{suffix: "c1m4.xlarge", cpu: 4, mem: 16, bwMbit: 200, ppsK: 100, queues: 1, eni: 2, ipv4: 10, disks: 16, baseline: 120},
				{suffix: "c1m4.2xlarge", cpu: 8, mem: 32, bwMbit: 400, ppsK: 150, queues: 2, eni: 2, ipv4: 10, disks: 16, baseline: 240},
			},
		},
		{
			id: "ecs.n4", generation: "ecs-3", category: "Shared", level: "EntryLevel",
			processor: broadwell, ghz: 2.5, turbo: 2.9, arch: "X86", memRatio: 2, disks: disksBasic, ioOpt: false,
			nvme: "unsupported", retired: true, cpuRate: 70, memRate: 12,
			sizes: []size{
				{suffix: "small", cpu: 1, bwMbit: 512, ppsK: 50, queues: 1, eni: 1, ipv4: 2, disks: 16},
				{suffix: "large", cpu: 2, bwMbit: 512, ppsK: 100, queues: 1, eni: 2, ipv4: 2, disks: 16},
				{suffix: "xlarge", cpu: 4, bwMbit: 819, ppsK: 150, queues: 1, eni: 2, ipv4: 6, disks: 16},
				{suffix: "2xlarge", cpu: 8, bwMbit: 1228, ppsK: 300, queues: 2, eni: 2, ipv4: 6, disks: 16},
				{suffix: "4xlarge", cpu: 16, bwMbit: 2560, ppsK: 400, queues: 2, eni: 2, ipv4: 10, disks: 16},
				{suffix: "8xlarge", cpu: 32, bwMbit: 5120, ppsK: 500, queues: 4, eni: 2, ipv4: 10, disks: 16},
			},
		},
		{
			id: "ecs.i2", generation: "ecs-4", category: "Local SSDs", level: "EnterpriseLevel",
			processor: skylake, ghz: 2.5, turbo: 2.7, arch: "X86", memRatio: 8, disks: disksGen5, ioOpt: true,
			nvme: "unsupported", localCategory: "local_nvme_ssd", ipv6: 1, cpuRate: 150, memRate: 20,
			sizes: []size{
				{suffix: "xlarge", cpu: 4, bwMbit: 1024, ppsK: 500, queues: 2, eni: 3, ipv4: 10, disks: 16, localDisks: 1, localGiB: 894},
				{suffix: "2xlarge", cpu: 8, bwMbit: 2048, ppsK: 1000, queues: 2, eni: 4, ipv4: 10, disks: 16, localDisks: 1, localGiB: 1788},
				{suffix: "4xlarge", cpu: 16, bwMbit: 3072, ppsK: 1500, queues: 4, eni: 8, ipv4: 20, disks: 16, localDisks: 2, localGiB: 1788},
				{suffix: "8xlarge", cpu: 32, bwMbit: 6144, ppsK: 2000, queues: 8, eni: 8, ipv4: 20, disks: 16, localDisks: 4, localGiB: 1788},
			},
		},
		{
			id: "ecs.gn6i", generation: "ecs-4", category: "Compute-optimized with GPU", level: "EnterpriseLevel",
			processor: skylake, ghz: 2.5, turbo: 3.1, arch: "X86", disks: disksGen5, ioOpt: true, nvme: "unsupported",
			gpuSpec: "NVIDIA T4", gpuMem: 16, ipv6: 1, cpuRate: 80, memRate: 12, gpuRate: 1200,
			sizes: []size{
				{suffix: "c4g1.xlarge", cpu: 4, mem: 15, gpus: 1, bwMbit: 4096, ppsK: 2500, queues: 2, eni: 2, ipv4: 10, disks: 16},
				{suffix: "c8g1.2xlarge", cpu: 8, mem: 31, gpus: 1, bwMbit: 5120, ppsK: 2500, queues: 2, eni: 2, ipv4: 10, disks: 16},
				{suffix: "c16g1.4xlarge", cpu: 16, mem: 62, gpus: 1, bwMbit: 6144, ppsK: 2500, queues: 4, eni: 3, ipv4: 10, disks: 16},
				{suffix: "c24g1.6xlarge", cpu: 24, mem: 93, gpus: 1, bwMbit: 7680, ppsK: 2500, queues: 6, eni: 4, ipv4: 10, disks: 16},
				{suffix: "c24g1.12xlarge", cpu: 48, mem: 186, gpus: 2, bwMbit: 15360, ppsK: 4500, queues: 12, eni: 6, ipv4: 10, disks: 16},
			},
		},
	}
}

func families() []*catalog.Family {
	var out []*catalog.Family
	for _, f := range familySpecs() {
		out = append(out, &catalog.Family{InstanceTypeFamilyId: f.id, Generation: f.generation, Category: f.category})
	}
	return out
}

// typeID names a size of a family: ecs.g6 + large → ecs.g6.large;
// ecs.t6 + c1m2.large → ecs.t6-c1m2.large (burstable and GPU names).
func typeID(f familySpec, s size) string {
	if slices.Contains([]string{"ecs.t5", "ecs.t6", "ecs.gn6i"}, f.id) {
		return f.id + "-" + s.suffix
	}
	return f.id + "." + s.suffix
}

func instanceTypes() []*catalog.InstanceType {
	var out []*catalog.InstanceType
	for _, f := range familySpecs() {
		for _, s := range f.sizes {
			mem := s.mem
			if mem == 0 {
				mem = float64(s.cpu) * f.memRatio
			}
			ipv6 := f.ipv6
			switch s.ipv6 {
			case 0:
			case sameAsIPv4:
				ipv6 = s.ipv4
			case noIPv6:
				ipv6 = 0
			default:
				ipv6 = s.ipv6
			}
			secondary := s.queues
			if secondary > 4 {
				secondary = s.queues / 2
			}
			eniTotal := s.eni
			if f.trunk {
				eniTotal = s.eni * 4
			}
			var gpuSpec string
			var gpuMem float64
			if s.gpus > 0 {
				gpuSpec, gpuMem = f.gpuSpec, f.gpuMem
			}
			var localCategory string
			if s.localDisks > 0 {
				localCategory = f.localCategory
			}
			kbit := s.bwMbit * 1024
			out = append(out, &catalog.InstanceType{
				InstanceTypeId:              typeID(f, s),
				InstanceTypeFamily:          f.id,
				CpuCoreCount:                s.cpu,
				MemorySize:                  mem,
				GPUAmount:                   s.gpus,
				GPUSpec:                     gpuSpec,
				GPUMemorySize:               gpuMem,
				EniQuantity:                 s.eni,
				EniPrivateIpAddressQuantity: s.ipv4,
				EniIpv6AddressQuantity:      ipv6,
				EniTotalQuantity:            eniTotal,
				EniTrunkSupported:           f.trunk,
				DiskQuantity:                s.disks,
				SupportedDiskCategories:     f.disks,
				LocalStorageCategory:        localCategory,
				LocalStorageAmount:          s.localDisks,
				LocalStorageCapacity:        s.localGiB,
				NestedVirtualization:        f.nested,
				CpuArchitecture:             f.arch,
				PhysicalProcessorModel:      f.processor,
				CpuSpeedFrequency:           f.ghz,
				CpuTurboFrequency:           f.turbo,
				InstanceBandwidthRx:         kbit,
				InstanceBandwidthTx:         kbit,
				InstancePpsRx:               s.ppsK * 1000,
				InstancePpsTx:               s.ppsK * 1000,
				PrimaryEniQueueNumber:       s.queues,
				SecondaryEniQueueNumber:     secondary,
				MaximumQueueNumberPerEni:    s.queues,
				TotalEniQueueQuantity:       s.queues + secondary*(s.eni-1),
				InstanceFamilyLevel:         f.level,
				InstanceCategory:            f.category,
				BaselineCredit:              s.baseline,
				InitialCredit:               s.credit,
				NvmeSupport:                 f.nvme,
				IoOptimized:                 f.ioOpt,
				Retired:                     f.retired,
			})
		}
	}
	return out
}

// ---------------------------------------------------------------- compatibility

// compatibilityJSON writes the Compatibility section with one family per
// line, in family order.
func compatibilityJSON() ([]byte, error) {
	var b bytes.Buffer
	noChange, err := json.Marshal(compatibility["NoChange"])
	if err != nil {
		return nil, err
	}
	fmt.Fprintf(&b, "{\n  \"NoChange\": %s,\n  \"Targets\": {\n", noChange)
	targets := compatibility["Targets"].(map[string][]string)
	var lines []string
	for _, f := range familySpecs() {
		to, ok := targets[f.id]
		if !ok {
			continue
		}
		k, _ := json.Marshal(f.id)
		v, err := json.Marshal(to)
		if err != nil {
			return nil, err
		}
		lines = append(lines, fmt.Sprintf("    %s: %s", k, v))
	}
	if len(lines) != len(targets) {
		return nil, fmt.Errorf("compatibility names a family that is not in familySpecs")
	}
	b.WriteString(strings.Join(lines, ",\n"))
	b.WriteString("\n  }\n}")
	return b.Bytes(), nil
}

// compatibility is spec/alibaba-api.md §2.2 restricted to the families of
// the catalog; a family not listed in Targets changes only within itself.
var compatibility = map[string]any{
	"NoChange": []string{"ecs.i2"},
	"Targets": map[string][]string{
		"ecs.g7":   {"ecs.g7", "ecs.c7", "ecs.r7"},
		"ecs.c7":   {"ecs.g7", "ecs.c7", "ecs.r7"},
		"ecs.r7":   {"ecs.g7", "ecs.c7", "ecs.r7"},
		"ecs.g6":   {"ecs.g6", "ecs.c6", "ecs.r6", "ecs.g7", "ecs.c7", "ecs.r7", "ecs.hfg7", "ecs.t6"},
		"ecs.c6":   {"ecs.g6", "ecs.c6", "ecs.r6", "ecs.g7", "ecs.c7", "ecs.r7", "ecs.hfg7", "ecs.t6"},
		"ecs.r6":   {"ecs.g6", "ecs.c6", "ecs.r6", "ecs.g7", "ecs.c7", "ecs.r7", "ecs.hfg7", "ecs.t6"},
		"ecs.g5":   {"ecs.g5", "ecs.c5", "ecs.r5", "ecs.g6", "ecs.c6", "ecs.r6", "ecs.t5", "ecs.n4"},
		"ecs.c5":   {"ecs.g5", "ecs.c5", "ecs.r5", "ecs.g6", "ecs.c6", "ecs.r6", "ecs.t5", "ecs.n4"},
		"ecs.r5":   {"ecs.g5", "ecs.c5", "ecs.r5", "ecs.g6", "ecs.c6", "ecs.r6", "ecs.t5", "ecs.n4"},
		"ecs.t5":   {"ecs.t5", "ecs.g5", "ecs.c5", "ecs.r5", "ecs.n4"},
		"ecs.t6":   {"ecs.t6", "ecs.g6", "ecs.c6", "ecs.r6"},
		"ecs.n4":   {"ecs.n4", "ecs.g5", "ecs.c5", "ecs.r5", "ecs.g6", "ecs.c6", "ecs.r6"},
		"ecs.hfg7": {"ecs.hfg7", "ecs.g7", "ecs.c7", "ecs.r7"},
		"ecs.gn6i": {"ecs.gn6i"},
		"ecs.g8y":  {"ecs.g8y"},
	},
}

// ---------------------------------------------------------------- images

var images = []*catalog.Image{
	{ImageId: "aliyun_3_x64_20G_alibase_20240528.vhd", ImageName: "aliyun_3_x64_20G_alibase_20240528.vhd",
		OSType: "linux", OSName: "Alibaba Cloud Linux  3.2104 LTS 64位", OSNameEn: "Alibaba Cloud Linux  3.2104 LTS 64 bit",
		Architecture: "x86_64", Platform: "Aliyun", Size: 20, BootMode: "BIOS", CreationTime: "2024-05-28T07:41:22Z"},
	{ImageId: "aliyun_3_arm64_20G_alibase_20240528.vhd", ImageName: "aliyun_3_arm64_20G_alibase_20240528.vhd",
		OSType: "linux", OSName: "Alibaba Cloud Linux  3.2104 LTS 64位 ARM版", OSNameEn: "Alibaba Cloud Linux  3.2104 LTS 64 bit ARM Edition",
		Architecture: "arm64", Platform: "Aliyun", Size: 20, BootMode: "UEFI", CreationTime: "2024-05-28T08:02:51Z"},
	{ImageId: "ubuntu_22_04_x64_20G_alibase_20240530.vhd", ImageName: "ubuntu_22_04_x64_20G_alibase_20240530.vhd",
		OSType: "linux", OSName: "Ubuntu  22.04 64位", OSNameEn: "Ubuntu  22.04 64 bit",
		Architecture: "x86_64", Platform: "Ubuntu", Size: 20, BootMode: "BIOS", CreationTime: "2024-05-30T03:15:09Z"},
	{ImageId: "ubuntu_22_04_arm64_20G_alibase_20240530.vhd", ImageName: "ubuntu_22_04_arm64_20G_alibase_20240530.vhd",
		OSType: "linux", OSName: "Ubuntu  22.04 64位 ARM版", OSNameEn: "Ubuntu  22.04 64 bit ARM Edition",
		Architecture: "arm64", Platform: "Ubuntu", Size: 20, BootMode: "UEFI", CreationTime: "2024-05-30T03:40:47Z"},
	{ImageId: "centos_7_9_x64_20G_alibase_20230919.vhd", ImageName: "centos_7_9_x64_20G_alibase_20230919.vhd",
		OSType: "linux", OSName: "CentOS  7.9 64位", OSNameEn: "CentOS  7.9 64 bit",
		Architecture: "x86_64", Platform: "CentOS", Size: 20, BootMode: "BIOS", CreationTime: "2023-09-19T06:12:30Z"},
	{ImageId: "debian_12_6_x64_20G_alibase_20240717.vhd", ImageName: "debian_12_6_x64_20G_alibase_20240717.vhd",
		OSType: "linux", OSName: "Debian  12.6 64位", OSNameEn: "Debian  12.6 64 bit",
		Architecture: "x86_64", Platform: "Debian", Size: 20, BootMode: "BIOS", CreationTime: "2024-07-17T09:25:14Z"},
	{ImageId: "win2022_21H2_x64_dtc_en-us_40G_alibase_20240515.vhd", ImageName: "win2022_21H2_x64_dtc_en-us_40G_alibase_20240515.vhd",
		OSType: "windows", OSName: "Windows Server  2022 数据中心版 64位英文版", OSNameEn: "Windows Server  2022 Datacenter Edition 64bit English Edition",
		Architecture: "x86_64", Platform: "Windows Server 2022", Size: 40, BootMode: "BIOS", CreationTime: "2024-05-15T10:08:36Z"},
	{ImageId: "win2019_1809_x64_dtc_zh-cn_40G_alibase_20240515.vhd", ImageName: "win2019_1809_x64_dtc_zh-cn_40G_alibase_20240515.vhd",
		OSType: "windows", OSName: "Windows Server  2019 数据中心版 64位中文版", OSNameEn: "Windows Server  2019 Datacenter Edition 64bit Chinese Edition",
		Architecture: "x86_64", Platform: "Windows Server 2019", Size: 40, BootMode: "BIOS", CreationTime: "2024-05-15T09:51:02Z"},
}

func init() {
	for _, im := range images {
		im.IsSupportIoOptimized = true
		im.ImageOwnerAlias = "system"
		im.Status = "Available"
	}
}

// ---------------------------------------------------------------- prices

// hangzhouCents is a type's monthly list price in cn-hangzhou, in cents.
func hangzhouCents(f familySpec, s size, t *catalog.InstanceType) int64 {
	cpuRate := f.cpuRate
	if s.cpuRate != 0 {
		cpuRate = s.cpuRate
	}
	halfGiB := int64(t.MemorySize * 2)
	if float64(halfGiB) != t.MemorySize*2 {
		log.Fatalf("gen: %s: memory %v is not a multiple of 0.5 GiB", t.InstanceTypeId, t.MemorySize)
	}
	yuan2 := 2*cpuRate*int64(t.CpuCoreCount) + f.memRate*halfGiB + 2*f.gpuRate*int64(t.GPUAmount)
	return yuan2 * 50 // (2 × yuan) × 50 = cents
}

// prices lists, per region, every type a zone of the region offers, plus the
// retired n4 types everywhere (instances of them still exist).
func prices(types []*catalog.InstanceType) map[string]map[string]string {
	base := map[string]int64{}
	retired := map[string]bool{}
	byID := map[string]*catalog.InstanceType{}
	for _, t := range types {
		byID[t.InstanceTypeId] = t
	}
	for _, f := range familySpecs() {
		for _, s := range f.sizes {
			t := byID[typeID(f, s)]
			base[t.InstanceTypeId] = hangzhouCents(f, s, t)
			retired[t.InstanceTypeId] = f.retired
		}
	}
	out := map[string]map[string]string{}
	for _, r := range regionSpecs {
		m := map[string]string{}
		add := func(id string) {
			c := base[id] * (100 + r.surchargePct)
			c = (c + 50) / 100 // half up
			m[id] = fmt.Sprintf("%d.%02d", c/100, c%100)
		}
		for _, t := range types {
			if t.Retired {
				add(t.InstanceTypeId)
			}
		}
		for _, z := range r.zones {
			for _, t := range typesOffered(z, types) {
				add(t.InstanceTypeId)
			}
		}
		out[r.id] = m
	}
	return out
}

// hangzhouDiskCents are cloud disk prices per GiB-month in cn-hangzhou, in
// cents, close to the public list prices (ESSD by performance level).
var hangzhouDiskCents = map[string]int64{
	"cloud":            30,
	"cloud_efficiency": 35,
	"cloud_ssd":        100,
	"cloud_essd.PL0":   50,
	"cloud_essd.PL1":   100,
	"cloud_essd.PL2":   200,
	"cloud_essd.PL3":   400,
	"cloud_auto":       100,
	"cloud_essd_entry": 50,
}

// Public bandwidth in cn-hangzhou, in cents: PayByBandwidth per
// Mbit/s-month and PayByTraffic per GB.
const (
	hangzhouMbpsCents = 2300
	hangzhouGBCents   = 80
)

// resourcePrices lists disk and bandwidth prices per region, with the
// region's surcharge.
func resourcePrices() map[string]*catalog.ResourcePrices {
	out := map[string]*catalog.ResourcePrices{}
	for _, r := range regionSpecs {
		cents := func(c int64) string {
			c = (c*(100+r.surchargePct) + 50) / 100 // half up
			return fmt.Sprintf("%d.%02d", c/100, c%100)
		}
		rp := &catalog.ResourcePrices{Disks: map[string]string{}, BandwidthPerMbps: cents(hangzhouMbpsCents), TrafficPerGB: cents(hangzhouGBCents)}
		for k, c := range hangzhouDiskCents {
			rp.Disks[k] = cents(c)
		}
		out[r.id] = rp
	}
	return out
}

// ---------------------------------------------------------------- stock

func typesOffered(z zoneSpec, types []*catalog.InstanceType) []*catalog.InstanceType {
	fams := expand(z.groups)
	var out []*catalog.InstanceType
	for _, t := range types {
		if !t.Retired && slices.Contains(fams, t.InstanceTypeFamily) {
			out = append(out, t)
		}
	}
	return out
}

// soldOut pins the sold-out cases the package doc lists. A zone id of
// "cn-shanghai" means every zone of the region.
var soldOut = map[[2]string]bool{
	{"cn-hangzhou-k", "ecs.g6.2xlarge"}:         true,
	{"cn-shanghai", "ecs.c6.4xlarge"}:           true,
	{"cn-hangzhou-h", "ecs.gn6i-c16g1.4xlarge"}: true,
	{"cn-beijing-j", "ecs.r7.8xlarge"}:          true,
}

func initialStock(t *catalog.InstanceType) int {
	switch {
	case t.GPUAmount > 0:
		return 20
	case t.LocalStorageAmount > 0:
		return 30
	case t.InstanceFamilyLevel == "CreditEntryLevel":
		return 300
	case t.CpuCoreCount >= 32:
		return 50
	case t.CpuCoreCount >= 16:
		return 100
	default:
		return 200
	}
}

func stockRows(types []*catalog.InstanceType) []catalog.Stock {
	var out []catalog.Stock
	for _, r := range regionSpecs {
		for _, z := range r.zones {
			for _, t := range typesOffered(z, types) {
				n := initialStock(t)
				if soldOut[[2]string{z.id, t.InstanceTypeId}] || soldOut[[2]string{r.id, t.InstanceTypeId}] {
					n = 0
				}
				out = append(out, catalog.Stock{ZoneId: z.id, InstanceType: t.InstanceTypeId, Available: n})
			}
		}
	}
	return out
}
