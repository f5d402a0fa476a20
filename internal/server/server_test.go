package server_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ecsd/ecsd/internal/clock"
	"github.com/ecsd/ecsd/internal/server"
	"github.com/ecsd/ecsd/internal/store/storetest"
)

func TestAdminTokenGiven(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, cfg server.Config) {
		var out syncBuffer
		cfg.AdminToken, cfg.Out = "given-admin-token-0123456789", &out
		s := newServer(t, cfg)
		if s.AdminToken != "given-admin-token-0123456789" {
			t.Fatalf("AdminToken = %q, want the given one", s.AdminToken)
		}
		if code, body := adminDo(t, s.Handler(), cfg.AdminToken, "GET", "/_ecsd/v1/clock", ""); code != http.StatusOK {
			t.Errorf("GET clock with the given token: %d %v", code, body)
		}
		if code, _ := adminDo(t, s.Handler(), "given-admin-token-012345678", "GET", "/_ecsd/v1/clock", ""); code != http.StatusUnauthorized {
			t.Errorf("GET clock with another token: %d, want 401", code)
		}
		if strings.Contains(out.String(), "admin token") || strings.Contains(out.String(), cfg.AdminToken) {
			t.Errorf("a given token was printed:\n%s", out.String())
		}
		if cfg.Data != "" {
			if _, err := os.Stat(filepath.Join(cfg.Data, "admin-token")); !os.IsNotExist(err) {
				t.Errorf("admin-token file with a given token: %v", err)
			}
		}
	})
}

func TestAdminTokenGeneratedOnce(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, cfg server.Config) {
		var out1 syncBuffer
		cfg1 := cfg
		cfg1.Out = &out1
		s1 := newServer(t, cfg1)
		token := s1.AdminToken
		if len(token) < 32 {
			t.Fatalf("generated token %q is too short", token)
		}
		if n := strings.Count(out1.String(), token); n != 1 {
			t.Errorf("the token is printed %d times on first start, want once:\n%s", n, out1.String())
		}
		if s1.DefaultAccount == nil {
			t.Fatal("first start did not create the default account")
		}
		key := s1.DefaultAccount.Key
		for _, v := range []string{s1.DefaultAccount.Account.ID, key.ID, key.Secret} {
			if n := strings.Count(out1.String(), v); n != 1 {
				t.Errorf("%q is printed %d times on first start, want once:\n%s", v, n, out1.String())
			}
		}
		tokenFile := filepath.Join(cfg.Data, "admin-token")
		if cfg.Data != "" {
			fi, err := os.Stat(tokenFile)
			if err != nil {
				t.Fatal(err)
			}
			if fi.Mode().Perm() != 0o600 {
				t.Errorf("%s has mode %v, want 0600", tokenFile, fi.Mode().Perm())
			}
			b, err := os.ReadFile(tokenFile)
			if err != nil {
				t.Fatal(err)
			}
			if strings.TrimSpace(string(b)) != token {
				t.Errorf("%s holds %q, want the token %q", tokenFile, b, token)
			}
		}
		if code, _ := adminDo(t, s1.Handler(), token, "GET", "/_ecsd/v1/accounts/"+s1.DefaultAccount.Account.ID, ""); code != http.StatusOK {
			t.Errorf("GET account with the generated token: %d", code)
		}
		shutdown(t, s1)

		var out2 syncBuffer
		cfg2 := cfg
		cfg2.Out = &out2
		s2 := newServer(t, cfg2)
		if s2.AdminToken != token {
			t.Errorf("second start: token %q, want the first one %q", s2.AdminToken, token)
		}
		if s2.DefaultAccount != nil {
			t.Errorf("second start created another default account %s", s2.DefaultAccount.Account.ID)
		}
		for _, v := range []string{token, key.ID, key.Secret, "admin token", "default account"} {
			if strings.Contains(out2.String(), v) {
				t.Errorf("second start printed %q:\n%s", v, out2.String())
			}
		}
		accounts, err := s2.Store.AccountList(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if len(accounts) != 1 || accounts[0].ID != s1.DefaultAccount.Account.ID {
			t.Errorf("accounts after a restart: %d, want only %s", len(accounts), s1.DefaultAccount.Account.ID)
		}
		if cfg.Data != "" {
			if b, err := os.ReadFile(tokenFile); err != nil || strings.TrimSpace(string(b)) != token {
				t.Errorf("%s after a restart: %q, %v", tokenFile, b, err)
			}
		}
		if code, _ := adminDo(t, s2.Handler(), token, "GET", "/_ecsd/v1/clock", ""); code != http.StatusOK {
			t.Errorf("the first token on the second start: %d", code)
		}
		if code, _ := rpcDo(t, s2.Handler(), key.ID, key.Secret); code != http.StatusOK {
			t.Errorf("the default key on the second start: %d", code)
		}
	})
}

