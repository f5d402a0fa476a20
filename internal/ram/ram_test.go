package ram

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ecsd/ecsd/internal/account"
	"github.com/ecsd/ecsd/internal/apierr"
	"github.com/ecsd/ecsd/internal/auth"
	"github.com/ecsd/ecsd/internal/ram/policy"
	"github.com/ecsd/ecsd/internal/rpc"
	"github.com/ecsd/ecsd/internal/store"
	"github.com/ecsd/ecsd/internal/store/storetest"
)

// code returns an error's API code, or "" for nil.
func code(err error) string {
	if err == nil {
		return ""
	}
	e := apierr.As(err)
	if e == nil {
		return fmt.Sprintf("not an API error: %v", err)
	}
	return e.Def.Code
}

func TestRAMCheckUserName(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name, code string
	}{
		{"a", ""},
		{strings.Repeat("a", 64), ""},
		{"Alice.B_c-d@corp", ""},
		{"", "InvalidParameter.UserName.Length"},
		{strings.Repeat("a", 65), "InvalidParameter.UserName.Length"},
		{"a b", "InvalidParameter.UserName.InvalidChars"},
		{"a/b", "InvalidParameter.UserName.InvalidChars"},
		{"a*", "InvalidParameter.UserName.InvalidChars"},
		{"ü", "InvalidParameter.UserName.InvalidChars"},
		{"a\x00", "InvalidParameter.UserName.InvalidChars"},
	} {
		if got := code(checkUserName(c.name)); got != c.code {
			t.Errorf("checkUserName(%q) = %q, want %q", c.name, got, c.code)
		}
	}
}

func TestRAMCheckUserFields(t *testing.T) {
	t.Parallel()
	// 128 characters, not bytes.
	if err := checkUserFields(strings.Repeat("é", 128), strings.Repeat("ü", 128)); err != nil {
		t.Errorf("128 characters: %v", err)
	}
	if got := code(checkUserFields(strings.Repeat("a", 129), "")); got != "InvalidParameter.DisplayName.Length" {
		t.Errorf("129-character DisplayName: %q", got)
	}
	if got := code(checkUserFields("", strings.Repeat("a", 129))); got != "InvalidParameter.Comments.Length" {
		t.Errorf("129-character Comments: %q", got)
	}
}

func TestRAMCheckPolicyName(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name, code string
	}{
		{"a", ""},
		{"My-Policy-2", ""},
		{strings.Repeat("p", 128), ""},
		{"", "InvalidParameter.PolicyName.Length"},
		{strings.Repeat("p", 129), "InvalidParameter.PolicyName.Length"},
		{"a_b", "InvalidParameter.PolicyName.InvalidChars"},
		{"a.b", "InvalidParameter.PolicyName.InvalidChars"},
		{"a b", "InvalidParameter.PolicyName.InvalidChars"},
	} {
		if got := code(checkPolicyName(c.name)); got != c.code {
			t.Errorf("checkPolicyName(%q) = %q, want %q", c.name, got, c.code)
		}
	}
}

func TestRAMCheckPolicyType(t *testing.T) {
	t.Parallel()
	for _, typ := range []string{"System", "Custom"} {
		if err := checkPolicyType(typ); err != nil {
			t.Errorf("%s: %v", typ, err)
		}
	}
	for _, typ := range []string{"", "system", "Managed"} {
		if got := code(checkPolicyType(typ)); got != "InvalidParameter.PolicyType" {
			t.Errorf("%q: %q", typ, got)
		}
	}
}

