package server_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ecsd/ecsd/internal/auth"
	"github.com/ecsd/ecsd/internal/server"
)

// The signed read of one instance (DescribeInstances with one id), sent by
// GOMAXPROCS×4 clients at once over loopback HTTP through the whole
// pipeline, next to the ceiling of any signed read here:
// BenchmarkBaselineParallel is a bare Go HTTP server, on the same loopback
// with the same client, that verifies the same HMAC-SHA1 signature and
// writes the same bytes, nothing else. Compare ns/op:
//
//	go test ./internal/server -run '^$' -bench 'Parallel' -benchtime 3s
func BenchmarkSignedDescribeInstanceParallel(b *testing.B) {
	benchDescribeInstanceParallel(b, server.Config{Data: b.TempDir()})
}

func BenchmarkSignedDescribeInstancePostgresParallel(b *testing.B) {
	benchDescribeInstanceParallel(b, server.Config{DB: benchPostgresDSN(b)})
}

func BenchmarkBaselineParallel(b *testing.B) {
	s, queries, _ := describeInstanceSetup(b, server.Config{Data: b.TempDir()}, b.N)
	k := s.DefaultAccount.Key
	w := httptest.NewRecorder()
	s.Handler().ServeHTTP(w, signedRequest(queries[0]))
	body := w.Body.Bytes()
	if w.Code != http.StatusOK || !json.Valid(body) {
		b.Fatalf("HTTP %d %s", w.Code, body)
	}
	bare := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := r.ParseForm(); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		params := make(map[string]string, len(r.Form))
		for name, v := range r.Form {
			params[name] = v[0]
		}
		if !auth.VerifyV1(k.Secret, auth.StringToSignV1(r.Method, params), params["Signature"]) {
			http.Error(w, "signature does not verify", http.StatusBadRequest)
			return
		}
		w.Header().Set("Content-Type", "application/json;charset=utf-8")
		_, _ = w.Write(body)
	})
	benchOverHTTP(b, bare, queries)
}

func benchDescribeInstanceParallel(b *testing.B, cfg server.Config) {
	s, queries, _ := describeInstanceSetup(b, cfg, b.N)
	benchOverHTTP(b, s.Handler(), queries)
}

// benchOverHTTP serves h on loopback and sends each query once, as a
// signed POST, from GOMAXPROCS×4 clients sharing kept-alive connections.
func benchOverHTTP(b *testing.B, h http.Handler, queries []string) {
	srv := httptest.NewServer(h)
	b.Cleanup(srv.Close)
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 256}}
	b.Cleanup(client.CloseIdleConnections)
	var next atomic.Int64
	b.ReportAllocs()
	b.SetParallelism(4)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			resp, err := client.Post(srv.URL+"/?"+queries[next.Add(1)-1], "application/x-www-form-urlencoded", nil)
			if err != nil {
				b.Error(err)
				return
			}
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				b.Errorf("HTTP %d", resp.StatusCode)
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
