package conformance

import (
	"testing"

	ecs2 "github.com/alibabacloud-go/ecs-20140526/v7/client"
	"github.com/alibabacloud-go/tea/dara"

	"github.com/ecsd/ecsd/internal/catalog"
	"github.com/ecsd/ecsd/internal/ecsdtest"
)

// arOffers returns DescribeAvailableResource's InstanceType answer as zone
// → type → Status.
func arOffers(t *testing.T, c *ecs2.Client, charge string) map[string]map[string]string {
	t.Helper()
	resp, err := c.DescribeAvailableResource(&ecs2.DescribeAvailableResourceRequest{RegionId: nwRegion,
		DestinationResource: dara.String("InstanceType"), InstanceChargeType: dara.String(charge)})
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]map[string]string{}
	for _, z := range resp.Body.AvailableZones.AvailableZone {
		zone := dara.StringValue(z.ZoneId)
		out[zone] = map[string]string{}
		for _, r := range z.AvailableResources.AvailableResource {
			if dara.StringValue(r.Type) != "InstanceType" {
				t.Errorf("%s: resource type %s in an InstanceType answer", zone, dara.StringValue(r.Type))
			}
			for _, v := range r.SupportedResources.SupportedResource {
				st, cat := dara.StringValue(v.Status), dara.StringValue(v.StatusCategory)
				if (st == "Available") != (cat == "WithStock") || (st == "SoldOut") != (cat == "WithoutStock") {
					t.Errorf("%s %s: Status %s with StatusCategory %s", zone, dara.StringValue(v.Value), st, cat)
				}
				out[zone][dara.StringValue(v.Value)] = st
			}
		}
	}
	return out
}

