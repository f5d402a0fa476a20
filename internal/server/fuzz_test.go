package server_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/ecsd/ecsd/internal/auth"
	"github.com/ecsd/ecsd/internal/clock"
	"github.com/ecsd/ecsd/internal/rpc"
	"github.com/ecsd/ecsd/internal/server"
)

const (
	fuzzKeyID  = "LTAIfuzzdefault000000000"
	fuzzSecret = "fuzzdefaultsecret0000000000000"
	fuzzToken  = "fuzz-admin-token"
)

// fuzzServer is a real server (server.New, SQLite, manual clock) whose
// handler the fuzz targets call in process.
func fuzzServer(f *testing.F) (*server.Server, http.Handler) {
	ctx := context.Background()
	srv, err := server.New(ctx, server.Config{
		Data: f.TempDir(), Clock: clock.ModeManual, ClockStart: time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC),
		AdminToken: fuzzToken, DefaultAccessKeyID: fuzzKeyID, DefaultAccessKeySecret: fuzzSecret,
		Throttle: rpc.ThrottleConfig{ActionRate: 1e9, ActionBurst: 1e9, UserRate: 1e9, UserBurst: 1e9},
	})
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() {
		sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = srv.Shutdown(sctx)
	})
	return srv, srv.Handler()
}

// callRPC signs params (RPC v1, the default key) and serves them as a GET.
func callRPC(h http.Handler, params map[string]string) *httptest.ResponseRecorder {
	p := map[string]string{
		"AccessKeyId": fuzzKeyID, "Format": "JSON", "SignatureMethod": "HMAC-SHA1", "SignatureVersion": "1.0",
		"SignatureNonce": rpc.NewRequestID(), "Timestamp": time.Now().UTC().Format("2006-01-02T15:04:05Z"), "Version": "2014-05-26",
	}
	for k, v := range params {
		p[k] = v
	}
	p["Signature"] = auth.SignV1(fuzzSecret, auth.StringToSignV1(http.MethodGet, p))
	var q []string
	for k, v := range p {
		q = append(q, auth.PercentEncode(k)+"="+auth.PercentEncode(v))
	}
	r := httptest.NewRequest(http.MethodGet, "/?"+strings.Join(q, "&"), nil)
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w
}

// fuzzActions are the actions whose parameters FuzzActionParams decodes.
var fuzzActions = []struct{ action, version string }{
	{"RunInstances", "2014-05-26"},
	{"ModifyPrepayInstanceSpec", "2014-05-26"},
	{"DescribeInstances", "2014-05-26"},
	{"DescribeInstanceStatus", "2014-05-26"},
	{"DescribeDisks", "2014-05-26"},
	{"DescribeImages", "2014-05-26"},
	{"DescribeInstanceTypes", "2014-05-26"},
	{"DescribeResourcesModification", "2014-05-26"},
	{"DescribeInstanceModificationPrice", "2014-05-26"},
	{"DescribeRenewalPrice", "2014-05-26"},
	{"RenewInstance", "2014-05-26"},
	{"DescribePrice", "2014-05-26"},
	{"QueryOrders", "2017-12-14"},
	{"ListUsers", "2015-05-01"},
}

// FuzzActionParams sends signed requests with fuzzed parameters to the real
// actions (paging, times, lists, JSON arrays, numbers) of a real server.
// "{ID}" in a value is the id of an instance the account owns. Whatever the
// parameters, the answer is a 200 or a 4xx with a documented error body,
// never a 5xx.
func FuzzActionParams(f *testing.F) {
	_, h := fuzzServer(f)
	run := callRPC(h, map[string]string{
		"Action": "RunInstances", "RegionId": "cn-hangzhou", "ImageId": "aliyun_3_x64_20G_alibase_20240528.vhd",
		"InstanceType": "ecs.g6.large", "InstanceChargeType": "PrePaid", "Period": "1", "PeriodUnit": "Month",
	})
	if run.Code != 200 {
		f.Fatalf("RunInstances: %d %s", run.Code, run.Body)
	}
	var ran struct {
		InstanceIdSets struct{ InstanceIdSet []string }
	}
	if err := json.Unmarshal(run.Body.Bytes(), &ran); err != nil || len(ran.InstanceIdSets.InstanceIdSet) != 1 {
		f.Fatalf("RunInstances answer %s: %v", run.Body, err)
	}
	id := ran.InstanceIdSets.InstanceIdSet[0]

	f.Add(uint8(0), "RegionId=cn-hangzhou&InstanceType=ecs.g6.large&ImageId=aliyun_3_x64_20G_alibase_20240528.vhd&Amount=2&DataDisk.1.Size=40&Tag.1.Key=k")
	f.Add(uint8(1), "RegionId=cn-hangzhou&InstanceId={ID}&InstanceType=ecs.g6.xlarge&RebootTime=2026-06-01T03:00:00Z&Disk.1.Category=cloud_essd")
	f.Add(uint8(2), "RegionId=cn-hangzhou&PageNumber=9223372036854775807&PageSize=100&InstanceIds=[\"{ID}\"]")
	f.Add(uint8(2), "MaxResults=5&NextToken=MTc4_aS1icA")
	f.Add(uint8(12), "PageNum=2&CreateTimeStart=2026-01-01T00:00:00Z&CreateTimeEnd=2026-13-01T00:00:00Z")
	f.Fuzz(func(t *testing.T, which uint8, query string) {
		a := fuzzActions[int(which)%len(fuzzActions)]
		params := map[string]string{}
		for _, pair := range strings.Split(query, "&") {
			k, v, _ := strings.Cut(pair, "=")
			if k == "" {
				continue
			}
			params[k] = strings.ReplaceAll(v, "{ID}", id)
		}
		for k, v := range params {
			if !utf8.ValidString(k+v) || strings.ContainsRune(k+v, 0) {
				return // refused by the parse stage, tested there (no Skip: CI counts skips)
			}
		}
		params["Action"], params["Version"] = a.action, a.version
		if a.version == "2014-05-26" {
			if _, ok := params["RegionId"]; !ok {
				params["RegionId"] = "cn-hangzhou"
			}
		}
		w := callRPC(h, params)
		checkAnswer(t, a.action+" "+query, w)
	})
}

