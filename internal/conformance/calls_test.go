package conformance

import (
	"encoding/json"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/aliyun/alibaba-cloud-sdk-go/services/ecs"

	"github.com/ecsd/ecsd/internal/calllog"
	"github.com/ecsd/ecsd/internal/ecsdtest"
)

// The call log through the admin API, on both stores: what is recorded,
// what is removed, filters and paging.

func listCalls(t *testing.T, s *ecsdtest.Server, query url.Values) (calllog.Page, adminReply) {
	t.Helper()
	r := adminAs(t, s, "GET", "/_ecsd/v1/calls?"+query.Encode(), "")
	var p calllog.Page
	if r.Status == 200 {
		if err := json.Unmarshal([]byte(r.Raw), &p); err != nil {
			t.Fatal(err)
		}
	}
	return p, r
}

func TestCallLog(t *testing.T) {
	ecsdtest.Each(t, ecsdtest.Options{}, func(t *testing.T, s *ecsdtest.Server) {
		since := time.Now().UTC().Add(-time.Second).Format(time.RFC3339)
		main := ramMainAccount(t, s, "calls")
		dev := main.user(t, "dev", "System:AliyunECSReadOnlyAccess")

		// Go SDK v1 signs in the parameters (Signature, AccessKeyId).
		regions, err := main.ecs.DescribeRegions(ecs.CreateDescribeRegionsRequest())
		ramOK(t, "DescribeRegions", err)
		run := ecs.CreateRunInstancesRequest()
		run.RegionId, run.ZoneId, run.ImageId, run.InstanceType = "cn-hangzhou", "cn-hangzhou-h", lcImage, "ecs.g6.large"
		run.InstanceChargeType, run.Password = "PostPaid", "hunter-secret!"
		// A password of two kinds of characters is refused, and the log of
		// the refused call must not show it; nor must the log of a call
		// that sets one.
		_, err = main.ecs.RunInstances(run)
		ramErr(t, "RunInstances with a weak password", err, 400, "InvalidPassword.Malformed")
		run = ecs.CreateRunInstancesRequest()
		run.RegionId, run.ZoneId, run.ImageId, run.InstanceType = "cn-hangzhou", "cn-hangzhou-h", lcImage, "ecs.g6.large"
		run.InstanceChargeType, run.Password = "PostPaid", "Hunter2-Secret!"
		bought, err := main.ecs.RunInstances(run)
		ramOK(t, "RunInstances", err)
		id := bought.InstanceIdSets.InstanceIdSet[0]
		desc := ecs.CreateDescribeInstancesRequest()
		desc.RegionId, desc.InstanceIds = "cn-hangzhou", `["`+id+`"]`
		_, err = dev.ecs.DescribeInstances(desc)
		ramOK(t, "DescribeInstances by the RAM user", err)
		stop := ecs.CreateStopInstanceRequest()
		stop.InstanceId = id
		_, err = dev.ecs.StopInstance(stop)
		ramErr(t, "StopInstance by a read-only user", err, 403, "Forbidden.RAM")

		all, r := listCalls(t, s, url.Values{"AccountId": {main.accountID}})
		if r.Status != 200 {
			t.Fatalf("GET calls: %d %s", r.Status, r.Raw)
		}
		// Secrets appear nowhere: not the keys' secrets (CreateAccessKey
		// answered one), not the password, not a signature.
		for _, secret := range []string{main.secret, dev.secret, "Hunter2-Secret!", "hunter-secret!"} {
			if strings.Contains(r.Raw, secret) {
				t.Errorf("the call log shows a secret %q", secret)
			}
		}
		byAction := map[string]calllog.Entry{}
		for _, c := range all.Calls {
			if _, seen := byAction[c.Action]; !seen {
				byAction[c.Action] = c
			}
		}
		for _, want := range []string{"CreateUser", "CreateAccessKey", "AttachPolicyToUser", "DescribeRegions", "RunInstances", "DescribeInstances", "StopInstance"} {
			if _, ok := byAction[want]; !ok {
				t.Errorf("no %s call recorded; got %d calls", want, len(all.Calls))
			}
		}
		params := func(c calllog.Entry) map[string]string {
			var m map[string]string
			if err := json.Unmarshal(c.Parameters, &m); err != nil {
				t.Fatalf("%s Parameters %s: %v", c.Action, c.Parameters, err)
			}
			return m
		}
		dr := byAction["DescribeRegions"]
		if p := params(dr); p["Signature"] != calllog.Redacted || p["SignatureMethod"] != "HMAC-SHA1" || p["AccessKeyId"] != main.keyID {
			t.Errorf("DescribeRegions parameters: %v", p)
		}
		if dr.RequestId != regions.RequestId || dr.Code != "" || dr.HttpStatus != 200 || dr.AccessKeyId != main.keyID ||
			dr.UserName != "" || dr.Product != "Ecs" || dr.Version != "2014-05-26" || dr.DurationMs <= 0 || dr.SourceIp != "127.0.0.1" {
			t.Errorf("DescribeRegions entry: %+v (RequestId sent %s)", dr, regions.RequestId)
		}
		if !strings.Contains(string(dr.Answer), `"RegionId":"cn-hangzhou"`) {
			t.Errorf("DescribeRegions answer: %s", dr.Answer)
		}
		var ri, refused calllog.Entry
		for _, c := range all.Calls {
			if c.Action == "RunInstances" && c.Code == "" {
				ri = c
			}
			if c.Action == "RunInstances" && c.Code == "InvalidPassword.Malformed" {
				refused = c
			}
		}
		if p := params(refused); p["Password"] != calllog.Redacted || p["InstanceType"] != "ecs.g6.large" {
			t.Errorf("refused RunInstances parameters: %v", p)
		}
		if p := params(ri); p["Password"] != calllog.Redacted {
			t.Errorf("RunInstances parameters: %v", p)
		}
		if len(ri.InstanceIds) != 1 || ri.InstanceIds[0] != id {
			t.Errorf("RunInstances InstanceIds %v, want [%s]", ri.InstanceIds, id)
		}
		ck := byAction["CreateAccessKey"]
		if !strings.Contains(string(ck.Answer), `"AccessKeySecret":"`+calllog.Redacted+`"`) || ck.Product != "Ram" {
			t.Errorf("CreateAccessKey answer: %s (product %s)", ck.Answer, ck.Product)
		}
		st := byAction["StopInstance"]
		if st.Code != "Forbidden.RAM" || st.HttpStatus != 403 || st.UserName != "dev" || st.AccessKeyId != dev.keyID ||
			!strings.Contains(string(st.Answer), "AccessDeniedDetail") {
			t.Errorf("StopInstance entry: %+v answer %s", st, st.Answer)
		}
		if di := byAction["DescribeInstances"]; len(di.InstanceIds) != 1 || di.InstanceIds[0] != id || di.UserName != "dev" {
			t.Errorf("DescribeInstances entry: %+v", di)
		}

		// Filters.
		for _, tc := range []struct {
			q    url.Values
			want []string // actions, newest first
		}{
			{url.Values{"InstanceId": {id}}, []string{"StopInstance", "DescribeInstances", "RunInstances"}},
			{url.Values{"AccountId": {main.accountID}, "Code": {"Forbidden.RAM"}}, []string{"StopInstance"}},
			{url.Values{"AccountId": {main.accountID}, "Action": {"RunInstances"}, "Code": {"Success"}}, []string{"RunInstances"}},
			{url.Values{"AccountId": {main.accountID}, "Action": {"RunInstances"}, "Since": {"2100-01-01T00:00:00Z"}}, nil},
			{url.Values{"AccountId": {main.accountID}, "Action": {"DescribeRegions"}, "Since": {since}}, []string{"DescribeRegions"}},
		} {
			p, r := listCalls(t, s, tc.q)
			var got []string
			for _, c := range p.Calls {
				got = append(got, c.Action)
			}
			if r.Status != 200 || strings.Join(got, ",") != strings.Join(tc.want, ",") {
				t.Errorf("calls?%s: %d %v, want %v", tc.q.Encode(), r.Status, got, tc.want)
			}
		}

		// Paging: one call a page walks the same calls, newest first.
		var walked []string
		q := url.Values{"AccountId": {main.accountID}, "MaxResults": {"1"}}
		for range 100 {
			p, r := listCalls(t, s, q)
			if r.Status != 200 || len(p.Calls) > 1 || p.MaxResults != 1 {
				t.Fatalf("page: %d %s", r.Status, r.Raw)
			}
			for _, c := range p.Calls {
				walked = append(walked, c.CallId)
			}
			if p.NextToken == "" {
				break
			}
			q.Set("NextToken", p.NextToken)
		}
		var want []string
		for _, c := range all.Calls {
			want = append(want, c.CallId)
		}
		if strings.Join(walked, ",") != strings.Join(want, ",") {
			t.Errorf("paged %v, want %v", walked, want)
		}

		// One call by its id.
		one := adminAs(t, s, "GET", "/_ecsd/v1/calls/"+ri.CallId, "")
		if one.Status != 200 || one.str(t, "RequestId") != ri.RequestId {
			t.Errorf("GET calls/%s: %d %s", ri.CallId, one.Status, one.Raw)
		}

		// Clear errors.
		for _, tc := range []struct {
			path   string
			status int
			code   string
		}{
			{"/_ecsd/v1/calls?Acount=1", 400, "InvalidParameter"},
			{"/_ecsd/v1/calls?Since=yesterday", 400, "InvalidParameter"},
			{"/_ecsd/v1/calls?MaxResults=101", 400, "InvalidParameter"},
			{"/_ecsd/v1/calls?NextToken=abc", 400, "InvalidParameter"},
			{"/_ecsd/v1/calls/999999999", 404, "InvalidCallId.NotFound"},
		} {
			adminAs(t, s, "GET", tc.path, "").wantError(t, tc.status, tc.code)
		}
		if r := adminCall(t, s, "GET", "/_ecsd/v1/calls", "", ""); r.Status != 401 {
			t.Errorf("GET calls without the token: %d", r.Status)
		}
	})
}
