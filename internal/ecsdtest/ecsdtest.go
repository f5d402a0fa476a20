// Package ecsdtest is what ecsd's own tests add to the public test kit
// (github.com/ecsd/ecsd/ecsdtest), which starts the servers: subtests on
// both stores, the internals of the server, a record of the error codes
// sent, and the official SDKs pointed at a server.
package ecsdtest

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	openapi "github.com/alibabacloud-go/darabonba-openapi/v2/client"
	ecs2 "github.com/alibabacloud-go/ecs-20140526/v7/client"
	"github.com/alibabacloud-go/tea/dara"
	"github.com/aliyun/alibaba-cloud-sdk-go/sdk"
	"github.com/aliyun/alibaba-cloud-sdk-go/sdk/auth/credentials"
	ecs1 "github.com/aliyun/alibaba-cloud-sdk-go/services/ecs"

	"github.com/ecsd/ecsd/ecsdtest"
	"github.com/ecsd/ecsd/internal/clock"
	"github.com/ecsd/ecsd/internal/rpc"
	"github.com/ecsd/ecsd/internal/server"
	"github.com/ecsd/ecsd/internal/store/storetest"
)

// Options change how the server starts.
type Options struct {
	ManualClock bool
	ClockStart  time.Time
	Throttle    *rpc.ThrottleConfig // nil: the server default
	// Configure, if set, edits the config last.
	Configure func(*server.Config)
}

// Server is a running ecsd (the public kit's, github.com/ecsd/ecsd/ecsdtest)
// with the internals ecsd's own tests look at.
type Server struct {
	*server.Server
	// Kit is the public test kit's server.
	Kit *ecsdtest.Server
	// Endpoint is host:port, what the SDKs take.
	Endpoint string
	// URL is http://host:port.
	URL             string
	AccountID       string
	AccessKeyID     string
	AccessKeySecret string
}

// Each runs fn against a fresh server on each store, as subtests "sqlite"
// and "postgres" (see storetest.Each about the PostgreSQL DSN).
func Each(t *testing.T, opts Options, fn func(t *testing.T, s *Server)) {
	t.Helper()
	storetest.Each(t, func(t *testing.T, _ storetest.Opener) {
		fn(t, Start(t, t.Name(), opts))
	})
}

// Start runs a server for the test through the public kit. kind is a test
// name ending in "sqlite" or "postgres", or one of those words.
func Start(t *testing.T, kind string, opts Options) *Server {
	t.Helper()
	kit := []ecsdtest.Option{
		ecsdtest.WithAdminToken("test-admin-token"),
		ecsdtest.WithAccessKey("LTAItestdefault000000000", "testdefaultsecret0000000000000"),
		ecsdtest.WithHandler(Record),
		ecsdtest.WithRealClock(),
	}
	if strings.HasSuffix(kind, "postgres") {
		if os.Getenv(storetest.PostgresEnv) == "" {
			t.Fatal(storetest.PostgresEnv + " is not set")
		}
		kit = append(kit, ecsdtest.WithPostgres(os.Getenv(storetest.PostgresEnv)))
	}
	if opts.ManualClock {
		kit = append(kit, ecsdtest.WithServerConfig(func(c *server.Config) { c.Clock = clock.ModeManual }), ecsdtest.WithClockStart(opts.ClockStart))
	}
	if opts.Throttle != nil {
		kit = append(kit, ecsdtest.WithServerConfig(func(c *server.Config) { c.Throttle = *opts.Throttle }))
	}
	if opts.Configure != nil {
		kit = append(kit, ecsdtest.WithServerConfig(opts.Configure))
	}
	s := wrap(ecsdtest.New(t, kit...))
	if s.DefaultAccount == nil {
		t.Fatal("a fresh store did not create the default account")
	}
	return s
}

func wrap(k *ecsdtest.Server) *Server {
	return &Server{
		Server: k.Internals(), Kit: k, Endpoint: k.Endpoint, URL: k.URL,
		AccountID: k.AccountID, AccessKeyID: k.AccessKeyID, AccessKeySecret: k.AccessKeySecret,
	}
}

// Restart shuts the server down (in-flight requests finish, River stops,
// the store closes) and starts a new server.New on the same store and
// config, as a restarted process would. Jobs and timers left in the store
// are the new server's to run. The old *Server must not be used after.
func (s *Server) Restart(t *testing.T) *Server {
	t.Helper()
	return wrap(s.Kit.Restart(t))
}

// Replica starts another server on the same PostgreSQL store, as a second
// replica of s, with cfg (its DB is s's; an empty AdminToken is s's), and
// returns its endpoint (host:port). It stops when the test ends.
func (s *Server) Replica(t *testing.T, cfg server.Config) string {
	t.Helper()
	cfg.DB = s.Store.DSN()
	if cfg.AdminToken == "" {
		cfg.AdminToken = s.AdminToken
	}
	b, err := server.New(context.Background(), cfg)
	if err != nil {
		t.Fatalf("second server on the same store: %v", err)
	}
	hb := httptest.NewServer(b.Handler())
	t.Cleanup(func() {
		hb.Close()
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := b.Shutdown(ctx); err != nil {
			t.Errorf("shutdown of the replica: %v", err)
		}
	})
	return strings.TrimPrefix(hb.URL, "http://")
}

