package rpc_test

import (
	"bufio"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/ecsd/ecsd/internal/apierr"
	"github.com/ecsd/ecsd/internal/auth"
	"github.com/ecsd/ecsd/internal/clock"
	"github.com/ecsd/ecsd/internal/rpc"
	"github.com/ecsd/ecsd/internal/store"
	"github.com/ecsd/ecsd/internal/store/storetest"
)

// The clients.md captures were made at these times; the Authenticator's
// wall clock is pinned there so the captured Timestamps are fresh.
var captureTime = time.Date(2026, 11, 25, 19, 4, 25, 0, time.UTC)

const (
	testKeyID     = "testid"
	testKeySecret = "testsecret"
	testAccountID = "1234567890123456"
	testVersion   = "2014-05-26"
)

// Raw requests captured from the official clients (clients.md §2.2, §3.2,
// §4.1, §5), byte for byte apart from the CRLF line ends added by rawRequest.
const (
	goV1Headers = "Accept-Encoding: identity\nContent-Length: 0\nContent-Type: application/x-www-form-urlencoded\nUser-Agent: AlibabaCloud (linux; amd64) Golang/1.26.8 Core/1.63.22\nX-Acs-Action: %ACTION%\nX-Acs-Credentials-Provider: static_ak\nX-Acs-Version: 2014-05-26\nX-Sdk-Client: golang/1.0.0\nX-Sdk-Core-Version: 1.63.22\nX-Sdk-Invoke-Type: normal"

	// Go SDK v1 (§2.2).
	captureV1Modify                        = "POST /?AccessKeyId=testid&Action=ModifyPrepayInstanceSpec&AutoPay=true&ClientToken=0c593ea1-3bea-11e9-b96b-88e9fe637760&Disk.1.Category=cloud_essd&Disk.1.DiskId=d-bp1aaaaaaaaaaaaaaaa1&Disk.1.PerformanceLevel=PL1&Disk.2.Category=cloud_auto&Disk.2.DiskId=d-bp1aaaaaaaaaaaaaaaa2&Format=JSON&InstanceId=i-bp67acfmxazb4ph0001&InstanceType=ecs.g6.2xlarge&OperatorType=upgrade&RebootTime=2026-06-01T03%3A00%3A00Z&RegionId=cn-hangzhou&Signature=S5%2F3YCtFg9lK3LLhZto9mp1vFtw%3D&SignatureMethod=HMAC-SHA1&SignatureNonce=90263c0b1012fe60630c5c56c2903553&SignatureType=&SignatureVersion=1.0&SystemDisk.Category=cloud_essd&Timestamp=2026-11-25T19%3A04%3A25Z&Version=2014-05-26 HTTP/1.1\nHost: 127.0.0.1:18080\n" + goV1Headers
	captureV1DescribeResourcesModification = "POST /?AccessKeyId=testid&Action=DescribeResourcesModification&DestinationResource=InstanceType&Format=JSON&MigrateAcrossZone=false&OperationType=Upgrade&RegionId=cn-hangzhou&ResourceId=i-bp67acfmxazb4ph0001&Signature=bQR6e%2Fyce%2FHfRPG8Je5TeJDdxtk%3D&SignatureMethod=HMAC-SHA1&SignatureNonce=fe4a90b00608499dadeb03f81b9d8e83&SignatureType=&SignatureVersion=1.0&Timestamp=2026-11-25T19%3A04%3A25Z&Version=2014-05-26 HTTP/1.1\nHost: 127.0.0.1:18080\n" + goV1Headers
	captureV1DescribeInstances             = "POST /?AccessKeyId=testid&Action=DescribeInstances&Format=JSON&InstanceIds=%5B%22i-bp67acfmxazb4ph0001%22%5D&PageSize=10&RegionId=cn-hangzhou&Signature=83T9Dc6Og53%2FS7tXkSjpKVjRxxk%3D&SignatureMethod=HMAC-SHA1&SignatureNonce=5a1345ce079436ccb33c980ceeebb294&SignatureType=&SignatureVersion=1.0&Timestamp=2026-11-25T19%3A04%3A25Z&Version=2014-05-26 HTTP/1.1\nHost: 127.0.0.1:18080\n" + goV1Headers
	captureV1StopInstance                  = "POST /?AccessKeyId=testid&Action=StopInstance&ForceStop=false&Format=JSON&InstanceId=i-bp67acfmxazb4ph0001&RegionId=cn-hangzhou&Signature=wfYGxhaYTUbWTIkHxkkSnC88nV8%3D&SignatureMethod=HMAC-SHA1&SignatureNonce=c24b8c07c8433ed9382ccc4420fc3726&SignatureType=&SignatureVersion=1.0&StoppedMode=KeepCharging&Timestamp=2026-11-25T19%3A04%3A25Z&Version=2014-05-26 HTTP/1.1\nHost: 127.0.0.1:18080\n" + goV1Headers
	captureV1RunInstances                  = "POST /?AccessKeyId=testid&Action=RunInstances&Amount=1&AutoPay=true&ClientToken=run-token-1&DataDisk.1.Category=cloud_essd&DataDisk.1.Size=100&Description=a%26b%3Dc+%28test%29+100%25&Format=JSON&ImageId=aliyun_3_x64_20G_alibase_20240528.vhd&InstanceChargeType=PrePaid&InstanceName=demo+vm%2A~%2B%2F%C3%A9&InstanceType=ecs.g6.xlarge&Period=1&PeriodUnit=Month&RegionId=cn-hangzhou&SecurityGroupId=sg-bp1&Signature=B7y9hfn8ZvCUjksu2qmNSt%2Ff7zg%3D&SignatureMethod=HMAC-SHA1&SignatureNonce=23b53f6bf1257c3367427c23ebbf2376&SignatureType=&SignatureVersion=1.0&SystemDisk.Category=cloud_essd&SystemDisk.Size=40&Tag.1.Key=env&Tag.1.Value=test&Timestamp=2026-11-25T19%3A04%3A25Z&VSwitchId=vsw-bp1&Version=2014-05-26&ZoneId=cn-hangzhou-h HTTP/1.1\nHost: 127.0.0.1:18080\n" + goV1Headers
	captureV1RenewInstance                 = "POST /?AccessKeyId=testid&Action=RenewInstance&ClientToken=renew-token-1&Format=JSON&InstanceId=i-bp67acfmxazb4ph0001&Period=1&PeriodUnit=Month&RegionId=cn-hangzhou&Signature=pD4gyIRuC0HVWb3HyxUGjL%2FAKaw%3D&SignatureMethod=HMAC-SHA1&SignatureNonce=c114c5784ea74b4accd3cb20b0b0af20&SignatureType=&SignatureVersion=1.0&Timestamp=2026-11-25T19%3A04%3A25Z&Version=2014-05-26 HTTP/1.1\nHost: 127.0.0.1:18080\n" + goV1Headers

	// Go SDK v2, ACS3-HMAC-SHA256 (§3.2): Action and Version only in headers.
	captureV2Modify = "POST /?AutoPay=true&ClientToken=0c593ea1-3bea-11e9-b96b-88e9fe637760&Disk.1.Category=cloud_essd&Disk.1.DiskId=d-bp1aaaaaaaaaaaaaaaa1&Disk.1.PerformanceLevel=PL1&Disk.2.Category=cloud_auto&Disk.2.DiskId=d-bp1aaaaaaaaaaaaaaaa2&InstanceId=i-bp67acfmxazb4ph0001&InstanceType=ecs.g6.2xlarge&OperatorType=upgrade&RebootTime=2026-06-01T03%3A00%3A00Z&RegionId=cn-hangzhou&SystemDisk.Category=cloud_essd HTTP/1.1\n" +
		"Host: 127.0.0.1:18081\n" +
		"Accept: application/json\n" +
		"Accept-Encoding: gzip\n" +
		"Authorization: ACS3-HMAC-SHA256 Credential=testid,SignedHeaders=host;x-acs-action;x-acs-content-sha256;x-acs-credentials-provider;x-acs-date;x-acs-signature-nonce;x-acs-version,Signature=091275fae801b2bb04be4e50a96edf2a06f1edd9e37e53e7834367bc108c1ee9\n" +
		"Content-Length: 0\n" +
		"User-Agent: AlibabaCloud (linux; amd64) Golang/1.26.8 Core/0.01 TeaDSL/2\n" +
		"X-Acs-Action: ModifyPrepayInstanceSpec\n" +
		"X-Acs-Content-Sha256: e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\n" +
		"X-Acs-Credentials-Provider: static_ak\n" +
		"X-Acs-Date: 2026-11-25T19:04:25Z\n" +
		"X-Acs-Signature-Nonce: cdf603e95821833d573417b6624d36e5\n" +
		"X-Acs-Version: 2014-05-26"

	// tea-rpc, Terraform's RpcPost (§5): common params in the query, API
	// params in a form body, both signed.
	captureTeaRPCRunInstances = "POST /?AccessKeyId=testid&Action=RunInstances&Format=json&Signature=GB3c0i6hs82WCXPLWRrKZr%2B7jmA%3D&SignatureMethod=HMAC-SHA1&SignatureNonce=455f45fcfd33249b9c898b8ef666dedd&SignatureVersion=1.0&Timestamp=2026-11-25T19%3A04%3A36Z&Version=2014-05-26 HTTP/1.1\n" +
		"Host: 127.0.0.1:18083\n" +
		"Accept-Encoding: gzip\n" +
		"Content-Length: 411\n" +
		"Content-Type: application/x-www-form-urlencoded\n" +
		"User-Agent: AlibabaCloud (linux; amd64) Golang/1.26.8 Core/0.01 TeaDSL/1\n" +
		"X-Acs-Action: RunInstances\n" +
		"X-Acs-Version: 2014-05-26\n" +
		"\n" +
		"ClientToken=TF-RunInstances-1700000000-abc&DataDisk.1.Category=cloud_essd&DataDisk.1.DeleteWithInstance=true&DataDisk.1.Size=100&ImageId=aliyun_3_x64_20G_alibase_20240528.vhd&InstanceChargeType=PrePaid&InstanceName=tf+demo&InstanceType=ecs.g6.xlarge&Period=1&PeriodUnit=Month&RegionId=cn-hangzhou&SecurityGroupIds.1=sg-bp1&SystemDisk.Category=cloud_essd&SystemDisk.Size=40&VSwitchId=vsw-bp1&ZoneId=cn-hangzhou-h"

	// pop-core GET (§4.1): Signature is the last query param.
	capturePopCoreGet = "GET /?AccessKeyId=testid&Action=ModifyPrepayInstanceSpec&AutoPay=true&ClientToken=0c593ea1-3bea-11e9-b96b-88e9fe637760&Disk.1.Category=cloud_essd&Disk.1.DiskId=d-bp1aaaaaaaaaaaaaaaa1&Disk.1.PerformanceLevel=PL1&Disk.2.Category=cloud_auto&Disk.2.DiskId=d-bp1aaaaaaaaaaaaaaaa2&Format=JSON&InstanceId=i-bp67acfmxazb4ph0001&InstanceType=ecs.g6.2xlarge&OperatorType=upgrade&RebootTime=2026-06-01T03%3A00%3A00Z&RegionId=cn-hangzhou&SignatureMethod=HMAC-SHA1&SignatureNonce=2508b636fdab3d49359cc9e43c72c390&SignatureVersion=1.0&SystemDisk.Category=cloud_essd&Timestamp=2026-11-25T19%3A04%3A35Z&Version=2014-05-26&Signature=VtqEXqI3RlpqzIEMLnUn01brQZc%3D HTTP/1.1\n" +
		"Host: 127.0.0.1:18082\n" +
		"Connection: keep-alive\n" +
		"User-Agent: AlibabaCloud (linux; x64) Node.js/v20.20.2 Core/1.8.0\n" +
		"X-Acs-Action: ModifyPrepayInstanceSpec\n" +
		"X-Acs-Version: 2014-05-26\n" +
		"X-Sdk-Client: Node.js(v20.20.2), @alicloud/pop-core: 1.8.0"

	// clients.md §6.2 worked example 1: the StringToSign of captureV1Modify.
	stringToSignV1Modify = "POST&%2F&AccessKeyId%3Dtestid%26Action%3DModifyPrepayInstanceSpec%26AutoPay%3Dtrue%26ClientToken%3D0c593ea1-3bea-11e9-b96b-88e9fe637760%26Disk.1.Category%3Dcloud_essd%26Disk.1.DiskId%3Dd-bp1aaaaaaaaaaaaaaaa1%26Disk.1.PerformanceLevel%3DPL1%26Disk.2.Category%3Dcloud_auto%26Disk.2.DiskId%3Dd-bp1aaaaaaaaaaaaaaaa2%26Format%3DJSON%26InstanceId%3Di-bp67acfmxazb4ph0001%26InstanceType%3Decs.g6.2xlarge%26OperatorType%3Dupgrade%26RebootTime%3D2026-06-01T03%253A00%253A00Z%26RegionId%3Dcn-hangzhou%26SignatureMethod%3DHMAC-SHA1%26SignatureNonce%3D90263c0b1012fe60630c5c56c2903553%26SignatureType%3D%26SignatureVersion%3D1.0%26SystemDisk.Category%3Dcloud_essd%26Timestamp%3D2026-11-25T19%253A04%253A25Z%26Version%3D2014-05-26"

	// clients.md §6.3 worked example 4: the canonical request of captureV2Modify.
	canonicalV2Modify = "POST\n/\nAutoPay=true&ClientToken=0c593ea1-3bea-11e9-b96b-88e9fe637760&Disk.1.Category=cloud_essd&Disk.1.DiskId=d-bp1aaaaaaaaaaaaaaaa1&Disk.1.PerformanceLevel=PL1&Disk.2.Category=cloud_auto&Disk.2.DiskId=d-bp1aaaaaaaaaaaaaaaa2&InstanceId=i-bp67acfmxazb4ph0001&InstanceType=ecs.g6.2xlarge&OperatorType=upgrade&RebootTime=2026-06-01T03%3A00%3A00Z&RegionId=cn-hangzhou&SystemDisk.Category=cloud_essd\n" +
		"host:127.0.0.1:18081\nx-acs-action:ModifyPrepayInstanceSpec\nx-acs-content-sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\nx-acs-credentials-provider:static_ak\nx-acs-date:2026-11-25T19:04:25Z\nx-acs-signature-nonce:cdf603e95821833d573417b6624d36e5\nx-acs-version:2014-05-26\n\n" +
		"host;x-acs-action;x-acs-content-sha256;x-acs-credentials-provider;x-acs-date;x-acs-signature-nonce;x-acs-version\n" +
		"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
)

