package conformance

import (
	"fmt"
	"slices"
	"testing"

	ecs2 "github.com/alibabacloud-go/ecs-20140526/v7/client"
	"github.com/alibabacloud-go/tea/dara"
	"github.com/aliyun/alibaba-cloud-sdk-go/services/ecs"

	"github.com/ecsd/ecsd/internal/ecsdtest"
)

// The tag tests' helpers are named tg….

func tgTags(kv ...string) []*ecs2.TagResourcesRequestTag {
	var out []*ecs2.TagResourcesRequestTag
	for i := 0; i+1 < len(kv); i += 2 {
		out = append(out, &ecs2.TagResourcesRequestTag{Key: dara.String(kv[i]), Value: dara.String(kv[i+1])})
	}
	return out
}

func tgTag(t *testing.T, a *lcActor, typ string, ids []string, kv ...string) error {
	t.Helper()
	_, err := a.v2.TagResources(&ecs2.TagResourcesRequest{RegionId: dara.String("cn-hangzhou"), ResourceType: dara.String(typ), ResourceId: dara.StringSlice(ids), Tag: tgTags(kv...)})
	return err
}

// tgList returns ListTagResources' rows as "type id key=value", every page.
func tgList(t *testing.T, a *lcActor, req *ecs2.ListTagResourcesRequest) []string {
	t.Helper()
	rows, _ := tgPages(t, a, req)
	return rows
}

// tgPages returns the rows of every page and the number of pages.
func tgPages(t *testing.T, a *lcActor, req *ecs2.ListTagResourcesRequest) (out []string, pages int) {
	t.Helper()
	req.RegionId = dara.String("cn-hangzhou")
	for {
		resp, err := a.v2.ListTagResources(req)
		if err != nil {
			t.Fatalf("ListTagResources: %v", err)
		}
		pages++
		for _, r := range resp.Body.TagResources.TagResource {
			out = append(out, fmt.Sprintf("%s %s %s=%s", dara.StringValue(r.ResourceType), dara.StringValue(r.ResourceId), dara.StringValue(r.TagKey), dara.StringValue(r.TagValue)))
		}
		if dara.StringValue(resp.Body.NextToken) == "" {
			return out, pages
		}
		req.NextToken = resp.Body.NextToken
	}
}

// tgDiskTags returns DescribeDisks' Tags of each disk of the instance (v2),
// failing when a disk has no Tags list at all.
func tgDiskTags(t *testing.T, a *lcActor, instanceID string, tags ...*ecs2.DescribeDisksRequestTag) map[string][]string {
	t.Helper()
	resp, err := a.v2.DescribeDisks(&ecs2.DescribeDisksRequest{RegionId: dara.String("cn-hangzhou"), InstanceId: dara.String(instanceID), Tag: tags})
	if err != nil {
		t.Fatalf("DescribeDisks: %v", err)
	}
	out := map[string][]string{}
	for _, d := range resp.Body.Disks.Disk {
		if d.Tags == nil || d.Tags.Tag == nil {
			t.Errorf("DescribeDisks: disk %s has no Tags.Tag list", dara.StringValue(d.DiskId))
		}
		out[dara.StringValue(d.DiskId)] = []string{}
		for _, tg := range d.Tags.Tag {
			out[dara.StringValue(d.DiskId)] = append(out[dara.StringValue(d.DiskId)], dara.StringValue(tg.TagKey)+"="+dara.StringValue(tg.TagValue))
		}
	}
	return out
}

