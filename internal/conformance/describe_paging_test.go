package conformance

import (
	"slices"
	"strconv"
	"testing"

	ecs2 "github.com/alibabacloud-go/ecs-20140526/v7/client"
	"github.com/alibabacloud-go/tea/dara"
	vpc2 "github.com/alibabacloud-go/vpc-20160428/v6/client"
	"github.com/aliyun/alibaba-cloud-sdk-go/sdk/requests"
	"github.com/aliyun/alibaba-cloud-sdk-go/services/bssopenapi"

	"github.com/ecsd/ecsd/internal/ecsdtest"
)

// dfWalk pages with fetch until it says there is no next page (at most 20
// pages) and returns every id seen, failing on a page larger than size or
// an id seen twice.
func dfWalk(t *testing.T, name string, size int, fetch func(page int, token string) (ids []string, next string, more bool)) []string {
	t.Helper()
	var all []string
	token := ""
	for page := 1; page <= 20; page++ {
		ids, next, more := fetch(page, token)
		if len(ids) > size {
			t.Errorf("%s page %d: %d items, want at most %d", name, page, len(ids), size)
		}
		for _, id := range ids {
			if slices.Contains(all, id) {
				t.Errorf("%s page %d: %s listed twice", name, page, id)
			}
		}
		all = append(all, ids...)
		if !more {
			return all
		}
		token = next
	}
	t.Errorf("%s: more than 20 pages", name)
	return all
}