// goV1 fills in the action of the Go SDK v1 header block.
func goV1(capture, action string) string {
	return strings.ReplaceAll(capture, "%ACTION%", action)
}

// echoParam is one received parameter, as the test product echoes it.
type echoParam struct {
	Key   string
	Value string
}

// echoResponse is the test product's answer: the action and every
// parameter it received, so tests can see what the parse stage decoded.
type echoResponse struct {
	rpc.Response
	Action string
	Params []echoParam
}

func echoHandler(name string) rpc.Handler {
	return func(_ context.Context, env *rpc.Env, params map[string]string) (any, error) {
		if env.Caller.AccountID != testAccountID || env.Caller.AccessKeyID != testKeyID {
			return nil, apierr.InternalError.Newf("caller %+v", env.Caller)
		}
		resp := &echoResponse{Action: name, Params: []echoParam{}}
		for k, v := range params {
			resp.Params = append(resp.Params, echoParam{k, v})
		}
		sort.Slice(resp.Params, func(i, j int) bool { return resp.Params[i].Key < resp.Params[j].Key })
		return resp, nil
	}
}

// typedRequest has one field of each kind Bind decodes, for bad-input tests.
type typedRequest struct {
	Count       int       `param:"Count"`
	Amount      *int64    `param:"Amount"`
	Flag        bool      `param:"Flag"`
	Price       float64   `param:"Price"`
	When        time.Time `param:"When"`
	InstanceIds []string  `param:"InstanceIds,json"`
	Groups      []string  `param:"SecurityGroupIds"`
	Disk        []struct {
		Size     int    `param:"Size"`
		Category string `param:"Category"`
	} `param:"Disk"`
	System struct {
		Size int `param:"Size"`
	} `param:"SystemDisk"`
}