func TestDefaultAccessKeyFromConfig(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, cfg server.Config) {
		var out syncBuffer
		cfg.AdminToken, cfg.Out = "tok", &out
		// What ECSD_DEFAULT_ACCESS_KEY_ID / _SECRET become.
		cfg.DefaultAccessKeyID = "LTAIconfiguredDefault001"
		cfg.DefaultAccessKeySecret = "configuredDefaultSecret0000001"
		s := newServer(t, cfg)
		if s.DefaultAccount == nil {
			t.Fatal("no default account")
		}
		if k := s.DefaultAccount.Key; k.ID != cfg.DefaultAccessKeyID || k.Secret != cfg.DefaultAccessKeySecret || k.Status != "Active" {
			t.Errorf("default key %s/%s (%s), want the configured one, Active", k.ID, k.Secret, k.Status)
		}
		if !strings.Contains(out.String(), cfg.DefaultAccessKeyID) {
			t.Errorf("the default key is not printed:\n%s", out.String())
		}
		code, body := rpcDo(t, s.Handler(), cfg.DefaultAccessKeyID, cfg.DefaultAccessKeySecret)
		if code != http.StatusOK || body["Regions"] == nil {
			t.Errorf("DescribeRegions with the configured key: %d %v", code, body)
		}
		code, body = rpcDo(t, s.Handler(), cfg.DefaultAccessKeyID, "wrong"+cfg.DefaultAccessKeySecret[5:])
		if code != http.StatusBadRequest || body["Code"] != "SignatureDoesNotMatch" {
			t.Errorf("with a wrong secret: %d %v", code, body)
		}
		_, acct := adminDo(t, s.Handler(), "tok", "GET", "/_ecsd/v1/accounts/"+s.DefaultAccount.Account.ID, "")
		if acct["Balance"] != "10000.00" || acct["Currency"] != "CNY" || acct["Name"] != "default" {
			t.Errorf("default account %v", acct)
		}
	})
}

// The manual clock lives in the store: a restart on the same data keeps its
// time rather than starting over at --clock-start.
func TestManualClockSurvivesRestart(t *testing.T) {
	t.Parallel()
	data := t.TempDir()
	start := time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC)
	cfg := server.Config{Data: data, AdminToken: "tok", Clock: clock.ModeManual, ClockStart: start}
	s1 := newServer(t, cfg)
	code, body := adminDo(t, s1.Handler(), "tok", "POST", "/_ecsd/v1/clock", `{"Advance":"90m"}`)
	if code != http.StatusOK || body["Now"] != "2026-05-01T01:30:00Z" {
		t.Fatalf("advance: %d %v", code, body)
	}
	shutdown(t, s1)

	cfg.ClockStart = time.Date(2031, 1, 1, 0, 0, 0, 0, time.UTC) // ignored: the store has a time
	s2 := newServer(t, cfg)
	code, body = adminDo(t, s2.Handler(), "tok", "GET", "/_ecsd/v1/clock", "")
	if code != http.StatusOK || body["Now"] != "2026-05-01T01:30:00Z" || body["Mode"] != "manual" {
		t.Fatalf("after a restart: %d %v, want manual at 2026-05-01T01:30:00Z", code, body)
	}
	if got := s2.Clock.Now(); !got.Equal(start.Add(90 * time.Minute)) {
		t.Errorf("Clock.Now() = %s", got)
	}
	code, body = adminDo(t, s2.Handler(), "tok", "POST", "/_ecsd/v1/clock", `{"Advance":"30m"}`)
	if code != http.StatusOK || body["Now"] != "2026-05-01T02:00:00Z" {
		t.Fatalf("advance after a restart: %d %v", code, body)
	}
}

