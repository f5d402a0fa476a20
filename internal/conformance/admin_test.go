package conformance

import (
	"encoding/json"
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	ecs2 "github.com/alibabacloud-go/ecs-20140526/v7/client"
	"github.com/aliyun/alibaba-cloud-sdk-go/services/ecs"

	"github.com/ecsd/ecsd/internal/apierr"
	"github.com/ecsd/ecsd/internal/ecsdtest"
)

// The admin API contract (ARCHITECTURE.md §8), on both stores, through HTTP
// as external test suites call it.

var (
	adminAccountIDRE = regexp.MustCompile(`^[0-9]{16}$`)
	adminKeyIDRE     = regexp.MustCompile(`^LTAI[A-Za-z0-9]{20}$`)
	adminSecretRE    = regexp.MustCompile(`^[A-Za-z0-9]{30}$`)
	adminMoneyRE     = regexp.MustCompile(`^-?[0-9]+\.[0-9]{2}$`)
)

// adminReply is an admin answer: status, headers and the JSON object.
type adminReply struct {
	Status int
	Header http.Header
	Raw    string
	Body   map[string]any
}

// adminCall sends body (raw JSON, "" for none) with the given Authorization
// header value ("" sends none).
func adminCall(t *testing.T, s *ecsdtest.Server, method, path, authorization, body string) adminReply {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, s.URL+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	if authorization != "" {
		req.Header.Set("Authorization", authorization)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	r := adminReply{Status: resp.StatusCode, Header: resp.Header, Raw: string(raw)}
	if err := json.Unmarshal(raw, &r.Body); err != nil {
		t.Fatalf("%s %s: HTTP %d, body %q is not a JSON object: %v", method, path, resp.StatusCode, raw, err)
	}
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Errorf("%s %s: Content-Type %q", method, path, ct)
	}
	return r
}

// adminAs calls with the server's token.
func adminAs(t *testing.T, s *ecsdtest.Server, method, path, body string) adminReply {
	t.Helper()
	return adminCall(t, s, method, path, "Bearer "+s.AdminToken, body)
}

// str returns a string field, failing if it is missing or not a string.
func (r adminReply) str(t *testing.T, field string) string {
	t.Helper()
	v, ok := r.Body[field].(string)
	if !ok {
		t.Fatalf("field %s = %#v (%T), want a string; body %s", field, r.Body[field], r.Body[field], r.Raw)
	}
	return v
}

// wantError checks an error answer: status, code, and that the code is a
// catalog row with that status.
func (r adminReply) wantError(t *testing.T, status int, code string) {
	t.Helper()
	if r.Status != status || r.Body["Code"] != code {
		t.Fatalf("HTTP %d %s, want %d %s", r.Status, r.Raw, status, code)
	}
	found := false
	for _, d := range apierr.All() {
		found = found || (d.Code == code && d.Status == status)
	}
	if !found {
		t.Errorf("%s (%d) is not a catalog row", code, status)
	}
	if r.str(t, "RequestId") == "" || r.str(t, "Message") == "" {
		t.Errorf("error without RequestId or Message: %s", r.Raw)
	}
}

// wantAccount checks the account view's contract fields.
func (r adminReply) wantAccount(t *testing.T, id, name, balance, voucher string) {
	t.Helper()
	if r.Status != http.StatusOK {
		t.Fatalf("HTTP %d %s", r.Status, r.Raw)
	}
	for _, f := range []string{"Balance", "VoucherBalance"} {
		if v := r.str(t, f); !adminMoneyRE.MatchString(v) {
			t.Errorf("%s = %q, want a string with two decimals", f, v)
		}
	}
	got := [5]string{r.str(t, "AccountId"), r.str(t, "Name"), r.str(t, "Balance"), r.str(t, "VoucherBalance"), r.str(t, "Currency")}
	want := [5]string{id, name, balance, voucher, "CNY"}
	if got != want {
		t.Errorf("account (AccountId, Name, Balance, VoucherBalance, Currency) = %q, want %q", got, want)
	}
}

