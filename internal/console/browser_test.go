package console_test

import (
	"context"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	ecs2 "github.com/alibabacloud-go/ecs-20140526/v7/client"
	"github.com/alibabacloud-go/tea/dara"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"github.com/ecsd/ecsd/internal/ecsdtest"
	"github.com/ecsd/ecsd/internal/server"
)

// The console driven by a real browser (headless Chromium) against a real
// server on each store: sign in, watch a purchase made through the SDK
// become Running, pay an Unpaid change order and see the new type, advance
// the clock and see the instance expire, read the call log. Chromium must
// start: without it the test fails.
//
// ECSD_CONSOLE_SCREENSHOTS=DIR writes the README's screenshots to DIR.

const (
	image = "aliyun_3_x64_20G_alibase_20240528.vhd"
	zone  = "cn-hangzhou-h"
)

// chromium is the browser binary: ECSD_CHROMIUM, else Debian's.
func chromium() string {
	if p := os.Getenv("ECSD_CHROMIUM"); p != "" {
		return p
	}
	return "/usr/bin/chromium"
}

// browser starts a fresh headless Chromium for the test.
func browser(t *testing.T) context.Context {
	t.Helper()
	// A fresh profile, removed after the browser has exited (t.TempDir
	// would race Chromium's last writes to it).
	profile, err := os.MkdirTemp("", "ecsd-chromium-")
	if err != nil {
		t.Fatal(err)
	}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(chromium()),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.UserDataDir(profile),
		chromedp.WindowSize(1440, 900),
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(actx)
	ctx, cancelTimeout := context.WithTimeout(ctx, 4*time.Minute)
	t.Cleanup(func() {
		_ = chromedp.Cancel(ctx) // closes the browser and waits for it
		cancelTimeout()
		cancel()
		cancelAlloc()
		for range 20 {
			if os.RemoveAll(profile) == nil {
				return
			}
			time.Sleep(100 * time.Millisecond)
		}
	})
	if err := chromedp.Run(ctx); err != nil {
		t.Fatalf("Chromium (%s) could not be started: %v; install it (apt-get install -y chromium) or set ECSD_CHROMIUM", chromium(), err)
	}
	return ctx
}

func run(t *testing.T, ctx context.Context, actions ...chromedp.Action) {
	t.Helper()
	if err := chromedp.Run(ctx, actions...); err != nil {
		t.Fatal(err)
	}
}

// waitFor polls the page until the JavaScript expression is true, without
// navigating: the page must update itself. Evaluation errors while the page
// reloads are retried.
func waitFor(t *testing.T, ctx context.Context, what, expr string) {
	t.Helper()
	deadline := time.Now().Add(45 * time.Second)
	for time.Now().Before(deadline) {
		var ok bool
		if err := chromedp.Run(ctx, chromedp.Evaluate(expr, &ok)); err == nil && ok {
			return
		}
		time.Sleep(150 * time.Millisecond)
	}
	var html string
	_ = chromedp.Run(ctx, chromedp.OuterHTML("main", &html, chromedp.ByQuery))
	t.Fatalf("waited 45s for %s; page: %s", what, html)
}