type typedResponse struct {
	rpc.Response
	Count int
	Flag  bool
}

func typedHandler(_ context.Context, _ *rpc.Env, req *typedRequest) (*typedResponse, error) {
	return &typedResponse{Count: req.Count, Flag: req.Flag}, nil
}

// testProduct has actions named like the captured ones, so routing succeeds.
func testProduct() *rpc.Product {
	p := &rpc.Product{Name: "Ecs", Version: testVersion}
	for _, name := range []string{"ModifyPrepayInstanceSpec", "DescribeResourcesModification", "DescribeInstances", "StopInstance", "RunInstances", "RenewInstance", "DescribeRegions"} {
		// Changes run in a transaction, as the real ones do.
		write := !strings.HasPrefix(name, "Describe")
		p.Actions = append(p.Actions, rpc.Action{Name: name, RAM: "ecs:" + name, Handle: echoHandler(name), Write: write})
	}
	p.Actions = append(p.Actions, rpc.Action{Name: "Typed", RAM: "ecs:Typed", Handle: rpc.Bind(typedHandler)})
	return p
}

// seedKey stores the account and the testid/testsecret key.
func seedKey(tb testing.TB, st *store.Store) {
	tb.Helper()
	ctx := context.Background()
	if err := st.AccountInsert(ctx, &store.Account{ID: testAccountID, Name: "test", Currency: "CNY", CreatedAt: captureTime}); err != nil {
		tb.Fatal(err)
	}
	if err := st.AccessKeyInsert(ctx, &store.AccessKey{ID: testKeyID, AccountID: testAccountID, Secret: testKeySecret, Status: store.KeyActive, CreatedAt: captureTime}); err != nil {
		tb.Fatal(err)
	}
}

