package conformance

import (
	"errors"
	"math"
	"reflect"
	"slices"
	"strconv"
	"testing"

	openapiutil "github.com/alibabacloud-go/darabonba-openapi/v2/utils"
	ecs2 "github.com/alibabacloud-go/ecs-20140526/v7/client"
	"github.com/alibabacloud-go/tea/dara"
	"github.com/alibabacloud-go/tea/tea"
	sdkerrors "github.com/aliyun/alibaba-cloud-sdk-go/sdk/errors"
	"github.com/aliyun/alibaba-cloud-sdk-go/sdk/requests"
	"github.com/aliyun/alibaba-cloud-sdk-go/services/ecs"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/ecsd/ecsd/internal/catalog"
	"github.com/ecsd/ecsd/internal/ecsdtest"
)

// TestCatalogActions drives the catalog actions (DescribeZones,
// DescribeInstanceTypes, DescribeInstanceTypeFamilies, DescribeImages,
// DescribePrice) through both SDKs, with one server per store. Go SDK v1 is
// also asked for XML, which it decodes with its own xml tags, so the XML
// nesting is checked against the same structs as the JSON.
func TestCatalogActions(t *testing.T) {
	t.Parallel()
	cat := catalog.Default()
	ecsdtest.Each(t, ecsdtest.Options{}, func(t *testing.T, s *ecsdtest.Server) {
		v1 := s.SDKv1(t, s.AccessKeyID, s.AccessKeySecret)
		v2 := s.SDKv2(t, s.AccessKeyID, s.AccessKeySecret)

		t.Run("DescribeZones", func(t *testing.T) {
			t.Parallel()
			mk := func() *ecs.DescribeZonesRequest {
				r := ecs.CreateDescribeZonesRequest()
				r.RegionId = "cn-hangzhou"
				r.InstanceChargeType = "PrePaid"
				r.AcceptLanguage = "en-US"
				return r
			}
			resp, err := v1.DescribeZones(mk())
			if err != nil {
				t.Fatal(err)
			}
			var ids []string
			var h *ecs.Zone
			for i, z := range resp.Zones.Zone {
				ids = append(ids, z.ZoneId)
				if z.ZoneId == "cn-hangzhou-h" {
					h = &resp.Zones.Zone[i]
				}
				if z.ZoneId == "cn-hangzhou-g" && slices.ContainsFunc(z.AvailableInstanceTypes.InstanceTypes, func(s string) bool { return catalogFamilyOf(cat, s) == "ecs.g7" }) {
					t.Errorf("cn-hangzhou-g offers a g7 type: %v", z.AvailableInstanceTypes.InstanceTypes)
				}
			}
			if want := []string{"cn-hangzhou-g", "cn-hangzhou-h", "cn-hangzhou-i", "cn-hangzhou-j", "cn-hangzhou-k"}; !slices.Equal(ids, want) {
				t.Fatalf("zones %v, want %v", ids, want)
			}
			if h.LocalName == "" || h.ZoneType != "AvailabilityZone" {
				t.Errorf("zone %s: LocalName %q ZoneType %q", h.ZoneId, h.LocalName, h.ZoneType)
			}
			if got := h.AvailableResourceCreation.ResourceTypes; !slices.Equal(got, []string{"Instance", "Disk", "VSwitch"}) {
				t.Errorf("ResourceTypes %v", got)
			}
			if !slices.Contains(h.AvailableDiskCategories.DiskCategories, "cloud_essd") {
				t.Errorf("DiskCategories %v", h.AvailableDiskCategories.DiskCategories)
			}
			types := h.AvailableInstanceTypes.InstanceTypes
			if !slices.Contains(types, "ecs.g6.large") || slices.Contains(types, "ecs.n4.large") {
				t.Errorf("InstanceTypes %v: want ecs.g6.large and no retired ecs.n4.large", types)
			}
			if len(types) != len(offeredNotRetired(cat, "cn-hangzhou-h")) {
				t.Errorf("%d instance types, catalog offers %d", len(types), len(offeredNotRetired(cat, "cn-hangzhou-h")))
			}
			if n := len(h.AvailableResources.ResourcesInfo); n != 1 {
				t.Fatalf("%d ResourcesInfo, want 1 (every offered type is I/O optimized)", n)
			}
			ri := h.AvailableResources.ResourcesInfo[0]
			if !ri.IoOptimized ||
				!slices.Contains(ri.InstanceGenerations.SupportedInstanceGeneration, "ecs-5") ||
				!slices.Contains(ri.InstanceTypeFamilies.SupportedInstanceTypeFamily, "ecs.g6") ||
				!slices.Equal(ri.InstanceTypes.SupportedInstanceType, types) ||
				!slices.Contains(ri.SystemDiskCategories.SupportedSystemDiskCategory, "cloud_essd") ||
				!slices.Contains(ri.DataDiskCategories.SupportedDataDiskCategory, "cloud_essd") ||
				!slices.Equal(ri.NetworkTypes.SupportedNetworkCategory, []string{"vpc"}) {
				t.Errorf("ResourcesInfo %+v", ri)
			}

			x := mk()
			x.AcceptFormat = "XML"
			rx, err := v1.DescribeZones(x)
			if err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(resp.Zones, rx.Zones, cmpopts.EquateEmpty()); d != "" {
				t.Errorf("XML differs from JSON (-json +xml):\n%s", d)
			}

			r2, err := v2.DescribeZones(&ecs2.DescribeZonesRequest{RegionId: dara.String("cn-hangzhou")})
			if err != nil {
				t.Fatal(err)
			}
			z2 := r2.Body.Zones.Zone
			if len(z2) != len(ids) || dara.StringValue(z2[1].ZoneId) != "cn-hangzhou-h" {
				t.Fatalf("v2 zones %v", r2.Body.Zones)
			}
			ri2 := z2[1].AvailableResources.ResourcesInfo[0]
			if len(z2[1].AvailableInstanceTypes.InstanceTypes) != len(types) ||
				!dara.BoolValue(ri2.IoOptimized) ||
				len(ri2.InstanceTypes.SupportedInstanceType) != len(types) ||
				len(ri2.InstanceTypeFamilies.SupportedInstanceTypeFamily) == 0 ||
				len(ri2.InstanceGenerations.SupportedInstanceGeneration) == 0 ||
				len(ri2.SystemDiskCategories.SupportedSystemDiskCategory) == 0 ||
				len(ri2.DataDiskCategories.SupportedDataDiskCategory) == 0 ||
				len(ri2.NetworkTypes.SupportedNetworkCategory) != 1 ||
				len(z2[1].AvailableDiskCategories.DiskCategories) == 0 ||
				len(z2[1].AvailableResourceCreation.ResourceTypes) != 3 {
				t.Errorf("v2 zone %v", z2[1])
			}
		})

		t.Run("DescribeInstanceTypes", func(t *testing.T) {
			t.Parallel()
			mk := func() *ecs.DescribeInstanceTypesRequest {
				r := ecs.CreateDescribeInstanceTypesRequest()
				r.InstanceTypes = &[]string{"ecs.g6.large", "ecs.t6-c4m1.large"}
				return r
			}
			resp, err := v1.DescribeInstanceTypes(mk())
			if err != nil {
				t.Fatal(err)
			}
			if n := len(resp.InstanceTypes.InstanceType); n != 2 || resp.NextToken != "" {
				t.Fatalf("%d types, NextToken %q; want 2 and none", n, resp.NextToken)
			}
			for _, it := range resp.InstanceTypes.InstanceType {
				want, _ := cat.Type(it.InstanceTypeId)
				if n := sameAttributes(t, it.InstanceTypeId, want, it); n < 30 {
					t.Errorf("only %d catalog attributes arrived in the v1 struct", n)
				}
				switch it.InstanceTypeId {
				case "ecs.g6.large":
					if it.CpuCoreCount != 2 || it.MemorySize != 8 || it.EniQuantity != 2 || it.InstanceTypeFamily != "ecs.g6" || it.CpuArchitecture != "X86" || it.DiskQuantity != 16 {
						t.Errorf("ecs.g6.large: %+v", it)
					}
				case "ecs.t6-c4m1.large":
					if it.MemorySize != 0.5 {
						t.Errorf("ecs.t6-c4m1.large MemorySize %v, want 0.5", it.MemorySize)
					}
				default:
					t.Errorf("unexpected type %s", it.InstanceTypeId)
				}
			}
			x := mk()
			x.AcceptFormat = "XML"
			rx, err := v1.DescribeInstanceTypes(x)
			if err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(resp.InstanceTypes, rx.InstanceTypes, cmpopts.EquateEmpty()); d != "" {
				t.Errorf("XML differs from JSON (-json +xml):\n%s", d)
			}

			// Paging with v1: every type exactly once, retired ones included.
			var seen []string
			token := ""
			for page := 0; ; page++ {
				r := ecs.CreateDescribeInstanceTypesRequest()
				r.MaxResults = requests.NewInteger(7)
				r.NextToken = token
				resp, err := v1.DescribeInstanceTypes(r)
				if err != nil {
					t.Fatal(err)
				}
				if n := len(resp.InstanceTypes.InstanceType); n > 7 || (n < 7 && resp.NextToken != "") {
					t.Fatalf("page %d: %d types, NextToken %q", page, n, resp.NextToken)
				}
				for _, it := range resp.InstanceTypes.InstanceType {
					seen = append(seen, it.InstanceTypeId)
				}
				if token = resp.NextToken; token == "" {
					break
				}
			}
			checkEveryTypeOnce(t, cat, seen)

			// Paging with v2, and every attribute in the v2 struct.
			seen = nil
			var next *string
			for {
				r2, err := v2.DescribeInstanceTypes(&ecs2.DescribeInstanceTypesRequest{MaxResults: dara.Int64(40), NextToken: next})
				if err != nil {
					t.Fatal(err)
				}
				for _, it := range r2.Body.InstanceTypes.InstanceType {
					id := dara.StringValue(it.InstanceTypeId)
					seen = append(seen, id)
					want, _ := cat.Type(id)
					if n := sameAttributes(t, id, want, it); n < 30 {
						t.Errorf("only %d catalog attributes arrived in the v2 struct", n)
					}
				}
				if dara.StringValue(r2.Body.NextToken) == "" {
					break
				}
				next = r2.Body.NextToken
			}
			checkEveryTypeOnce(t, cat, seen)

			// Filters.
			r2, err := v2.DescribeInstanceTypes(&ecs2.DescribeInstanceTypesRequest{
				InstanceTypeFamily:  dara.String("ecs.g6"),
				MinimumCpuCoreCount: dara.Int32(4), MaximumCpuCoreCount: dara.Int32(16),
				MinimumMemorySize: dara.Float32(16), MaximumMemorySize: dara.Float32(32),
			})
			if err != nil {
				t.Fatal(err)
			}
			if got := typeIDs2(r2.Body.InstanceTypes.InstanceType); !slices.Equal(got, []string{"ecs.g6.xlarge", "ecs.g6.2xlarge"}) {
				t.Errorf("g6 with 4–16 vCPUs and 16–32 GiB: %v", got)
			}
			r2, err = v2.DescribeInstanceTypes(&ecs2.DescribeInstanceTypesRequest{CpuArchitecture: dara.String("ARM")})
			if err != nil {
				t.Fatal(err)
			}
			for _, it := range r2.Body.InstanceTypes.InstanceType {
				if dara.StringValue(it.CpuArchitecture) != "ARM" {
					t.Errorf("ARM filter returned %s", dara.StringValue(it.InstanceTypeId))
				}
			}
			if len(r2.Body.InstanceTypes.InstanceType) == 0 {
				t.Error("no ARM type")
			}
		})

		t.Run("DescribeInstanceTypeFamilies", func(t *testing.T) {
			t.Parallel()
			r := ecs.CreateDescribeInstanceTypeFamiliesRequest()
			r.RegionId = "cn-hangzhou"
			resp, err := v1.DescribeInstanceTypeFamilies(r)
			if err != nil {
				t.Fatal(err)
			}
			gens := map[string]string{}
			for _, f := range resp.InstanceTypeFamilies.InstanceTypeFamily {
				gens[f.InstanceTypeFamilyId] = f.Generation
			}
			if len(gens) != len(cat.Families()) || gens["ecs.g6"] != "ecs-5" || gens["ecs.n4"] == "" {
				t.Errorf("cn-hangzhou families %v; want all %d, ecs.g6 in ecs-5, retired ecs.n4 listed", gens, len(cat.Families()))
			}
			x := ecs.CreateDescribeInstanceTypeFamiliesRequest()
			x.RegionId = "cn-hangzhou"
			x.AcceptFormat = "XML"
			rx, err := v1.DescribeInstanceTypeFamilies(x)
			if err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(resp.InstanceTypeFamilies, rx.InstanceTypeFamilies, cmpopts.EquateEmpty()); d != "" {
				t.Errorf("XML differs from JSON (-json +xml):\n%s", d)
			}

			r2, err := v2.DescribeInstanceTypeFamilies(&ecs2.DescribeInstanceTypeFamiliesRequest{RegionId: dara.String("cn-hangzhou"), Generation: dara.String("ecs-5")})
			if err != nil {
				t.Fatal(err)
			}
			var ids []string
			for _, f := range r2.Body.InstanceTypeFamilies.InstanceTypeFamily {
				ids = append(ids, dara.StringValue(f.InstanceTypeFamilyId))
				if dara.StringValue(f.Generation) != "ecs-5" {
					t.Errorf("Generation=ecs-5 returned %s in %s", dara.StringValue(f.InstanceTypeFamilyId), dara.StringValue(f.Generation))
				}
			}
			for _, want := range []string{"ecs.g6", "ecs.c6", "ecs.r6"} {
				if !slices.Contains(ids, want) {
					t.Errorf("ecs-5 families %v lack %s", ids, want)
				}
			}
			r2, err = v2.DescribeInstanceTypeFamilies(&ecs2.DescribeInstanceTypeFamiliesRequest{RegionId: dara.String("us-west-1")})
			if err != nil {
				t.Fatal(err)
			}
			for _, f := range r2.Body.InstanceTypeFamilies.InstanceTypeFamily {
				if id := dara.StringValue(f.InstanceTypeFamilyId); id == "ecs.g8y" {
					t.Errorf("us-west-1 lists %s, which it does not sell", id)
				}
			}
		})

		t.Run("DescribeImages", func(t *testing.T) {
			t.Parallel()
			images := cat.Images()
			r := ecs.CreateDescribeImagesRequest()
			r.RegionId = "cn-hangzhou"
			resp, err := v1.DescribeImages(r)
			if err != nil {
				t.Fatal(err)
			}
			if resp.TotalCount != len(images) || resp.PageNumber != 1 || resp.PageSize != 10 || resp.RegionId != "cn-hangzhou" || len(resp.Images.Image) != min(10, len(images)) {
				t.Fatalf("TotalCount %d PageNumber %d PageSize %d RegionId %q, %d images", resp.TotalCount, resp.PageNumber, resp.PageSize, resp.RegionId, len(resp.Images.Image))
			}
			im, want := resp.Images.Image[0], images[0]
			if n := sameAttributes(t, im.ImageId, want, im); n != reflect.TypeOf(*want).NumField() {
				t.Errorf("%d of %d catalog image attributes arrived", n, reflect.TypeOf(*want).NumField())
			}
			if im.ImageId == "" || im.OSName == "" || im.OSNameEn == "" || im.Platform == "" || im.Size == 0 || im.Status != "Available" ||
				im.ImageOwnerAlias != "system" || !im.IsSupportIoOptimized || im.BootMode == "" || im.CreationTime == "" || !im.IsPublic || im.Progress != "100%" {
				t.Errorf("image %+v", im)
			}
			x := ecs.CreateDescribeImagesRequest()
			x.RegionId = "cn-hangzhou"
			x.AcceptFormat = "XML"
			rx, err := v1.DescribeImages(x)
			if err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(resp.Images, rx.Images, cmpopts.EquateEmpty()); d != "" || rx.TotalCount != resp.TotalCount {
				t.Errorf("XML differs from JSON (-json +xml):\n%s", d)
			}

			// Paging with v2: every image exactly once.
			var seen []string
			for page := int32(1); ; page++ {
				r2, err := v2.DescribeImages(&ecs2.DescribeImagesRequest{RegionId: dara.String("cn-hangzhou"), PageSize: dara.Int32(3), PageNumber: dara.Int32(page)})
				if err != nil {
					t.Fatal(err)
				}
				if dara.Int32Value(r2.Body.TotalCount) != int32(len(images)) || dara.Int32Value(r2.Body.PageNumber) != page || dara.Int32Value(r2.Body.PageSize) != 3 {
					t.Fatalf("page %d: %v", page, r2.Body)
				}
				if len(r2.Body.Images.Image) == 0 {
					break
				}
				for _, im := range r2.Body.Images.Image {
					seen = append(seen, dara.StringValue(im.ImageId))
				}
			}
			var all []string
			for _, im := range images {
				all = append(all, im.ImageId)
			}
			if !slices.Equal(seen, all) {
				t.Errorf("pages of 3 gave %v, want %v", seen, all)
			}

			// Filters.
			for _, tc := range []struct {
				name string
				req  *ecs2.DescribeImagesRequest
				want int
			}{
				{"two ids", &ecs2.DescribeImagesRequest{ImageId: dara.String(images[0].ImageId + "," + images[1].ImageId)}, 2},
				{"windows", &ecs2.DescribeImagesRequest{OSType: dara.String("windows")}, countCatalogImages(images, func(im *catalog.Image) bool { return im.OSType == "windows" })},
				{"arm64", &ecs2.DescribeImagesRequest{Architecture: dara.String("arm64")}, countCatalogImages(images, func(im *catalog.Image) bool { return im.Architecture == "arm64" })},
				{"name", &ecs2.DescribeImagesRequest{ImageName: dara.String("ubuntu_22_04")}, 2},
				{"system", &ecs2.DescribeImagesRequest{ImageOwnerAlias: dara.String("system")}, len(images)},
				{"self", &ecs2.DescribeImagesRequest{ImageOwnerAlias: dara.String("self")}, 0},
				{"deprecated", &ecs2.DescribeImagesRequest{Status: dara.String("Deprecated")}, 0},
				{"available", &ecs2.DescribeImagesRequest{Status: dara.String("Creating,Available")}, len(images)},
			} {
				tc.req.RegionId = dara.String("cn-hangzhou")
				r2, err := v2.DescribeImages(tc.req)
				if err != nil {
					t.Fatal(err)
				}
				if got := dara.Int32Value(r2.Body.TotalCount); got != int32(tc.want) || len(r2.Body.Images.Image) != tc.want {
					t.Errorf("%s: TotalCount %d, %d images; want %d", tc.name, got, len(r2.Body.Images.Image), tc.want)
				}
			}
			if tc := countCatalogImages(images, func(im *catalog.Image) bool { return im.OSType == "windows" }); tc == 0 {
				t.Error("the catalog has no windows image; the filter test proves nothing")
			}
		})

		t.Run("DescribePrice", func(t *testing.T) {
			t.Parallel()
			mk := func() *ecs.DescribePriceRequest {
				r := ecs.CreateDescribePriceRequest()
				r.RegionId = "cn-hangzhou"
				r.InstanceType = "ecs.g6.large"
				r.PriceUnit = "Month"
				r.Period = requests.NewInteger(3)
				r.Amount = requests.NewInteger(2)
				return r
			}
			resp, err := v1.DescribePrice(mk())
			if err != nil {
				t.Fatal(err)
			}
			if p := resp.PriceInfo.Price; p.TradePrice != 1800 || p.OriginalPrice != 1800 || p.DiscountPrice != 0 || p.Currency != "CNY" {
				t.Errorf("g6.large Month×3 ×2: %+v; want 1800.00 CNY", p)
			}
			x := mk()
			x.AcceptFormat = "XML"
			rx, err := v1.DescribePrice(x)
			if err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(resp.PriceInfo, rx.PriceInfo, cmpopts.EquateEmpty()); d != "" {
				t.Errorf("XML differs from JSON (-json +xml):\n%s", d)
			}

			for _, tc := range []struct {
				name string
				req  *ecs2.DescribePriceRequest
				want float32
			}{
				{"hour by default", &ecs2.DescribePriceRequest{}, 0.42},
				{"year", &ecs2.DescribePriceRequest{PriceUnit: dara.String("Year"), ZoneId: dara.String("cn-hangzhou-h"), ResourceType: dara.String("instance")}, 3600},
				{"month 3 ×2", &ecs2.DescribePriceRequest{PriceUnit: dara.String("Month"), Period: dara.Int32(3), Amount: dara.Int32(2)}, 1800},
			} {
				tc.req.RegionId = dara.String("cn-hangzhou")
				tc.req.InstanceType = dara.String("ecs.g6.large")
				r2, err := v2.DescribePrice(tc.req)
				if err != nil {
					t.Fatal(err)
				}
				p := r2.Body.PriceInfo.Price
				if dara.Float32Value(p.TradePrice) != tc.want || dara.Float32Value(p.OriginalPrice) != tc.want || p.DiscountPrice == nil || *p.DiscountPrice != 0 || dara.StringValue(p.Currency) != "CNY" {
					t.Errorf("%s: %v; want %v", tc.name, p, tc.want)
				}
				if r2.Body.PriceInfo.Rules == nil || len(r2.Body.PriceInfo.Rules.Rule) != 0 {
					t.Errorf("%s: Rules %v; want an empty list", tc.name, r2.Body.PriceInfo.Rules)
				}
			}
		})

		t.Run("Errors", func(t *testing.T) {
			t.Parallel()
			// Typed requests: the unknown region of each region-scoped action.
			zr := ecs.CreateDescribeZonesRequest()
			zr.RegionId = "xx-nowhere-1"
			_, err := v1.DescribeZones(zr)
			catalogV1Err(t, "DescribeZones", err, "InvalidRegionId.NotFound", 404)
			_, err = v2.DescribeZones(&ecs2.DescribeZonesRequest{RegionId: dara.String("xx-nowhere-1")})
			catalogV2Err(t, "DescribeZones", err, "InvalidRegionId.NotFound", 404)
			_, err = v2.DescribeInstanceTypes(&ecs2.DescribeInstanceTypesRequest{NextToken: dara.String("not-a-token")})
			catalogV2Err(t, "DescribeInstanceTypes", err, "InvalidNextToken", 400)
			pr := ecs.CreateDescribePriceRequest()
			pr.RegionId = "cn-hangzhou"
			pr.InstanceType = "ecs.g7.large"
			pr.ZoneId = "cn-hangzhou-g"
			_, err = v1.DescribePrice(pr)
			catalogV1Err(t, "DescribePrice", err, "InvalidInstanceType.ZoneNotSupported", 403)

			// Every documented error, through both SDKs.
			hz := map[string]string{"RegionId": "cn-hangzhou"}
			price := func(kv ...string) map[string]string {
				p := map[string]string{"RegionId": "cn-hangzhou", "InstanceType": "ecs.g6.large"}
				for i := 0; i < len(kv); i += 2 {
					p[kv[i]] = kv[i+1]
				}
				return p
			}
			for _, tc := range []struct {
				name, action string
				params       map[string]string
				code         string
				status       int
			}{
				{"zones region", "DescribeZones", map[string]string{"RegionId": "xx-nowhere-1"}, "InvalidRegionId.NotFound", 404},
				{"zones charge type", "DescribeZones", withParam(hz, "InstanceChargeType", "Spot"), "InvalidInstanceChargeType.NotFound", 404},
				{"zones language", "DescribeZones", withParam(hz, "AcceptLanguage", "fr-FR"), "InvalidAcceptLanguage.NotFound", 404},
				{"types token", "DescribeInstanceTypes", map[string]string{"NextToken": "bm90LWEtdG9rZW4"}, "InvalidNextToken", 400},
				{"types max results", "DescribeInstanceTypes", map[string]string{"MaxResults": "1601"}, "InvalidParameter", 400},
				{"types eleven", "DescribeInstanceTypes", elevenTypes(), "InvalidParameter", 400},
				{"families region", "DescribeInstanceTypeFamilies", map[string]string{"RegionId": "xx-nowhere-1"}, "InvalidRegionId.NotFound", 404},
				{"images region", "DescribeImages", map[string]string{"RegionId": "xx-nowhere-1"}, "InvalidRegionId.NotFound", 404},
				{"images page size", "DescribeImages", withParam(hz, "PageSize", "101"), "InvalidParameter", 400},
				{"price region", "DescribePrice", price("RegionId", "xx-nowhere-1"), "InvalidRegionId.NotFound", 404},
				{"price resource type", "DescribePrice", price("ResourceType", "disk"), "InvalidResourceType.NotFound", 404},
				{"price missing type", "DescribePrice", hz, "MissingParameter", 400},
				{"price unknown type", "DescribePrice", price("InstanceType", "ecs.nope.large"), "InvalidInstanceType.ValueNotSupported", 400},
				{"price type not sold in region", "DescribePrice", price("RegionId", "us-west-1", "InstanceType", "ecs.g8y.large"), "InvalidInstanceType.ValueNotSupported", 400},
				{"price retired type", "DescribePrice", price("InstanceType", "ecs.n4.large"), "InstanceType.Offline", 403},
				{"price unknown zone", "DescribePrice", price("ZoneId", "cn-hangzhou-z"), "InvalidZoneId.NotFound", 404},
				{"price zone of another region", "DescribePrice", price("ZoneId", "cn-shanghai-e"), "InvalidZoneId.NotFound", 404},
				{"price zone without the type", "DescribePrice", price("InstanceType", "ecs.g7.large", "ZoneId", "cn-hangzhou-g"), "InvalidInstanceType.ZoneNotSupported", 403},
				{"price unit", "DescribePrice", price("PriceUnit", "Week"), "InvalidPriceUnit", 400},
				{"price month period", "DescribePrice", price("PriceUnit", "Month", "Period", "10"), "InvalidPeriod", 400},
				{"price year period", "DescribePrice", price("PriceUnit", "Year", "Period", "6"), "InvalidPeriod", 400},
				{"price hour period", "DescribePrice", price("Period", "2"), "InvalidPeriod", 400},
				{"price amount", "DescribePrice", price("Amount", "1001"), "InvalidAmount", 400},
				{"price zero amount", "DescribePrice", price("Amount", "0"), "InvalidAmount", 400},
			} {
				r := requests.NewCommonRequest()
				r.Product, r.Version, r.ApiName = "Ecs", "2014-05-26", tc.action
				for k, v := range tc.params {
					r.QueryParams[k] = v
				}
				_, err := v1.ProcessCommonRequest(r)
				catalogV1Err(t, tc.name, err, tc.code, tc.status)

				q := map[string]*string{}
				for k, v := range tc.params {
					q[k] = dara.String(v)
				}
				_, err = v2.CallApi(&openapiutil.Params{
					Action: dara.String(tc.action), Version: dara.String("2014-05-26"), Protocol: dara.String("HTTP"),
					Pathname: dara.String("/"), Method: dara.String("POST"), AuthType: dara.String("AK"), Style: dara.String("RPC"),
					ReqBodyType: dara.String("formData"), BodyType: dara.String("json"),
				}, &openapiutil.OpenApiRequest{Query: q}, &dara.RuntimeOptions{})
				catalogV2Err(t, tc.name, err, tc.code, tc.status)
			}
		})
	})
}