func TestRAMCheckDocument(t *testing.T) {
	t.Parallel()
	ok := `{"Version":"1","Statement":[{"Effect":"Allow","Action":"ecs:*","Resource":"*"}]}`
	if err := checkDocument(ok); err != nil {
		t.Fatalf("a valid document: %v", err)
	}
	for _, c := range []struct {
		doc, code, says string
	}{
		{"", "InvalidParameter.PolicyDocument.Length", ""},
		{`{"Version":"1","Statement":[{"Effect":"Allow","Action":"ecs:*","Resource":"` + strings.Repeat("x", policy.MaxDocumentLength) + `"}]}`, "InvalidParameter.PolicyDocument.Length", "6144"},
		{`{"Version":"1"`, "MalformedPolicyDocument", ""},
		{`{"Version":"1","Statement":[{"Effect":"Permit","Action":"ecs:*","Resource":"*"}]}`, "MalformedPolicyDocument", "Statement[0].Effect"},
		{`{"Version":"1","Statement":[{"Effect":"Allow","Action":"ecs:*","Resource":"*"},{"Effect":"Allow","Resource":"*"}]}`, "MalformedPolicyDocument", "Statement[1]"},
		{`{"Version":"1","Statement":[]}`, "MalformedPolicyDocument", "Statement"},
	} {
		err := checkDocument(c.doc)
		if got := code(err); got != c.code {
			t.Errorf("checkDocument(%.60q) = %q, want %q", c.doc, got, c.code)
			continue
		}
		if msg := apierr.As(err).Message; !strings.Contains(msg, c.says) || msg == "" {
			t.Errorf("checkDocument(%.60q): message %q does not say %q", c.doc, msg, c.says)
		}
	}
}

func TestRAMPageByMarker(t *testing.T) {
	t.Parallel()
	keys := []string{"a", "b", "c", "d", "e"}
	key := func(i int) string { return keys[i] }
	n := func(v int) *int { return &v }
	for _, c := range []struct {
		marker string
		max    *int
		want   []int
		next   string
	}{
		{"", nil, []int{0, 1, 2, 3, 4}, ""},
		{"", n(2), []int{0, 1}, "b"},
		{"b", n(2), []int{2, 3}, "d"},
		{"d", n(2), []int{4}, ""},
		{"", n(5), []int{0, 1, 2, 3, 4}, ""},
		{"", n(1000), []int{0, 1, 2, 3, 4}, ""},
		{"bb", n(1), []int{2}, "c"}, // a marker between keys
		{"e", n(2), nil, ""},        // past the end
		{"z", nil, nil, ""},
	} {
		got, next, err := pageByMarker(len(keys), key, c.marker, c.max)
		if err != nil {
			t.Errorf("marker %q max %v: %v", c.marker, c.max, err)
			continue
		}
		if !slices.Equal(got, c.want) || next != c.next {
			t.Errorf("marker %q max %v: %v next %q, want %v next %q", c.marker, c.max, got, next, c.want, c.next)
		}
	}
	for _, bad := range []int{0, -1, 1001} {
		if _, _, err := pageByMarker(len(keys), key, "", n(bad)); code(err) != "InvalidParameter" {
			t.Errorf("MaxItems %d: %v", bad, err)
		}
	}
	// Following the markers visits every item once.
	var seen []int
	marker := ""
	for range 10 {
		page, next, err := pageByMarker(len(keys), key, marker, n(2))
		if err != nil {
			t.Fatal(err)
		}
		seen = append(seen, page...)
		if next == "" {
			break
		}
		marker = next
	}
	if !slices.Equal(seen, []int{0, 1, 2, 3, 4}) {
		t.Errorf("paging saw %v", seen)
	}
}

func TestRAMNewUserID(t *testing.T) {
	t.Parallel()
	re := regexp.MustCompile(`^2\d{15}$`)
	seen := map[string]bool{}
	for range 2000 {
		id := newUserID()
		if !re.MatchString(id) {
			t.Fatalf("newUserID() = %q, want 16 digits starting with 2", id)
		}
		if seen[id] {
			t.Fatalf("newUserID() repeated %q", id)
		}
		seen[id] = true
	}
}