// newRPCServer returns the real pipeline over st, its wall clock pinned
// at the capture time.
func newRPCServer(st *store.Store) *rpc.Server {
	s := &rpc.Server{
		Auth:  &auth.Authenticator{Store: st, WallNow: func() time.Time { return captureTime }},
		Store: st,
		Clock: clock.Real{},
	}
	s.Register(testProduct())
	return s
}

// startPipeline runs the pipeline on an httptest server over a fresh
// SQLite store holding the test key.
func startPipeline(t *testing.T) *httptest.Server {
	t.Helper()
	st := storetest.OpenSQLite(t)
	seedKey(t, st)
	srv := httptest.NewServer(newRPCServer(st))
	t.Cleanup(srv.Close)
	return srv
}

// rawRequest turns a capture (LF line ends, headers, optional blank line and
// body) into HTTP/1.1 bytes.
func rawRequest(capture string) string {
	head, body, _ := strings.Cut(capture, "\n\n")
	return strings.ReplaceAll(head, "\n", "\r\n") + "\r\n\r\n" + body
}

// reply is a response read in full.
type reply struct {
	Status int
	Header http.Header
	Body   []byte
}

// sendRaw writes raw bytes on a new connection to srv and reads one response.
func sendRaw(t *testing.T, srv *httptest.Server, raw string) reply {
	t.Helper()
	conn, err := net.Dial("tcp", srv.Listener.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(30 * time.Second))
	if _, err := io.WriteString(conn, raw); err != nil {
		t.Fatal(err)
	}
	return readReply(t, conn)
}

