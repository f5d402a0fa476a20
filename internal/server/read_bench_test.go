package server_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ecsd/ecsd/internal/auth"
	"github.com/ecsd/ecsd/internal/server"
)

// The signed read of one instance (DescribeInstances with one id), sent by
// GOMAXPROCS×4 clients at once through the whole pipeline, next to the
// ceiling of any signed read here: BenchmarkBaselineParallel verifies the
// same HMAC-SHA1 and writes the same bytes, nothing else. Compare ns/op:
//
//	go test ./internal/server -run '^$' -bench 'Parallel' -benchtime 3s
func BenchmarkSignedDescribeInstanceParallel(b *testing.B) {
	benchDescribeInstanceParallel(b, server.Config{Data: b.TempDir()})
}

func BenchmarkSignedDescribeInstancePostgresParallel(b *testing.B) {
	benchDescribeInstanceParallel(b, server.Config{DB: benchPostgresDSN(b)})
}

func BenchmarkBaselineParallel(b *testing.B) {
	s, queries, want := describeInstanceSetup(b, server.Config{Data: b.TempDir()}, 1)
	k := s.DefaultAccount.Key
	w := httptest.NewRecorder()
	s.Handler().ServeHTTP(w, signedRequest(queries[0]))
	body := w.Body.Bytes()
	if w.Code != http.StatusOK || !json.Valid(body) {
		b.Fatalf("HTTP %d %s", w.Code, body)
	}
	params := want
	sts := auth.StringToSignV1(http.MethodPost, params)
	sig := params["Signature"]
	b.ReportAllocs()
	b.SetParallelism(4)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if !auth.VerifyV1(k.Secret, sts, sig) {
				b.Error("signature does not verify")
				return
			}
			w := httptest.NewRecorder()
			w.Header().Set("Content-Type", "application/json;charset=utf-8")
			w.WriteHeader(http.StatusOK)
			_, _ = w.Write(body)
		}
	})
}

func benchDescribeInstanceParallel(b *testing.B, cfg server.Config) {
	s, queries, _ := describeInstanceSetup(b, cfg, b.N)
	h := s.Handler()
	var next atomic.Int64
	b.ReportAllocs()
	b.SetParallelism(4)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			w := httptest.NewRecorder()
			h.ServeHTTP(w, signedRequest(queries[next.Add(1)-1]))
			if w.Code != http.StatusOK {
				b.Errorf("HTTP %d %s", w.Code, w.Body.String())
				return
			}
		}
	})
}

// describeInstanceSetup starts a server, buys one instance, and signs n
// DescribeInstances requests for it outside the timed loop; it returns the
// last request's parameters too.
func describeInstanceSetup(b *testing.B, cfg server.Config, n int) (*server.Server, []string, map[string]string) {
	cfg.AdminToken = "tok"
	cfg.Throttle = benchThrottle
	cfg.TransitionDelay = time.Millisecond
	s, err := server.New(context.Background(), cfg)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = s.Shutdown(context.Background()) })
	k := s.DefaultAccount.Key
	w := httptest.NewRecorder()
	s.Handler().ServeHTTP(w, signedRequest(encodeParams(signWith(k.ID, k.Secret, map[string]string{
		"Action": "RunInstances", "ZoneId": "cn-hangzhou-h", "InstanceType": "ecs.g6.large",
		"ImageId": "aliyun_3_x64_20G_alibase_20240528.vhd", "InstanceChargeType": "PostPaid",
	}))))
	var run struct {
		InstanceIdSets struct{ InstanceIdSet []string }
	}
	if err := json.Unmarshal(w.Body.Bytes(), &run); err != nil || len(run.InstanceIdSets.InstanceIdSet) != 1 {
		b.Fatalf("RunInstances: HTTP %d %s", w.Code, w.Body.String())
	}
	ids, _ := json.Marshal(run.InstanceIdSets.InstanceIdSet)
	queries := make([]string, n)
	var last map[string]string
	for i := range queries {
		last = signWith(k.ID, k.Secret, map[string]string{"Action": "DescribeInstances", "InstanceIds": string(ids)})
		queries[i] = encodeParams(last)
	}
	return s, queries, last
}

// signWith signs params as Go SDK v1 does, with a fresh nonce.
func signWith(keyID, secret string, params map[string]string) map[string]string {
	var nonce [16]byte
	_, _ = rand.Read(nonce[:])
	p := map[string]string{
		"AccessKeyId": keyID, "Format": "JSON", "RegionId": "cn-hangzhou", "SignatureMethod": "HMAC-SHA1",
		"SignatureNonce": hex.EncodeToString(nonce[:]), "SignatureType": "", "SignatureVersion": "1.0",
		"Timestamp": time.Now().UTC().Format("2006-01-02T15:04:05Z"), "Version": "2014-05-26",
	}
	for k, v := range params {
		p[k] = v
	}
	p["Signature"] = auth.SignV1(secret, auth.StringToSignV1(http.MethodPost, p))
	return p
}

func signedRequest(query string) *http.Request {
	req := httptest.NewRequest(http.MethodPost, "/?"+query, nil)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return req
}