// catalogV1Err checks that err is a Go SDK v1 server error with the code and
// HTTP status.
func catalogV1Err(t *testing.T, name string, err error, code string, status int) {
	t.Helper()
	var se *sdkerrors.ServerError
	if !errors.As(err, &se) {
		t.Errorf("%s (v1): err = %v, want %s", name, err, code)
		return
	}
	if se.ErrorCode() != code || se.HttpStatus() != status {
		t.Errorf("%s (v1): %s %d, want %s %d (%s)", name, se.ErrorCode(), se.HttpStatus(), code, status, se.Message())
	}
}

// catalogV2Err checks that err is a Go SDK v2 (Tea) error with the code and
// HTTP status.
func catalogV2Err(t *testing.T, name string, err error, code string, status int) {
	t.Helper()
	var se *tea.SDKError
	if !errors.As(err, &se) {
		t.Errorf("%s (v2): err = %v, want %s", name, err, code)
		return
	}
	if dara.StringValue(se.Code) != code || dara.IntValue(se.StatusCode) != status {
		t.Errorf("%s (v2): %s %d, want %s %d (%s)", name, dara.StringValue(se.Code), dara.IntValue(se.StatusCode), code, status, dara.StringValue(se.Message))
	}
}

// sameAttributes compares every scalar field of the catalog value want with
// the field of the same name in the SDK struct got (pointers followed,
// numbers compared as float64 to float32 precision). It returns how many
// fields matched by name.
func sameAttributes(t *testing.T, label string, want, got any) int {
	t.Helper()
	wv := reflect.Indirect(reflect.ValueOf(want))
	gv := reflect.Indirect(reflect.ValueOf(got))
	n := 0
	for i := 0; i < wv.NumField(); i++ {
		name := wv.Type().Field(i).Name
		g := gv.FieldByName(name)
		if !g.IsValid() {
			continue
		}
		g = reflect.Indirect(g)
		w := wv.Field(i)
		if !g.IsValid() {
			t.Errorf("%s: %s is missing", label, name)
			continue
		}
		n++
		ok := false
		switch w.Kind() {
		case reflect.String, reflect.Bool:
			ok = g.Kind() == w.Kind() && g.Interface() == w.Interface()
		case reflect.Int, reflect.Int32, reflect.Int64, reflect.Float32, reflect.Float64:
			wf, gf := asFloat(w), asFloat(g)
			ok = !math.IsNaN(gf) && math.Abs(wf-gf) <= 1e-6*math.Max(1, math.Abs(wf))
		default:
			n--
			continue
		}
		if !ok {
			t.Errorf("%s: %s = %v, catalog has %v", label, name, g.Interface(), w.Interface())
		}
	}
	return n
}