func TestAdminCreateAccount(t *testing.T) {
	t.Parallel()
	ecsdtest.Each(t, ecsdtest.Options{}, func(t *testing.T, s *ecsdtest.Server) {
		r := adminAs(t, s, "POST", "/_ecsd/v1/accounts", `{"Name":"alice","Balance":"1000.00"}`)
		if r.Status != http.StatusOK {
			t.Fatalf("HTTP %d %s", r.Status, r.Raw)
		}
		if len(r.Body) != 3 {
			t.Errorf("answer %s, want exactly AccountId, AccessKeyId, AccessKeySecret", r.Raw)
		}
		id, keyID, secret := r.str(t, "AccountId"), r.str(t, "AccessKeyId"), r.str(t, "AccessKeySecret")
		if !adminAccountIDRE.MatchString(id) || !adminKeyIDRE.MatchString(keyID) || !adminSecretRE.MatchString(secret) {
			t.Errorf("AccountId %q, AccessKeyId %q, AccessKeySecret %q: want 16 digits, LTAI+20 alphanumerics, 30 alphanumerics", id, keyID, secret)
		}

		// The new key works at once, with both signatures.
		resp1, err := s.SDKv1(t, keyID, secret).DescribeRegions(ecs.CreateDescribeRegionsRequest())
		if err != nil {
			t.Fatalf("v1 with the new key: %v", err)
		}
		if len(resp1.Regions.Region) == 0 {
			t.Error("v1: no regions")
		}
		resp2, err := s.SDKv2(t, keyID, secret).DescribeRegions(&ecs2.DescribeRegionsRequest{})
		if err != nil {
			t.Fatalf("v2 with the new key: %v", err)
		}
		if len(resp2.Body.Regions.Region) != len(resp1.Regions.Region) {
			t.Errorf("v2 saw %d regions, v1 %d", len(resp2.Body.Regions.Region), len(resp1.Regions.Region))
		}
		// The wrong secret for the new key is refused.
		if _, err := s.SDKv1(t, keyID, secret[1:]+"x").DescribeRegions(ecs.CreateDescribeRegionsRequest()); err == nil || !strings.Contains(err.Error(), "SignatureDoesNotMatch") {
			t.Errorf("v1 with a wrong secret: %v, want SignatureDoesNotMatch", err)
		}

		g := adminAs(t, s, "GET", "/_ecsd/v1/accounts/"+id, "")
		g.wantAccount(t, id, "alice", "1000.00", "0.00")
		keys, _ := g.Body["AccessKeys"].([]any)
		if len(keys) != 1 || !strings.Contains(g.Raw, `"AccessKeyId":"`+keyID+`"`) {
			t.Errorf("AccessKeys %v, want the one key %s", g.Body["AccessKeys"], keyID)
		}
		if strings.Contains(g.Raw, secret) {
			t.Error("GET account shows the AccessKeySecret")
		}

		// VoucherBalance is optional; amounts without two decimals come back with them.
		v := adminAs(t, s, "POST", "/_ecsd/v1/accounts", `{"Name":"bob","Balance":"12","VoucherBalance":"50.5"}`)
		if v.Status != http.StatusOK {
			t.Fatalf("HTTP %d %s", v.Status, v.Raw)
		}
		id2 := v.str(t, "AccountId")
		if id2 == id || v.str(t, "AccessKeyId") == keyID || v.str(t, "AccessKeySecret") == secret {
			t.Errorf("a second account reuses an id or key: %s", v.Raw)
		}
		adminAs(t, s, "GET", "/_ecsd/v1/accounts/"+id2, "").wantAccount(t, id2, "bob", "12.00", "50.50")
	})
}

func TestAdminBalanceAndName(t *testing.T) {
	t.Parallel()
	ecsdtest.Each(t, ecsdtest.Options{}, func(t *testing.T, s *ecsdtest.Server) {
		a := s.NewAccount(t, "carol", "1000.00")
		path := "/_ecsd/v1/accounts/" + a.AccountId

		adminAs(t, s, "POST", path+"/balance", `{"Amount":"100.00"}`).wantAccount(t, a.AccountId, "carol", "1100.00", "0.00")
		adminAs(t, s, "POST", path+"/balance", `{"Amount":"-0.01"}`).wantAccount(t, a.AccountId, "carol", "1099.99", "0.00")
		// An operator's adjustment may take the balance below zero.
		adminAs(t, s, "POST", path+"/balance", `{"Amount":"-1250.49"}`).wantAccount(t, a.AccountId, "carol", "-150.50", "0.00")
		adminAs(t, s, "GET", path, "").wantAccount(t, a.AccountId, "carol", "-150.50", "0.00")

		adminAs(t, s, "PATCH", path, `{"Name":"carol-renamed"}`).wantAccount(t, a.AccountId, "carol-renamed", "-150.50", "0.00")
		adminAs(t, s, "GET", path, "").wantAccount(t, a.AccountId, "carol-renamed", "-150.50", "0.00")
		// An empty PATCH changes nothing and answers the account.
		adminAs(t, s, "PATCH", path, `{}`).wantAccount(t, a.AccountId, "carol-renamed", "-150.50", "0.00")

		// Flags, §8's example: the answer and a later GET show them, and
		// the name stays.
		p := adminAs(t, s, "PATCH", path, `{"OverduePayment":true}`)
		p.wantAccount(t, a.AccountId, "carol-renamed", "-150.50", "0.00")
		if p.Body["OverduePayment"] != true {
			t.Errorf("PATCH OverduePayment=true answered %s", p.Raw)
		}
		if g := adminAs(t, s, "GET", path, ""); g.Body["OverduePayment"] != true {
			t.Errorf("GET after OverduePayment=true: %s", g.Raw)
		}
		if p := adminAs(t, s, "PATCH", path, `{"OverduePayment":false}`); p.Body["OverduePayment"] != false {
			t.Errorf("PATCH OverduePayment=false answered %s", p.Raw)
		}

		// The default account is untouched by all of this.
		adminAs(t, s, "GET", "/_ecsd/v1/accounts/"+s.AccountID, "").wantAccount(t, s.AccountID, "default", "10000.00", "0.00")
	})
}