// checkAnswer: not a 5xx, and a JSON object; an error has a string Code.
func checkAnswer(t *testing.T, what string, w *httptest.ResponseRecorder) {
	t.Helper()
	if w.Code >= 500 {
		t.Fatalf("%s: HTTP %d %s", what, w.Code, w.Body)
	}
	var body map[string]any
	if err := json.Unmarshal(w.Body.Bytes(), &body); err != nil {
		t.Fatalf("%s: HTTP %d, body is not a JSON object: %v %q", what, w.Code, err, w.Body)
	}
	if w.Code >= 400 {
		if c, ok := body["Code"].(string); !ok || c == "" {
			t.Fatalf("%s: HTTP %d without a string Code: %s", what, w.Code, w.Body)
		}
	}
}

// fuzzAdminRoutes are the admin calls that take a JSON body; {A}, {K} and
// {I} are the default account, its key and an instance of it.
var fuzzAdminRoutes = []struct{ method, path string }{
	{"POST", "/_ecsd/v1/accounts"},
	{"PATCH", "/_ecsd/v1/accounts/{A}"},
	{"POST", "/_ecsd/v1/accounts/{A}/balance"},
	{"PATCH", "/_ecsd/v1/accesskeys/{K}"},
	{"PUT", "/_ecsd/v1/stock"},
	{"POST", "/_ecsd/v1/faults"},
	{"POST", "/_ecsd/v1/clock"},
	{"PATCH", "/_ecsd/v1/instances/{I}"},
}

// FuzzAdminJSON sends fuzzed JSON bodies to every admin call that takes one.
// The answer is never a 5xx; whatever was accepted reads back as valid
// UTF-8 without NUL.
func FuzzAdminJSON(f *testing.F) {
	srv, h := fuzzServer(f)
	accountID := srv.DefaultAccount.Account.ID
	run := callRPC(h, map[string]string{
		"Action": "RunInstances", "RegionId": "cn-hangzhou", "ImageId": "aliyun_3_x64_20G_alibase_20240528.vhd", "InstanceType": "ecs.g6.large",
	})
	var ran struct {
		InstanceIdSets struct{ InstanceIdSet []string }
	}
	if err := json.Unmarshal(run.Body.Bytes(), &ran); err != nil || len(ran.InstanceIdSets.InstanceIdSet) != 1 {
		f.Fatalf("RunInstances answer %s: %v", run.Body, err)
	}
	repl := strings.NewReplacer("{A}", accountID, "{K}", fuzzKeyID, "{I}", ran.InstanceIdSets.InstanceIdSet[0])

	f.Add(uint8(0), `{"Name":"a","Balance":"10.00","VoucherBalance":"1.00"}`)
	f.Add(uint8(1), `{"Name":"b\u0000","RestrictedTypes":["ecs.g6.large"],"VCPUQuota":{"cn-hangzhou":8},"DiskCapacityQuota":{"cloud_essd":100}}`)
	f.Add(uint8(2), `{"Amount":"-99999999999999.99","Kind":"voucher"}`)
	f.Add(uint8(4), `{"ZoneId":"cn-hangzhou-h","InstanceType":"ecs.g6.large","Available":5}`)
	f.Add(uint8(5), `{"Action":"RunInstances","Code":"InternalError","Count":2}`)
	f.Add(uint8(6), `{"Advance":"720h"}`)
	f.Add(uint8(7), `{"EipAddress":"1.2.3.4","LockReason":"financial"}`)
	f.Fuzz(func(t *testing.T, which uint8, body string) {
		rt := fuzzAdminRoutes[int(which)%len(fuzzAdminRoutes)]
		if rt.path == "/_ecsd/v1/accesskeys/{K}" && strings.Contains(body, "Inactive") {
			return // the fuzz server's own key must stay active
		}
		r := httptest.NewRequest(rt.method, repl.Replace(rt.path), strings.NewReader(body))
		r.Header.Set("Authorization", "Bearer "+fuzzToken)
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		checkAnswer(t, rt.method+" "+rt.path+" "+body, w)
		if w.Code == 200 && (!utf8.Valid(w.Body.Bytes()) || strings.Contains(w.Body.String(), `\u0000`)) {
			t.Fatalf("accepted text reads back invalid: %s", w.Body)
		}
		get := httptest.NewRequest("GET", "/_ecsd/v1/accounts/"+accountID, nil)
		get.Header.Set("Authorization", "Bearer "+fuzzToken)
		gw := httptest.NewRecorder()
		h.ServeHTTP(gw, get)
		if gw.Code != 200 || !utf8.Valid(gw.Body.Bytes()) || strings.Contains(gw.Body.String(), `\u0000`) {
			t.Fatalf("the account reads back HTTP %d %s", gw.Code, gw.Body)
		}
	})
}