// TestAvailableResource holds DescribeAvailableResource to RunInstances
// over the whole catalog of a region, on both stores, for both charge
// types: every type offered Available in a zone is accepted there (DryRun),
// every type offered SoldOut is refused for stock alone, every other one is
// refused. A type restricted for the account and a type whose stock runs
// out move between the lists. The other destinations follow the types.
func TestAvailableResource(t *testing.T) {
	t.Parallel()
	cat := catalog.Default()
	region, _ := cat.Region("cn-hangzhou")
	ecsdtest.Each(t, ecsdtest.Options{}, func(t *testing.T, s *ecsdtest.Server) {
		a := lcAccount(t, s, "ar", "100000.00", "0.00")
		const soldOut, restricted = "ecs.c6.large", "ecs.r6.large"
		lcSetStock(t, s, "cn-hangzhou-h", soldOut, 0)
		a.patch(t, map[string]any{"RestrictedTypes": []string{restricted}})
		run := func(zone, typ, charge string, dry bool) error {
			image := lcImage // an image of the type's architecture: the image is not what is asked about
			if x, ok := cat.Type(typ); ok && x.CpuArchitecture == "ARM" {
				image = "aliyun_3_arm64_20G_alibase_20240528.vhd"
			}
			req := &ecs2.RunInstancesRequest{RegionId: nwRegion, ZoneId: dara.String(zone), InstanceType: dara.String(typ),
				ImageId: dara.String(image), InstanceChargeType: dara.String(charge), DryRun: dara.Bool(dry)}
			if charge == "PrePaid" {
				req.Period, req.PeriodUnit = dara.Int32(1), dara.String("Month")
			}
			_, err := a.v2.RunInstances(req)
			return err
		}
		for _, charge := range []string{"PostPaid", "PrePaid"} {
			offers := arOffers(t, a.v2, charge)
			available := 0
			for _, z := range region.Zones {
				for _, typ := range cat.Types() {
					v := typ.InstanceTypeId
					switch st := offers[z.ZoneId][v]; st {
					case "Available":
						available++
						lcWantV2(t, charge+" "+z.ZoneId+" "+v+" offered Available", run(z.ZoneId, v, charge, true), "DryRunOperation", 400)
					case "SoldOut":
						err := run(z.ZoneId, v, charge, false)
						lcWantV2(t, charge+" "+z.ZoneId+" "+v+" offered SoldOut", err, "OperationDenied.NoStock", 403)
					case "":
						if err := run(z.ZoneId, v, charge, true); nwCode(err) == "DryRunOperation" {
							t.Errorf("%s %s %s is not offered, but RunInstances accepts it", charge, z.ZoneId, v)
						}
					default:
						t.Errorf("%s %s %s: Status %q", charge, z.ZoneId, v, st)
					}
				}
			}
			if available < len(region.Zones) {
				t.Fatalf("%s: %d types Available over %d zones", charge, available, len(region.Zones))
			}
			if st := offers["cn-hangzhou-h"][soldOut]; st != "SoldOut" {
				t.Errorf("%s %s with no stock in cn-hangzhou-h: %q, want SoldOut", charge, soldOut, st)
			}
			for zone := range offers {
				if _, ok := offers[zone][restricted]; ok {
					t.Errorf("%s: the account's restricted %s offered in %s", charge, restricted, zone)
				}
			}
		}

		// Zones, disks and filters follow the types.
		describe := func(r *ecs2.DescribeAvailableResourceRequest) *ecs2.DescribeAvailableResourceResponseBody {
			t.Helper()
			r.RegionId = nwRegion
			resp, err := a.v2.DescribeAvailableResource(r)
			if err != nil {
				t.Fatal(err)
			}
			return resp.Body
		}
		zones := describe(&ecs2.DescribeAvailableResourceRequest{DestinationResource: dara.String("Zone"), IoOptimized: dara.String("optimized")})
		if len(zones.AvailableZones.AvailableZone) != len(region.Zones) {
			t.Errorf("Zone: %d zones, want all %d", len(zones.AvailableZones.AvailableZone), len(region.Zones))
		}
		for _, z := range zones.AvailableZones.AvailableZone {
			if dara.StringValue(z.Status) != "Available" || dara.StringValue(z.StatusCategory) != "WithStock" {
				t.Errorf("zone %s: %s %s", dara.StringValue(z.ZoneId), dara.StringValue(z.Status), dara.StringValue(z.StatusCategory))
			}
		}
		filtered := describe(&ecs2.DescribeAvailableResourceRequest{DestinationResource: dara.String("InstanceType"), ZoneId: dara.String("cn-hangzhou-h"),
			Cores: dara.Int32(2), Memory: dara.Float32(8)})
		if z := filtered.AvailableZones.AvailableZone; len(z) != 1 || dara.StringValue(z[0].ZoneId) != "cn-hangzhou-h" {
			t.Fatalf("ZoneId filter: %+v", filtered)
		}
		for _, v := range filtered.AvailableZones.AvailableZone[0].AvailableResources.AvailableResource[0].SupportedResources.SupportedResource {
			typ, _ := cat.Type(dara.StringValue(v.Value))
			if typ.CpuCoreCount != 2 || typ.MemorySize != 8 {
				t.Errorf("Cores=2 Memory=8 offered %s (%d vCPUs, %v GiB)", typ.InstanceTypeId, typ.CpuCoreCount, typ.MemorySize)
			}
		}
		disks := describe(&ecs2.DescribeAvailableResourceRequest{DestinationResource: dara.String("SystemDisk"), ZoneId: dara.String("cn-hangzhou-h"),
			InstanceType: dara.String("ecs.g6.large")})
		g6, _ := cat.Type("ecs.g6.large")
		var got []string
		for _, v := range disks.AvailableZones.AvailableZone[0].AvailableResources.AvailableResource[0].SupportedResources.SupportedResource {
			got = append(got, dara.StringValue(v.Value))
			if dara.Int32Value(v.Min) != 20 || dara.Int32Value(v.Max) != 2048 || dara.StringValue(v.Unit) != "GiB" {
				t.Errorf("SystemDisk %s: %d–%d %s", dara.StringValue(v.Value), dara.Int32Value(v.Min), dara.Int32Value(v.Max), dara.StringValue(v.Unit))
			}
		}
		if len(got) != len(g6.SupportedDiskCategories) {
			t.Errorf("SystemDisk of ecs.g6.large: %v, want %v", got, g6.SupportedDiskCategories)
		}

		// The documented errors.
		for _, tc := range []struct {
			name   string
			req    *ecs2.DescribeAvailableResourceRequest
			code   string
			status int
		}{
			{"no DestinationResource", &ecs2.DescribeAvailableResourceRequest{}, "Invalid.Param", 400},
			{"unknown DestinationResource", &ecs2.DescribeAvailableResourceRequest{DestinationResource: dara.String("Pony")}, "Invalid.DestinationResource", 404},
			{"unknown zone", &ecs2.DescribeAvailableResourceRequest{DestinationResource: dara.String("Zone"), ZoneId: dara.String("cn-hangzhou-zz")}, "InvalidZoneId.NotFound", 404},
			{"unknown charge type", &ecs2.DescribeAvailableResourceRequest{DestinationResource: dara.String("Zone"), InstanceChargeType: dara.String("Free")}, "InvalidInstanceChargeType.NotFound", 404},
		} {
			tc.req.RegionId = nwRegion
			_, err := a.v2.DescribeAvailableResource(tc.req)
			lcWantV2(t, "DescribeAvailableResource: "+tc.name, err, tc.code, tc.status)
		}
	})
}