func readReply(t *testing.T, conn net.Conn) reply {
	t.Helper()
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("read response: %v", err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("read body: %v", err)
	}
	return reply{Status: resp.StatusCode, Header: resp.Header, Body: body}
}

func toReply(t *testing.T, resp *http.Response) reply {
	t.Helper()
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return reply{Status: resp.StatusCode, Header: resp.Header, Body: body}
}

var upperUUID = regexp.MustCompile(`^[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}$`)

// wantSuccess checks a 200 JSON echo and returns the params it echoes.
func wantSuccess(t *testing.T, r reply, action string) map[string]string {
	t.Helper()
	if r.Status != http.StatusOK {
		t.Fatalf("HTTP %d, want 200: %s", r.Status, r.Body)
	}
	if ct := r.Header.Get("Content-Type"); ct != "application/json;charset=utf-8" {
		t.Errorf("Content-Type %q", ct)
	}
	var resp echoResponse
	if err := json.Unmarshal(r.Body, &resp); err != nil {
		t.Fatalf("%v: %s", err, r.Body)
	}
	var raw map[string]any
	_ = json.Unmarshal(r.Body, &raw)
	if _, ok := raw["Code"]; ok {
		t.Errorf("a success body has a Code field: %s", r.Body)
	}
	if !upperUUID.MatchString(resp.RequestId) {
		t.Errorf("RequestId %q is not an upper-case UUID", resp.RequestId)
	}
	if resp.Action != action {
		t.Errorf("routed to %q, want %q", resp.Action, action)
	}
	params := map[string]string{}
	for _, p := range resp.Params {
		params[p.Key] = p.Value
	}
	return params
}

// wantError checks an error reply: status, code, every field a JSON string,
// the exact content type and an upper-case UUID RequestId. It returns the
// Message.
func wantError(t *testing.T, r reply, status int, code string) string {
	t.Helper()
	if r.Status != status {
		t.Errorf("HTTP %d, want %d: %s", r.Status, status, r.Body)
	}
	if ct := r.Header.Get("Content-Type"); ct != "application/json;charset=utf-8" {
		t.Errorf("Content-Type %q, want application/json;charset=utf-8", ct)
	}
	var body map[string]any
	if err := json.Unmarshal(r.Body, &body); err != nil {
		t.Fatalf("error body is not JSON: %v: %q", err, r.Body)
	}
	for _, k := range []string{"RequestId", "HostId", "Code", "Message", "Recommend"} {
		if _, ok := body[k].(string); !ok {
			t.Errorf("%s = %#v, want a string: %s", k, body[k], r.Body)
		}
	}
	for k, v := range body {
		if _, ok := v.(string); !ok && k != "AccessDeniedDetail" {
			t.Errorf("field %s = %#v is not a string", k, v)
		}
	}
	if body["Code"] != code {
		t.Errorf("Code %v, want %s: %s", body["Code"], code, body["Message"])
	}
	if id, _ := body["RequestId"].(string); !upperUUID.MatchString(id) {
		t.Errorf("RequestId %q is not an upper-case UUID", id)
	}
	msg, _ := body["Message"].(string)
	return msg
}