func TestRAMNewProduct(t *testing.T) {
	t.Parallel()
	p := NewProduct()
	if p.Name != "Ram" || p.Version != "2015-05-01" || p.Denied != apierr.NoPermission {
		t.Errorf("product %s %s denied %v", p.Name, p.Version, p.Denied)
	}
	var names []string
	for _, a := range p.Actions {
		names = append(names, a.Name)
		if a.RAM != "ram:"+a.Name {
			t.Errorf("%s: RAM action %q", a.Name, a.RAM)
		}
		if a.Handle == nil {
			t.Errorf("%s: no handler", a.Name)
		}
		read := strings.HasPrefix(a.Name, "Get") || strings.HasPrefix(a.Name, "List")
		if a.Write == read {
			t.Errorf("%s: Write = %v", a.Name, a.Write)
		}
	}
	if !slices.IsSorted(names) {
		t.Errorf("actions not sorted: %v", names)
	}
	want := []string{
		"AttachPolicyToUser", "CreateAccessKey", "CreatePolicy", "CreatePolicyVersion", "CreateUser",
		"DeleteAccessKey", "DeletePolicy", "DeletePolicyVersion", "DeleteUser", "DetachPolicyFromUser", "GetPolicy",
		"GetPolicyVersion", "GetUser", "ListAccessKeys", "ListPolicies", "ListPoliciesForUser", "ListPolicyVersions",
		"ListUsers", "SetDefaultPolicyVersion", "UpdateAccessKey", "UpdateUser",
	}
	if !slices.Equal(names, want) {
		t.Errorf("actions %v, want %v", names, want)
	}
	byName := map[string]rpc.Action{}
	for _, a := range p.Actions {
		byName[a.Name] = a
	}
	arn := func(action string, params map[string]string) []string {
		a := byName[action]
		if a.Resources == nil {
			return nil
		}
		got, err := a.Resources(context.Background(), rpc.ResourceRequest{Caller: auth.Caller{AccountID: "1234", UserName: "alice"}, Params: params})
		if err != nil {
			t.Fatal(err)
		}
		return got
	}
	for _, c := range []struct {
		action string
		params map[string]string
		want   []string
	}{
		{"CreateUser", map[string]string{"UserName": "bob"}, []string{"acs:ram:*:1234:user/bob"}},
		// No UserName: the caller itself, as the handler reads it.
		{"CreateAccessKey", map[string]string{}, []string{"acs:ram:*:1234:user/alice"}},
		{"AttachPolicyToUser", map[string]string{"UserName": "bob", "PolicyName": "p"}, []string{"acs:ram:*:1234:user/bob"}},
		{"GetPolicy", map[string]string{"PolicyName": "p"}, []string{"acs:ram:*:1234:policy/p"}},
		{"ListUsers", map[string]string{}, nil},
	} {
		if got := arn(c.action, c.params); !slices.Equal(got, c.want) {
			t.Errorf("%s resources %v, want %v", c.action, got, c.want)
		}
	}
}

// syncBuffer is a bytes.Buffer for a logger used by several goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

// records decodes the JSON log lines.
func (s *syncBuffer) records(t *testing.T) []map[string]any {
	t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []map[string]any
	for _, line := range strings.Split(strings.TrimSpace(s.b.String()), "\n") {
		if line == "" {
			continue
		}
		var m map[string]any
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			t.Fatalf("log line %q: %v", line, err)
		}
		out = append(out, m)
	}
	return out
}

// authFixture is a store with an account, RAM users and policies, and an
// Authorizer on it.
type authFixture struct {
	st      *store.Store
	account string
	log     *syncBuffer
	authz   *Authorizer
	now     time.Time
}

