package conformance

import (
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	ecs2 "github.com/alibabacloud-go/ecs-20140526/v7/client"
	"github.com/alibabacloud-go/tea/dara"
	"github.com/aliyun/alibaba-cloud-sdk-go/services/ecs"

	"github.com/ecsd/ecsd/internal/catalog"
	"github.com/ecsd/ecsd/internal/ecsdtest"
)

// The Describe filter tests' helpers are named df….

// dfInstances lists, through Go SDK v2, the ids the filter selects (every
// page of PageSize 100), sorted.
func dfInstances(t *testing.T, a *lcActor, edit func(*ecs2.DescribeInstancesRequest)) []string {
	t.Helper()
	r := &ecs2.DescribeInstancesRequest{RegionId: dara.String("cn-hangzhou"), PageSize: dara.Int32(100)}
	edit(r)
	resp, err := a.v2.DescribeInstances(r)
	if err != nil {
		t.Fatalf("DescribeInstances: %v", err)
	}
	var ids []string
	for _, i := range resp.Body.Instances.Instance {
		ids = append(ids, dara.StringValue(i.InstanceId))
	}
	if int(dara.Int32Value(resp.Body.TotalCount)) != len(ids) {
		t.Errorf("TotalCount %d, %d listed", dara.Int32Value(resp.Body.TotalCount), len(ids))
	}
	slices.Sort(ids)
	return ids
}

func dfSorted(ids ...string) []string {
	out := slices.Clone(ids)
	slices.Sort(out)
	if out == nil {
		out = []string{}
	}
	return out
}

func dfWant(t *testing.T, name string, got, want []string) {
	t.Helper()
	if got == nil {
		got = []string{}
	}
	if !slices.Equal(got, dfSorted(want...)) {
		t.Errorf("%s: got %v, want %v", name, got, dfSorted(want...))
	}
}