// TestDescribePaging: every paged action, through the official SDKs on
// both stores, pages with the style its model has: small pages together
// list what one large page lists, each item once.
func TestDescribePaging(t *testing.T) {
	t.Parallel()
	ecsdtest.Each(t, ecsdtest.Options{}, func(t *testing.T, s *ecsdtest.Server) {
		a := lcAccount(t, s, "paging", "100000.00", "0")
		since := "2000-01-01T00:00:00Z"
		var ids []string
		for range 3 {
			ids = append(ids, a.mustRun(t, lcZone("cn-hangzhou-i"), lcPrePaid(1, "Month")).InstanceIdSets.InstanceIdSet...)
		}
		a.waitStatus(t, "Running", ids...)
		region := dara.String("cn-hangzhou")
		for k, id := range ids {
			if _, err := a.v2.TagResources(&ecs2.TagResourcesRequest{RegionId: region, ResourceType: dara.String("instance"), ResourceId: []*string{dara.String(id)},
				Tag: []*ecs2.TagResourcesRequestTag{{Key: dara.String("k" + strconv.Itoa(k)), Value: dara.String("v")}}}); err != nil {
				t.Fatal(err)
			}
		}
		// The first instance has two more tags, for DescribeTags.
		if _, err := a.v2.TagResources(&ecs2.TagResourcesRequest{RegionId: region, ResourceType: dara.String("instance"), ResourceId: []*string{dara.String(ids[0])},
			Tag: []*ecs2.TagResourcesRequestTag{{Key: dara.String("x1"), Value: dara.String("v")}, {Key: dara.String("x2"), Value: dara.String("v")}}}); err != nil {
			t.Fatal(err)
		}
		vc := nwVPC(t, s, a.keyID, a.secr)
		for k := range 2 {
			nwCreateVpc(t, vc, "10."+strconv.Itoa(k+1)+".0.0/16", "paging"+strconv.Itoa(k))
		}
		want := func(name string, got, expect []string) {
			t.Helper()
			if len(expect) < 2 {
				t.Errorf("%s: only %d items; the test needs at least 2", name, len(expect))
			}
			dfWant(t, name, dfSorted(got...), expect)
		}

		// DescribeInstanceStatus: PageNumber/PageSize.
		status := func(page, size int) []string {
			resp, err := a.v2.DescribeInstanceStatus(&ecs2.DescribeInstanceStatusRequest{RegionId: region, PageNumber: dara.Int32(int32(page)), PageSize: dara.Int32(int32(size))})
			if err != nil {
				t.Fatal(err)
			}
			var out []string
			for _, i := range resp.Body.InstanceStatuses.InstanceStatus {
				out = append(out, dara.StringValue(i.InstanceId))
			}
			return out
		}
		want("DescribeInstanceStatus", dfWalk(t, "DescribeInstanceStatus", 2, func(p int, _ string) ([]string, string, bool) {
			got := status(p, 2)
			return got, "", len(got) == 2
		}), status(1, 50))

		// DescribeNetworkInterfaces: NextToken/MaxResults, and pages.
		enis := func(r *ecs2.DescribeNetworkInterfacesRequest) ([]string, string) {
			r.RegionId = region
			resp, err := a.v2.DescribeNetworkInterfaces(r)
			if err != nil {
				t.Fatal(err)
			}
			var out []string
			for _, n := range resp.Body.NetworkInterfaceSets.NetworkInterfaceSet {
				out = append(out, dara.StringValue(n.NetworkInterfaceId))
			}
			return out, dara.StringValue(resp.Body.NextToken)
		}
		allENIs, _ := enis(&ecs2.DescribeNetworkInterfacesRequest{PageSize: dara.Int32(100)})
		want("DescribeNetworkInterfaces pages", dfWalk(t, "DescribeNetworkInterfaces", 2, func(p int, _ string) ([]string, string, bool) {
			got, _ := enis(&ecs2.DescribeNetworkInterfacesRequest{PageNumber: dara.Int32(int32(p)), PageSize: dara.Int32(2)})
			return got, "", len(got) == 2
		}), allENIs)

		// MaxResults below 10 gives 10, as documented: here every ENI.
		if got, next := enis(&ecs2.DescribeNetworkInterfacesRequest{MaxResults: dara.Int32(1)}); len(got) != len(allENIs) || next != "" {
			t.Errorf("DescribeNetworkInterfaces MaxResults=1: %d ENIs, NextToken %q; want all %d, none", len(got), next, len(allENIs))
		}
		_, err := a.v2.DescribeNetworkInterfaces(&ecs2.DescribeNetworkInterfacesRequest{RegionId: region, NextToken: dara.String("x")})
		v2Error(t, err, 400, "InvalidNextToken")

		// DescribeSecurityGroups: NextToken/MaxResults and pages.
		groups := func(r *ecs2.DescribeSecurityGroupsRequest) ([]string, string) {
			r.RegionId = region
			resp, err := a.v2.DescribeSecurityGroups(r)
			if err != nil {
				t.Fatal(err)
			}
			var out []string
			for _, g := range resp.Body.SecurityGroups.SecurityGroup {
				out = append(out, dara.StringValue(g.SecurityGroupId))
			}
			return out, dara.StringValue(resp.Body.NextToken)
		}
		for k := range 3 {
			if _, err := a.v2.CreateSecurityGroup(&ecs2.CreateSecurityGroupRequest{RegionId: region, SecurityGroupName: dara.String("pg" + strconv.Itoa(k))}); err != nil {
				t.Fatal(err)
			}
		}
		allGroups, _ := groups(&ecs2.DescribeSecurityGroupsRequest{PageSize: dara.Int32(50)})
		want("DescribeSecurityGroups tokens", dfWalk(t, "DescribeSecurityGroups", 2, func(_ int, token string) ([]string, string, bool) {
			r := &ecs2.DescribeSecurityGroupsRequest{MaxResults: dara.Int32(2)}
			if token != "" {
				r.NextToken = dara.String(token)
			}
			got, next := groups(r)
			return got, next, next != ""
		}), allGroups)

		// DescribeInstanceTypes: NextToken/MaxResults.
		types := func(token string, max int64) ([]string, string) {
			r := &ecs2.DescribeInstanceTypesRequest{MaxResults: dara.Int64(max), InstanceTypeFamily: dara.String("ecs.g6")}
			if token != "" {
				r.NextToken = dara.String(token)
			}
			resp, err := a.v2.DescribeInstanceTypes(r)
			if err != nil {
				t.Fatal(err)
			}
			var out []string
			for _, ty := range resp.Body.InstanceTypes.InstanceType {
				out = append(out, dara.StringValue(ty.InstanceTypeId))
			}
			return out, dara.StringValue(resp.Body.NextToken)
		}
		allTypes, _ := types("", 1600)
		want("DescribeInstanceTypes", dfWalk(t, "DescribeInstanceTypes", 2, func(_ int, token string) ([]string, string, bool) {
			got, next := types(token, 2)
			return got, next, next != ""
		}), allTypes)

		// DescribeImages: PageNumber/PageSize.
		images := func(page, size int) []string {
			resp, err := a.v2.DescribeImages(&ecs2.DescribeImagesRequest{RegionId: region, PageNumber: dara.Int32(int32(page)), PageSize: dara.Int32(int32(size))})
			if err != nil {
				t.Fatal(err)
			}
			var out []string
			for _, im := range resp.Body.Images.Image {
				out = append(out, dara.StringValue(im.ImageId))
			}
			return out
		}
		want("DescribeImages", dfWalk(t, "DescribeImages", 3, func(p int, _ string) ([]string, string, bool) {
			got := images(p, 3)
			return got, "", len(got) == 3
		}), images(1, 100))

		// DescribeTags: PageNumber/PageSize; ListTagResources: NextToken.
		tags := func(page, size int) []string {
			resp, err := a.v2.DescribeTags(&ecs2.DescribeTagsRequest{RegionId: region, ResourceType: dara.String("instance"), ResourceId: dara.String(ids[0]),
				PageNumber: dara.Int32(int32(page)), PageSize: dara.Int32(int32(size))})
			if err != nil {
				t.Fatal(err)
			}
			var out []string
			for _, tg := range resp.Body.Tags.Tag {
				out = append(out, dara.StringValue(tg.TagKey))
			}
			return out
		}
		want("DescribeTags", dfWalk(t, "DescribeTags", 2, func(p int, _ string) ([]string, string, bool) {
			got := tags(p, 2)
			return got, "", len(got) == 2
		}), tags(1, 100))
		listed := dfWalk(t, "ListTagResources", 50, func(_ int, token string) ([]string, string, bool) {
			r := &ecs2.ListTagResourcesRequest{RegionId: region, ResourceType: dara.String("instance"), ResourceId: dara.StringSlice(ids[1:])}
			if token != "" {
				r.NextToken = dara.String(token)
			}
			resp, err := a.v2.ListTagResources(r)
			if err != nil {
				t.Fatal(err)
			}
			var out []string
			for _, tr := range resp.Body.TagResources.TagResource {
				out = append(out, dara.StringValue(tr.ResourceId))
			}
			next := dara.StringValue(resp.Body.NextToken)
			return out, next, next != ""
		})
		want("ListTagResources", listed, ids[1:])

		// VPC: DescribeVpcs and DescribeVSwitches by PageNumber/PageSize.
		vpcs := func(page, size int) []string {
			resp, err := vc.DescribeVpcs(&vpc2.DescribeVpcsRequest{RegionId: region, PageNumber: dara.Int32(int32(page)), PageSize: dara.Int32(int32(size))})
			if err != nil {
				t.Fatal(err)
			}
			var out []string
			for _, v := range resp.Body.Vpcs.Vpc {
				out = append(out, dara.StringValue(v.VpcId))
			}
			return out
		}
		want("DescribeVpcs", dfWalk(t, "DescribeVpcs", 2, func(p int, _ string) ([]string, string, bool) {
			got := vpcs(p, 2)
			return got, "", len(got) == 2
		}), vpcs(1, 50))

		// BSS: QueryOrders and QueryAvailableInstances by PageNum/PageSize.
		orders := func(page, size int) []string {
			r := bssopenapi.CreateQueryOrdersRequest()
			r.CreateTimeStart, r.PageNum, r.PageSize = since, requests.NewInteger(page), requests.NewInteger(size)
			resp, err := a.bss.QueryOrders(r)
			if err != nil {
				t.Fatal(err)
			}
			var out []string
			for _, o := range resp.Data.OrderList.Order {
				out = append(out, o.OrderId)
			}
			return out
		}
		want("QueryOrders", dfWalk(t, "QueryOrders", 2, func(p int, _ string) ([]string, string, bool) {
			got := orders(p, 2)
			return got, "", len(got) == 2
		}), orders(1, 100))
		available := func(page, size int) []string {
			r := bssopenapi.CreateQueryAvailableInstancesRequest()
			r.PageNum, r.PageSize = requests.NewInteger(page), requests.NewInteger(size)
			resp, err := a.bss.QueryAvailableInstances(r)
			if err != nil {
				t.Fatal(err)
			}
			var out []string
			for _, i := range resp.Data.InstanceList {
				out = append(out, i.InstanceID)
			}
			return out
		}
		want("QueryAvailableInstances", dfWalk(t, "QueryAvailableInstances", 2, func(p int, _ string) ([]string, string, bool) {
			got := available(p, 2)
			return got, "", len(got) == 2
		}), ids)
	})
}