func newAuthFixture(t *testing.T, open storetest.Opener, mode string) *authFixture {
	t.Helper()
	st := open(t)
	ctx := context.Background()
	f := &authFixture{st: st, log: &syncBuffer{}, now: time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)}
	if err := st.InTx(ctx, func(tx *store.Tx) error {
		c, err := account.Create(ctx, tx, f.now, account.CreateParams{Name: "authz"})
		if err != nil {
			return err
		}
		f.account = c.Account.ID
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	f.authz = &Authorizer{
		Store: st, Mode: mode,
		Log: slog.New(slog.NewJSONHandler(f.log, &slog.HandlerOptions{Level: slog.LevelDebug})),
	}
	return f
}

// user creates a RAM user with custom policies (name → document) and system
// policies attached. A document is stored as given, unchecked.
func (f *authFixture) user(t *testing.T, name string, custom map[string]string, system ...string) auth.Caller {
	t.Helper()
	ctx := context.Background()
	err := f.st.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.RAMUserInsert(ctx, &store.RAMUser{AccountID: f.account, UserName: name, UserID: newUserID(), DisplayName: name, CreateDate: f.now, UpdateDate: f.now}); err != nil {
			return err
		}
		for pname, doc := range custom {
			pname = name + "-" + pname
			if err := tx.RAMPolicyInsert(ctx, &store.RAMPolicy{AccountID: f.account, PolicyName: pname, Document: doc, CreateDate: f.now, UpdateDate: f.now}); err != nil {
				return err
			}
			if err := tx.RAMUserPolicyAttach(ctx, f.account, name, Custom, pname, f.now); err != nil {
				return err
			}
		}
		for _, pname := range system {
			if err := tx.RAMUserPolicyAttach(ctx, f.account, name, System, pname, f.now); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return auth.Caller{AccountID: f.account, AccessKeyID: "LTAI" + name, UserName: name}
}

var (
	ecsProduct = &rpc.Product{Name: "Ecs", Version: "2014-05-26", Denied: apierr.ForbiddenRAM}
	stopAction = &rpc.Action{Name: "StopInstance", RAM: "ecs:StopInstance", Resources: func(_ context.Context, r rpc.ResourceRequest) ([]string, error) {
		return []string{"acs:ecs:" + r.Params["RegionId"] + ":" + r.Caller.AccountID + ":instance/" + r.Params["InstanceId"]}, nil
	}}
	regionsAction = &rpc.Action{Name: "DescribeRegions", RAM: "ecs:DescribeRegions"}
)

// authorization is a request for the action from 127.0.0.1 over HTTP.
func (f *authFixture) authorization(c auth.Caller, p *rpc.Product, a *rpc.Action, params map[string]string) rpc.Authorization {
	return rpc.Authorization{
		Caller: c, Product: p, Action: a, Now: f.now, Store: f.st,
		Request: &rpc.Request{Method: "POST", Header: http.Header{"User-Agent": {"test-agent"}}, Params: params, RemoteIP: "127.0.0.1"},
	}
}

// wantDenied checks a denial and its AccessDeniedDetail.
func wantDenied(t *testing.T, what string, err error, def *apierr.Def, action, noPermission, account, user string) {
	t.Helper()
	if !def.Is(err) {
		t.Fatalf("%s: %v, want %s", what, err, def.Code)
	}
	d := apierr.As(err).Detail
	want := map[string]any{
		"AuthAction": action, "NoPermissionType": noPermission, "AuthPrincipalOwnerId": account,
		"AuthPrincipalDisplayName": user, "AuthPrincipalType": "SubUser", "PolicyType": "AccountLevelIdentityBasedPolicy",
	}
	for k, v := range want {
		if d[k] != v {
			t.Errorf("%s: Detail[%s] = %v, want %v (%v)", what, k, d[k], v, d)
		}
	}
}

func doc(effect, action, resource, condition string) string {
	cond := ""
	if condition != "" {
		cond = `,"Condition":` + condition
	}
	return fmt.Sprintf(`{"Version":"1","Statement":[{"Effect":%q,"Action":%q,"Resource":%q%s}]}`, effect, action, resource, cond)
}

func TestRAMAuthorizer(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, open storetest.Opener) {
		f := newAuthFixture(t, open, ModeEnforce)
		ctx := context.Background()
		stopOn := func(id string) map[string]string {
			return map[string]string{"RegionId": "cn-hangzhou", "InstanceId": id}
		}
		arnOf := func(id string) string { return "acs:ecs:cn-hangzhou:" + f.account + ":instance/" + id }

		none := f.user(t, "none", nil)
		err := f.authz.Authorize(ctx, f.authorization(none, ecsProduct, regionsAction, nil))
		wantDenied(t, "no policy", err, apierr.ForbiddenRAM, "ecs:DescribeRegions", "ImplicitDeny", f.account, "none")
		// RAM's own product denies with NoPermission.
		ramProduct := NewProduct()
		listUsers := &ramProduct.Actions[slices.IndexFunc(ramProduct.Actions, func(a rpc.Action) bool { return a.Name == "ListUsers" })]
		err = f.authz.Authorize(ctx, f.authorization(none, ramProduct, listUsers, nil))
		wantDenied(t, "no policy, RAM action", err, apierr.NoPermission, "ram:ListUsers", "ImplicitDeny", f.account, "none")
		// A product without a Denied error gets Forbidden.RAM.
		err = f.authz.Authorize(ctx, f.authorization(none, &rpc.Product{Name: "X"}, regionsAction, nil))
		wantDenied(t, "no Denied", err, apierr.ForbiddenRAM, "ecs:DescribeRegions", "ImplicitDeny", f.account, "none")

		// Resource-level permission: one instance only.
		one := f.user(t, "one", map[string]string{"p": doc("Allow", "ecs:StopInstance", arnOf("i-bp1aaaaaaaaaaaaaaaaaa"), "")})
		if err := f.authz.Authorize(ctx, f.authorization(one, ecsProduct, stopAction, stopOn("i-bp1aaaaaaaaaaaaaaaaaa"))); err != nil {
			t.Errorf("allowed instance: %v", err)
		}
		err = f.authz.Authorize(ctx, f.authorization(one, ecsProduct, stopAction, stopOn("i-bp1bbbbbbbbbbbbbbbbbb")))
		wantDenied(t, "other instance", err, apierr.ForbiddenRAM, "ecs:StopInstance", "ImplicitDeny", f.account, "one")
		other := stopOn("i-bp1aaaaaaaaaaaaaaaaaa")
		other["RegionId"] = "cn-beijing"
		err = f.authz.Authorize(ctx, f.authorization(one, ecsProduct, stopAction, other))
		wantDenied(t, "other region", err, apierr.ForbiddenRAM, "ecs:StopInstance", "ImplicitDeny", f.account, "one")

		// Deny beats Allow, across policies.
		denied := f.user(t, "denied", map[string]string{"deny": doc("Deny", "ecs:Stop*", "*", "")}, "AdministratorAccess")
		if err := f.authz.Authorize(ctx, f.authorization(denied, ecsProduct, regionsAction, nil)); err != nil {
			t.Errorf("AdministratorAccess: %v", err)
		}
		err = f.authz.Authorize(ctx, f.authorization(denied, ecsProduct, stopAction, stopOn("i-bp1aaaaaaaaaaaaaaaaaa")))
		wantDenied(t, "explicit deny", err, apierr.ForbiddenRAM, "ecs:StopInstance", "ExplicitDeny", f.account, "denied")

		// Condition keys come from the request.
		ip := f.user(t, "ip", map[string]string{"p": doc("Allow", "ecs:DescribeRegions", "*", `{"IpAddress":{"acs:SourceIp":"127.0.0.0/8"}}`)})
		if err := f.authz.Authorize(ctx, f.authorization(ip, ecsProduct, regionsAction, nil)); err != nil {
			t.Errorf("acs:SourceIp 127.0.0.1 in 127.0.0.0/8: %v", err)
		}
		q := f.authorization(ip, ecsProduct, regionsAction, nil)
		q.Request.RemoteIP = "10.1.2.3"
		wantDenied(t, "acs:SourceIp 10.1.2.3", f.authz.Authorize(ctx, q), apierr.ForbiddenRAM, "ecs:DescribeRegions", "ImplicitDeny", f.account, "ip")

		tm := f.user(t, "time", map[string]string{"p": doc("Allow", "ecs:DescribeRegions", "*", `{"DateLessThan":{"acs:CurrentTime":"2030-01-01T12:00:00Z"}}`)})
		if err := f.authz.Authorize(ctx, f.authorization(tm, ecsProduct, regionsAction, nil)); err != nil {
			t.Errorf("acs:CurrentTime before: %v", err)
		}
		q = f.authorization(tm, ecsProduct, regionsAction, nil)
		q.Now = f.now.Add(13 * time.Hour)
		wantDenied(t, "acs:CurrentTime after", f.authz.Authorize(ctx, q), apierr.ForbiddenRAM, "ecs:DescribeRegions", "ImplicitDeny", f.account, "time")

		tls := f.user(t, "tls", map[string]string{"p": doc("Allow", "ecs:DescribeRegions", "*", `{"Bool":{"acs:SecureTransport":"true"}}`)})
		wantDenied(t, "acs:SecureTransport over HTTP", f.authz.Authorize(ctx, f.authorization(tls, ecsProduct, regionsAction, nil)), apierr.ForbiddenRAM, "ecs:DescribeRegions", "ImplicitDeny", f.account, "tls")
		q = f.authorization(tls, ecsProduct, regionsAction, nil)
		q.Request.Secure = true
		if err := f.authz.Authorize(ctx, q); err != nil {
			t.Errorf("acs:SecureTransport over HTTPS: %v", err)
		}

		// A stored document that no longer parses grants nothing, and is
		// logged; the user's other policies still count.
		broken := f.user(t, "broken", map[string]string{
			"bad":  `{"Version":"1","Statement":[{"Effect":"Allow","Action":"ecs:*"`,
			"good": doc("Allow", "ecs:StopInstance", "*", ""),
		})
		wantDenied(t, "broken document", f.authz.Authorize(ctx, f.authorization(broken, ecsProduct, regionsAction, nil)), apierr.ForbiddenRAM, "ecs:DescribeRegions", "ImplicitDeny", f.account, "broken")
		if err := f.authz.Authorize(ctx, f.authorization(broken, ecsProduct, stopAction, stopOn("i-bp1aaaaaaaaaaaaaaaaaa"))); err != nil {
			t.Errorf("the good policy beside a broken one: %v", err)
		}
		var sawBroken bool
		for _, r := range f.log.records(t) {
			if r["msg"] == "stored policy does not parse" && r["policy"] == "broken-bad" && r["level"] == "ERROR" {
				sawBroken = true
			}
		}
		if !sawBroken {
			t.Error("the broken stored policy was not logged")
		}

		// Every decision is logged, with action, decision and reason.
		var allowLine, denyLine map[string]any
		for _, r := range f.log.records(t) {
			switch {
			case r["user"] == "one" && r["decision"] == "Allow":
				allowLine = r
			case r["user"] == "denied" && r["decision"] == "ExplicitDeny":
				denyLine = r
			}
		}
		if allowLine == nil || allowLine["level"] != "DEBUG" || allowLine["action"] != "ecs:StopInstance" || !strings.Contains(fmt.Sprint(allowLine["reason"]), "one-p") {
			t.Errorf("allow log line: %v", allowLine)
		}
		if denyLine == nil || denyLine["level"] != "INFO" || denyLine["action"] != "ecs:StopInstance" || !strings.Contains(fmt.Sprint(denyLine["reason"]), "denied-deny") {
			t.Errorf("deny log line: %v", denyLine)
		}
		if fmt.Sprint(denyLine["account"]) != f.account || !strings.Contains(fmt.Sprint(denyLine["resources"]), "instance/i-bp1aaaaaaaaaaaaaaaaaa") {
			t.Errorf("deny log line lacks account or resources: %v", denyLine)
		}

		// Revocation is immediate: nothing is cached but parsed documents.
		if err := f.st.RAMUserPolicyDetach(ctx, f.account, "one", Custom, "one-p"); err != nil {
			t.Fatal(err)
		}
		wantDenied(t, "after detach", f.authz.Authorize(ctx, f.authorization(one, ecsProduct, stopAction, stopOn("i-bp1aaaaaaaaaaaaaaaaaa"))), apierr.ForbiddenRAM, "ecs:StopInstance", "ImplicitDeny", f.account, "one")
		// A new default version is used at once.
		if _, err := f.st.RAMPolicyVersionInsert(ctx, f.account, "ip-p", doc("Deny", "ecs:DescribeRegions", "*", ""), true, f.now); err != nil {
			t.Fatal(err)
		}
		wantDenied(t, "after a new default version", f.authz.Authorize(ctx, f.authorization(ip, ecsProduct, regionsAction, nil)), apierr.ForbiddenRAM, "ecs:DescribeRegions", "ExplicitDeny", f.account, "ip")

		// Permit: main accounts always; users by their policies, for any
		// action and resources; a denial is false without an error.
		main := auth.Caller{AccountID: f.account, AccessKeyID: "LTAImain"}
		if ok, err := f.authz.Permit(ctx, f.authorization(main, ecsProduct, regionsAction, nil), "bss:PayOrder"); !ok || err != nil {
			t.Errorf("Permit(main) = %v, %v", ok, err)
		}
		if ok, err := f.authz.Permit(ctx, f.authorization(denied, ecsProduct, regionsAction, nil), "bss:PayOrder"); !ok || err != nil {
			t.Errorf("Permit(AdministratorAccess, bss:PayOrder) = %v, %v", ok, err)
		}
		if ok, err := f.authz.Permit(ctx, f.authorization(denied, ecsProduct, regionsAction, nil), "ecs:StopInstance", arnOf("i-x")); ok || err != nil {
			t.Errorf("Permit(explicit deny) = %v, %v", ok, err)
		}
		if ok, err := f.authz.Permit(ctx, f.authorization(none, ecsProduct, regionsAction, nil), "bss:PayOrder"); ok || err != nil {
			t.Errorf("Permit(no policy) = %v, %v", ok, err)
		}
	})
}

