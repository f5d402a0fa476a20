package conformance

import (
	"testing"

	"github.com/ecsd/ecsd/internal/ecsdtest"
)

// TestPagingOutOfRange: every paged action refuses a page number, page size
// or result count outside its range with InvalidParameter (400), on both
// stores; none wraps, clamps or fails with a 5xx.
func TestPagingOutOfRange(t *testing.T) {
	ecsdtest.Each(t, ecsdtest.Options{}, func(t *testing.T, s *ecsdtest.Server) {
		const huge = "9223372036854775807"
		ecs := map[string][]map[string]string{
			"DescribeInstances":      {{"PageNumber": huge}, {"PageNumber": "0"}, {"PageNumber": "1000001"}, {"PageSize": "0"}, {"PageSize": "101"}, {"PageNumber": huge, "PageSize": "100"}, {"MaxResults": "0"}, {"MaxResults": "101"}, {"MaxResults": huge}},
			"DescribeInstanceStatus": {{"PageNumber": huge}, {"PageNumber": "-1"}, {"PageSize": "51"}},
			"DescribeDisks":          {{"PageNumber": huge}, {"PageSize": "101"}, {"MaxResults": "0"}, {"MaxResults": "501"}, {"MaxResults": huge}},
			"DescribeImages":         {{"PageNumber": huge}, {"PageSize": "0"}},
			"DescribeInstanceTypes":  {{"MaxResults": "0"}, {"MaxResults": huge}},
		}
		for action, cases := range ecs {
			for _, p := range cases {
				p["Action"] = action
				wantError(t, sendV1(t, s, "POST", p), 400, "InvalidParameter")
			}
		}
		bss := []map[string]string{{"PageNum": huge}, {"PageNum": "0"}, {"PageSize": "301"}, {"PageNum": huge, "PageSize": "300"}}
		for _, p := range bss {
			p["Action"], p["Version"] = "QueryOrders", "2017-12-14"
			r := sendV1(t, s, "POST", p)
			if r.Status != 400 {
				t.Errorf("QueryOrders %v: HTTP %d, want 400: %s", p, r.Status, r.Body)
			}
		}
		ram := []map[string]string{{"MaxItems": "0"}, {"MaxItems": "1001"}, {"MaxItems": huge}}
		for _, action := range []string{"ListUsers", "ListPolicies"} {
			for _, p := range ram {
				p["Action"], p["Version"] = action, "2015-05-01"
				wantError(t, sendV1(t, s, "POST", p), 400, "InvalidParameter")
			}
		}
		// The largest page number is accepted and is simply empty.
		r := sendV1(t, s, "POST", map[string]string{"Action": "DescribeInstances", "PageNumber": "1000000", "PageSize": "100"})
		if r.Status != 200 {
			t.Errorf("PageNumber 1000000: HTTP %d: %s", r.Status, r.Body)
		}
		// Below 10 MaxResults is documented to give 10; it is not refused.
		r = sendV1(t, s, "POST", map[string]string{"Action": "DescribeInstances", "MaxResults": "5"})
		if r.Status != 200 {
			t.Errorf("MaxResults 5: HTTP %d: %s", r.Status, r.Body)
		}
	})
}