// text reads an element's text, again if the page reloaded itself under
// the read (pages with something in flight refresh every second).
func text(t *testing.T, ctx context.Context, sel string) string {
	t.Helper()
	var err error
	for range 20 {
		var s string
		if err = chromedp.Run(ctx, chromedp.Text(sel, &s, chromedp.ByQuery)); err == nil {
			return s
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("text of %s: %v", sel, err)
	return ""
}

func screenshot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	dir := os.Getenv("ECSD_CONSOLE_SCREENSHOTS")
	if dir == "" || !strings.HasSuffix(t.Name(), "sqlite") {
		return
	}
	var png []byte
	var err error
	for range 20 {
		if err = chromedp.Run(ctx, chromedp.WaitVisible("main h1", chromedp.ByQuery), chromedp.CaptureScreenshot(&png)); err == nil {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, name), png, 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestConsoleInBrowser(t *testing.T) {
	start := time.Date(2026, 3, 10, 2, 0, 0, 0, time.UTC)
	opts := ecsdtest.Options{ManualClock: true, ClockStart: start, Configure: func(c *server.Config) {
		// Long enough to see Pending on a loaded machine, short enough
		// for a quick test.
		c.TransitionDelay = 3 * time.Second
		c.ChangeDelay = 1500 * time.Millisecond
	}}
	ecsdtest.Each(t, opts, func(t *testing.T, s *ecsdtest.Server) {
		ctx := browser(t)
		base := s.URL + "/_ecsd/console/"

		// Signed out, the console asks for the token; a wrong one is refused.
		run(t, ctx, chromedp.Navigate(base), chromedp.WaitVisible("#token", chromedp.ByID))
		if got := text(t, ctx, "#error"); !strings.Contains(got, "Sign in with the admin token") {
			t.Fatalf("signed out: %q", got)
		}
		run(t, ctx, chromedp.SendKeys("#token", "not-the-token", chromedp.ByID), chromedp.Click("#signin", chromedp.ByID))
		waitFor(t, ctx, "the wrong token refused", `(() => { const e = document.querySelector("#error"); return e !== null && e.textContent.includes("not the admin token") })()`)
		run(t, ctx, chromedp.SendKeys("#token", s.AdminToken, chromedp.ByID), chromedp.Click("#signin", chromedp.ByID),
			chromedp.WaitVisible("header nav", chromedp.ByQuery))

		// Buy through the SDK; the console shows Pending, then Running by
		// itself.
		v2 := s.SDKv2(t, s.AccessKeyID, s.AccessKeySecret)
		req := &ecs2.RunInstancesRequest{}
		req.SetRegionId("cn-hangzhou").SetZoneId(zone).SetImageId(image).SetInstanceType("ecs.g6.large").
			SetInstanceChargeType("PrePaid").SetPeriod(1).SetPeriodUnit("Month").SetInstanceName("web-1")
		resp, err := v2.RunInstances(req)
		if err != nil {
			t.Fatal(err)
		}
		id := dara.StringValue(resp.Body.InstanceIdSets.InstanceIdSet[0])
		row := "#inst-" + id
		run(t, ctx, chromedp.Navigate(base), chromedp.WaitVisible(row, chromedp.ByQuery))
		if got := text(t, ctx, row+" .badge"); got != "Pending" {
			t.Fatalf("just bought: status %q, want Pending", got)
		}
		if got := text(t, ctx, row+" .inflight"); !strings.Contains(got, "Pending → Running") {
			t.Fatalf("in flight: %q", got)
		}
		waitFor(t, ctx, "Running", `document.querySelector("`+row+` .badge.Running") !== null && document.querySelector("#live") === null`)

		// An upgrade with AutoPay=false leaves an Unpaid order; paying it
		// in the console applies the new type.
		mreq := &ecs2.ModifyPrepayInstanceSpecRequest{RegionId: dara.String("cn-hangzhou"), InstanceId: dara.String(id),
			InstanceType: dara.String("ecs.g6.xlarge"), AutoPay: dara.Bool(false)}
		mresp, err := v2.ModifyPrepayInstanceSpec(mreq)
		if err != nil {
			t.Fatal(err)
		}
		order := dara.StringValue(mresp.Body.OrderId)
		run(t, ctx, chromedp.Navigate(base), chromedp.WaitVisible(row+" .change", chromedp.ByQuery))
		if got := text(t, ctx, row+" .change"); !strings.Contains(got, "ecs.g6.xlarge") || !strings.Contains(got, "Unpaid") {
			t.Fatalf("change in flight: %q", got)
		}
		// A second purchase, in flight too.
		req2 := &ecs2.RunInstancesRequest{}
		req2.SetRegionId("cn-hangzhou").SetZoneId("cn-hangzhou-i").SetImageId(image).SetInstanceType("ecs.g6.xlarge").
			SetInstanceChargeType("PostPaid").SetInstanceName("db-1")
		resp2, err := v2.RunInstances(req2)
		if err != nil {
			t.Fatal(err)
		}
		run(t, ctx, chromedp.Navigate(base), chromedp.WaitVisible("#inst-"+dara.StringValue(resp2.Body.InstanceIdSets.InstanceIdSet[0]), chromedp.ByQuery))
		screenshot(t, ctx, "console-instances.png")
		run(t, ctx, chromedp.Navigate(base+"orders?Status=Unpaid"), chromedp.WaitVisible("#order-"+order, chromedp.ByQuery))
		run(t, ctx, chromedp.Click("#order-"+order+" button.pay", chromedp.ByQuery), chromedp.WaitVisible("#message", chromedp.ByID))
		if got := text(t, ctx, "#message"); !strings.Contains(got, order+" paid") {
			t.Fatalf("after paying: %q", got)
		}
		waitFor(t, ctx, "the new type", `(() => { const c = document.querySelector("`+row+` .type"); return c !== null && c.textContent === "ecs.g6.xlarge" && document.querySelector("`+row+` .change") === null })()`)

		// Advancing the clock past ExpiredTime expires the instance.
		run(t, ctx, chromedp.Navigate(base+"clock"), chromedp.WaitVisible("#advance", chromedp.ByID),
			chromedp.SendKeys("#advance", "1000h", chromedp.ByID), chromedp.Click("#advance-submit", chromedp.ByID),
			chromedp.WaitVisible("#message", chromedp.ByID))
		if got := text(t, ctx, "#now"); !strings.HasPrefix(got, start.Add(1000*time.Hour).Format("2006-01-02 15:04")) {
			t.Fatalf("clock after advancing 1000h: %q", got)
		}
		run(t, ctx, chromedp.Navigate(base))
		waitFor(t, ctx, "Expired", `document.querySelector("`+row+` .badge.Expired") !== null && document.querySelector("`+row+` .badge.Stopped") !== null`)

		// The call log names the instance's calls. (A password's redaction
		// is held by the conformance call log test.)
		run(t, ctx, chromedp.Navigate(base+"calls?InstanceId="+id), chromedp.WaitVisible("#calls", chromedp.ByID))
		calls := text(t, ctx, "#calls")
		for _, want := range []string{"RunInstances", "ModifyPrepayInstanceSpec"} {
			if !strings.Contains(calls, want) {
				t.Fatalf("calls of %s lack %s: %q", id, want, calls)
			}
		}
		run(t, ctx, chromedp.Navigate(base+"calls?Action=RunInstances&InstanceId="+id), chromedp.WaitVisible("#calls a", chromedp.ByQuery),
			chromedp.Click("#calls a", chromedp.ByQuery), chromedp.WaitVisible("#params", chromedp.ByID))
		params, answer := text(t, ctx, "#params"), text(t, ctx, "#answer")
		if !strings.Contains(params, `"InstanceType": "ecs.g6.large"`) || !strings.Contains(params, `"InstanceName": "web-1"`) || !strings.Contains(answer, id) {
			t.Fatalf("RunInstances call: params %s answer %s", params, answer)
		}
		screenshot(t, ctx, "console-call.png")

		// Without the session, or with a wrong CSRF token, nothing happens.
		var cookies []*network.Cookie
		err = chromedp.Run(ctx, chromedp.ActionFunc(func(ctx context.Context) error {
			var err error
			cookies, err = network.GetCookies().WithURLs([]string{base}).Do(ctx)
			return err
		}))
		if err != nil || len(cookies) != 1 || !cookies[0].HTTPOnly || cookies[0].SameSite != network.CookieSameSiteStrict {
			t.Fatalf("session cookie %+v, %v: want one, HttpOnly, SameSite=Strict", cookies, err)
		}
		session := &http.Cookie{Name: cookies[0].Name, Value: cookies[0].Value}
		before := s.Clock.Now()
		if st := post(t, base+"clock", nil, url.Values{"Advance": {"1h"}, "csrf": {"x"}}); st != http.StatusUnauthorized {
			t.Errorf("POST without a session: HTTP %d, want 401", st)
		}
		if st := get(t, base, nil); st != http.StatusUnauthorized {
			t.Errorf("GET without a session: HTTP %d, want 401", st)
		}
		if st := post(t, base+"clock", session, url.Values{"Advance": {"1h"}, "csrf": {"wrong"}}); st != http.StatusForbidden {
			t.Errorf("POST with a wrong CSRF token: HTTP %d, want 403", st)
		}
		if st := post(t, base+"clock", session, url.Values{"Advance": {"1h"}}); st != http.StatusForbidden {
			t.Errorf("POST without a CSRF token: HTTP %d, want 403", st)
		}
		if !s.Clock.Now().Equal(before) {
			t.Errorf("a refused POST moved the clock from %v to %v", before, s.Clock.Now())
		}
		if st := get(t, base, session); st != http.StatusOK {
			t.Errorf("GET with the session: HTTP %d", st)
		}
	})
}

var noRedirect = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

func get(t *testing.T, u string, c *http.Cookie) int {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, u, nil)
	if c != nil {
		req.AddCookie(c)
	}
	resp, err := noRedirect.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

func post(t *testing.T, u string, c *http.Cookie, form url.Values) int {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, u, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if c != nil {
		req.AddCookie(c)
	}
	resp, err := noRedirect.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}