func TestRAMAuthorizerLogMode(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, open storetest.Opener) {
		f := newAuthFixture(t, open, ModeLog)
		ctx := context.Background()
		none := f.user(t, "none", nil)
		if err := f.authz.Authorize(ctx, f.authorization(none, ecsProduct, regionsAction, nil)); err != nil {
			t.Errorf("log mode denied: %v", err)
		}
		denied := f.user(t, "denied", map[string]string{"deny": doc("Deny", "ecs:*", "*", "")}, "AdministratorAccess")
		if err := f.authz.Authorize(ctx, f.authorization(denied, ecsProduct, regionsAction, nil)); err != nil {
			t.Errorf("log mode denied an explicit deny: %v", err)
		}
		if ok, err := f.authz.Permit(ctx, f.authorization(none, ecsProduct, regionsAction, nil), "bss:PayOrder"); !ok || err != nil {
			t.Errorf("log mode Permit = %v, %v", ok, err)
		}
		want := map[string]string{"none/ecs:DescribeRegions": "ImplicitDeny", "denied/ecs:DescribeRegions": "ExplicitDeny", "none/bss:PayOrder": "ImplicitDeny"}
		for _, r := range f.log.records(t) {
			k := fmt.Sprint(r["user"], "/", r["action"])
			if w, ok := want[k]; ok && r["decision"] == w && r["level"] == "WARN" && r["reason"] != "" {
				delete(want, k)
			}
		}
		if len(want) > 0 {
			t.Errorf("log mode did not log at WARN: %v", want)
		}
	})
}

// TestRAMAuthorizerParseCache checks that the parsed-document cache serves
// concurrent callers and is bounded.
func TestRAMAuthorizerParseCache(t *testing.T) {
	t.Parallel()
	a := &Authorizer{Log: slog.New(slog.DiscardHandler)}
	d := doc("Allow", "ecs:*", "*", "")
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for range 100 {
				if _, err := a.parse(d); err != nil {
					t.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
	p1, _ := a.parse(d)
	p2, _ := a.parse(d)
	if p1 != p2 {
		t.Error("the same document parsed twice")
	}
	if _, err := a.parse(`{"Version":"1"}`); err == nil {
		t.Error("a malformed document parsed")
	}
	for i := range 10050 {
		if _, err := a.parse(doc("Allow", fmt.Sprintf("ecs:A%d", i), "*", "")); err != nil {
			t.Fatal(err)
		}
	}
	a.mu.Lock()
	n := len(a.parsed)
	a.mu.Unlock()
	if n > 10001 {
		t.Errorf("the cache holds %d documents", n)
	}
}
