// Package catalog is the static world ecsd runs in: regions and their zones,
// instance families and instance types, the family change-compatibility
// table, public images, monthly list prices and the initial per-zone stock
// (ARCHITECTURE.md §4, spec/alibaba-api.md §2.2 and §5).
//
// The data ships embedded, one JSON file per section under data/, generated
// by internal/gen (go generate). Default parses it once. An operator may
// replace it with a single JSON file holding every section (Load), which is
// the shape Dump writes:
//
//	{"Regions":[...],"Families":[...],"InstanceTypes":[...],
//	 "Compatibility":{"NoChange":[...],"Targets":{...}},
//	 "Images":[...],"Prices":{"<RegionId>":{"<InstanceTypeId>":"300.00"}},
//	 "Stock":[{"ZoneId":...,"InstanceType":...,"Available":200}],
//	 "ResourcePrices":{"<RegionId>":{"Disks":{"cloud_efficiency":"0.35","cloud_essd.PL1":"1.00",...},
//	                   "BandwidthPerMbps":"23.00","TrafficPerGB":"0.80"}}}
//
// A zone offers a type exactly when the Stock section has a row for the pair,
// even one with Available 0 (sold out). Prices are list prices in CNY per
// month, written as decimal strings with at most two decimals and held in Go
// as int64 cents. ResourcePrices gives every region a price per GiB-month
// for each disk category (ESSDs per performance level), per Mbit/s-month of
// PayByBandwidth bandwidth and per GB of PayByTraffic traffic. A type's
// price includes a BundledSystemDiskSize system disk of its
// DefaultDiskCategory, so no image may be larger.
//
// The embedded data pins these cases for tests elsewhere:
//   - ecs.g6.large costs 300.00 and ecs.g6.xlarge 600.00 a month in
//     cn-hangzhou (the worked example of ARCHITECTURE.md §5).
//   - ecs.g6.2xlarge is sold out in cn-hangzhou-k only, so a change there
//     needs MigrateAcrossZone; ecs.c6.4xlarge is sold out in every zone of
//     cn-shanghai; ecs.gn6i-c16g1.4xlarge is sold out in cn-hangzhou-h;
//     ecs.r7.8xlarge is sold out in cn-beijing-j.
//   - cn-hangzhou-g offers no 7th-generation family (a change to ecs.g7.*
//     there is not offered in the zone).
//   - The n4 family is retired: it has prices in every region (instances of
//     it still exist and may upgrade out of it to g5/c5/r5/g6/c6/r6) but no
//     zone offers it, and it is not I/O optimized (basic "cloud" disks only).
//   - i2 has local NVMe disks and can never change type; gn6i and g8y change
//     only within themselves; g8y (ARM) is offered only in the cn-* regions.
//   - ecs.t6-c4m1.large has 0.5 GiB of memory.
//   - In cn-hangzhou disks cost 0.35 (ultra), 1.00 (SSD) and 0.50/1.00/
//     2.00/4.00 (ESSD PL0–PL3) per GiB-month, PayByBandwidth 23.00 per
//     Mbit/s-month.
//
// Values returned by a Catalog are shared: callers must not modify them.
package catalog