func TestAdminBadBodies(t *testing.T) {
	t.Parallel()
	ecsdtest.Each(t, ecsdtest.Options{ManualClock: true}, func(t *testing.T, s *ecsdtest.Server) {
		a := s.NewAccount(t, "dave", "1000.00")
		acct := "/_ecsd/v1/accounts/" + a.AccountId
		for _, tc := range []struct {
			name, method, path, body string
			code                     string
		}{
			{"create: unknown field", "POST", "/_ecsd/v1/accounts", `{"Name":"x","Balance":"1.00","Balanse":"2.00"}`, "InvalidParameter"},
			{"create: three decimals", "POST", "/_ecsd/v1/accounts", `{"Name":"x","Balance":"1.234"}`, "InvalidParameter"},
			{"create: voucher three decimals", "POST", "/_ecsd/v1/accounts", `{"Name":"x","Balance":"1.00","VoucherBalance":"0.001"}`, "InvalidParameter"},
			{"create: amount as a number", "POST", "/_ecsd/v1/accounts", `{"Name":"x","Balance":1000}`, "InvalidParameter"},
			{"create: not a number", "POST", "/_ecsd/v1/accounts", `{"Name":"x","Balance":"lots"}`, "InvalidParameter"},
			{"create: negative balance", "POST", "/_ecsd/v1/accounts", `{"Name":"x","Balance":"-1.00"}`, "InvalidParameter"},
			{"create: missing Name", "POST", "/_ecsd/v1/accounts", `{"Balance":"1.00"}`, "InvalidParameter"},
			{"create: Name too long", "POST", "/_ecsd/v1/accounts", `{"Name":"` + strings.Repeat("n", 65) + `","Balance":"1.00"}`, "InvalidParameter"},
			{"create: not JSON", "POST", "/_ecsd/v1/accounts", `{"Name":`, "InvalidParameter"},
			{"create: no body", "POST", "/_ecsd/v1/accounts", ``, "InvalidParameter"},
			{"balance: three decimals", "POST", acct + "/balance", `{"Amount":"1.234"}`, "InvalidParameter"},
			{"balance: unknown field", "POST", acct + "/balance", `{"Amount":"1.00","Amonut":"2"}`, "InvalidParameter"},
			{"balance: missing Amount", "POST", acct + "/balance", `{}`, "MissingParameter"},
			{"balance: exponent", "POST", acct + "/balance", `{"Amount":"1e3"}`, "InvalidParameter"},
			{"patch: unknown field", "PATCH", acct, `{"Nmae":"x"}`, "InvalidParameter"},
			{"patch: empty Name", "PATCH", acct, `{"Name":""}`, "InvalidParameter"},
			{"clock: negative Advance", "POST", "/_ecsd/v1/clock", `{"Advance":"-5m"}`, "InvalidParameter"},
			{"clock: bad Advance", "POST", "/_ecsd/v1/clock", `{"Advance":"soon"}`, "InvalidParameter"},
			{"clock: bad Set", "POST", "/_ecsd/v1/clock", `{"Set":"2026-01-01 00:00"}`, "InvalidParameter"},
			{"clock: both", "POST", "/_ecsd/v1/clock", `{"Advance":"1m","Set":"2026-01-01T00:00:00Z"}`, "InvalidParameter"},
			{"clock: neither", "POST", "/_ecsd/v1/clock", `{}`, "MissingParameter"},
			{"clock: unknown field", "POST", "/_ecsd/v1/clock", `{"Advanse":"1m"}`, "InvalidParameter"},
		} {
			r := adminAs(t, s, tc.method, tc.path, tc.body)
			if r.Status != http.StatusBadRequest || r.Body["Code"] != tc.code {
				t.Errorf("%s: HTTP %d %s, want 400 %s", tc.name, r.Status, r.Raw, tc.code)
				continue
			}
			r.wantError(t, http.StatusBadRequest, tc.code)
		}

		// Nothing of the refused calls was kept.
		accounts, err := s.Store.AccountList(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		if len(accounts) != 2 {
			t.Errorf("%d accounts after refused creates, want 2 (default and dave)", len(accounts))
		}
		adminAs(t, s, "GET", acct, "").wantAccount(t, a.AccountId, "dave", "1000.00", "0.00")
	})
}

func TestAdminUnknownAccount(t *testing.T) {
	t.Parallel()
	ecsdtest.Each(t, ecsdtest.Options{}, func(t *testing.T, s *ecsdtest.Server) {
		for _, id := range []string{"1234567890123456", "nope"} {
			path := "/_ecsd/v1/accounts/" + id
			adminAs(t, s, "GET", path, "").wantError(t, http.StatusNotFound, "InvalidAccountId.NotFound")
			adminAs(t, s, "PATCH", path, `{"Name":"x"}`).wantError(t, http.StatusNotFound, "InvalidAccountId.NotFound")
			adminAs(t, s, "PATCH", path, `{}`).wantError(t, http.StatusNotFound, "InvalidAccountId.NotFound")
			adminAs(t, s, "POST", path+"/balance", `{"Amount":"100.00"}`).wantError(t, http.StatusNotFound, "InvalidAccountId.NotFound")
		}
	})
}

func TestAdminUnauthorized(t *testing.T) {
	t.Parallel()
	ecsdtest.Each(t, ecsdtest.Options{ManualClock: true}, func(t *testing.T, s *ecsdtest.Server) {
		acct := "/_ecsd/v1/accounts/" + s.AccountID
		routes := []struct{ method, path, body string }{
			{"POST", "/_ecsd/v1/accounts", `{"Name":"mallory","Balance":"1000000.00"}`},
			{"GET", acct, ""},
			{"PATCH", acct, `{"Name":"mallory"}`},
			{"POST", acct + "/balance", `{"Amount":"1000000.00"}`},
			{"PATCH", "/_ecsd/v1/accesskeys/" + s.AccessKeyID, `{"Status":"Inactive"}`},
			{"PUT", "/_ecsd/v1/stock", `{"ZoneId":"cn-hangzhou-i","InstanceType":"ecs.g6.large","Available":0}`},
			{"POST", "/_ecsd/v1/orders/200000000000001/pay", `{}`},
			{"GET", "/_ecsd/v1/clock", ""},
			{"POST", "/_ecsd/v1/clock", `{"Advance":"8760h"}`},
			{"GET", "/_ecsd/v1/no-such-route", ""},
		}
		auths := map[string]string{
			"no header":          "",
			"wrong token":        "Bearer not-the-token",
			"token alone":        s.AdminToken,
			"lower-case scheme":  "bearer " + s.AdminToken,
			"basic":              "Basic " + s.AdminToken,
			"token with suffix":  "Bearer " + s.AdminToken + "x",
			"token prefix":       "Bearer " + s.AdminToken[:len(s.AdminToken)-1],
			"empty bearer token": "Bearer ",
		}
		clockBefore := adminAs(t, s, "GET", "/_ecsd/v1/clock", "").str(t, "Now")
		for _, rt := range routes {
			for name, authz := range auths {
				r := adminCall(t, s, rt.method, rt.path, authz, rt.body)
				if r.Status != http.StatusUnauthorized || r.Body["Code"] != "Unauthorized" {
					t.Errorf("%s %s with %s: HTTP %d %s, want 401 Unauthorized", rt.method, rt.path, name, r.Status, r.Raw)
				}
			}
		}
		// None of the refused calls changed anything.
		accounts, err := s.Store.AccountList(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		if len(accounts) != 1 {
			t.Errorf("%d accounts, want only the default one", len(accounts))
		}
		adminAs(t, s, "GET", acct, "").wantAccount(t, s.AccountID, "default", "10000.00", "0.00")
		if now := adminAs(t, s, "GET", "/_ecsd/v1/clock", "").str(t, "Now"); now != clockBefore {
			t.Errorf("the clock moved from %s to %s", clockBefore, now)
		}
		if _, err := s.SDKv1(t, s.AccessKeyID, s.AccessKeySecret).DescribeRegions(ecs.CreateDescribeRegionsRequest()); err != nil {
			t.Errorf("the default key stopped working: %v", err)
		}
	})
}

func TestAdminManualClock(t *testing.T) {
	t.Parallel()
	start := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
	ecsdtest.Each(t, ecsdtest.Options{ManualClock: true, ClockStart: start}, func(t *testing.T, s *ecsdtest.Server) {
		g := adminAs(t, s, "GET", "/_ecsd/v1/clock", "")
		if g.Status != http.StatusOK || g.str(t, "Mode") != "manual" || g.str(t, "Now") != "2026-03-01T10:00:00Z" {
			t.Fatalf("GET clock: HTTP %d %s, want manual at 2026-03-01T10:00:00Z", g.Status, g.Raw)
		}
		steps := []struct{ body, want string }{
			{`{"Advance":"90m"}`, "2026-03-01T11:30:00Z"},
			{`{"Advance":"0s"}`, "2026-03-01T11:30:00Z"},
			{`{"Advance":"720h"}`, "2026-03-31T11:30:00Z"},
			{`{"Set":"2026-01-01T00:00:00Z"}`, "2026-01-01T00:00:00Z"}, // backwards too
			{`{"Set":"2026-07-01T08:00:00+08:00"}`, "2026-07-01T00:00:00Z"},
			{`{"Advance":"1h30m15.5s"}`, "2026-07-01T01:30:15.5Z"},
		}
		for _, st := range steps {
			p := adminAs(t, s, "POST", "/_ecsd/v1/clock", st.body)
			if p.Status != http.StatusOK || p.str(t, "Now") != st.want {
				t.Fatalf("POST clock %s: HTTP %d %s, want Now %s", st.body, p.Status, p.Raw, st.want)
			}
			if len(p.Body) != 1 {
				t.Errorf("POST clock answered %s, want only Now", p.Raw)
			}
			if got := adminAs(t, s, "GET", "/_ecsd/v1/clock", "").str(t, "Now"); got != st.want {
				t.Fatalf("GET clock after %s: %s, want %s", st.body, got, st.want)
			}
		}
		// Authentication follows the wall clock, not the manual one (§7).
		adminAs(t, s, "POST", "/_ecsd/v1/clock", `{"Set":"2020-01-01T00:00:00Z"}`)
		if _, err := s.SDKv1(t, s.AccessKeyID, s.AccessKeySecret).DescribeRegions(ecs.CreateDescribeRegionsRequest()); err != nil {
			t.Errorf("v1 with the manual clock in 2020: %v", err)
		}
		if _, err := s.SDKv2(t, s.AccessKeyID, s.AccessKeySecret).DescribeRegions(&ecs2.DescribeRegionsRequest{}); err != nil {
			t.Errorf("v2 with the manual clock in 2020: %v", err)
		}
		// New accounts are created at the domain time.
		a := s.NewAccount(t, "erin", "1.00")
		if got := adminAs(t, s, "GET", "/_ecsd/v1/accounts/"+a.AccountId, "").str(t, "CreatedAt"); got != "2020-01-01T00:00:00Z" {
			t.Errorf("CreatedAt %s, want the manual time 2020-01-01T00:00:00Z", got)
		}
	})
}

func TestAdminRealClock(t *testing.T) {
	t.Parallel()
	ecsdtest.Each(t, ecsdtest.Options{}, func(t *testing.T, s *ecsdtest.Server) {
		wantNearNow := func(what string) {
			t.Helper()
			g := adminAs(t, s, "GET", "/_ecsd/v1/clock", "")
			if g.str(t, "Mode") != "real" {
				t.Fatalf("%s: %s, want Mode real", what, g.Raw)
			}
			now, err := time.Parse(time.RFC3339Nano, g.str(t, "Now"))
			if err != nil {
				t.Fatalf("%s: Now: %v", what, err)
			}
			if d := time.Since(now); d < -time.Minute || d > time.Minute {
				t.Errorf("%s: Now %s is %s from the wall clock", what, now, d)
			}
		}
		wantNearNow("before")
		for _, body := range []string{`{"Advance":"90m"}`, `{"Set":"2030-01-01T00:00:00Z"}`, `{}`} {
			adminAs(t, s, "POST", "/_ecsd/v1/clock", body).wantError(t, http.StatusConflict, "InvalidClockMode")
		}
		wantNearNow("after the refused moves")
	})
}