// TestDescribeInstancesFilters: each filter DescribeInstances honours
// keeps the instances it names and drops the others, on both stores; the
// filters combine with AND and page with both paging styles.
func TestDescribeInstancesFilters(t *testing.T) {
	t.Parallel()
	start := time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)
	ecsdtest.Each(t, ecsdtest.Options{ManualClock: true, ClockStart: start}, func(t *testing.T, s *ecsdtest.Server) {
		a := lcAccount(t, s, "filters", "100000.00", "0")
		// g6: pay-as-you-go, one data disk and an IPv6 address.
		g6 := a.mustRun(t, lcZone("cn-hangzhou-i"), lcParam("DataDisk.1.Size", "40"), lcParam("Ipv6AddressCount", "1")).InstanceIdSets.InstanceIdSet[0]
		lcAdvance(t, s, "1h")
		// g8y: an Arm subscription, locked for an overdue payment.
		arm := a.mustRun(t, lcZone("cn-hangzhou-i"), lcType("ecs.g8y.large"), func(r *ecs.RunInstancesRequest) { r.ImageId = lcArmImage },
			lcPrePaid(1, "Month")).InstanceIdSets.InstanceIdSet[0]
		if st := s.Admin(t, "PATCH", "/_ecsd/v1/instances/"+arm, map[string]any{"LockReason": "financial"}, nil); st != 200 {
			t.Fatalf("lock %s: HTTP %d", arm, st)
		}
		lcAdvance(t, s, "1h")
		// t6: its type takes 8 data disks, and it has them all.
		full := []func(*ecs.RunInstancesRequest){lcZone("cn-hangzhou-i"), lcType("ecs.t6-c2m1.large")}
		for n := 1; n <= 8; n++ {
			full = append(full, lcParam("DataDisk."+strconv.Itoa(n)+".Size", "20"))
		}
		t6 := a.mustRun(t, full...).InstanceIdSets.InstanceIdSet[0]
		all := []string{g6, arm, t6}
		// Another account's instance never shows.
		lcAccount(t, s, "other", "1000.00", "0").mustRun(t, lcZone("cn-hangzhou-i"))

		byID := map[string]*ecs2.DescribeInstancesResponseBodyInstancesInstance{}
		resp, err := a.v2.DescribeInstances(&ecs2.DescribeInstancesRequest{RegionId: dara.String("cn-hangzhou"), NeedSaleCycle: dara.Bool(true)})
		if err != nil {
			t.Fatal(err)
		}
		for _, i := range resp.Body.Instances.Instance {
			byID[dara.StringValue(i.InstanceId)] = i
		}
		v6 := byID[g6].NetworkInterfaces.NetworkInterface[0].Ipv6Sets.Ipv6Set[0].Ipv6Address
		type tc struct {
			name string
			edit func(*ecs2.DescribeInstancesRequest)
			want []string
		}
		at := func(d time.Duration) *string { return dara.String(start.Add(d).Format("2006-01-02T15:04Z")) }
		filter := func(k string, v *string) []*ecs2.DescribeInstancesRequestFilter {
			return []*ecs2.DescribeInstancesRequestFilter{{Key: dara.String(k), Value: v}}
		}
		for _, c := range []tc{
			{"no filter", func(r *ecs2.DescribeInstancesRequest) {}, all},
			{"ImageId", func(r *ecs2.DescribeInstancesRequest) { r.ImageId = dara.String(lcArmImage) }, []string{arm}},
			{"ImageId other", func(r *ecs2.DescribeInstancesRequest) { r.ImageId = dara.String(lcImage) }, []string{g6, t6}},
			{"InstanceTypeFamily", func(r *ecs2.DescribeInstancesRequest) { r.InstanceTypeFamily = dara.String("ecs.g6") }, []string{g6}},
			{"InstanceTypeFamily unknown", func(r *ecs2.DescribeInstancesRequest) { r.InstanceTypeFamily = dara.String("ecs.nope") }, nil},
			{"LockReason financial", func(r *ecs2.DescribeInstancesRequest) { r.LockReason = dara.String("financial") }, []string{arm}},
			{"LockReason security", func(r *ecs2.DescribeInstancesRequest) { r.LockReason = dara.String("security") }, nil},
			{"InnerIpAddresses", func(r *ecs2.DescribeInstancesRequest) { r.InnerIpAddresses = dara.String(`["10.0.0.1"]`) }, nil},
			{"InstanceNetworkType vpc", func(r *ecs2.DescribeInstancesRequest) { r.InstanceNetworkType = dara.String("vpc") }, all},
			{"InstanceNetworkType classic", func(r *ecs2.DescribeInstancesRequest) { r.InstanceNetworkType = dara.String("classic") }, nil},
			{"IoOptimized true", func(r *ecs2.DescribeInstancesRequest) { r.IoOptimized = dara.Bool(true) }, all},
			{"IoOptimized false", func(r *ecs2.DescribeInstancesRequest) { r.IoOptimized = dara.Bool(false) }, nil},
			{"HpcClusterId", func(r *ecs2.DescribeInstancesRequest) { r.HpcClusterId = dara.String("hpc-bp67acfmxazb4p") }, nil},
			{"EipAddresses", func(r *ecs2.DescribeInstancesRequest) { r.EipAddresses = dara.String(`["47.1.1.1"]`) }, nil},
			{"Ipv6Address", func(r *ecs2.DescribeInstancesRequest) { r.Ipv6Address = []*string{v6} }, []string{g6}},
			{"Ipv6Address other", func(r *ecs2.DescribeInstancesRequest) {
				r.Ipv6Address = []*string{dara.String("2408:4321:180:1701::1")}
			}, nil},
			{"RdmaIpAddresses", func(r *ecs2.DescribeInstancesRequest) { r.RdmaIpAddresses = dara.String("10.10.10.102") }, nil},
			{"CreationStartTime", func(r *ecs2.DescribeInstancesRequest) { r.Filter = filter("CreationStartTime", at(time.Hour)) }, []string{arm, t6}},
			{"CreationEndTime", func(r *ecs2.DescribeInstancesRequest) { r.Filter = filter("CreationEndTime", at(time.Hour)) }, []string{g6, arm}},
			{"ExpiredEndTime", func(r *ecs2.DescribeInstancesRequest) { r.Filter = filter("ExpiredEndTime", at(40*24*time.Hour)) }, []string{arm}},
			{"ExpiredStartTime", func(r *ecs2.DescribeInstancesRequest) { r.Filter = filter("ExpiredStartTime", at(40*24*time.Hour)) }, []string{g6, t6}},
			{"DeviceAvailable true", func(r *ecs2.DescribeInstancesRequest) { r.DeviceAvailable = dara.Bool(true) }, []string{g6, arm}},
			{"DeviceAvailable false", func(r *ecs2.DescribeInstancesRequest) { r.DeviceAvailable = dara.Bool(false) }, []string{t6}},
			{"AND", func(r *ecs2.DescribeInstancesRequest) {
				r.ImageId, r.DeviceAvailable = dara.String(lcImage), dara.Bool(true)
			}, []string{g6}},
			{"AND none", func(r *ecs2.DescribeInstancesRequest) {
				r.LockReason, r.InstanceTypeFamily = dara.String("financial"), dara.String("ecs.g6")
			}, nil},
		} {
			dfWant(t, c.name, dfInstances(t, a, c.edit), c.want)
		}

		// Answers: SaleCycle only when asked, DeviceAvailable, PrivateIpSets.
		if got := dara.StringValue(byID[arm].SaleCycle); got != "Month" {
			t.Errorf("NeedSaleCycle: SaleCycle %q, want Month", got)
		}
		if got := iaDescribe(t, a, arm).SaleCycle; got != nil {
			t.Errorf("without NeedSaleCycle: SaleCycle %q, want none", *got)
		}
		if !dara.BoolValue(byID[g6].DeviceAvailable) || dara.BoolValue(byID[t6].DeviceAvailable) || byID[t6].DeviceAvailable == nil {
			t.Errorf("DeviceAvailable: g6 %v, t6 %v", byID[g6].DeviceAvailable, byID[t6].DeviceAvailable)
		}
		eni := byID[g6].NetworkInterfaces.NetworkInterface[0]
		ip := dara.StringValue(byID[g6].VpcAttributes.PrivateIpAddress.IpAddress[0])
		if sets := eni.PrivateIpSets.PrivateIpSet; len(sets) != 1 || dara.StringValue(sets[0].PrivateIpAddress) != ip || !dara.BoolValue(sets[0].Primary) {
			t.Errorf("PrivateIpSets %+v, want the primary %s", sets, ip)
		}

		// Bad values name their error.
		for _, c := range []struct {
			edit   func(*ecs2.DescribeInstancesRequest)
			status int
			code   string
		}{
			{func(r *ecs2.DescribeInstancesRequest) { r.LockReason = dara.String("overdue") }, 404, "InvalidLockReason.NotFound"},
			{func(r *ecs2.DescribeInstancesRequest) { r.InstanceNetworkType = dara.String("vpc2") }, 404, "InvalidNetworkType.NotFound"},
			{func(r *ecs2.DescribeInstancesRequest) { r.Filter = filter("CreatedAfter", at(0)) }, 400, "InvalidParameter"},
			{func(r *ecs2.DescribeInstancesRequest) {
				r.Filter = filter("CreationStartTime", dara.String("yesterday"))
			}, 400, "InvalidParameter"},
			{func(r *ecs2.DescribeInstancesRequest) { r.Ipv6Address = []*string{dara.String("10.0.0.1")} }, 400, "InvalidParameter"},
			{func(r *ecs2.DescribeInstancesRequest) { r.InnerIpAddresses = dara.String(`["not-an-ip"]`) }, 400, "InvalidParameter"},
		} {
			r := &ecs2.DescribeInstancesRequest{RegionId: dara.String("cn-hangzhou")}
			c.edit(r)
			_, err := a.v2.DescribeInstances(r)
			v2Error(t, err, c.status, c.code)
		}

		// A filter pages with both styles: 11 more g6 make 12 of the family.
		more := a.mustRun(t, lcZone("cn-hangzhou-i"), lcAmount(11)).InstanceIdSets.InstanceIdSet
		family := append([]string{g6}, more...)
		var paged []string
		for n := int32(1); n <= 3; n++ {
			resp, err := a.v2.DescribeInstances(&ecs2.DescribeInstancesRequest{RegionId: dara.String("cn-hangzhou"),
				InstanceTypeFamily: dara.String("ecs.g6"), PageNumber: dara.Int32(n), PageSize: dara.Int32(5)})
			if err != nil {
				t.Fatal(err)
			}
			if got := dara.Int32Value(resp.Body.TotalCount); got != 12 {
				t.Errorf("page %d: TotalCount %d, want 12", n, got)
			}
			for _, i := range resp.Body.Instances.Instance {
				paged = append(paged, dara.StringValue(i.InstanceId))
			}
		}
		dfWant(t, "PageNumber/PageSize with a filter", dfSorted(paged...), family)
		paged = nil
		token := ""
		for range 3 {
			r := &ecs2.DescribeInstancesRequest{RegionId: dara.String("cn-hangzhou"), InstanceTypeFamily: dara.String("ecs.g6"), MaxResults: dara.Int32(10)}
			if token != "" {
				r.NextToken = dara.String(token)
			}
			resp, err := a.v2.DescribeInstances(r)
			if err != nil {
				t.Fatal(err)
			}
			for _, i := range resp.Body.Instances.Instance {
				paged = append(paged, dara.StringValue(i.InstanceId))
			}
			if token = dara.StringValue(resp.Body.NextToken); token == "" {
				break
			}
		}
		if len(paged) != 12 {
			t.Errorf("NextToken with a filter: %d listed, want 12", len(paged))
		}
		dfWant(t, "NextToken/MaxResults with a filter", dfSorted(paged...), family)
	})
}

