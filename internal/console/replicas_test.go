package console_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/aliyun/alibaba-cloud-sdk-go/sdk"
	"github.com/aliyun/alibaba-cloud-sdk-go/sdk/auth/credentials"
	ecs1 "github.com/aliyun/alibaba-cloud-sdk-go/services/ecs"

	"github.com/ecsd/ecsd/internal/calllog"
	"github.com/ecsd/ecsd/internal/server"
	"github.com/ecsd/ecsd/internal/store/storetest"
)

// Two replicas on one PostgreSQL database: a console session signed in on
// one works on the other, a form's action through one is seen through the
// other, and each replica's calls reach the shared call log — at once on
// shutdown, which writes what is buffered.
func TestConsoleAndCallLogAcrossReplicas(t *testing.T) {
	if os.Getenv(storetest.PostgresEnv) == "" {
		t.Skip(storetest.PostgresEnv + " is not set; PostgreSQL tests need it (CI sets it)")
	}
	dsn := storetest.PostgresDSN(t)
	cfg := server.Config{
		DB: dsn, AdminToken: "replica-token", Throttle: server.DefaultThrottle,
		DefaultAccessKeyID: "LTAIreplica0000000000000", DefaultAccessKeySecret: "replicasecret0000000000000000a",
	}
	start := func() (*server.Server, *httptest.Server) {
		s, err := server.New(context.Background(), cfg)
		if err != nil {
			t.Fatal(err)
		}
		hs := httptest.NewServer(s.Handler())
		t.Cleanup(func() {
			hs.Close()
			_ = s.Shutdown(context.Background())
		})
		return s, hs
	}
	a, ha := start()
	b, hb := start()

	// Sign in on A; B accepts the session and its CSRF token.
	resp, err := noRedirect.PostForm(ha.URL+"/_ecsd/console/signin", url.Values{"token": {"replica-token"}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	var session *http.Cookie
	for _, c := range resp.Cookies() {
		if c.Name == "ecsd_console" {
			session = c
		}
	}
	if resp.StatusCode != http.StatusSeeOther || session == nil || !session.HttpOnly || session.SameSite != http.SameSiteStrictMode {
		t.Fatalf("sign in: %d, cookie %+v", resp.StatusCode, session)
	}
	page := getBody(t, hb.URL+"/_ecsd/console/stock?ZoneId=cn-hangzhou-h", session)
	m := regexp.MustCompile(`name="csrf" value="([^"]+)"`).FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("B's stock page has no CSRF token: %s", page)
	}
	if st := post(t, hb.URL+"/_ecsd/console/stock", session, url.Values{"csrf": {m[1]}, "ZoneId": {"cn-hangzhou-h"},
		"InstanceType": {"ecs.g6.large"}, "Available": {"7"}, "next": {"/_ecsd/console/stock"}}); st != http.StatusSeeOther {
		t.Fatalf("set stock through B: HTTP %d", st)
	}
	if got := getBody(t, ha.URL+"/_ecsd/console/stock?ZoneId=cn-hangzhou-h", session); !regexp.MustCompile(`ecs.g6.large</td>\s*<td class="num">7</td>`).MatchString(got) {
		t.Errorf("A does not show the stock set through B")
	}

	// A call through A appears in B's call log within a flush interval.
	client := func(hs *httptest.Server) *ecs1.Client {
		c, err := ecs1.NewClientWithOptions("cn-hangzhou", sdk.NewConfig().WithScheme("HTTP"),
			credentials.NewAccessKeyCredential(cfg.DefaultAccessKeyID, cfg.DefaultAccessKeySecret))
		if err != nil {
			t.Fatal(err)
		}
		c.Domain = strings.TrimPrefix(hs.URL, "http://")
		return c
	}
	r1, err := client(ha).DescribeRegions(ecs1.CreateDescribeRegionsRequest())
	if err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for !hasCall(t, hb, r1.RequestId) {
		if time.Now().After(deadline) {
			t.Fatalf("B's call log never showed A's call %s", r1.RequestId)
		}
		time.Sleep(50 * time.Millisecond)
	}

	// Shutting A down writes its buffer: the call is there at once.
	r2, err := client(ha).DescribeZones(ecs1.CreateDescribeZonesRequest())
	if err != nil {
		t.Fatal(err)
	}
	ha.Close()
	if err := a.Shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}
	if !hasCall(t, hb, r2.RequestId) {
		t.Errorf("A's last call %s is not in the log after A shut down", r2.RequestId)
	}
	_ = b
}

func hasCall(t *testing.T, hs *httptest.Server, requestID string) bool {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, hs.URL+"/_ecsd/v1/calls?Action=", nil)
	req.Header.Set("Authorization", "Bearer replica-token")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var p calllog.Page
	if err := json.NewDecoder(resp.Body).Decode(&p); err != nil {
		t.Fatal(err)
	}
	for _, c := range p.Calls {
		if c.RequestId == requestID {
			return true
		}
	}
	return false
}

func getBody(t *testing.T, u string, c *http.Cookie) string {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, u, nil)
	req.AddCookie(c)
	resp, err := noRedirect.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %d", u, resp.StatusCode)
	}
	return string(b)
}