// TestTags tags instances and disks through Go SDK v2: the tags are rows
// that DescribeInstances, DescribeDisks and ListTagResources read back and
// filter on, with the documented limits and errors.
func TestTags(t *testing.T) {
	t.Parallel()
	ecsdtest.Each(t, ecsdtest.Options{}, func(t *testing.T, s *ecsdtest.Server) {
		a := lcAccount(t, s, "tags", "10000.00", "0.00")
		other := lcAccount(t, s, "tags-other", "10000.00", "0.00")
		resp := a.mustRun(t, lcAmount(2), lcParam("Tag.1.Key", "env"), lcParam("Tag.1.Value", "prod"))
		ids := resp.InstanceIdSets.InstanceIdSet
		i1, i2 := ids[0], ids[1]

		// Untagged disks still carry an empty Tags list (Terraform's volume_tags).
		disks := tgDiskTags(t, a, i1)
		if len(disks) != 1 {
			t.Fatalf("DescribeDisks of %s: %d disks, want 1", i1, len(disks))
		}
		var disk string
		for id, tags := range disks {
			disk = id
			if len(tags) != 0 {
				t.Errorf("disk %s: tags %v before any tagging", id, tags)
			}
		}

		// TagResources on instances and on the disk.
		if err := tgTag(t, a, "instance", []string{i1, i2}, "team", "core", "env", "dev"); err != nil {
			t.Fatalf("TagResources instances: %v", err)
		}
		if err := tgTag(t, a, "disk", []string{disk}, "backup", "daily"); err != nil {
			t.Fatalf("TagResources disk: %v", err)
		}
		got := a.one(t, i1).Tags.Tag
		var kv []string
		for _, tg := range got {
			kv = append(kv, tg.TagKey+"="+tg.TagValue)
		}
		if want := []string{"env=dev", "team=core"}; !slices.Equal(kv, want) {
			t.Errorf("DescribeInstances Tags of %s: %v, want %v", i1, kv, want)
		}
		if d := tgDiskTags(t, a, i1)[disk]; !slices.Equal(d, []string{"backup=daily"}) {
			t.Errorf("DescribeDisks Tags of %s: %v", disk, d)
		}
		// Tag filters.
		n := a.count(t, func(r *ecs.DescribeInstancesRequest) {
			r.Tag = &[]ecs.DescribeInstancesTag{{Key: "team", Value: "core"}, {Key: "env", Value: "dev"}}
		})
		if n != 2 {
			t.Errorf("DescribeInstances Tag team=core env=dev: %d, want 2", n)
		}
		if n := a.count(t, func(r *ecs.DescribeInstancesRequest) {
			r.Tag = &[]ecs.DescribeInstancesTag{{Key: "env", Value: "prod"}}
		}); n != 0 {
			t.Errorf("DescribeInstances Tag env=prod after retagging: %d, want 0", n)
		}
		if d := tgDiskTags(t, a, i1, &ecs2.DescribeDisksRequestTag{Key: dara.String("backup"), Value: dara.String("weekly")}); len(d) != 0 {
			t.Errorf("DescribeDisks Tag backup=weekly: %v, want none", d)
		}
		if d := tgDiskTags(t, a, i1, &ecs2.DescribeDisksRequestTag{Key: dara.String("backup")}); len(d) != 1 {
			t.Errorf("DescribeDisks Tag backup: %v, want the disk", d)
		}

		// ListTagResources by id, by tag, and paged.
		rows := tgList(t, a, &ecs2.ListTagResourcesRequest{ResourceType: dara.String("instance"), ResourceId: dara.StringSlice([]string{i2})})
		if want := []string{"instance " + i2 + " env=dev", "instance " + i2 + " team=core"}; !slices.Equal(rows, want) {
			t.Errorf("ListTagResources %s: %v, want %v", i2, rows, want)
		}
		rows = tgList(t, a, &ecs2.ListTagResourcesRequest{ResourceType: dara.String("disk"), Tag: []*ecs2.ListTagResourcesRequestTag{{Key: dara.String("backup"), Value: dara.String("daily")}}})
		if want := []string{"disk " + disk + " backup=daily"}; !slices.Equal(rows, want) {
			t.Errorf("ListTagResources disk backup=daily: %v, want %v", rows, want)
		}

		// UntagResources: one key, then All.
		if _, err := a.v2.UntagResources(&ecs2.UntagResourcesRequest{RegionId: dara.String("cn-hangzhou"), ResourceType: dara.String("instance"),
			ResourceId: dara.StringSlice([]string{i1}), TagKey: dara.StringSlice([]string{"team", "absent"})}); err != nil {
			t.Fatalf("UntagResources: %v", err)
		}
		if tags := a.one(t, i1).Tags.Tag; len(tags) != 1 || tags[0].TagKey != "env" {
			t.Errorf("after untagging team: %+v", tags)
		}
		if _, err := a.v2.UntagResources(&ecs2.UntagResourcesRequest{RegionId: dara.String("cn-hangzhou"), ResourceType: dara.String("disk"),
			ResourceId: dara.StringSlice([]string{disk}), All: dara.Bool(true)}); err != nil {
			t.Fatalf("UntagResources All: %v", err)
		}
		if d := tgDiskTags(t, a, i1)[disk]; len(d) != 0 {
			t.Errorf("disk tags after All: %v", d)
		}

		// 20 tags a resource: 19 more fit beside env, 20 more do not, and
		// the refused call leaves nothing behind.
		var many []string
		for k := range 20 {
			many = append(many, fmt.Sprintf("k%02d", k), "v")
		}
		err := tgTag(t, a, "instance", []string{i1}, many...)
		lcWantV2(t, "TagResources 21st tag", err, "OperationDenied.QuotaExceed", 400)
		if tags := a.one(t, i1).Tags.Tag; len(tags) != 1 {
			t.Errorf("a refused TagResources left %d tags, want 1", len(tags))
		}
		if err := tgTag(t, a, "instance", []string{i1}, many[:38]...); err != nil {
			t.Errorf("TagResources up to 20 tags: %v", err)
		}
		// Paging: 20 tags of i1 and 2 of i2 come back whole.
		if rows := tgList(t, a, &ecs2.ListTagResourcesRequest{ResourceType: dara.String("instance")}); len(rows) != 22 {
			t.Errorf("ListTagResources of every instance: %d rows, want 22", len(rows))
		}

		// Errors.
		lcWantV2(t, "21 tags in one call", tgTag(t, a, "instance", []string{i2}, append(many, "x", "y")...), "NumberExceed.Tags", 400)
		lcWantV2(t, "duplicate key", tgTag(t, a, "instance", []string{i2}, "a", "1", "a", "2"), "Duplicate.TagKey", 400)
		lcWantV2(t, "acs: key", tgTag(t, a, "instance", []string{i2}, "acs:x", "1"), "InvalidTagKey.Malformed", 400)
		lcWantV2(t, "empty key", tgTag(t, a, "instance", []string{i2}, "", "1"), "InvalidTagKey.Malformed", 400)
		lcWantV2(t, "http value", tgTag(t, a, "instance", []string{i2}, "a", "http://x"), "InvalidTagValue.Malformed", 400)
		lcWantV2(t, "unknown id", tgTag(t, a, "instance", []string{"i-bp1nonexistent00000"}, "a", "1"), "InvalidResourceId.NotFound", 404)
		lcWantV2(t, "another account's instance", tgTag(t, other, "instance", []string{i1}, "a", "1"), "InvalidResourceId.NotFound", 404)
		lcWantV2(t, "disk id as instance", tgTag(t, a, "instance", []string{disk}, "a", "1"), "InvalidResourceId.NotFound", 404)
		lcWantV2(t, "snapshot type", tgTag(t, a, "snapshot", []string{i1}, "a", "1"), "InvalidResourceType.NotFound", 404)
		lcWantV2(t, "no tags", tgTag(t, a, "instance", []string{i1}), "MissingParameter.Tags", 404)
		var fifty []string
		for range 51 {
			fifty = append(fifty, i1)
		}
		lcWantV2(t, "51 resources", tgTag(t, a, "instance", fifty, "a", "1"), "NumberExceed.ResourceIds", 400)
		// RunInstances takes the same rules.
		_, err = a.run(lcParam("Tag.1.Key", "aliyun-x"), lcParam("Tag.1.Value", "1"))
		lcWantV1(t, "RunInstances aliyun key", err, "InvalidTagKey.Malformed", 400)

		// Deleting an instance deletes its tags and its disks' tags.
		if err := tgTag(t, a, "disk", []string{disk}, "backup", "daily"); err != nil {
			t.Fatal(err)
		}
		r := ecs.CreateDeleteInstanceRequest()
		r.InstanceId, r.Force = i1, "true"
		if _, err := a.v1.DeleteInstance(r); err != nil {
			a.waitStatus(t, "Running", i1)
			if _, err := a.v1.DeleteInstance(r); err != nil {
				t.Fatalf("DeleteInstance: %v", err)
			}
		}
		if rows := tgList(t, a, &ecs2.ListTagResourcesRequest{ResourceType: dara.String("disk")}); len(rows) != 0 {
			t.Errorf("disk tags after DeleteInstance: %v", rows)
		}
		if rows := tgList(t, a, &ecs2.ListTagResourcesRequest{ResourceType: dara.String("instance")}); len(rows) != 2 {
			t.Errorf("instance tags after DeleteInstance: %v, want i2's two", rows)
		}

		// Pages of 50: 3 × 20 tags and i2's 2 come in two pages, each row once.
		more := a.mustRun(t, lcAmount(3)).InstanceIdSets.InstanceIdSet
		if err := tgTag(t, a, "instance", more, many[:40]...); err != nil {
			t.Fatal(err)
		}
		rows, pages := tgPages(t, a, &ecs2.ListTagResourcesRequest{ResourceType: dara.String("instance")})
		if len(rows) != 62 || pages != 2 || len(slices.Compact(slices.Sorted(slices.Values(rows)))) != 62 {
			t.Errorf("ListTagResources over pages: %d rows in %d pages, want 62 distinct in 2", len(rows), pages)
		}
		_, err = a.v2.ListTagResources(&ecs2.ListTagResourcesRequest{RegionId: dara.String("cn-hangzhou"), ResourceType: dara.String("instance"), NextToken: dara.String("bogus!")})
		lcWantV2(t, "a NextToken not given", err, "InvalidNextToken", 400)
	})
}
