package conformance

import (
	"slices"
	"strconv"
	"testing"
	"time"

	ecs2 "github.com/alibabacloud-go/ecs-20140526/v7/client"
	"github.com/alibabacloud-go/tea/dara"
	"github.com/aliyun/alibaba-cloud-sdk-go/services/ecs"

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
		g6 := a.mustRun(t, lcZone("cn-hangzhou-i"), lcParam("DataDisk.1.Size", "40")).InstanceIdSets.InstanceIdSet[0]
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
			{func(r *ecs2.DescribeDisksRequest) { r.DiskName = dara.String("data") }, "InvalidParameter"},
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
