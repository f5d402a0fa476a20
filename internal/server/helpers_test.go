package server_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ecsd/ecsd/internal/auth"
	"github.com/ecsd/ecsd/internal/server"
	"github.com/ecsd/ecsd/internal/store/storetest"
)

// syncBuffer is a bytes.Buffer safe for the concurrent writes of a logger.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// eachStore runs fn as subtests "sqlite" and "postgres", each with a config
// pointing at a fresh store. The postgres subtest is skipped without
// ECSD_TEST_POSTGRES_DSN, as storetest.Each does.
func eachStore(t *testing.T, fn func(t *testing.T, cfg server.Config)) {
	t.Helper()
	t.Run("sqlite", func(t *testing.T) {
		t.Parallel()
		fn(t, server.Config{Data: t.TempDir()})
	})
	t.Run("postgres", func(t *testing.T) {
		t.Parallel()
		if os.Getenv(storetest.PostgresEnv) == "" {
			t.Skip(storetest.PostgresEnv + " is not set; PostgreSQL tests need it (CI sets it)")
		}
		fn(t, server.Config{DB: storetest.PostgresDSN(t)})
	})
}

// newServer runs server.New and shuts the server down when the test ends
// (Shutdown is safe to call again after a test did it).
func newServer(t *testing.T, cfg server.Config) *server.Server {
	t.Helper()
	s, err := server.New(context.Background(), cfg)
	if err != nil {
		t.Fatalf("server.New: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := s.Shutdown(ctx); err != nil {
			t.Errorf("shutdown: %v", err)
		}
	})
	return s
}

// shutdown stops a server now and fails the test if Shutdown fails.
func shutdown(t *testing.T, s *server.Server) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := s.Shutdown(ctx); err != nil {
		t.Fatalf("shutdown: %v", err)
	}
}

// adminDo calls the admin API through the handler (no network) and decodes
// the JSON object it answers.
func adminDo(t *testing.T, h http.Handler, token, method, path, body string) (int, map[string]any) {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req := httptest.NewRequest(method, path, rd)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, req)
	var out map[string]any
	if err := json.Unmarshal(w.Body.Bytes(), &out); err != nil {
		t.Fatalf("%s %s: HTTP %d, body %q: %v", method, path, w.Code, w.Body.String(), err)
	}
	return w.Code, out
}

// signedParams returns the parameters of an RPC v1 (HMAC-SHA1) request as
// Go SDK v1 sends them, signed with secret, with a fresh nonce and the
// current timestamp.
func signedParams(keyID, secret, action string) map[string]string {
	var nonce [16]byte
	_, _ = rand.Read(nonce[:])
	p := map[string]string{
		"AccessKeyId":      keyID,
		"Action":           action,
		"Format":           "JSON",
		"RegionId":         "cn-hangzhou",
		"SignatureMethod":  "HMAC-SHA1",
		"SignatureNonce":   hex.EncodeToString(nonce[:]),
		"SignatureType":    "",
		"SignatureVersion": "1.0",
		"Timestamp":        time.Now().UTC().Format("2006-01-02T15:04:05Z"),
		"Version":          "2014-05-26",
	}
	p["Signature"] = auth.SignV1(secret, auth.StringToSignV1(http.MethodPost, p))
	return p
}

// encodeParams writes params as a query string.
func encodeParams(p map[string]string) string {
	v := url.Values{}
	for k, x := range p {
		v.Set(k, x)
	}
	return v.Encode()
}

// newSignedRequest is a Go SDK v1 style POST: every parameter in the query,
// the form content type and an empty body.
func newSignedRequest(keyID, secret, action string) *http.Request {
	req := httptest.NewRequest(http.MethodPost, "/?"+encodeParams(signedParams(keyID, secret, action)), nil)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return req
}

// rpcDo sends a signed DescribeRegions through the handler and returns the
// status and the decoded body.
func rpcDo(t *testing.T, h http.Handler, keyID, secret string) (int, map[string]any) {
	t.Helper()
	w := httptest.NewRecorder()
	h.ServeHTTP(w, newSignedRequest(keyID, secret, "DescribeRegions"))
	var out map[string]any
	if err := json.Unmarshal(w.Body.Bytes(), &out); err != nil {
		t.Fatalf("DescribeRegions: HTTP %d, body %q: %v", w.Code, w.Body.String(), err)
	}
	return w.Code, out
}