func asFloat(v reflect.Value) float64 {
	switch v.Kind() {
	case reflect.Int, reflect.Int32, reflect.Int64:
		return float64(v.Int())
	case reflect.Float32, reflect.Float64:
		return v.Float()
	}
	return math.NaN()
}

// checkEveryTypeOnce fails unless seen holds every catalog type exactly once.
func checkEveryTypeOnce(t *testing.T, cat *catalog.Catalog, seen []string) {
	t.Helper()
	count := map[string]int{}
	for _, id := range seen {
		count[id]++
	}
	for _, typ := range cat.Types() {
		if count[typ.InstanceTypeId] != 1 {
			t.Errorf("%s seen %d times", typ.InstanceTypeId, count[typ.InstanceTypeId])
		}
	}
	if len(seen) != len(cat.Types()) {
		t.Errorf("paging returned %d types, the catalog has %d", len(seen), len(cat.Types()))
	}
}

func offeredNotRetired(cat *catalog.Catalog, zone string) []string {
	var out []string
	for _, typ := range cat.TypesInZone(zone) {
		if !typ.Retired {
			out = append(out, typ.InstanceTypeId)
		}
	}
	return out
}

func catalogFamilyOf(cat *catalog.Catalog, typeID string) string {
	if typ, ok := cat.Type(typeID); ok {
		return typ.InstanceTypeFamily
	}
	return ""
}

func typeIDs2(items []*ecs2.DescribeInstanceTypesResponseBodyInstanceTypesInstanceType) []string {
	var out []string
	for _, it := range items {
		out = append(out, dara.StringValue(it.InstanceTypeId))
	}
	return out
}

func countCatalogImages(images []*catalog.Image, keep func(*catalog.Image) bool) int {
	n := 0
	for _, im := range images {
		if keep(im) {
			n++
		}
	}
	return n
}

// withParam returns a copy of params with k set to v.
func withParam(params map[string]string, k, v string) map[string]string {
	out := map[string]string{k: v}
	for pk, pv := range params {
		if pk != k {
			out[pk] = pv
		}
	}
	return out
}

func elevenTypes() map[string]string {
	p := map[string]string{}
	for i, typ := range catalog.Default().Types()[:11] {
		p["InstanceTypes."+strconv.Itoa(i+1)] = typ.InstanceTypeId
	}
	return p
}
