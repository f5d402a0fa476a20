package conformance

import (
	"testing"

	ecs2 "github.com/alibabacloud-go/ecs-20140526/v7/client"
	"github.com/aliyun/alibaba-cloud-sdk-go/services/ecs"

	"github.com/ecsd/ecsd/internal/ecsdtest"
)

func TestDescribeRegions(t *testing.T) {
	t.Parallel()
	ecsdtest.Each(t, ecsdtest.Options{}, func(t *testing.T, s *ecsdtest.Server) {
		v1 := s.SDKv1(t, s.AccessKeyID, s.AccessKeySecret)
		resp, err := v1.DescribeRegions(ecs.CreateDescribeRegionsRequest())
		if err != nil {
			t.Fatal(err)
		}
		if len(resp.RequestId) != 36 || resp.RequestId != upper(resp.RequestId) {
			t.Errorf("RequestId %q is not an upper-case UUID", resp.RequestId)
		}
		found := map[string]ecs.Region{}
		for _, r := range resp.Regions.Region {
			found[r.RegionId] = r
		}
		for _, id := range []string{"cn-hangzhou", "cn-shanghai", "cn-beijing", "ap-southeast-1", "us-west-1", "eu-central-1"} {
			r, ok := found[id]
			if !ok {
				t.Errorf("region %s missing", id)
				continue
			}
			if r.RegionEndpoint != "ecs."+id+".aliyuncs.com" || r.LocalName == "" || r.Status != "available" {
				t.Errorf("region %+v", r)
			}
		}

		v2 := s.SDKv2(t, s.AccessKeyID, s.AccessKeySecret)
		r2, err := v2.DescribeRegions(&ecs2.DescribeRegionsRequest{})
		if err != nil {
			t.Fatal(err)
		}
		if got := len(r2.Body.Regions.Region); got != len(resp.Regions.Region) {
			t.Errorf("v2 saw %d regions, v1 %d", got, len(resp.Regions.Region))
		}
	})
}

func upper(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c >= 'a' && c <= 'z' {
			b[i] = c - 32
		}
	}
	return string(b)
}