// Concurrent advances on one server add up: none is lost to another's
// read-then-write.
func TestManualClockConcurrentAdvances(t *testing.T) {
	t.Parallel()
	start := time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC)
	s := newServer(t, server.Config{Data: t.TempDir(), AdminToken: "tok", Clock: clock.ModeManual, ClockStart: start})
	const n = 20
	var wg sync.WaitGroup
	codes := make([]int, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			// Not adminDo: it may call t.Fatal, which only the test goroutine may.
			req := httptest.NewRequest("POST", "/_ecsd/v1/clock", strings.NewReader(`{"Advance":"1m"}`))
			req.Header.Set("Authorization", "Bearer tok")
			w := httptest.NewRecorder()
			s.Handler().ServeHTTP(w, req)
			codes[i] = w.Code
		}()
	}
	wg.Wait()
	for i, c := range codes {
		if c != http.StatusOK {
			t.Errorf("advance %d: HTTP %d", i, c)
		}
	}
	if got, want := s.Clock.Now(), start.Add(n*time.Minute); !got.Equal(want) {
		t.Errorf("after %d concurrent 1m advances the clock says %s, want %s", n, got, want)
	}
}

// Replicas on one PostgreSQL schema share the manual clock.
func TestManualClockSharedOnPostgres(t *testing.T) {
	t.Parallel()
	if os.Getenv(storetest.PostgresEnv) == "" {
		t.Skip(storetest.PostgresEnv + " is not set")
	}
	dsn := storetest.PostgresDSN(t)
	start := time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC)
	a := newServer(t, server.Config{DB: dsn, AdminToken: "tok", Clock: clock.ModeManual, ClockStart: start})
	b := newServer(t, server.Config{DB: dsn, AdminToken: "tok", Clock: clock.ModeManual, ClockStart: start.Add(time.Hour)})

	if code, body := adminDo(t, a.Handler(), "tok", "POST", "/_ecsd/v1/clock", `{"Advance":"90m"}`); code != http.StatusOK || body["Now"] != "2026-05-01T01:30:00Z" {
		t.Fatalf("advance on A: %d %v", code, body)
	}
	if code, body := adminDo(t, b.Handler(), "tok", "GET", "/_ecsd/v1/clock", ""); code != http.StatusOK || body["Now"] != "2026-05-01T01:30:00Z" {
		t.Fatalf("B after A advanced: %d %v", code, body)
	}
	if code, body := adminDo(t, b.Handler(), "tok", "POST", "/_ecsd/v1/clock", `{"Set":"2027-02-03T04:05:06Z"}`); code != http.StatusOK {
		t.Fatalf("set on B: %d %v", code, body)
	}
	if code, body := adminDo(t, a.Handler(), "tok", "GET", "/_ecsd/v1/clock", ""); code != http.StatusOK || body["Now"] != "2027-02-03T04:05:06Z" {
		t.Fatalf("A after B set: %d %v", code, body)
	}
	if !a.Clock.Now().Equal(b.Clock.Now()) {
		t.Errorf("A.Now %s, B.Now %s", a.Clock.Now(), b.Clock.Now())
	}
}