// dfDisks lists, through Go SDK v2, the ids of the disks the filter
// selects (one page of 100), sorted.
func dfDisks(t *testing.T, a *lcActor, edit func(*ecs2.DescribeDisksRequest)) []string {
	t.Helper()
	r := &ecs2.DescribeDisksRequest{RegionId: dara.String("cn-hangzhou"), PageSize: dara.Int32(100)}
	edit(r)
	resp, err := a.v2.DescribeDisks(r)
	if err != nil {
		t.Fatalf("DescribeDisks: %v", err)
	}
	ids := []string{}
	for _, d := range resp.Body.Disks.Disk {
		ids = append(ids, dara.StringValue(d.DiskId))
	}
	if int(dara.Int32Value(resp.Body.TotalCount)) != len(ids) {
		t.Errorf("TotalCount %d, %d listed", dara.Int32Value(resp.Body.TotalCount), len(ids))
	}
	slices.Sort(ids)
	return ids
}

// TestDescribeDisksFilters: each filter DescribeDisks honours keeps the
// disks it names and drops the others, and NextToken/MaxResults page
// through every disk once, on both stores.
func TestDescribeDisksFilters(t *testing.T) {
	t.Parallel()
	start := time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)
	ecsdtest.Each(t, ecsdtest.Options{ManualClock: true, ClockStart: start}, func(t *testing.T, s *ecsdtest.Server) {
		a := lcAccount(t, s, "disks", "100000.00", "0")
		g6 := a.mustRun(t, lcZone("cn-hangzhou-i"), lcParam("DataDisk.1.Size", "40"),
			lcParam("DataDisk.1.DiskName", "logs"), lcParam("DataDisk.1.DeleteWithInstance", "false")).InstanceIdSets.InstanceIdSet[0]
		lcAdvance(t, s, "1h")
		sub := a.mustRun(t, lcZone("cn-hangzhou-i"), lcPrePaid(1, "Month")).InstanceIdSets.InstanceIdSet[0]
		of := func(id string, kind string) []string {
			return dfDisks(t, a, func(r *ecs2.DescribeDisksRequest) { r.InstanceId, r.DiskType = dara.String(id), dara.String(kind) })
		}
		g6Sys, g6Data, subSys := of(g6, "system"), of(g6, "data"), of(sub, "system")
		if len(g6Sys) != 1 || len(g6Data) != 1 || len(subSys) != 1 {
			t.Fatalf("disks: g6 system %v data %v, subscription system %v", g6Sys, g6Data, subSys)
		}
		all := []string{g6Sys[0], g6Data[0], subSys[0]}
		at := func(d time.Duration) *string { return dara.String(start.Add(d).Format("2006-01-02T15:04Z")) }
		filter := func(k string, v *string) []*ecs2.DescribeDisksRequestFilter {
			return []*ecs2.DescribeDisksRequestFilter{{Key: dara.String(k), Value: v}}
		}
		for _, c := range []struct {
			name string
			edit func(*ecs2.DescribeDisksRequest)
			want []string
		}{
			{"no filter", func(r *ecs2.DescribeDisksRequest) {}, all},
			{"Status In_use", func(r *ecs2.DescribeDisksRequest) { r.Status = dara.String("In_use") }, all},
			{"Status All", func(r *ecs2.DescribeDisksRequest) { r.Status = dara.String("All") }, all},
			{"Status Available", func(r *ecs2.DescribeDisksRequest) { r.Status = dara.String("Available") }, nil},
			{"DiskChargeType PrePaid", func(r *ecs2.DescribeDisksRequest) { r.DiskChargeType = dara.String("PrePaid") }, subSys},
			{"DiskChargeType PostPaid", func(r *ecs2.DescribeDisksRequest) { r.DiskChargeType = dara.String("PostPaid") }, append(g6Sys, g6Data...)},
			{"Portable true", func(r *ecs2.DescribeDisksRequest) { r.Portable = dara.Bool(true) }, g6Data},
			{"Portable false", func(r *ecs2.DescribeDisksRequest) { r.Portable = dara.Bool(false) }, append(g6Sys, subSys...)},
			{"CreationStartTime", func(r *ecs2.DescribeDisksRequest) { r.Filter = filter("CreationStartTime", at(30*time.Minute)) }, subSys},
			{"CreationEndTime", func(r *ecs2.DescribeDisksRequest) { r.Filter = filter("CreationEndTime", at(30*time.Minute)) }, append(g6Sys, g6Data...)},
			{"Encrypted true", func(r *ecs2.DescribeDisksRequest) { r.Encrypted = dara.Bool(true) }, nil},
			{"Encrypted false", func(r *ecs2.DescribeDisksRequest) { r.Encrypted = dara.Bool(false) }, all},
			{"KMSKeyId", func(r *ecs2.DescribeDisksRequest) { r.KMSKeyId = dara.String("0e478b7a-4262-4802-b8cb-00d3fb40****") }, nil},
			{"EnableShared", func(r *ecs2.DescribeDisksRequest) { r.EnableShared = dara.Bool(true) }, nil},
			{"MultiAttach Enabled", func(r *ecs2.DescribeDisksRequest) { r.MultiAttach = dara.String("Enabled") }, nil},
			{"MultiAttach Disabled", func(r *ecs2.DescribeDisksRequest) { r.MultiAttach = dara.String("Disabled") }, all},
			{"SnapshotId", func(r *ecs2.DescribeDisksRequest) { r.SnapshotId = dara.String("s-bp67acfmxazb4p") }, nil},
			{"AutoSnapshotPolicyId", func(r *ecs2.DescribeDisksRequest) { r.AutoSnapshotPolicyId = dara.String("sp-bp67acfmxazb4p") }, nil},
			{"DiskIds", func(r *ecs2.DescribeDisksRequest) { r.DiskIds = dara.String(`["` + g6Data[0] + `"]`) }, g6Data},
			{"DiskIds empty", func(r *ecs2.DescribeDisksRequest) { r.DiskIds = dara.String(`[]`) }, nil},
			{"Category all", func(r *ecs2.DescribeDisksRequest) { r.Category = dara.String("all") }, all},
			{"DiskName", func(r *ecs2.DescribeDisksRequest) { r.DiskName = dara.String("logs") }, g6Data},
			{"DiskName unknown", func(r *ecs2.DescribeDisksRequest) { r.DiskName = dara.String("data") }, nil},
			{"DeleteWithInstance false", func(r *ecs2.DescribeDisksRequest) { r.DeleteWithInstance = dara.Bool(false) }, g6Data},
			{"DeleteWithInstance true", func(r *ecs2.DescribeDisksRequest) { r.DeleteWithInstance = dara.Bool(true) }, append(g6Sys, subSys...)},
			{"Category cloud_ssd", func(r *ecs2.DescribeDisksRequest) { r.Category = dara.String("cloud_ssd") }, nil},
			{"AND", func(r *ecs2.DescribeDisksRequest) {
				r.DiskChargeType, r.Portable = dara.String("PostPaid"), dara.Bool(false)
			}, g6Sys},
		} {
			dfWant(t, c.name, dfDisks(t, a, c.edit), c.want)
		}
		for _, c := range []struct {
			edit func(*ecs2.DescribeDisksRequest)
			code string
		}{
			{func(r *ecs2.DescribeDisksRequest) { r.Status = dara.String("Broken") }, "InvalidParameter"},
			{func(r *ecs2.DescribeDisksRequest) { r.DiskChargeType = dara.String("Free") }, "InvalidParameter"},
			{func(r *ecs2.DescribeDisksRequest) { r.MultiAttach = dara.String("Yes") }, "InvalidParameter"},
			{func(r *ecs2.DescribeDisksRequest) { r.Filter = filter("ExpiredStartTime", at(0)) }, "InvalidParameter"},
			{func(r *ecs2.DescribeDisksRequest) { r.MaxResults = dara.Int32(501) }, "InvalidParameter"},
			{func(r *ecs2.DescribeDisksRequest) { r.NextToken = dara.String("bm90LWEtdG9rZW4") }, "InvalidNextToken"},
			{func(r *ecs2.DescribeDisksRequest) { r.DryRun = dara.Bool(true) }, "DryRunOperation"},
		} {
			r := &ecs2.DescribeDisksRequest{RegionId: dara.String("cn-hangzhou")}
			c.edit(r)
			_, err := a.v2.DescribeDisks(r)
			v2Error(t, err, 400, c.code)
		}

		// 13 more disks make 16: MaxResults 10 gives 10 and a token, the
		// token the other 6 and none; MaxResults below 10 gives 10.
		big := []func(*ecs.RunInstancesRequest){lcZone("cn-hangzhou-i")}
		for n := 1; n <= 12; n++ {
			big = append(big, lcParam("DataDisk."+strconv.Itoa(n)+".Size", "20"))
		}
		a.mustRun(t, big...)
		var paged []string
		token := ""
		for page := 0; ; page++ {
			r := &ecs2.DescribeDisksRequest{RegionId: dara.String("cn-hangzhou"), MaxResults: dara.Int32(1)}
			if token != "" {
				r.NextToken = dara.String(token)
			}
			resp, err := a.v2.DescribeDisks(r)
			if err != nil {
				t.Fatal(err)
			}
			if want := []int{10, 6}[min(page, 1)]; len(resp.Body.Disks.Disk) != want {
				t.Errorf("page %d: %d disks, want %d", page, len(resp.Body.Disks.Disk), want)
			}
			for _, d := range resp.Body.Disks.Disk {
				paged = append(paged, dara.StringValue(d.DiskId))
			}
			if token = dara.StringValue(resp.Body.NextToken); token == "" || page == 2 {
				break
			}
		}
		everything := dfDisks(t, a, func(r *ecs2.DescribeDisksRequest) {})
		if len(everything) != 16 {
			t.Errorf("%d disks, want 16", len(everything))
		}
		dfWant(t, "NextToken/MaxResults", dfSorted(paged...), everything)
		// The order is the same in both styles.
		resp, err := a.v2.DescribeDisks(&ecs2.DescribeDisksRequest{RegionId: dara.String("cn-hangzhou"), PageSize: dara.Int32(100)})
		if err != nil {
			t.Fatal(err)
		}
		for k, d := range resp.Body.Disks.Disk {
			if k < len(paged) && dara.StringValue(d.DiskId) != paged[k] {
				t.Errorf("disk %d: %s by page, %s by token", k, dara.StringValue(d.DiskId), paged[k])
			}
		}
	})
}

