package server_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"
	"time"

	"github.com/ecsd/ecsd/internal/auth"
	"github.com/ecsd/ecsd/internal/rpc"
	"github.com/ecsd/ecsd/internal/server"
)

// ramBenchThrottle never refuses a benchmark's burst of calls.
var ramBenchThrottle = rpc.ThrottleConfig{ActionRate: 1e9, ActionBurst: 1e9, UserRate: 1e9, UserBurst: 1e9}

// BenchmarkDescribeRegionsMainAccount is one signed RPC v1 DescribeRegions
// by a main account (never evaluated against policies) through the whole
// pipeline on SQLite, without the network.
func BenchmarkDescribeRegionsMainAccount(b *testing.B) {
	s := ramBenchServer(b)
	k := s.DefaultAccount.Key
	ramBenchRun(b, s.Handler(), k.ID, k.Secret)
}

// BenchmarkDescribeRegionsRAMUser10Policies is the same call by a RAM user
// with 10 attached custom policies, the last of which (by name, the order
// the store lists them) allows ecs:DescribeRegions: authorization reads the
// attachments and documents from the store and evaluates all ten.
func BenchmarkDescribeRegionsRAMUser10Policies(b *testing.B) {
	s := ramBenchServer(b)
	h := s.Handler()
	k := s.DefaultAccount.Key
	ram := func(action string, params map[string]string) map[string]any {
		b.Helper()
		w := httptest.NewRecorder()
		h.ServeHTTP(w, ramBenchRequest(k.ID, k.Secret, "2015-05-01", action, params))
		if w.Code != http.StatusOK {
			b.Fatalf("%s: HTTP %d %s", action, w.Code, w.Body.String())
		}
		var out map[string]any
		if err := json.Unmarshal(w.Body.Bytes(), &out); err != nil {
			b.Fatal(err)
		}
		return out
	}
	ram("CreateUser", map[string]string{"UserName": "bench"})
	created := ram("CreateAccessKey", map[string]string{"UserName": "bench"})
	key, _ := created["AccessKey"].(map[string]any)
	id, _ := key["AccessKeyId"].(string)
	secret, _ := key["AccessKeySecret"].(string)
	if id == "" || secret == "" {
		b.Fatalf("CreateAccessKey: %v", created)
	}
	account := s.DefaultAccount.Account.ID
	for i := range 10 {
		doc := fmt.Sprintf(`{"Version":"1","Statement":[{"Effect":"Allow","Action":["ecs:StopInstance","ecs:StartInstance","ecs:Describe%dInstances"],"Resource":"acs:ecs:cn-hangzhou:%s:instance/i-bp1bench%010d","Condition":{"IpAddress":{"acs:SourceIp":["10.0.0.0/8","192.0.2.0/24"]}}}]}`, i, account, i)
		if i == 9 {
			doc = `{"Version":"1","Statement":[{"Effect":"Allow","Action":"ecs:DescribeRegions","Resource":"*"}]}`
		}
		name := fmt.Sprintf("bench-%02d", i)
		ram("CreatePolicy", map[string]string{"PolicyName": name, "PolicyDocument": doc})
		ram("AttachPolicyToUser", map[string]string{"PolicyType": "Custom", "PolicyName": name, "UserName": "bench"})
	}
	listed := ram("ListPoliciesForUser", map[string]string{"UserName": "bench"})
	if pols, _ := listed["Policies"].(map[string]any)["Policy"].([]any); len(pols) != 10 {
		b.Fatalf("ListPoliciesForUser: %v", listed)
	}
	ramBenchRun(b, h, id, secret)
}

func ramBenchServer(b *testing.B) *server.Server {
	b.Helper()
	s, err := server.New(context.Background(), server.Config{Data: b.TempDir(), AdminToken: "tok", Throttle: ramBenchThrottle})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = s.Shutdown(context.Background()) })
	return s
}

// ramBenchRun signs b.N DescribeRegions requests (a fresh nonce each) before
// the timer starts, checks that the key may call it, and times the handler.
func ramBenchRun(b *testing.B, h http.Handler, keyID, secret string) {
	b.Helper()
	w := httptest.NewRecorder()
	h.ServeHTTP(w, ramBenchRequest(keyID, secret, "2014-05-26", "DescribeRegions", nil))
	if w.Code != http.StatusOK {
		b.Fatalf("DescribeRegions: HTTP %d %s", w.Code, w.Body.String())
	}
	queries := make([]string, b.N)
	for i := range queries {
		queries[i] = "/?" + ramBenchQuery(keyID, secret, "2014-05-26", "DescribeRegions", nil)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		req := httptest.NewRequest(http.MethodPost, queries[i], nil)
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		w := httptest.NewRecorder()
		h.ServeHTTP(w, req)
		if w.Code != http.StatusOK {
			b.Fatalf("HTTP %d %s", w.Code, w.Body.String())
		}
	}
}

// ramBenchQuery is a Go SDK v1 style signed query (RPC v1, HMAC-SHA1) for
// any product version and action.
func ramBenchQuery(keyID, secret, version, action string, extra map[string]string) string {
	var nonce [16]byte
	_, _ = rand.Read(nonce[:])
	p := map[string]string{
		"AccessKeyId":      keyID,
		"Action":           action,
		"Format":           "JSON",
		"RegionId":         "cn-hangzhou",
		"SignatureMethod":  "HMAC-SHA1",
		"SignatureNonce":   hex.EncodeToString(nonce[:]),
		"SignatureVersion": "1.0",
		"Timestamp":        time.Now().UTC().Format("2006-01-02T15:04:05Z"),
		"Version":          version,
	}
	for k, v := range extra {
		p[k] = v
	}
	p["Signature"] = auth.SignV1(secret, auth.StringToSignV1(http.MethodPost, p))
	v := url.Values{}
	for k, x := range p {
		v.Set(k, x)
	}
	return v.Encode()
}

func ramBenchRequest(keyID, secret, version, action string, extra map[string]string) *http.Request {
	req := httptest.NewRequest(http.MethodPost, "/?"+ramBenchQuery(keyID, secret, version, action, extra), nil)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return req
}