// Replicas starting together on an empty schema create one default account
// and one admin token between them.
func TestConcurrentBootstrapPostgres(t *testing.T) {
	t.Parallel()
	if os.Getenv(storetest.PostgresEnv) == "" {
		t.Skip(storetest.PostgresEnv + " is not set")
	}
	dsn := storetest.PostgresDSN(t)
	const n = 4
	var (
		wg      sync.WaitGroup
		ready   = make(chan struct{})
		servers [n]*server.Server
		errs    [n]error
		outs    [n]syncBuffer
	)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-ready
			servers[i], errs[i] = server.New(context.Background(), server.Config{DB: dsn, Out: &outs[i]})
		}()
	}
	close(ready)
	wg.Wait()
	for i, s := range servers {
		if s != nil {
			t.Cleanup(func() {
				ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
				defer cancel()
				if err := s.Shutdown(ctx); err != nil {
					t.Errorf("shutdown %d: %v", i, err)
				}
			})
		}
	}
	for i, err := range errs {
		if err != nil {
			t.Fatalf("server %d: %v", i, err)
		}
	}
	creators, tokenPrints, accountPrints := 0, 0, 0
	for i, s := range servers {
		if s.DefaultAccount != nil {
			creators++
		}
		if s.AdminToken != servers[0].AdminToken || s.AdminToken == "" {
			t.Errorf("server %d has token %q, server 0 %q", i, s.AdminToken, servers[0].AdminToken)
		}
		tokenPrints += strings.Count(outs[i].String(), servers[0].AdminToken)
		accountPrints += strings.Count(outs[i].String(), "AccessKeySecret")
	}
	if creators != 1 || tokenPrints != 1 || accountPrints != 1 {
		t.Errorf("%d servers created the default account, the token was printed %d times and the account %d times; want 1, 1, 1", creators, tokenPrints, accountPrints)
	}
	accounts, err := servers[0].Store.AccountList(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(accounts) != 1 {
		t.Errorf("%d accounts, want exactly one default account", len(accounts))
	}
}

func TestProbesAndMetrics(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, cfg server.Config) {
		cfg.AdminToken = "tok"
		s := newServer(t, cfg)
		h := s.Handler()
		get := func(path string) (int, string) {
			w := httptest.NewRecorder()
			h.ServeHTTP(w, httptest.NewRequest("GET", path, nil))
			return w.Code, w.Body.String()
		}
		for _, p := range []string{"/healthz", "/readyz"} {
			if code, body := get(p); code != http.StatusOK || body != "ok\n" {
				t.Errorf("%s: %d %q", p, code, body)
			}
		}
		k := s.DefaultAccount.Key
		if code, _ := rpcDo(t, h, k.ID, k.Secret); code != http.StatusOK {
			t.Fatalf("DescribeRegions: %d", code)
		}
		// Another first character: a secret that starts with "x" would
		// otherwise stay right.
		wrong := "x" + k.Secret[1:]
		if k.Secret[0] == 'x' {
			wrong = "y" + k.Secret[1:]
		}
		if code, _ := rpcDo(t, h, k.ID, wrong); code != http.StatusBadRequest {
			t.Fatalf("DescribeRegions with a wrong secret: %d", code)
		}
		code, body := get("/metrics")
		if code != http.StatusOK {
			t.Fatalf("/metrics: %d", code)
		}
		for _, want := range []string{
			`ecsd_rpc_requests_total{action="DescribeRegions",code=""} 1`,
			`ecsd_rpc_requests_total{action="",code="SignatureDoesNotMatch"} 1`,
			`ecsd_rpc_request_duration_seconds_count{action="DescribeRegions"} 1`,
		} {
			if !strings.Contains(body, want) {
				t.Errorf("/metrics lacks %s", want)
			}
		}
		if strings.Contains(body, k.Secret) {
			t.Error("/metrics shows the AccessKeySecret")
		}
		shutdown(t, s)
		if code, _ := get("/readyz"); code != http.StatusServiceUnavailable {
			t.Errorf("/readyz after shutdown: %d, want 503", code)
		}
		if code, _ := get("/healthz"); code != http.StatusOK {
			t.Errorf("/healthz after shutdown: %d, want 200 (liveness does not depend on the store)", code)
		}
	})
}