// CodeStatus is an error code with the HTTP status it was sent with.
type CodeStatus struct {
	Code   string
	Status int
}

// recorded holds every (Code, HTTP status) that a server of this process
// sent on the RPC endpoint.
var recorded struct {
	sync.Mutex
	m map[CodeStatus]int
}

// Recorded returns how many times each (Code, HTTP status) was sent on the
// RPC endpoint by the servers of this test process so far.
func Recorded() map[CodeStatus]int {
	recorded.Lock()
	defer recorded.Unlock()
	out := make(map[CodeStatus]int, len(recorded.m))
	for k, v := range recorded.m {
		out[k] = v
	}
	return out
}

var xmlCode = regexp.MustCompile(`<Code>([^<]*)</Code>`)

// Record wraps an ecsd handler: every error answer of the RPC endpoint
// (path "/", status 400 or more) adds its Code and status to Recorded.
// The admin API and the probes are not recorded.
func Record(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/" {
			h.ServeHTTP(w, r)
			return
		}
		rw := &recordingWriter{ResponseWriter: w}
		h.ServeHTTP(rw, r)
		if rw.status < 400 {
			return
		}
		code := ""
		var body struct{ Code string }
		if json.Unmarshal(rw.body.Bytes(), &body) == nil {
			code = body.Code
		} else if m := xmlCode.FindSubmatch(rw.body.Bytes()); m != nil {
			code = string(m[1])
		}
		recorded.Lock()
		defer recorded.Unlock()
		if recorded.m == nil {
			recorded.m = map[CodeStatus]int{}
		}
		recorded.m[CodeStatus{Code: code, Status: rw.status}]++
	})
}

// recordingWriter remembers the status and, for an error, the body.
type recordingWriter struct {
	http.ResponseWriter
	status int
	body   bytes.Buffer
}

func (w *recordingWriter) WriteHeader(status int) {
	if w.status == 0 {
		w.status = status
	}
	w.ResponseWriter.WriteHeader(status)
}

func (w *recordingWriter) Write(p []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	if w.status >= 400 && w.body.Len() < 64<<10 {
		w.body.Write(p)
	}
	return w.ResponseWriter.Write(p)
}

// Admin calls the admin API with the token and decodes the JSON answer into
// out (if not nil). It returns the HTTP status.
func (s *Server) Admin(t *testing.T, method, path string, body, out any) int {
	t.Helper()
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			t.Fatal(err)
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, s.URL+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+s.AdminToken)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	if out != nil {
		if err := json.Unmarshal(raw, out); err != nil {
			t.Fatalf("%s %s: %d %s: %v", method, path, resp.StatusCode, raw, err)
		}
	}
	return resp.StatusCode
}

// Account is a main account made for a test.
type Account struct {
	AccountId       string
	AccessKeyId     string
	AccessKeySecret string
}

// NewAccount creates an account with a cash balance such as "1000.00".
func (s *Server) NewAccount(t *testing.T, name, balance string) Account {
	t.Helper()
	var a Account
	if st := s.Admin(t, "POST", "/_ecsd/v1/accounts", map[string]string{"Name": name, "Balance": balance}, &a); st != 200 {
		t.Fatalf("create account: HTTP %d", st)
	}
	return a
}

// SDKv1 returns a Go SDK v1 ECS client (RPC v1, HMAC-SHA1) for the keys,
// pointed at the server.
func (s *Server) SDKv1(t *testing.T, keyID, secret string) *ecs1.Client {
	t.Helper()
	cfg := sdk.NewConfig().WithScheme("HTTP").WithTimeout(30 * time.Second)
	c, err := ecs1.NewClientWithOptions("cn-hangzhou", cfg, credentials.NewAccessKeyCredential(keyID, secret))
	if err != nil {
		t.Fatal(err)
	}
	c.Domain = s.Endpoint
	return c
}

// SDKv2 returns a Go SDK v2 ECS client (ACS3-HMAC-SHA256) for the keys.
func (s *Server) SDKv2(t *testing.T, keyID, secret string) *ecs2.Client {
	t.Helper()
	c, err := ecs2.NewClient(&openapi.Config{
		AccessKeyId:     dara.String(keyID),
		AccessKeySecret: dara.String(secret),
		RegionId:        dara.String("cn-hangzhou"),
		Endpoint:        dara.String(s.Endpoint),
		Protocol:        dara.String("HTTP"),
	})
	if err != nil {
		t.Fatal(err)
	}
	return c
}
