package server_test

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"testing"
	"time"

	"github.com/ecsd/ecsd/internal/auth"
	"github.com/ecsd/ecsd/internal/rpc"
	"github.com/ecsd/ecsd/internal/server"
	"github.com/ecsd/ecsd/internal/store/storetest"
)

// benchThrottle keeps the throttle step in the pipeline without ever
// refusing a benchmark's burst of calls.
var benchThrottle = rpc.ThrottleConfig{ActionRate: 1e9, ActionBurst: 1e9, UserRate: 1e9, UserBurst: 1e9}

// BenchmarkSignedDescribeRegions measures one Go SDK v1 style request
// (RPC v1, HMAC-SHA1; fresh nonce and timestamp each time) through the whole
// pipeline — parse, verify, nonce insert, route, throttle, DescribeRegions,
// encode — on SQLite, without the network.
func BenchmarkSignedDescribeRegions(b *testing.B) {
	benchSigned(b, server.Config{Data: b.TempDir()})
}

// BenchmarkSignedDescribeRegionsPostgres is the same on PostgreSQL.
func BenchmarkSignedDescribeRegionsPostgres(b *testing.B) {
	dsn := benchPostgresDSN(b)
	benchSigned(b, server.Config{DB: dsn})
}

func benchSigned(b *testing.B, cfg server.Config) {
	cfg.AdminToken = "tok"
	cfg.Throttle = benchThrottle
	s, err := server.New(context.Background(), cfg)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = s.Shutdown(context.Background()) })
	h := s.Handler()
	k := s.DefaultAccount.Key

	// Sign outside the timed loop: the client's work is not the server's.
	queries := make([]string, b.N)
	for i := range queries {
		queries[i] = "/?" + encodeParams(signedParams(k.ID, k.Secret, "DescribeRegions"))
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

// BenchmarkBaselineHMACAndWrite is the floor under
// BenchmarkSignedDescribeRegions: verify the same HMAC-SHA1 over the same
// StringToSign and write the same response bytes to a recorder.
func BenchmarkBaselineHMACAndWrite(b *testing.B) {
	s, err := server.New(context.Background(), server.Config{Data: b.TempDir(), AdminToken: "tok", Throttle: benchThrottle})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = s.Shutdown(context.Background()) })
	k := s.DefaultAccount.Key
	params := signedParams(k.ID, k.Secret, "DescribeRegions")
	// The response bytes the pipeline writes for this request.
	w := httptest.NewRecorder()
	req := httptest.NewRequest(http.MethodPost, "/?"+encodeParams(params), nil)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	s.Handler().ServeHTTP(w, req)
	if w.Code != http.StatusOK {
		b.Fatalf("HTTP %d %s", w.Code, w.Body.String())
	}
	body := w.Body.Bytes()
	sts := auth.StringToSignV1(http.MethodPost, params)
	sig := params["Signature"]

	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		if !auth.VerifyV1(k.Secret, sts, sig) {
			b.Fatal("signature does not verify")
		}
		w := httptest.NewRecorder()
		w.Header().Set("Content-Type", "application/json;charset=utf-8")
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write(body)
	}
}

// benchPostgresDSN makes a fresh schema, as storetest.PostgresDSN does for
// tests, or skips without ECSD_TEST_POSTGRES_DSN.
func benchPostgresDSN(b *testing.B) string {
	base := os.Getenv(storetest.PostgresEnv)
	if base == "" {
		b.Skip(storetest.PostgresEnv + " is not set")
	}
	var r [6]byte
	_, _ = rand.Read(r[:])
	schema := "ecsd_bench_" + hex.EncodeToString(r[:])
	db, err := sql.Open("pgx", base)
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec("CREATE SCHEMA " + schema); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() {
		db, err := sql.Open("pgx", base)
		if err != nil {
			return
		}
		defer db.Close()
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		_, _ = db.ExecContext(ctx, "DROP SCHEMA "+schema+" CASCADE")
	})
	u, err := url.Parse(base)
	if err != nil {
		b.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}