// TestCapturedRequestsVerify replays every captured request of clients.md
// through the whole pipeline: each must verify and reach its action.
func TestCapturedRequestsVerify(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		capture string
		action  string
		want    map[string]string // decoded params the action must see
		absent  []string
	}{
		{
			name: "go v1 ModifyPrepayInstanceSpec", capture: goV1(captureV1Modify, "ModifyPrepayInstanceSpec"), action: "ModifyPrepayInstanceSpec",
			want: map[string]string{"SignatureType": "", "RebootTime": "2026-06-01T03:00:00Z", "Disk.2.DiskId": "d-bp1aaaaaaaaaaaaaaaa2", "Version": testVersion},
		},
		{name: "go v1 DescribeResourcesModification", capture: goV1(captureV1DescribeResourcesModification, "DescribeResourcesModification"), action: "DescribeResourcesModification"},
		{
			name: "go v1 DescribeInstances", capture: goV1(captureV1DescribeInstances, "DescribeInstances"), action: "DescribeInstances",
			want: map[string]string{"InstanceIds": `["i-bp67acfmxazb4ph0001"]`, "PageSize": "10"},
		},
		{name: "go v1 StopInstance", capture: goV1(captureV1StopInstance, "StopInstance"), action: "StopInstance"},
		{
			name: "go v1 RunInstances special characters", capture: goV1(captureV1RunInstances, "RunInstances"), action: "RunInstances",
			want: map[string]string{"InstanceName": "demo vm*~+/é", "Description": "a&b=c (test) 100%", "Tag.1.Key": "env"},
		},
		{name: "go v1 RenewInstance", capture: goV1(captureV1RenewInstance, "RenewInstance"), action: "RenewInstance"},
		{
			name: "go v2 ACS3 ModifyPrepayInstanceSpec", capture: captureV2Modify, action: "ModifyPrepayInstanceSpec",
			want:   map[string]string{"InstanceType": "ecs.g6.2xlarge", "RebootTime": "2026-06-01T03:00:00Z"},
			absent: []string{"Action", "Version", "AccessKeyId", "Signature"},
		},
		{
			name: "tea-rpc RunInstances query and form body", capture: captureTeaRPCRunInstances, action: "RunInstances",
			want: map[string]string{"InstanceName": "tf demo", "SecurityGroupIds.1": "sg-bp1", "Format": "json", "AccessKeyId": testKeyID},
		},
		{
			name: "pop-core GET Signature last", capture: capturePopCoreGet, action: "ModifyPrepayInstanceSpec",
			want:   map[string]string{"Signature": "VtqEXqI3RlpqzIEMLnUn01brQZc=", "Timestamp": "2026-11-25T19:04:35Z"},
			absent: []string{"SignatureType"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := startPipeline(t)
			params := wantSuccess(t, sendRaw(t, srv, rawRequest(tt.capture)), tt.action)
			for k, v := range tt.want {
				if got, ok := params[k]; !ok || got != v {
					t.Errorf("param %s = %q (present %v), want %q", k, got, ok, v)
				}
			}
			for _, k := range tt.absent {
				if _, ok := params[k]; ok {
					t.Errorf("param %s present, want absent", k)
				}
			}
		})
	}
}

// TestTeaRPCCaptureLength guards the capture itself: its Content-Length is
// the length of its body.
func TestTeaRPCCaptureLength(t *testing.T) {
	t.Parallel()
	_, body, _ := strings.Cut(captureTeaRPCRunInstances, "\n\n")
	if len(body) != 411 {
		t.Fatalf("tea-rpc body is %d bytes, capture says 411", len(body))
	}
}