// TestDescribeInstanceTypesFilters: each filter keeps exactly the catalog
// types it names, some but not all, on both stores.
func TestDescribeInstanceTypesFilters(t *testing.T) {
	t.Parallel()
	cat := catalog.Default()
	ecsdtest.Each(t, ecsdtest.Options{}, func(t *testing.T, s *ecsdtest.Server) {
		a := lcAccount(t, s, "types", "0.00", "0")
		strs := func(v ...string) []*string { return dara.StringSlice(v) }
		for _, c := range []struct {
			name string
			edit func(*ecs2.DescribeInstanceTypesRequest)
			keep func(*catalog.InstanceType) bool
		}{
			{"MinimumGPUAmount", func(r *ecs2.DescribeInstanceTypesRequest) { r.MinimumGPUAmount = dara.Int32(1) },
				func(t *catalog.InstanceType) bool { return t.GPUAmount >= 1 }},
			{"MaximumGPUAmount", func(r *ecs2.DescribeInstanceTypesRequest) { r.MaximumGPUAmount = dara.Int32(1) },
				func(t *catalog.InstanceType) bool { return t.GPUAmount <= 1 }},
			{"GPUSpec", func(r *ecs2.DescribeInstanceTypesRequest) { r.GPUSpec = dara.String("NVIDIA T4") },
				func(t *catalog.InstanceType) bool { return t.GPUSpec == "NVIDIA T4" }},
			{"GpuSpecs", func(r *ecs2.DescribeInstanceTypesRequest) { r.GpuSpecs = strs("NVIDIA T4") },
				func(t *catalog.InstanceType) bool { return t.GPUSpec == "NVIDIA T4" }},
			{"Minimum/MaximumCpuCoreCount", func(r *ecs2.DescribeInstanceTypesRequest) {
				r.MinimumCpuCoreCount, r.MaximumCpuCoreCount = dara.Int32(4), dara.Int32(8)
			}, func(t *catalog.InstanceType) bool { return t.CpuCoreCount >= 4 && t.CpuCoreCount <= 8 }},
			{"Minimum/MaximumMemorySize", func(r *ecs2.DescribeInstanceTypesRequest) {
				r.MinimumMemorySize, r.MaximumMemorySize = dara.Float32(8), dara.Float32(32)
			}, func(t *catalog.InstanceType) bool { return t.MemorySize >= 8 && t.MemorySize <= 32 }},
			{"InstanceTypeFamily", func(r *ecs2.DescribeInstanceTypesRequest) { r.InstanceTypeFamily = dara.String("ecs.g6") },
				func(t *catalog.InstanceType) bool { return t.InstanceTypeFamily == "ecs.g6" }},
			{"InstanceTypeFamilies", func(r *ecs2.DescribeInstanceTypesRequest) { r.InstanceTypeFamilies = strs("ecs.g6", "ecs.g8y") },
				func(t *catalog.InstanceType) bool {
					return t.InstanceTypeFamily == "ecs.g6" || t.InstanceTypeFamily == "ecs.g8y"
				}},
			{"InstanceFamilyLevel", func(r *ecs2.DescribeInstanceTypesRequest) { r.InstanceFamilyLevel = dara.String("EntryLevel") },
				func(t *catalog.InstanceType) bool { return t.InstanceFamilyLevel == "EntryLevel" }},
			{"CpuArchitecture", func(r *ecs2.DescribeInstanceTypesRequest) { r.CpuArchitecture = dara.String("ARM") },
				func(t *catalog.InstanceType) bool { return t.CpuArchitecture == "ARM" }},
			{"CpuArchitectures", func(r *ecs2.DescribeInstanceTypesRequest) { r.CpuArchitectures = strs("X86") },
				func(t *catalog.InstanceType) bool { return t.CpuArchitecture == "X86" }},
			{"InstanceCategory", func(r *ecs2.DescribeInstanceTypesRequest) { r.InstanceCategory = dara.String("Local SSDs") },
				func(t *catalog.InstanceType) bool { return t.InstanceCategory == "Local SSDs" }},
			{"InstanceCategories", func(r *ecs2.DescribeInstanceTypesRequest) { r.InstanceCategories = strs("Shared", "Local SSDs") },
				func(t *catalog.InstanceType) bool {
					return t.InstanceCategory == "Shared" || t.InstanceCategory == "Local SSDs"
				}},
			{"LocalStorageCategory", func(r *ecs2.DescribeInstanceTypesRequest) { r.LocalStorageCategory = dara.String("local_nvme_ssd") },
				func(t *catalog.InstanceType) bool { return t.LocalStorageCategory == "local_nvme_ssd" }},
			{"LocalStorageCategories", func(r *ecs2.DescribeInstanceTypesRequest) { r.LocalStorageCategories = strs("local_nvme_ssd") },
				func(t *catalog.InstanceType) bool { return t.LocalStorageCategory == "local_nvme_ssd" }},
			{"MinimumLocalStorageAmount", func(r *ecs2.DescribeInstanceTypesRequest) { r.MinimumLocalStorageAmount = dara.Int32(2) },
				func(t *catalog.InstanceType) bool { return t.LocalStorageAmount >= 2 }},
			{"MinimumLocalStorageCapacity", func(r *ecs2.DescribeInstanceTypesRequest) { r.MinimumLocalStorageCapacity = dara.Int64(1) },
				func(t *catalog.InstanceType) bool { return t.LocalStorageCapacity >= 1 }},
			{"NvmeSupport", func(r *ecs2.DescribeInstanceTypesRequest) { r.NvmeSupport = dara.String("required") },
				func(t *catalog.InstanceType) bool { return t.NvmeSupport == "required" }},
			{"MinimumEniQuantity", func(r *ecs2.DescribeInstanceTypesRequest) { r.MinimumEniQuantity = dara.Int32(4) },
				func(t *catalog.InstanceType) bool { return t.EniQuantity >= 4 }},
			{"MinimumEniPrivateIpAddressQuantity", func(r *ecs2.DescribeInstanceTypesRequest) { r.MinimumEniPrivateIpAddressQuantity = dara.Int32(10) },
				func(t *catalog.InstanceType) bool { return t.EniPrivateIpAddressQuantity >= 10 }},
			{"MinimumEniIpv6AddressQuantity", func(r *ecs2.DescribeInstanceTypesRequest) { r.MinimumEniIpv6AddressQuantity = dara.Int32(10) },
				func(t *catalog.InstanceType) bool { return t.EniIpv6AddressQuantity >= 10 }},
			{"MinimumDiskQuantity", func(r *ecs2.DescribeInstanceTypesRequest) { r.MinimumDiskQuantity = dara.Int32(17) },
				func(t *catalog.InstanceType) bool { return t.DiskQuantity >= 17 }},
			{"Minimum/MaximumCpuSpeedFrequency", func(r *ecs2.DescribeInstanceTypesRequest) {
				r.MinimumCpuSpeedFrequency, r.MaximumCpuSpeedFrequency = dara.Float32(2.5), dara.Float32(3)
			}, func(t *catalog.InstanceType) bool { return t.CpuSpeedFrequency >= 2.5 && t.CpuSpeedFrequency <= 3 }},
			{"Minimum/MaximumCpuTurboFrequency", func(r *ecs2.DescribeInstanceTypesRequest) {
				r.MinimumCpuTurboFrequency, r.MaximumCpuTurboFrequency = dara.Float32(3), dara.Float32(3.5)
			}, func(t *catalog.InstanceType) bool { return t.CpuTurboFrequency >= 3 && t.CpuTurboFrequency <= 3.5 }},
			{"MinimumBaselineCredit", func(r *ecs2.DescribeInstanceTypesRequest) { r.MinimumBaselineCredit = dara.Int32(1) },
				func(t *catalog.InstanceType) bool { return t.BaselineCredit >= 1 }},
			{"MinimumInitialCredit", func(r *ecs2.DescribeInstanceTypesRequest) { r.MinimumInitialCredit = dara.Int32(1) },
				func(t *catalog.InstanceType) bool { return t.InitialCredit >= 1 }},
			{"MinimumInstanceBandwidthRx", func(r *ecs2.DescribeInstanceTypesRequest) { r.MinimumInstanceBandwidthRx = dara.Int32(2000000) },
				func(t *catalog.InstanceType) bool { return t.InstanceBandwidthRx >= 2000000 }},
			{"MinimumInstanceBandwidthTx", func(r *ecs2.DescribeInstanceTypesRequest) { r.MinimumInstanceBandwidthTx = dara.Int32(2000000) },
				func(t *catalog.InstanceType) bool { return t.InstanceBandwidthTx >= 2000000 }},
			{"MinimumInstancePpsRx", func(r *ecs2.DescribeInstanceTypesRequest) { r.MinimumInstancePpsRx = dara.Int64(500000) },
				func(t *catalog.InstanceType) bool { return t.InstancePpsRx >= 500000 }},
			{"MinimumInstancePpsTx", func(r *ecs2.DescribeInstanceTypesRequest) { r.MinimumInstancePpsTx = dara.Int64(500000) },
				func(t *catalog.InstanceType) bool { return t.InstancePpsTx >= 500000 }},
			{"MinimumPrimaryEniQueueNumber", func(r *ecs2.DescribeInstanceTypesRequest) { r.MinimumPrimaryEniQueueNumber = dara.Int32(4) },
				func(t *catalog.InstanceType) bool { return t.PrimaryEniQueueNumber >= 4 }},
			{"MinimumSecondaryEniQueueNumber", func(r *ecs2.DescribeInstanceTypesRequest) { r.MinimumSecondaryEniQueueNumber = dara.Int32(4) },
				func(t *catalog.InstanceType) bool { return t.SecondaryEniQueueNumber >= 4 }},
			{"PhysicalProcessorModel", func(r *ecs2.DescribeInstanceTypesRequest) {
				r.PhysicalProcessorModel = dara.String(cat.Types()[0].PhysicalProcessorModel)
			},
				func(t *catalog.InstanceType) bool {
					return t.PhysicalProcessorModel == cat.Types()[0].PhysicalProcessorModel
				}},
			{"PhysicalProcessorModels", func(r *ecs2.DescribeInstanceTypesRequest) {
				r.PhysicalProcessorModels = strs(cat.Types()[0].PhysicalProcessorModel)
			},
				func(t *catalog.InstanceType) bool {
					return t.PhysicalProcessorModel == cat.Types()[0].PhysicalProcessorModel
				}},
			{"AND", func(r *ecs2.DescribeInstanceTypesRequest) {
				r.MinimumGPUAmount, r.MinimumCpuCoreCount = dara.Int32(1), dara.Int32(8)
			}, func(t *catalog.InstanceType) bool { return t.GPUAmount >= 1 && t.CpuCoreCount >= 8 }},
		} {
			var want []string
			for _, ty := range cat.Types() {
				if c.keep(ty) {
					want = append(want, ty.InstanceTypeId)
				}
			}
			if len(want) == 0 || len(want) == len(cat.Types()) {
				t.Errorf("%s: the case keeps %d of %d types; it must keep some and drop some", c.name, len(want), len(cat.Types()))
			}
			r := &ecs2.DescribeInstanceTypesRequest{}
			c.edit(r)
			resp, err := a.v2.DescribeInstanceTypes(r)
			if err != nil {
				t.Fatalf("%s: %v", c.name, err)
			}
			var got []string
			for _, ty := range resp.Body.InstanceTypes.InstanceType {
				got = append(got, dara.StringValue(ty.InstanceTypeId))
			}
			dfWant(t, c.name, dfSorted(got...), want)
		}
		for _, edit := range []func(*ecs2.DescribeInstanceTypesRequest){
			func(r *ecs2.DescribeInstanceTypesRequest) { r.MinimumEriQuantity = dara.Int32(1) },
			func(r *ecs2.DescribeInstanceTypesRequest) { r.MaxResults = dara.Int64(1601) },
			func(r *ecs2.DescribeInstanceTypesRequest) {
				r.GpuSpecs = strs("a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k")
			},
		} {
			r := &ecs2.DescribeInstanceTypesRequest{}
			edit(r)
			_, err := a.v2.DescribeInstanceTypes(r)
			v2Error(t, err, 400, "InvalidParameter")
		}
	})
}