// TestCapturedRequestReplayed sends each capture twice: the second is a
// replay within the window and must be refused.
func TestCapturedRequestReplayed(t *testing.T) {
	t.Parallel()
	for name, capture := range map[string]string{
		"go v1":    goV1(captureV1Modify, "ModifyPrepayInstanceSpec"),
		"go v2":    captureV2Modify,
		"tea-rpc":  captureTeaRPCRunInstances,
		"pop-core": capturePopCoreGet,
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			srv := startPipeline(t)
			raw := rawRequest(capture)
			if r := sendRaw(t, srv, raw); r.Status != http.StatusOK {
				t.Fatalf("first send: HTTP %d %s", r.Status, r.Body)
			}
			wantError(t, sendRaw(t, srv, raw), 400, "SignatureNonceUsed")
		})
	}
}

// TestCapturedRequestTampered changes one byte of a signed parameter: the
// signature no longer matches and the message carries the server's
// StringToSign, which the Go SDK v1 compares with its own.
func TestCapturedRequestTampered(t *testing.T) {
	t.Parallel()
	t.Run("v1", func(t *testing.T) {
		t.Parallel()
		srv := startPipeline(t)
		raw := rawRequest(goV1(captureV1Modify, "ModifyPrepayInstanceSpec"))
		tampered := strings.Replace(raw, "InstanceType=ecs.g6.2xlarge", "InstanceType=ecs.g6.4xlarge", 1)
		if tampered == raw {
			t.Fatal("nothing replaced")
		}
		msg := wantError(t, sendRaw(t, srv, tampered), 400, "SignatureDoesNotMatch")
		want := strings.Replace(stringToSignV1Modify, "ecs.g6.2xlarge", "ecs.g6.4xlarge", 1)
		if !strings.HasSuffix(msg, " server string to sign is:"+want) {
			t.Errorf("Message %q\ndoes not end with the StringToSign\n%s", msg, want)
		}
		// The nonce of a refused request is not spent: the original verifies.
		wantSuccess(t, sendRaw(t, srv, raw), "ModifyPrepayInstanceSpec")
	})
	t.Run("v1 pop-core GET", func(t *testing.T) {
		t.Parallel()
		srv := startPipeline(t)
		tampered := strings.Replace(rawRequest(capturePopCoreGet), "AutoPay=true", "AutoPay=True", 1)
		msg := wantError(t, sendRaw(t, srv, tampered), 400, "SignatureDoesNotMatch")
		if !strings.Contains(msg, " server string to sign is:GET&%2F&AccessKeyId%3Dtestid%26Action%3DModifyPrepayInstanceSpec%26AutoPay%3DTrue%26") {
			t.Errorf("Message %q lacks the GET StringToSign", msg)
		}
	})
	t.Run("v1 tea-rpc body", func(t *testing.T) {
		t.Parallel()
		srv := startPipeline(t)
		tampered := strings.Replace(rawRequest(captureTeaRPCRunInstances), "InstanceName=tf+demo", "InstanceName=tf+demO", 1)
		msg := wantError(t, sendRaw(t, srv, tampered), 400, "SignatureDoesNotMatch")
		if !strings.Contains(msg, "%26InstanceName%3Dtf%2520demO%26") {
			t.Errorf("Message %q lacks the body param in its StringToSign", msg)
		}
	})
	t.Run("acs3", func(t *testing.T) {
		t.Parallel()
		srv := startPipeline(t)
		tampered := strings.Replace(rawRequest(captureV2Modify), "InstanceType=ecs.g6.2xlarge", "InstanceType=ecs.g6.4xlarge", 1)
		msg := wantError(t, sendRaw(t, srv, tampered), 400, "SignatureDoesNotMatch")
		sum := sha256.Sum256([]byte(strings.Replace(canonicalV2Modify, "ecs.g6.2xlarge", "ecs.g6.4xlarge", 1)))
		want := "ACS3-HMAC-SHA256\n" + hex.EncodeToString(sum[:])
		if !strings.HasSuffix(msg, " server string to sign is:"+want) {
			t.Errorf("Message %q\ndoes not end with %q", msg, want)
		}
	})
	t.Run("acs3 host", func(t *testing.T) {
		t.Parallel()
		srv := startPipeline(t)
		// The Host is signed exactly as received, port included.
		tampered := strings.Replace(rawRequest(captureV2Modify), "Host: 127.0.0.1:18081", "Host: 127.0.0.1", 1)
		wantError(t, sendRaw(t, srv, tampered), 400, "SignatureDoesNotMatch")
	})
}

// TestCapturedRequestsStale runs the captures against a wall clock more than
// 15 minutes after them.
func TestCapturedRequestsStale(t *testing.T) {
	t.Parallel()
	st := storetest.OpenSQLite(t)
	seedKey(t, st)
	s := newRPCServer(st)
	s.Auth.WallNow = func() time.Time { return captureTime.Add(16 * time.Minute) }
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	for _, capture := range []string{goV1(captureV1Modify, "ModifyPrepayInstanceSpec"), captureV2Modify} {
		wantError(t, sendRaw(t, srv, rawRequest(capture)), 400, "InvalidTimeStamp.Expired")
	}
}

// --- requests signed here ---

// newNonce returns 32 hex digits, like the Go SDKs' nonces.
func newNonce() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// omit, as a value given to signV1, drops that common parameter.
const omit = "\x00omit"

// signV1 adds the common parameters that are missing (key testid, a fresh
// nonce, the capture time) and the RPC v1 Signature.
func signV1(method string, params map[string]string) map[string]string {
	out := map[string]string{
		"AccessKeyId":      testKeyID,
		"Format":           "JSON",
		"SignatureMethod":  "HMAC-SHA1",
		"SignatureVersion": "1.0",
		"SignatureNonce":   newNonce(),
		"Timestamp":        captureTime.Format("2006-01-02T15:04:05Z"),
		"Version":          testVersion,
	}
	for k, v := range params {
		out[k] = v
		if v == omit {
			delete(out, k)
		}
	}
	delete(out, "Signature")
	out["Signature"] = auth.SignV1(testKeySecret, auth.StringToSignV1(method, out))
	return out
}

// encodeRFC3986 writes params as pop-core does: sorted, RFC 3986, Signature last.
func encodeRFC3986(params map[string]string) string {
	keys := make([]string, 0, len(params))
	for k := range params {
		if k != "Signature" {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	if _, ok := params["Signature"]; ok {
		keys = append(keys, "Signature")
	}
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = auth.PercentEncode(k) + "=" + auth.PercentEncode(params[k])
	}
	return strings.Join(parts, "&")
}

// TestSignedRequestsVerify sends requests signed here in each client style,
// with every character class that needs encoding.
func TestSignedRequestsVerify(t *testing.T) {
	t.Parallel()
	special := map[string]string{
		"Action":       "RunInstances",
		"InstanceName": "a b*c~d/e&f=g%h+i é 中文",
		"Description":  "100% (test) ~*'!",
		"Empty":        "",
	}
	check := func(t *testing.T, r reply) {
		t.Helper()
		params := wantSuccess(t, r, "RunInstances")
		for k, v := range special {
			if params[k] != v {
				t.Errorf("param %s = %q, want %q", k, params[k], v)
			}
		}
	}
	t.Run("GET RFC 3986 Signature last", func(t *testing.T) {
		t.Parallel()
		srv := startPipeline(t)
		resp, err := http.Get(srv.URL + "/?" + encodeRFC3986(signV1("GET", special)))
		if err != nil {
			t.Fatal(err)
		}
		check(t, toReply(t, resp))
	})
	t.Run("POST all in form body", func(t *testing.T) {
		t.Parallel()
		srv := startPipeline(t)
		resp, err := http.Post(srv.URL+"/", "application/x-www-form-urlencoded; charset=UTF-8", strings.NewReader(encodeRFC3986(signV1("POST", special))))
		if err != nil {
			t.Fatal(err)
		}
		check(t, toReply(t, resp))
	})
	t.Run("POST query with + for spaces", func(t *testing.T) {
		t.Parallel()
		srv := startPipeline(t)
		signed := signV1("POST", special)
		q := make([]string, 0, len(signed))
		for k, v := range signed {
			q = append(q, strings.ReplaceAll(auth.PercentEncode(k), "%20", "+")+"="+strings.ReplaceAll(auth.PercentEncode(v), "%20", "+"))
		}
		resp, err := http.Post(srv.URL+"/?"+strings.Join(q, "&"), "application/x-www-form-urlencoded", nil)
		if err != nil {
			t.Fatal(err)
		}
		check(t, toReply(t, resp))
	})
	t.Run("GET signed as POST", func(t *testing.T) {
		t.Parallel()
		srv := startPipeline(t)
		// The method is part of the StringToSign.
		resp, err := http.Get(srv.URL + "/?" + encodeRFC3986(signV1("POST", special)))
		if err != nil {
			t.Fatal(err)
		}
		wantError(t, toReply(t, resp), 400, "SignatureDoesNotMatch")
	})
}