// TestDescribeImagesFilters: each filter DescribeImages honours keeps
// exactly the catalog images it names, on both stores.
func TestDescribeImagesFilters(t *testing.T) {
	t.Parallel()
	cat := catalog.Default()
	ecsdtest.Each(t, ecsdtest.Options{}, func(t *testing.T, s *ecsdtest.Server) {
		a := lcAccount(t, s, "images", "0.00", "0")
		first := cat.Images()[0]
		created, err := time.Parse(time.RFC3339, first.CreationTime)
		if err != nil {
			t.Fatal(err)
		}
		available := func(im *catalog.Image) bool { return im.Status == "Available" }
		for _, c := range []struct {
			name string
			edit func(*ecs2.DescribeImagesRequest)
			keep func(*catalog.Image) bool
		}{
			{"no filter", func(r *ecs2.DescribeImagesRequest) {}, available},
			{"InstanceType Arm", func(r *ecs2.DescribeImagesRequest) { r.InstanceType = dara.String("ecs.g8y.large") },
				func(im *catalog.Image) bool { return available(im) && im.Architecture == "arm64" }},
			{"InstanceType x86", func(r *ecs2.DescribeImagesRequest) { r.InstanceType = dara.String("ecs.g6.large") },
				func(im *catalog.Image) bool { return available(im) && im.Architecture == "x86_64" }},
			{"ImageFamily", func(r *ecs2.DescribeImagesRequest) {
				r.ImageFamily = dara.String("acs:alibaba_cloud_linux_3_2104_lts_x64")
			},
				func(*catalog.Image) bool { return false }},
			{"IsPublic true", func(r *ecs2.DescribeImagesRequest) { r.IsPublic = dara.Bool(true) }, available},
			{"IsPublic false", func(r *ecs2.DescribeImagesRequest) { r.IsPublic = dara.Bool(false) }, func(*catalog.Image) bool { return false }},
			{"IsSupportIoOptimized", func(r *ecs2.DescribeImagesRequest) { r.IsSupportIoOptimized = dara.Bool(true) },
				func(im *catalog.Image) bool { return available(im) && im.IsSupportIoOptimized }},
			{"CreationStartTime", func(r *ecs2.DescribeImagesRequest) {
				r.Filter = []*ecs2.DescribeImagesRequestFilter{{Key: dara.String("CreationStartTime"), Value: dara.String(created.Add(time.Minute).Format("2006-01-02T15:04Z"))}}
			}, func(im *catalog.Image) bool {
				return available(im) && im.CreationTime > created.Add(time.Minute).Format(time.RFC3339)
			}},
			{"CreationEndTime", func(r *ecs2.DescribeImagesRequest) {
				r.Filter = []*ecs2.DescribeImagesRequestFilter{{Key: dara.String("CreationEndTime"), Value: dara.String(created.Add(time.Minute).Format("2006-01-02T15:04Z"))}}
			}, func(im *catalog.Image) bool {
				return available(im) && im.CreationTime <= created.Add(time.Minute).Format(time.RFC3339)
			}},
			{"ImageOwnerId", func(r *ecs2.DescribeImagesRequest) { r.ImageOwnerId = dara.Int64(1234567890) }, func(*catalog.Image) bool { return false }},
			{"SnapshotId", func(r *ecs2.DescribeImagesRequest) { r.SnapshotId = dara.String("s-bp67acfmxazb4p") }, func(*catalog.Image) bool { return false }},
			{"Tag", func(r *ecs2.DescribeImagesRequest) {
				r.Tag = []*ecs2.DescribeImagesRequestTag{{Key: dara.String("env")}}
			}, func(*catalog.Image) bool { return false }},
			{"ActionType", func(r *ecs2.DescribeImagesRequest) { r.ActionType = dara.String("ChangeOS") }, available},
			{"ImageName", func(r *ecs2.DescribeImagesRequest) { r.ImageName = dara.String(first.ImageName) },
				func(im *catalog.Image) bool { return available(im) && strings.Contains(im.ImageName, first.ImageName) }},
			{"OSType", func(r *ecs2.DescribeImagesRequest) { r.OSType = dara.String("windows") },
				func(im *catalog.Image) bool { return available(im) && im.OSType == "windows" }},
		} {
			var want []string
			for _, im := range cat.Images() {
				if c.keep(im) {
					want = append(want, im.ImageId)
				}
			}
			r := &ecs2.DescribeImagesRequest{RegionId: dara.String("cn-hangzhou"), PageSize: dara.Int32(100)}
			c.edit(r)
			resp, err := a.v2.DescribeImages(r)
			if err != nil {
				t.Fatalf("%s: %v", c.name, err)
			}
			var got []string
			for _, im := range resp.Body.Images.Image {
				got = append(got, dara.StringValue(im.ImageId))
			}
			dfWant(t, c.name, dfSorted(got...), want)
		}
		for _, c := range []struct {
			edit   func(*ecs2.DescribeImagesRequest)
			status int
			code   string
		}{
			{func(r *ecs2.DescribeImagesRequest) { r.InstanceType = dara.String("ecs.nope.large") }, 404, "InvalidInstanceType.NotFound"},
			{func(r *ecs2.DescribeImagesRequest) { r.ActionType = dara.String("Delete") }, 400, "InvalidParameter"},
			{func(r *ecs2.DescribeImagesRequest) { r.Usage = dara.String("instance") }, 400, "InvalidParameter"},
			{func(r *ecs2.DescribeImagesRequest) { r.DryRun = dara.Bool(true) }, 400, "DryRunOperation"},
		} {
			r := &ecs2.DescribeImagesRequest{RegionId: dara.String("cn-hangzhou")}
			c.edit(r)
			_, err := a.v2.DescribeImages(r)
			v2Error(t, err, c.status, c.code)
		}
	})
}
