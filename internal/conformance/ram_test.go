package conformance

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aliyun/alibaba-cloud-sdk-go/sdk"
	"github.com/aliyun/alibaba-cloud-sdk-go/sdk/auth/credentials"
	sdkerrors "github.com/aliyun/alibaba-cloud-sdk-go/sdk/errors"
	"github.com/aliyun/alibaba-cloud-sdk-go/sdk/requests"
	"github.com/aliyun/alibaba-cloud-sdk-go/services/ecs"
	ramsdk "github.com/aliyun/alibaba-cloud-sdk-go/services/ram"

	"github.com/ecsd/ecsd/internal/ecsdtest"
	"github.com/ecsd/ecsd/internal/server"
	"github.com/ecsd/ecsd/internal/store/storetest"
)

// The RAM tests' helpers are named ram… so that they do not collide with
// other files' helpers.

var (
	ramDatePattern   = regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$`)
	ramUserIDPattern = regexp.MustCompile(`^\d{16}$`)
)

// ramSystemPolicies are the system policies ecsd must know.
var ramSystemPolicies = []string{
	"AdministratorAccess", "AliyunECSFullAccess", "AliyunECSReadOnlyAccess",
	"AliyunBSSFullAccess", "AliyunBSSReadOnlyAccess", "AliyunRAMFullAccess",
}

// ramClient returns a Go SDK v1 RAM client for the keys, pointed at endpoint
// (host:port) over HTTP, as ecsdtest.SDKv1 does for ECS.
func ramClient(t *testing.T, endpoint, keyID, secret string) *ramsdk.Client {
	t.Helper()
	cfg := sdk.NewConfig().WithScheme("HTTP").WithTimeout(30 * time.Second)
	c, err := ramsdk.NewClientWithOptions("cn-hangzhou", cfg, credentials.NewAccessKeyCredential(keyID, secret))
	if err != nil {
		t.Fatal(err)
	}
	c.Domain = endpoint
	return c
}

// ramECSClient is ecsdtest.SDKv1 for another endpoint (a second server).
func ramECSClient(t *testing.T, endpoint, keyID, secret string) *ecs.Client {
	t.Helper()
	cfg := sdk.NewConfig().WithScheme("HTTP").WithTimeout(30 * time.Second)
	c, err := ecs.NewClientWithOptions("cn-hangzhou", cfg, credentials.NewAccessKeyCredential(keyID, secret))
	if err != nil {
		t.Fatal(err)
	}
	c.Domain = endpoint
	return c
}

// ramErr checks that err is a Go SDK v1 server error with the status and
// code, and returns it.
func ramErr(t *testing.T, what string, err error, status int, code string) *sdkerrors.ServerError {
	t.Helper()
	if err == nil {
		t.Fatalf("%s: no error, want HTTP %d %s", what, status, code)
	}
	var se *sdkerrors.ServerError
	if !errors.As(err, &se) {
		t.Fatalf("%s: error %T %v, want *errors.ServerError %s", what, err, err, code)
	}
	if se.HttpStatus() != status || se.ErrorCode() != code {
		t.Errorf("%s: HTTP %d %q, want %d %q: %s", what, se.HttpStatus(), se.ErrorCode(), status, code, se.Message())
	}
	if se.Message() == "" || se.RequestId() == "" {
		t.Errorf("%s: Message %q RequestId %q", what, se.Message(), se.RequestId())
	}
	return se
}

// ramOK fails the test on an error.
func ramOK(t *testing.T, what string, err error) {
	t.Helper()
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

// ramDetail checks a denial's AccessDeniedDetail as Go SDK v1 parses it.
func ramDetail(t *testing.T, what string, se *sdkerrors.ServerError, action, noPermission, accountID string) {
	t.Helper()
	d := se.AccessDeniedDetail()
	if d == nil {
		t.Fatalf("%s: no AccessDeniedDetail in %s", what, se.Error())
	}
	want := map[string]string{
		"AuthAction":           action,
		"NoPermissionType":     noPermission,
		"AuthPrincipalOwnerId": accountID,
		"AuthPrincipalType":    "SubUser",
		"PolicyType":           "AccountLevelIdentityBasedPolicy",
	}
	for k, v := range want {
		if got, _ := d[k].(string); got != v {
			t.Errorf("%s: AccessDeniedDetail.%s = %v, want %q (%v)", what, k, d[k], v, d)
		}
	}
	if s, _ := d["AuthPrincipalDisplayName"].(string); s == "" {
		t.Errorf("%s: AccessDeniedDetail.AuthPrincipalDisplayName is empty (%v)", what, d)
	}
}

// ramActor is a main account (or a RAM user) with its ECS and RAM clients.
type ramActor struct {
	s         *ecsdtest.Server
	accountID string
	keyID     string
	secret    string
	ecs       *ecs.Client
	ram       *ramsdk.Client
}

// fresh returns the actor with clients of its own: a Go SDK v1 client is
// not safe for concurrent use (its timeout fields are written on every
// call), so parallel subtests must not share one.
func (a *ramActor) fresh(t *testing.T) *ramActor {
	t.Helper()
	return ramNewActor(t, a.s, a.accountID, a.keyID, a.secret)
}

func ramNewActor(t *testing.T, s *ecsdtest.Server, accountID, keyID, secret string) *ramActor {
	t.Helper()
	ramSecrets.add(secret)
	return &ramActor{
		s: s, accountID: accountID, keyID: keyID, secret: secret,
		ecs: s.SDKv1(t, keyID, secret), ram: ramClient(t, s.Endpoint, keyID, secret),
	}
}

// ramMainAccount creates a main account with money for PostPaid instances.
func ramMainAccount(t *testing.T, s *ecsdtest.Server, name string) *ramActor {
	t.Helper()
	a := s.NewAccount(t, name, "1000.00")
	return ramNewActor(t, s, a.AccountId, a.AccessKeyId, a.AccessKeySecret)
}

func (a *ramActor) createUser(t *testing.T, name string) ramsdk.User {
	t.Helper()
	r := ramsdk.CreateCreateUserRequest()
	r.UserName = name
	resp, err := a.ram.CreateUser(r)
	ramOK(t, "CreateUser "+name, err)
	return resp.User
}

func (a *ramActor) createKey(t *testing.T, user string) ramsdk.AccessKey {
	t.Helper()
	r := ramsdk.CreateCreateAccessKeyRequest()
	r.UserName = user
	resp, err := a.ram.CreateAccessKey(r)
	ramOK(t, "CreateAccessKey "+user, err)
	ramSecrets.add(resp.AccessKey.AccessKeySecret)
	return resp.AccessKey
}

// user creates a RAM user with one AccessKey and the policies
// ("System:Name" or a custom policy's name) attached, and returns it.
func (a *ramActor) user(t *testing.T, name string, policies ...string) *ramActor {
	t.Helper()
	a.createUser(t, name)
	k := a.createKey(t, name)
	for _, p := range policies {
		typ, pname := "Custom", p
		if rest, ok := strings.CutPrefix(p, "System:"); ok {
			typ, pname = "System", rest
		}
		a.attach(t, name, typ, pname)
	}
	return ramNewActor(t, a.s, a.accountID, k.AccessKeyId, k.AccessKeySecret)
}

func (a *ramActor) createPolicy(t *testing.T, name, doc string) ramsdk.Policy {
	t.Helper()
	resp, err := a.tryCreatePolicy(name, doc)
	ramOK(t, "CreatePolicy "+name, err)
	return resp.Policy
}

func (a *ramActor) tryCreatePolicy(name, doc string) (*ramsdk.CreatePolicyResponse, error) {
	r := ramsdk.CreateCreatePolicyRequest()
	r.PolicyName = name
	r.PolicyDocument = doc
	r.Description = "policy " + name
	return a.ram.CreatePolicy(r)
}

func (a *ramActor) tryAttach(user, typ, name string) error {
	r := ramsdk.CreateAttachPolicyToUserRequest()
	r.UserName, r.PolicyType, r.PolicyName = user, typ, name
	_, err := a.ram.AttachPolicyToUser(r)
	return err
}

func (a *ramActor) attach(t *testing.T, user, typ, name string) {
	t.Helper()
	ramOK(t, "AttachPolicyToUser "+user+" "+typ+"/"+name, a.tryAttach(user, typ, name))
}

func (a *ramActor) tryDetach(user, typ, name string) error {
	r := ramsdk.CreateDetachPolicyFromUserRequest()
	r.UserName, r.PolicyType, r.PolicyName = user, typ, name
	_, err := a.ram.DetachPolicyFromUser(r)
	return err
}

func (a *ramActor) getPolicy(t *testing.T, typ, name string) *ramsdk.GetPolicyResponse {
	t.Helper()
	r := ramsdk.CreateGetPolicyRequest()
	r.PolicyType, r.PolicyName = typ, name
	resp, err := a.ram.GetPolicy(r)
	ramOK(t, "GetPolicy "+typ+"/"+name, err)
	return resp
}

func (a *ramActor) policiesOf(t *testing.T, user string) []ramsdk.Policy {
	t.Helper()
	r := ramsdk.CreateListPoliciesForUserRequest()
	r.UserName = user
	resp, err := a.ram.ListPoliciesForUser(r)
	ramOK(t, "ListPoliciesForUser "+user, err)
	return resp.Policies.Policy
}

func (a *ramActor) keysOf(t *testing.T, user string) []ramsdk.AccessKey {
	t.Helper()
	r := ramsdk.CreateListAccessKeysRequest()
	r.UserName = user
	resp, err := a.ram.ListAccessKeys(r)
	ramOK(t, "ListAccessKeys "+user, err)
	return resp.AccessKeys.AccessKey
}

func (a *ramActor) updateKey(user, id, status string) error {
	r := ramsdk.CreateUpdateAccessKeyRequest()
	r.UserName, r.UserAccessKeyId, r.Status = user, id, status
	_, err := a.ram.UpdateAccessKey(r)
	return err
}

func (a *ramActor) deleteKey(user, id string) error {
	r := ramsdk.CreateDeleteAccessKeyRequest()
	r.UserName, r.UserAccessKeyId = user, id
	_, err := a.ram.DeleteAccessKey(r)
	return err
}

func (a *ramActor) deleteUser(name string) error {
	r := ramsdk.CreateDeleteUserRequest()
	r.UserName = name
	_, err := a.ram.DeleteUser(r)
	return err
}

func (a *ramActor) deletePolicy(name string) error {
	r := ramsdk.CreateDeletePolicyRequest()
	r.PolicyName = name
	_, err := a.ram.DeletePolicy(r)
	return err
}

func (a *ramActor) getUser(name string) (*ramsdk.GetUserResponse, error) {
	r := ramsdk.CreateGetUserRequest()
	r.UserName = name
	return a.ram.GetUser(r)
}

// regions calls ECS DescribeRegions.
func (a *ramActor) regions() (*ecs.DescribeRegionsResponse, error) {
	return ramRegions(a.ecs)
}

func ramRegions(c *ecs.Client) (*ecs.DescribeRegionsResponse, error) {
	r := ecs.CreateDescribeRegionsRequest()
	r.RegionId = "cn-hangzhou"
	return c.DescribeRegions(r)
}

func (a *ramActor) stop(id string) error {
	r := ecs.CreateStopInstanceRequest()
	r.RegionId = "cn-hangzhou"
	r.InstanceId = id
	_, err := a.ecs.StopInstance(r)
	return err
}

func (a *ramActor) start(id string) error {
	r := ecs.CreateStartInstanceRequest()
	r.RegionId = "cn-hangzhou"
	r.InstanceId = id
	_, err := a.ecs.StartInstance(r)
	return err
}

// describeInstances lists the account's instances in cn-hangzhou.
func (a *ramActor) describeInstances(ids ...string) (map[string]ecs.Instance, error) {
	r := ecs.CreateDescribeInstancesRequest()
	r.RegionId = "cn-hangzhou"
	r.PageSize = requests.NewInteger(100)
	if len(ids) > 0 {
		raw, _ := json.Marshal(ids)
		r.InstanceIds = string(raw)
	}
	resp, err := a.ecs.DescribeInstances(r)
	if err != nil {
		return nil, err
	}
	out := map[string]ecs.Instance{}
	for _, i := range resp.Instances.Instance {
		out[i.InstanceId] = i
	}
	return out, nil
}

// runInstance creates one PostPaid instance and returns its id.
func (a *ramActor) runInstance(t *testing.T) string {
	t.Helper()
	r := ecs.CreateRunInstancesRequest()
	r.RegionId = "cn-hangzhou"
	r.ImageId = "aliyun_3_x64_20G_alibase_20240528.vhd"
	r.InstanceType = "ecs.g6.large"
	r.InstanceChargeType = "PostPaid"
	resp, err := a.ecs.RunInstances(r)
	ramOK(t, "RunInstances", err)
	if len(resp.InstanceIdSets.InstanceIdSet) != 1 {
		t.Fatalf("RunInstances: ids %v", resp.InstanceIdSets.InstanceIdSet)
	}
	return resp.InstanceIdSets.InstanceIdSet[0]
}

// waitStatus polls DescribeInstances until the instances have the status.
func (a *ramActor) waitStatus(t *testing.T, status string, ids ...string) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for {
		got, err := a.describeInstances(ids...)
		ramOK(t, "DescribeInstances", err)
		var wrong []string
		for _, id := range ids {
			if got[id].Status != status {
				wrong = append(wrong, id+"="+got[id].Status)
			}
		}
		if len(wrong) == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("after 15s, want %s: %v", status, wrong)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// ramAllow is a policy document allowing actions on resources.
func ramAllow(actions []string, resources ...string) string {
	return ramDoc("Allow", actions, resources, "")
}

// ramDoc is a one-statement policy document; condition is a JSON object
// or "".
func ramDoc(effect string, actions, resources []string, condition string) string {
	a, _ := json.Marshal(actions)
	r, _ := json.Marshal(resources)
	cond := ""
	if condition != "" {
		cond = `,"Condition":` + condition
	}
	return fmt.Sprintf(`{"Version":"1","Statement":[{"Effect":%q,"Action":%s,"Resource":%s%s}]}`, effect, a, r, cond)
}

// ramInstanceARN is the ARN of an instance in cn-hangzhou.
func ramInstanceARN(account, id string) string {
	return "acs:ecs:cn-hangzhou:" + account + ":instance/" + id
}

// ramLog is a goroutine-safe buffer for a server's JSON log.
type ramLog struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *ramLog) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *ramLog) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// logger writes JSON lines at debug level into the buffer.
func (l *ramLog) logger() *slog.Logger {
	return slog.New(slog.NewJSONHandler(l, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

// records returns the log lines whose fields all match.
func (l *ramLog) records(t *testing.T, match map[string]string) []map[string]any {
	t.Helper()
	var out []map[string]any
	sc := bufio.NewScanner(strings.NewReader(l.String()))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		var rec map[string]any
		if err := json.Unmarshal(sc.Bytes(), &rec); err != nil {
			t.Fatalf("log line %q: %v", sc.Text(), err)
		}
		ok := true
		for k, v := range match {
			if s, _ := rec[k].(string); s != v {
				ok = false
				break
			}
		}
		if ok {
			out = append(out, rec)
		}
	}
	return out
}

// wantDecisionLogged checks that a line names the user's action, the
// decision and a reason.
func (l *ramLog) wantDecisionLogged(t *testing.T, user, action, decision, reasonPart string) {
	t.Helper()
	recs := l.records(t, map[string]string{"user": user, "action": action, "decision": decision})
	if len(recs) == 0 {
		t.Fatalf("no log line for user %s action %s decision %s in:\n%s", user, action, decision, l.String())
	}
	reason, _ := recs[0]["reason"].(string)
	if reason == "" || !strings.Contains(reason, reasonPart) {
		t.Errorf("log reason %q, want it to contain %q: %v", reason, reasonPart, recs[0])
	}
}

// wantNoSecrets checks that no secret appears in the log.
func (l *ramLog) wantNoSecrets(t *testing.T, secrets ...string) {
	t.Helper()
	text := l.String()
	if text == "" {
		t.Fatal("the log is empty")
	}
	for _, s := range secrets {
		if s != "" && strings.Contains(text, s) {
			t.Errorf("the log contains the AccessKeySecret %q", s)
		}
	}
	if strings.Contains(text, "AccessKeySecret") {
		t.Errorf("the log mentions an AccessKeySecret:\n%s", text)
	}
}

// TestRAM runs the RAM API and the enforcement of policies on one server
// per store, as parallel subtests.
func TestRAM(t *testing.T) {
	t.Parallel()
	logs := map[string]*ramLog{}
	var mu sync.Mutex
	ecsdtest.Each(t, ecsdtest.Options{Configure: func(c *server.Config) {
		// Each store's server gets its own log; the key is the DSN kind.
		l := &ramLog{}
		mu.Lock()
		logs[ramKind(c)] = l
		mu.Unlock()
		c.Log = l.logger()
	}}, func(t *testing.T, s *ecsdtest.Server) {
		mu.Lock()
		log := logs[ramKind2(t)]
		mu.Unlock()
		if log == nil {
			t.Fatal("no log buffer for the server")
		}
		main := ramMainAccount(t, s, "ram-main")
		instA := main.runInstance(t)
		instB := main.runInstance(t)
		main.waitStatus(t, "Running", instA, instB)

		// The API tests list an account's users and policies: each has an
		// account of its own. The group is not parallel so that the log
		// check below runs after all of its (parallel) subtests.
		t.Run("checks", func(t *testing.T) {
			t.Run("Users", func(t *testing.T) { t.Parallel(); ramTestUsers(t, ramMainAccount(t, s, "ram-users")) })
			t.Run("AccessKeys", func(t *testing.T) { t.Parallel(); ramTestAccessKeys(t, ramMainAccount(t, s, "ram-keys")) })
			t.Run("Policies", func(t *testing.T) { t.Parallel(); ramTestPolicies(t, ramMainAccount(t, s, "ram-policies")) })
			t.Run("Attachments", func(t *testing.T) { t.Parallel(); ramTestAttachments(t, ramMainAccount(t, s, "ram-attach")) })
			t.Run("NoPolicy", func(t *testing.T) { t.Parallel(); ramTestNoPolicy(t, main.fresh(t), log) })
			t.Run("ReadOnly", func(t *testing.T) { t.Parallel(); ramTestReadOnly(t, main.fresh(t), instA, instB) })
			t.Run("OneInstance", func(t *testing.T) { t.Parallel(); ramTestOneInstance(t, main.fresh(t), instA, instB) })
			t.Run("DenyBeatsAllow", func(t *testing.T) { t.Parallel(); ramTestDenyBeatsAllow(t, main.fresh(t), instB) })
			t.Run("SourceIp", func(t *testing.T) { t.Parallel(); ramTestSourceIP(t, main.fresh(t)) })
			t.Run("OtherAccount", func(t *testing.T) { t.Parallel(); ramTestOtherAccount(t, s, instA) })
			t.Run("MainAccount", func(t *testing.T) { t.Parallel(); ramTestMainAccount(t, s, main.fresh(t)) })
			t.Run("Revocation", func(t *testing.T) { t.Parallel(); ramTestRevocation(t, main.fresh(t)) })
		})
		// After every check above (t.Run of "checks" waits for its parallel
		// subtests): no secret handed out during them is in the log.
		log.wantNoSecrets(t, append(ramSecrets.all(), s.AccessKeySecret)...)
	})
}

// ramSecrets collects every AccessKeySecret the tests were handed, to look
// for them in logs.
var ramSecrets ramSecretList

type ramSecretList struct {
	mu sync.Mutex
	s  []string
}

func (l *ramSecretList) add(s string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.s = append(l.s, s)
}

func (l *ramSecretList) all() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return slices.Clone(l.s)
}

// ramKind names the store of a config, as ecsdtest.Start chose it.
func ramKind(c *server.Config) string {
	if c.DB != "" {
		return "postgres"
	}
	return "sqlite"
}

// ramKind2 is ramKind for the subtest of ecsdtest.Each.
func ramKind2(t *testing.T) string {
	if strings.HasSuffix(t.Name(), "postgres") {
		return "postgres"
	}
	return "sqlite"
}

func ramTestUsers(t *testing.T, main *ramActor) {
	// CreateUser returns the documented fields.
	r := ramsdk.CreateCreateUserRequest()
	r.UserName = "alice"
	r.DisplayName = "Alice A."
	r.Email = "alice@example.com"
	r.Comments = "first user"
	created, err := main.ram.CreateUser(r)
	ramOK(t, "CreateUser", err)
	u := created.User
	if u.UserName != "alice" || u.DisplayName != "Alice A." || u.Email != "alice@example.com" || u.Comments != "first user" {
		t.Errorf("CreateUser: %+v", u)
	}
	if !ramUserIDPattern.MatchString(u.UserId) || !ramDatePattern.MatchString(u.CreateDate) {
		t.Errorf("CreateUser: UserId %q CreateDate %q", u.UserId, u.CreateDate)
	}
	if created.RequestId == "" {
		t.Error("CreateUser: no RequestId")
	}

	// DisplayName defaults to the name.
	if bob := main.createUser(t, "bob.b_1-x@corp"); bob.DisplayName != "bob.b_1-x@corp" || bob.UserId == u.UserId {
		t.Errorf("CreateUser bob: %+v", bob)
	}

	got, err := main.getUser("alice")
	ramOK(t, "GetUser", err)
	if got.User.UserId != u.UserId || got.User.DisplayName != "Alice A." || got.User.CreateDate != u.CreateDate {
		t.Errorf("GetUser: %+v, want %+v", got.User, u)
	}

	// Errors of CreateUser and GetUser.
	for _, c := range []struct {
		name, code string
	}{
		{"has space", "InvalidParameter.UserName.InvalidChars"},
		{"slash/no", "InvalidParameter.UserName.InvalidChars"},
		{"ünicode", "InvalidParameter.UserName.InvalidChars"},
		{strings.Repeat("a", 65), "InvalidParameter.UserName.Length"},
	} {
		r := ramsdk.CreateCreateUserRequest()
		r.UserName = c.name
		_, err := main.ram.CreateUser(r)
		ramErr(t, "CreateUser "+c.name, err, 400, c.code)
	}
	main.createUser(t, strings.Repeat("a", 64))
	r = ramsdk.CreateCreateUserRequest()
	r.UserName = "alice"
	_, err = main.ram.CreateUser(r)
	se := ramErr(t, "CreateUser alice again", err, 409, "EntityAlreadyExists.User")
	if !strings.Contains(se.Message(), "EXIST") {
		t.Errorf("EntityAlreadyExists.User message %q", se.Message())
	}
	_, err = main.getUser("nobody")
	ramErr(t, "GetUser nobody", err, 404, "EntityNotExist.User")

	// UpdateUser renames a user that has a key and a policy: the key and the
	// attachment follow the user.
	k := main.createKey(t, "alice")
	main.attach(t, "alice", "System", "AliyunECSReadOnlyAccess")
	up := ramsdk.CreateUpdateUserRequest()
	up.UserName = "alice"
	up.NewUserName = "alice2"
	up.NewDisplayName = "Alice Two"
	upd, err := main.ram.UpdateUser(up)
	ramOK(t, "UpdateUser rename", err)
	if upd.User.UserName != "alice2" || upd.User.DisplayName != "Alice Two" || upd.User.UserId != u.UserId {
		t.Errorf("UpdateUser: %+v", upd.User)
	}
	_, err = main.getUser("alice")
	ramErr(t, "GetUser old name", err, 404, "EntityNotExist.User")
	if got, err := main.getUser("alice2"); err != nil || got.User.UserId != u.UserId || got.User.Email != "alice@example.com" {
		t.Errorf("GetUser new name: %+v %v", got, err)
	}
	if ks := main.keysOf(t, "alice2"); len(ks) != 1 || ks[0].AccessKeyId != k.AccessKeyId {
		t.Errorf("keys after rename: %+v", ks)
	}
	if ps := main.policiesOf(t, "alice2"); len(ps) != 1 || ps[0].PolicyName != "AliyunECSReadOnlyAccess" {
		t.Errorf("policies after rename: %+v", ps)
	}
	renamed := ramNewActor(t, main.s, main.accountID, k.AccessKeyId, k.AccessKeySecret)
	if _, err := renamed.regions(); err != nil {
		t.Errorf("the renamed user's key with its policy: %v", err)
	}
	up = ramsdk.CreateUpdateUserRequest()
	up.UserName = "alice2"
	up.NewUserName = "bob.b_1-x@corp"
	_, err = main.ram.UpdateUser(up)
	ramErr(t, "UpdateUser onto an existing name", err, 409, "EntityAlreadyExists.User")
	up = ramsdk.CreateUpdateUserRequest()
	up.UserName = "alice2"
	up.NewUserName = "bad name"
	_, err = main.ram.UpdateUser(up)
	ramErr(t, "UpdateUser bad name", err, 400, "InvalidParameter.UserName.InvalidChars")
	up = ramsdk.CreateUpdateUserRequest()
	up.UserName = "nobody"
	up.NewUserName = "nobody2"
	_, err = main.ram.UpdateUser(up)
	ramErr(t, "UpdateUser nobody", err, 404, "EntityNotExist.User")

	// ListUsers pages by MaxItems and Marker, in name order.
	for i := range 5 {
		main.createUser(t, fmt.Sprintf("page%d", i))
	}
	var all []string
	marker := ""
	pages := 0
	for {
		lr := ramsdk.CreateListUsersRequest()
		lr.MaxItems = requests.NewInteger(2)
		lr.Marker = marker
		resp, err := main.ram.ListUsers(lr)
		ramOK(t, "ListUsers", err)
		pages++
		if len(resp.Users.User) > 2 || len(resp.Users.User) == 0 {
			t.Fatalf("ListUsers page %d: %d users", pages, len(resp.Users.User))
		}
		for _, x := range resp.Users.User {
			all = append(all, x.UserName)
			if !ramUserIDPattern.MatchString(x.UserId) || !ramDatePattern.MatchString(x.CreateDate) {
				t.Errorf("ListUsers: %+v", x)
			}
		}
		if resp.IsTruncated != (resp.Marker != "") {
			t.Errorf("ListUsers: IsTruncated %v Marker %q", resp.IsTruncated, resp.Marker)
		}
		if !resp.IsTruncated {
			break
		}
		marker = resp.Marker
		if pages > 10 {
			t.Fatal("ListUsers does not end")
		}
	}
	want := []string{strings.Repeat("a", 64), "alice2", "bob.b_1-x@corp", "page0", "page1", "page2", "page3", "page4"}
	if !slices.Equal(all, want) || pages != 4 {
		t.Errorf("ListUsers in %d pages: %v, want %v", pages, all, want)
	}
	lr := ramsdk.CreateListUsersRequest()
	lr.MaxItems = requests.NewInteger(0)
	_, err = main.ram.ListUsers(lr)
	ramErr(t, "ListUsers MaxItems=0", err, 400, "InvalidParameter")

	// DeleteUser.
	ramOK(t, "DeleteUser page0", main.deleteUser("page0"))
	_, err = main.getUser("page0")
	ramErr(t, "GetUser deleted", err, 404, "EntityNotExist.User")
	ramErr(t, "DeleteUser again", main.deleteUser("page0"), 404, "EntityNotExist.User")
	ramErr(t, "DeleteUser with a key and a policy", main.deleteUser("alice2"), 409, "DeleteConflict.User.AccessKey")
}

func ramTestAccessKeys(t *testing.T, main *ramActor) {
	main.createUser(t, "keys")
	k1 := main.createKey(t, "keys")
	if k1.AccessKeyId == "" || len(k1.AccessKeySecret) < 20 || k1.Status != "Active" || !ramDatePattern.MatchString(k1.CreateDate) {
		t.Errorf("CreateAccessKey: %+v", k1)
	}
	k2 := main.createKey(t, "keys")
	if k2.AccessKeyId == k1.AccessKeyId || k2.AccessKeySecret == k1.AccessKeySecret {
		t.Errorf("two keys alike: %+v %+v", k1, k2)
	}
	r := ramsdk.CreateCreateAccessKeyRequest()
	r.UserName = "keys"
	_, err := main.ram.CreateAccessKey(r)
	ramErr(t, "CreateAccessKey 3rd", err, 409, "LimitExceeded.User.AccessKey")
	r = ramsdk.CreateCreateAccessKeyRequest()
	r.UserName = "nobody"
	_, err = main.ram.CreateAccessKey(r)
	ramErr(t, "CreateAccessKey nobody", err, 404, "EntityNotExist.User")

	// The secret is returned once: ListAccessKeys never shows it.
	ks := main.keysOf(t, "keys")
	if len(ks) != 2 {
		t.Fatalf("ListAccessKeys: %+v", ks)
	}
	ids := []string{ks[0].AccessKeyId, ks[1].AccessKeyId}
	if !slices.Contains(ids, k1.AccessKeyId) || !slices.Contains(ids, k2.AccessKeyId) {
		t.Errorf("ListAccessKeys: %v, want %s and %s", ids, k1.AccessKeyId, k2.AccessKeyId)
	}
	for _, k := range ks {
		if k.AccessKeySecret != "" || k.Status != "Active" || !ramDatePattern.MatchString(k.CreateDate) {
			t.Errorf("ListAccessKeys: %+v", k)
		}
	}

	// UpdateAccessKey Inactive, then back.
	ramOK(t, "UpdateAccessKey Inactive", main.updateKey("keys", k1.AccessKeyId, "Inactive"))
	for _, k := range main.keysOf(t, "keys") {
		want := "Active"
		if k.AccessKeyId == k1.AccessKeyId {
			want = "Inactive"
		}
		if k.Status != want {
			t.Errorf("after UpdateAccessKey: %s is %s, want %s", k.AccessKeyId, k.Status, want)
		}
	}
	ramErr(t, "UpdateAccessKey Status=Bad", main.updateKey("keys", k1.AccessKeyId, "Bad"), 400, "InvalidParameter.Status")
	ramErr(t, "UpdateAccessKey unknown key", main.updateKey("keys", "LTAInosuchkey000000000", "Active"), 404, "EntityNotExist.User.AccessKey")
	// Another user's key is not this user's.
	main.createUser(t, "keys-other")
	ramErr(t, "UpdateAccessKey of another user", main.updateKey("keys-other", k1.AccessKeyId, "Active"), 404, "EntityNotExist.User.AccessKey")
	ramErr(t, "DeleteAccessKey of another user", main.deleteKey("keys-other", k1.AccessKeyId), 404, "EntityNotExist.User.AccessKey")
	// The main account's own key is not a user's.
	ramErr(t, "DeleteAccessKey of the main account as a user's", main.deleteKey("keys", main.keyID), 404, "EntityNotExist.User.AccessKey")

	// DeleteAccessKey.
	ramErr(t, "DeleteUser with keys", main.deleteUser("keys"), 409, "DeleteConflict.User.AccessKey")
	ramOK(t, "DeleteAccessKey k1", main.deleteKey("keys", k1.AccessKeyId))
	ramErr(t, "DeleteAccessKey k1 again", main.deleteKey("keys", k1.AccessKeyId), 404, "EntityNotExist.User.AccessKey")
	if ks := main.keysOf(t, "keys"); len(ks) != 1 || ks[0].AccessKeyId != k2.AccessKeyId {
		t.Errorf("ListAccessKeys after delete: %+v", ks)
	}
	// A third key fits again.
	main.createKey(t, "keys")
	for _, k := range main.keysOf(t, "keys") {
		ramOK(t, "DeleteAccessKey", main.deleteKey("keys", k.AccessKeyId))
	}
	ramOK(t, "DeleteUser without keys", main.deleteUser("keys"))
}

func ramTestPolicies(t *testing.T, main *ramActor) {
	doc1 := ramAllow([]string{"ecs:DescribeRegions"}, "*")
	p := main.createPolicy(t, "pol-1", doc1)
	if p.PolicyName != "pol-1" || p.PolicyType != "Custom" || p.DefaultVersion != "v1" || p.Description != "policy pol-1" || !ramDatePattern.MatchString(p.CreateDate) {
		t.Errorf("CreatePolicy: %+v", p)
	}
	g := main.getPolicy(t, "Custom", "pol-1")
	if g.Policy.PolicyName != "pol-1" || g.Policy.DefaultVersion != "v1" || g.Policy.PolicyType != "Custom" {
		t.Errorf("GetPolicy: %+v", g.Policy)
	}
	if dv := g.DefaultPolicyVersion; dv.PolicyDocument != doc1 || dv.VersionId != "v1" || !dv.IsDefaultVersion {
		t.Errorf("GetPolicy DefaultPolicyVersion: %+v, want document %s", dv, doc1)
	}

	// System policies.
	admin := main.getPolicy(t, "System", "AdministratorAccess")
	if admin.Policy.PolicyType != "System" || !strings.Contains(admin.DefaultPolicyVersion.PolicyDocument, `"*"`) {
		t.Errorf("GetPolicy AdministratorAccess: %+v", admin)
	}
	ro := main.getPolicy(t, "System", "AliyunECSReadOnlyAccess")
	if !strings.Contains(ro.DefaultPolicyVersion.PolicyDocument, "ecs:Describe*") {
		t.Errorf("GetPolicy AliyunECSReadOnlyAccess: %s", ro.DefaultPolicyVersion.PolicyDocument)
	}
	lp := ramsdk.CreateListPoliciesRequest()
	lp.PolicyType = "System"
	lp.MaxItems = requests.NewInteger(1000)
	sys, err := main.ram.ListPolicies(lp)
	ramOK(t, "ListPolicies System", err)
	var sysNames []string
	for _, x := range sys.Policies.Policy {
		sysNames = append(sysNames, x.PolicyName)
		if x.PolicyType != "System" {
			t.Errorf("ListPolicies System: %+v", x)
		}
	}
	for _, n := range ramSystemPolicies {
		if !slices.Contains(sysNames, n) {
			t.Errorf("ListPolicies System lacks %s: %v", n, sysNames)
		}
	}
	lp = ramsdk.CreateListPoliciesRequest()
	lp.PolicyType = "Custom"
	custom, err := main.ram.ListPolicies(lp)
	ramOK(t, "ListPolicies Custom", err)
	if len(custom.Policies.Policy) == 0 {
		t.Error("ListPolicies Custom is empty")
	}
	for _, x := range custom.Policies.Policy {
		if x.PolicyType != "Custom" {
			t.Errorf("ListPolicies Custom: %+v", x)
		}
	}
	// Paging over every policy sees each once.
	seen := map[string]int{}
	marker := ""
	for range 100 {
		lp = ramsdk.CreateListPoliciesRequest()
		lp.MaxItems = requests.NewInteger(2)
		lp.Marker = marker
		page, err := main.ram.ListPolicies(lp)
		ramOK(t, "ListPolicies page", err)
		for _, x := range page.Policies.Policy {
			seen[x.PolicyType+"/"+x.PolicyName]++
		}
		if !page.IsTruncated {
			break
		}
		marker = page.Marker
	}
	for _, n := range ramSystemPolicies {
		if seen["System/"+n] != 1 {
			t.Errorf("paged ListPolicies saw System/%s %d times", n, seen["System/"+n])
		}
	}
	if seen["Custom/pol-1"] != 1 {
		t.Errorf("paged ListPolicies saw Custom/pol-1 %d times", seen["Custom/pol-1"])
	}
	lp = ramsdk.CreateListPoliciesRequest()
	lp.PolicyType = "Managed"
	_, err = main.ram.ListPolicies(lp)
	ramErr(t, "ListPolicies PolicyType=Managed", err, 400, "InvalidParameter.PolicyType")

	// Versions: SetAsDefault, SetDefaultPolicyVersion, the limit of 5.
	doc2 := ramAllow([]string{"ecs:DescribeRegions", "ecs:DescribeZones"}, "*")
	cv := ramsdk.CreateCreatePolicyVersionRequest()
	cv.PolicyName, cv.PolicyDocument, cv.SetAsDefault = "pol-1", doc2, requests.NewBoolean(true)
	v2, err := main.ram.CreatePolicyVersion(cv)
	ramOK(t, "CreatePolicyVersion v2", err)
	if v2.PolicyVersion.VersionId != "v2" || !v2.PolicyVersion.IsDefaultVersion || v2.PolicyVersion.PolicyDocument != doc2 {
		t.Errorf("CreatePolicyVersion: %+v", v2.PolicyVersion)
	}
	if g := main.getPolicy(t, "Custom", "pol-1"); g.Policy.DefaultVersion != "v2" || g.DefaultPolicyVersion.PolicyDocument != doc2 || g.DefaultPolicyVersion.VersionId != "v2" {
		t.Errorf("GetPolicy after SetAsDefault: %+v %+v", g.Policy, g.DefaultPolicyVersion)
	}
	doc3 := ramAllow([]string{"ecs:DescribeInstances"}, "*")
	cv = ramsdk.CreateCreatePolicyVersionRequest()
	cv.PolicyName, cv.PolicyDocument = "pol-1", doc3
	v3, err := main.ram.CreatePolicyVersion(cv)
	ramOK(t, "CreatePolicyVersion v3", err)
	if v3.PolicyVersion.VersionId != "v3" || v3.PolicyVersion.IsDefaultVersion {
		t.Errorf("CreatePolicyVersion v3: %+v", v3.PolicyVersion)
	}
	if g := main.getPolicy(t, "Custom", "pol-1"); g.Policy.DefaultVersion != "v2" {
		t.Errorf("a version without SetAsDefault became the default: %+v", g.Policy)
	}
	sd := ramsdk.CreateSetDefaultPolicyVersionRequest()
	sd.PolicyName, sd.VersionId = "pol-1", "v1"
	_, err = main.ram.SetDefaultPolicyVersion(sd)
	ramOK(t, "SetDefaultPolicyVersion v1", err)
	if g := main.getPolicy(t, "Custom", "pol-1"); g.Policy.DefaultVersion != "v1" || g.DefaultPolicyVersion.PolicyDocument != doc1 {
		t.Errorf("GetPolicy after SetDefaultPolicyVersion v1: %+v %+v", g.Policy, g.DefaultPolicyVersion)
	}
	sd = ramsdk.CreateSetDefaultPolicyVersionRequest()
	sd.PolicyName, sd.VersionId = "pol-1", "v9"
	_, err = main.ram.SetDefaultPolicyVersion(sd)
	ramErr(t, "SetDefaultPolicyVersion v9", err, 404, "EntityNotExist.Policy.Version")
	sd = ramsdk.CreateSetDefaultPolicyVersionRequest()
	sd.PolicyName, sd.VersionId = "no-such", "v1"
	_, err = main.ram.SetDefaultPolicyVersion(sd)
	ramErr(t, "SetDefaultPolicyVersion of no policy", err, 404, "EntityNotExist.Policy")
	for _, v := range []string{"v4", "v5"} {
		cv = ramsdk.CreateCreatePolicyVersionRequest()
		cv.PolicyName, cv.PolicyDocument = "pol-1", doc3
		resp, err := main.ram.CreatePolicyVersion(cv)
		ramOK(t, "CreatePolicyVersion "+v, err)
		if resp.PolicyVersion.VersionId != v {
			t.Errorf("CreatePolicyVersion: %s, want %s", resp.PolicyVersion.VersionId, v)
		}
	}
	cv = ramsdk.CreateCreatePolicyVersionRequest()
	cv.PolicyName, cv.PolicyDocument = "pol-1", doc3
	_, err = main.ram.CreatePolicyVersion(cv)
	ramErr(t, "CreatePolicyVersion 6th", err, 409, "LimitExceeded.Policy.Version")
	cv = ramsdk.CreateCreatePolicyVersionRequest()
	cv.PolicyName, cv.PolicyDocument = "no-such", doc3
	_, err = main.ram.CreatePolicyVersion(cv)
	ramErr(t, "CreatePolicyVersion of no policy", err, 404, "EntityNotExist.Policy")
	cv = ramsdk.CreateCreatePolicyVersionRequest()
	cv.PolicyName, cv.PolicyDocument = "pol-1", `{"Version":"1"}`
	_, err = main.ram.CreatePolicyVersion(cv)
	ramErr(t, "CreatePolicyVersion malformed", err, 400, "MalformedPolicyDocument")

	// Errors of CreatePolicy.
	for _, c := range []struct {
		name, doc, code string
		status          int
		message         string // part of the message
	}{
		{"bad_name", doc1, "InvalidParameter.PolicyName.InvalidChars", 400, ""},
		{"bad.name", doc1, "InvalidParameter.PolicyName.InvalidChars", 400, ""},
		{strings.Repeat("p", 129), doc1, "InvalidParameter.PolicyName.Length", 400, ""},
		{"malformed-json", `{"Version":"1",`, "MalformedPolicyDocument", 400, ""},
		{"malformed-effect", `{"Version":"1","Statement":[{"Effect":"Maybe","Action":"ecs:*","Resource":"*"}]}`, "MalformedPolicyDocument", 400, "Effect"},
		{"malformed-version", `{"Version":"2","Statement":[{"Effect":"Allow","Action":"ecs:*","Resource":"*"}]}`, "MalformedPolicyDocument", 400, "Version"},
		{"malformed-missing", `{"Version":"1","Statement":[{"Effect":"Allow","Resource":"*"}]}`, "MalformedPolicyDocument", 400, "Action"},
		{"malformed-operator", `{"Version":"1","Statement":[{"Effect":"Allow","Action":"ecs:*","Resource":"*","Condition":{"IpMaybe":{"acs:SourceIp":"1.2.3.4"}}}]}`, "MalformedPolicyDocument", 400, "IpMaybe"},
		{"too-long", `{"Version":"1","Statement":[{"Effect":"Allow","Action":"ecs:*","Resource":"` + strings.Repeat("x", 6200) + `"}]}`, "InvalidParameter.PolicyDocument.Length", 400, ""},
		{"pol-1", doc1, "EntityAlreadyExists.Policy", 409, ""},
		{"AdministratorAccess", doc1, "EntityAlreadyExists.Policy", 409, ""},
	} {
		_, err := main.tryCreatePolicy(c.name, c.doc)
		se := ramErr(t, "CreatePolicy "+c.name, err, c.status, c.code)
		if c.message != "" && !strings.Contains(se.Message(), c.message) {
			t.Errorf("CreatePolicy %s: message %q does not name %q", c.name, se.Message(), c.message)
		}
	}
	main.createPolicy(t, strings.Repeat("p", 128), doc1)

	// Errors of GetPolicy.
	r := ramsdk.CreateGetPolicyRequest()
	r.PolicyType, r.PolicyName = "Bogus", "pol-1"
	_, err = main.ram.GetPolicy(r)
	ramErr(t, "GetPolicy PolicyType=Bogus", err, 400, "InvalidParameter.PolicyType")
	r = ramsdk.CreateGetPolicyRequest()
	r.PolicyType, r.PolicyName = "Custom", "no-such"
	_, err = main.ram.GetPolicy(r)
	ramErr(t, "GetPolicy no-such", err, 404, "EntityNotExist.Policy")
	r = ramsdk.CreateGetPolicyRequest()
	r.PolicyType, r.PolicyName = "System", "NoSuchSystemPolicy"
	_, err = main.ram.GetPolicy(r)
	ramErr(t, "GetPolicy System no-such", err, 404, "EntityNotExist.Policy")
	r = ramsdk.CreateGetPolicyRequest()
	r.PolicyType, r.PolicyName = "System", "pol-1"
	_, err = main.ram.GetPolicy(r)
	ramErr(t, "GetPolicy custom as System", err, 404, "EntityNotExist.Policy")

	// Policy versions: listed oldest first with the default marked, read
	// one by one, deleted one by one but never the default; a policy with
	// versions besides its default cannot be deleted.
	lv := ramsdk.CreateListPolicyVersionsRequest()
	lv.PolicyType, lv.PolicyName = "Custom", "pol-1"
	versions, err := main.ram.ListPolicyVersions(lv)
	ramOK(t, "ListPolicyVersions", err)
	var ids []string
	def := ""
	for _, v := range versions.PolicyVersions.PolicyVersion {
		ids = append(ids, v.VersionId)
		if v.IsDefaultVersion {
			if def != "" {
				t.Errorf("two default versions: %s and %s", def, v.VersionId)
			}
			def = v.VersionId
		}
		if v.PolicyDocument == "" || !ramDatePattern.MatchString(v.CreateDate) {
			t.Errorf("ListPolicyVersions: %+v", v)
		}
	}
	if !slices.Equal(ids, []string{"v1", "v2", "v3", "v4", "v5"}) || def == "" {
		t.Fatalf("ListPolicyVersions: %v, default %q", ids, def)
	}
	gv := ramsdk.CreateGetPolicyVersionRequest()
	gv.PolicyType, gv.PolicyName, gv.VersionId = "Custom", "pol-1", "v4"
	got, err := main.ram.GetPolicyVersion(gv)
	ramOK(t, "GetPolicyVersion v4", err)
	if got.PolicyVersion.VersionId != "v4" || got.PolicyVersion.PolicyDocument != doc3 || got.PolicyVersion.IsDefaultVersion != (def == "v4") {
		t.Errorf("GetPolicyVersion v4: %+v", got.PolicyVersion)
	}
	ramErr(t, "DeletePolicy with versions", main.deletePolicy("pol-1"), 409, "DeleteConflict.Policy.Version")
	dv := ramsdk.CreateDeletePolicyVersionRequest()
	dv.PolicyName, dv.VersionId = "pol-1", def
	_, err = main.ram.DeletePolicyVersion(dv)
	ramErr(t, "DeletePolicyVersion default", err, 409, "DeleteConflict.Policy.Version.Default")
	for _, id := range ids {
		if id == def {
			continue
		}
		dv = ramsdk.CreateDeletePolicyVersionRequest()
		dv.PolicyName, dv.VersionId = "pol-1", id
		_, err = main.ram.DeletePolicyVersion(dv)
		ramOK(t, "DeletePolicyVersion "+id, err)
	}
	dv = ramsdk.CreateDeletePolicyVersionRequest()
	dv.PolicyName, dv.VersionId = "pol-1", "v9"
	_, err = main.ram.DeletePolicyVersion(dv)
	ramErr(t, "DeletePolicyVersion v9", err, 404, "EntityNotExist.Policy.Version")
	dv = ramsdk.CreateDeletePolicyVersionRequest()
	dv.PolicyName, dv.VersionId = "no-such", "v1"
	_, err = main.ram.DeletePolicyVersion(dv)
	ramErr(t, "DeletePolicyVersion of no policy", err, 404, "EntityNotExist.Policy")
	gv = ramsdk.CreateGetPolicyVersionRequest()
	gv.PolicyType, gv.PolicyName, gv.VersionId = "Custom", "pol-1", ids[0]
	if ids[0] != def {
		_, err = main.ram.GetPolicyVersion(gv)
		ramErr(t, "GetPolicyVersion deleted", err, 404, "EntityNotExist.Policy.Version")
	}
	versions, err = main.ram.ListPolicyVersions(lv)
	ramOK(t, "ListPolicyVersions after deletes", err)
	if vs := versions.PolicyVersions.PolicyVersion; len(vs) != 1 || vs[0].VersionId != def || !vs[0].IsDefaultVersion {
		t.Errorf("ListPolicyVersions after deletes: %+v", vs)
	}
	lv = ramsdk.CreateListPolicyVersionsRequest()
	lv.PolicyType, lv.PolicyName = "System", "AliyunECSReadOnlyAccess"
	versions, err = main.ram.ListPolicyVersions(lv)
	ramOK(t, "ListPolicyVersions System", err)
	if vs := versions.PolicyVersions.PolicyVersion; len(vs) != 1 || vs[0].VersionId != "v1" || !vs[0].IsDefaultVersion || vs[0].PolicyDocument == "" {
		t.Errorf("ListPolicyVersions System: %+v", vs)
	}
	lv.PolicyType, lv.PolicyName = "Custom", "no-such"
	_, err = main.ram.ListPolicyVersions(lv)
	ramErr(t, "ListPolicyVersions of no policy", err, 404, "EntityNotExist.Policy")

	// DeletePolicy.
	ramOK(t, "DeletePolicy", main.deletePolicy("pol-1"))
	r = ramsdk.CreateGetPolicyRequest()
	r.PolicyType, r.PolicyName = "Custom", "pol-1"
	_, err = main.ram.GetPolicy(r)
	ramErr(t, "GetPolicy deleted", err, 404, "EntityNotExist.Policy")
	ramErr(t, "DeletePolicy again", main.deletePolicy("pol-1"), 404, "EntityNotExist.Policy")
	// The name is free again, and starts at v1.
	if p := main.createPolicy(t, "pol-1", doc2); p.DefaultVersion != "v1" {
		t.Errorf("re-created policy: %+v", p)
	}
}

func ramTestAttachments(t *testing.T, main *ramActor) {
	main.createUser(t, "att")
	main.createPolicy(t, "att-pol", ramAllow([]string{"ecs:DescribeRegions"}, "*"))
	main.attach(t, "att", "Custom", "att-pol")
	main.attach(t, "att", "System", "AliyunECSReadOnlyAccess")
	ps := main.policiesOf(t, "att")
	got := map[string]ramsdk.Policy{}
	for _, p := range ps {
		got[p.PolicyType+"/"+p.PolicyName] = p
		if !ramDatePattern.MatchString(p.AttachDate) {
			t.Errorf("ListPoliciesForUser AttachDate: %+v", p)
		}
	}
	if len(ps) != 2 || got["Custom/att-pol"].PolicyName == "" || got["System/AliyunECSReadOnlyAccess"].PolicyName == "" {
		t.Errorf("ListPoliciesForUser: %+v", ps)
	}
	if g := main.getPolicy(t, "Custom", "att-pol"); g.Policy.AttachmentCount != 1 {
		t.Errorf("GetPolicy AttachmentCount %d, want 1", g.Policy.AttachmentCount)
	}

	for _, c := range []struct {
		what, user, typ, name, code string
		status                      int
	}{
		{"again", "att", "Custom", "att-pol", "EntityAlreadyExists.User.Policy", 409},
		{"system again", "att", "System", "AliyunECSReadOnlyAccess", "EntityAlreadyExists.User.Policy", 409},
		{"no user", "nobody", "Custom", "att-pol", "EntityNotExist.User", 404},
		{"no policy", "att", "Custom", "no-such", "EntityNotExist.Policy", 404},
		{"no system policy", "att", "System", "att-pol", "EntityNotExist.Policy", 404},
		{"bad type", "att", "Managed", "att-pol", "InvalidParameter.PolicyType", 400},
	} {
		ramErr(t, "AttachPolicyToUser "+c.what, main.tryAttach(c.user, c.typ, c.name), c.status, c.code)
	}

	ramErr(t, "DeletePolicy attached", main.deletePolicy("att-pol"), 409, "DeleteConflict.Policy.User")
	ramErr(t, "DeleteUser with policies", main.deleteUser("att"), 409, "DeleteConflict.User.Policy")

	ramOK(t, "DetachPolicyFromUser", main.tryDetach("att", "Custom", "att-pol"))
	if ps := main.policiesOf(t, "att"); len(ps) != 1 || ps[0].PolicyName != "AliyunECSReadOnlyAccess" {
		t.Errorf("ListPoliciesForUser after detach: %+v", ps)
	}
	ramErr(t, "DetachPolicyFromUser again", main.tryDetach("att", "Custom", "att-pol"), 404, "EntityNotExist.User.Policy")
	ramErr(t, "DetachPolicyFromUser no user", main.tryDetach("nobody", "Custom", "att-pol"), 404, "EntityNotExist.User")
	ramErr(t, "DetachPolicyFromUser bad type", main.tryDetach("att", "Managed", "att-pol"), 400, "InvalidParameter.PolicyType")
	ramErr(t, "ListPoliciesForUser nobody", func() error {
		r := ramsdk.CreateListPoliciesForUserRequest()
		r.UserName = "nobody"
		_, err := main.ram.ListPoliciesForUser(r)
		return err
	}(), 404, "EntityNotExist.User")
	ramOK(t, "DetachPolicyFromUser system", main.tryDetach("att", "System", "AliyunECSReadOnlyAccess"))
	if ps := main.policiesOf(t, "att"); len(ps) != 0 {
		t.Errorf("ListPoliciesForUser after detaching all: %+v", ps)
	}
	ramOK(t, "DeletePolicy detached", main.deletePolicy("att-pol"))
	ramOK(t, "DeleteUser detached", main.deleteUser("att"))
}

func ramTestNoPolicy(t *testing.T, main *ramActor, log *ramLog) {
	u := main.user(t, "nopolicy")
	_, err := u.regions()
	se := ramErr(t, "DescribeRegions without policies", err, 403, "Forbidden.RAM")
	ramDetail(t, "DescribeRegions", se, "ecs:DescribeRegions", "ImplicitDeny", main.accountID)
	if d, _ := se.AccessDeniedDetail()["AuthPrincipalDisplayName"].(string); d != "nopolicy" {
		t.Errorf("AuthPrincipalDisplayName %q, want nopolicy", d)
	}
	_, err = u.ram.ListUsers(ramsdk.CreateListUsersRequest())
	se = ramErr(t, "ListUsers without policies", err, 403, "NoPermission")
	ramDetail(t, "ListUsers", se, "ram:ListUsers", "ImplicitDeny", main.accountID)
	r := ramsdk.CreateCreateUserRequest()
	r.UserName = "made-by-nopolicy"
	_, err = u.ram.CreateUser(r)
	ramErr(t, "CreateUser without policies", err, 403, "NoPermission")
	_, err = main.getUser("made-by-nopolicy")
	ramErr(t, "the denied CreateUser did nothing", err, 404, "EntityNotExist.User")

	// Enforce mode logs the denial too.
	log.wantDecisionLogged(t, "nopolicy", "ecs:DescribeRegions", "ImplicitDeny", "no statement")
	log.wantDecisionLogged(t, "nopolicy", "ram:ListUsers", "ImplicitDeny", "no statement")

	// AliyunRAMFullAccess lets a user manage RAM, not ECS.
	ramAdmin := main.user(t, "ram-admin", "System:AliyunRAMFullAccess")
	r = ramsdk.CreateCreateUserRequest()
	r.UserName = "made-by-ram-admin"
	_, err = ramAdmin.ram.CreateUser(r)
	ramOK(t, "CreateUser by AliyunRAMFullAccess", err)
	if _, err := main.getUser("made-by-ram-admin"); err != nil {
		t.Errorf("the user made by a RAM user is not in the account: %v", err)
	}
	_, err = ramAdmin.regions()
	ramErr(t, "DescribeRegions by AliyunRAMFullAccess", err, 403, "Forbidden.RAM")
	// Without UserName, ListAccessKeys lists the calling user's own keys.
	own, err := ramAdmin.ram.ListAccessKeys(ramsdk.CreateListAccessKeysRequest())
	ramOK(t, "ListAccessKeys of the caller", err)
	if ks := own.AccessKeys.AccessKey; len(ks) != 1 || ks[0].AccessKeyId != ramAdmin.keyID {
		t.Errorf("ListAccessKeys of the calling user: %+v, want only %s", ks, ramAdmin.keyID)
	}
}

func ramTestReadOnly(t *testing.T, main *ramActor, instA, instB string) {
	u := main.user(t, "readonly", "System:AliyunECSReadOnlyAccess")
	got, err := u.describeInstances()
	ramOK(t, "DescribeInstances by AliyunECSReadOnlyAccess", err)
	if _, ok := got[instA]; !ok {
		t.Errorf("DescribeInstances by a RAM user does not list the account's %s: %v", instA, got)
	}
	if _, ok := got[instB]; !ok {
		t.Errorf("DescribeInstances by a RAM user does not list the account's %s", instB)
	}
	if _, err := u.regions(); err != nil {
		t.Errorf("DescribeRegions by AliyunECSReadOnlyAccess: %v", err)
	}
	se := ramErr(t, "StopInstance by AliyunECSReadOnlyAccess", u.stop(instB), 403, "Forbidden.RAM")
	ramDetail(t, "StopInstance", se, "ecs:StopInstance", "ImplicitDeny", main.accountID)
	// The denied stop did nothing.
	if got, err := main.describeInstances(instB); err != nil || got[instB].Status != "Running" {
		t.Errorf("after a denied StopInstance: %+v %v", got[instB].Status, err)
	}
}

func ramTestOneInstance(t *testing.T, main *ramActor, instA, instB string) {
	doc := ramAllow([]string{"ecs:StopInstance", "ecs:StartInstance"}, ramInstanceARN(main.accountID, instA))
	main.createPolicy(t, "one-instance", doc)
	u := main.user(t, "one-instance", "one-instance")
	se := ramErr(t, "StopInstance on another instance", u.stop(instB), 403, "Forbidden.RAM")
	ramDetail(t, "StopInstance B", se, "ecs:StopInstance", "ImplicitDeny", main.accountID)
	ramErr(t, "StartInstance on another instance", u.start(instB), 403, "Forbidden.RAM")
	ramErr(t, "DescribeRegions with only instance rights", func() error { _, err := u.regions(); return err }(), 403, "Forbidden.RAM")

	ramOK(t, "StopInstance on the allowed instance", u.stop(instA))
	main.waitStatus(t, "Stopped", instA)
	ramOK(t, "StartInstance on the allowed instance", u.start(instA))
	main.waitStatus(t, "Running", instA)
}

func ramTestDenyBeatsAllow(t *testing.T, main *ramActor, instB string) {
	main.createPolicy(t, "deny-stop", ramDoc("Deny", []string{"ecs:StopInstance"}, []string{"*"}, ""))
	u := main.user(t, "deny-stop", "System:AdministratorAccess", "deny-stop")
	if _, err := u.regions(); err != nil {
		t.Errorf("DescribeRegions by AdministratorAccess: %v", err)
	}
	se := ramErr(t, "StopInstance denied explicitly", u.stop(instB), 403, "Forbidden.RAM")
	ramDetail(t, "StopInstance", se, "ecs:StopInstance", "ExplicitDeny", main.accountID)

	// A Deny in another version is not effective until it is the default.
	main.createPolicy(t, "deny-regions", ramAllow([]string{"ecs:DescribeZones"}, "*"))
	u2 := main.user(t, "deny-regions", "System:AdministratorAccess", "deny-regions")
	if _, err := u2.regions(); err != nil {
		t.Fatalf("DescribeRegions before the Deny version: %v", err)
	}
	cv := ramsdk.CreateCreatePolicyVersionRequest()
	cv.PolicyName = "deny-regions"
	cv.PolicyDocument = ramDoc("Deny", []string{"ecs:DescribeRegions"}, []string{"*"}, "")
	cv.SetAsDefault = requests.NewBoolean(true)
	_, err := main.ram.CreatePolicyVersion(cv)
	ramOK(t, "CreatePolicyVersion Deny", err)
	_, err = u2.regions()
	se = ramErr(t, "DescribeRegions after the Deny version became the default", err, 403, "Forbidden.RAM")
	ramDetail(t, "DescribeRegions", se, "ecs:DescribeRegions", "ExplicitDeny", main.accountID)
	sd := ramsdk.CreateSetDefaultPolicyVersionRequest()
	sd.PolicyName, sd.VersionId = "deny-regions", "v1"
	_, err = main.ram.SetDefaultPolicyVersion(sd)
	ramOK(t, "SetDefaultPolicyVersion v1", err)
	if _, err := u2.regions(); err != nil {
		t.Errorf("DescribeRegions after going back to v1: %v", err)
	}
}

func ramTestSourceIP(t *testing.T, main *ramActor) {
	cond := func(cidr string) string {
		return `{"IpAddress":{"acs:SourceIp":"` + cidr + `"}}`
	}
	main.createPolicy(t, "ip-local", ramDoc("Allow", []string{"ecs:DescribeRegions"}, []string{"*"}, cond("127.0.0.1/32")))
	main.createPolicy(t, "ip-ten", ramDoc("Allow", []string{"ecs:DescribeRegions"}, []string{"*"}, cond("10.0.0.0/8")))
	local := main.user(t, "ip-local", "ip-local")
	ten := main.user(t, "ip-ten", "ip-ten")
	if _, err := local.regions(); err != nil {
		t.Errorf("DescribeRegions from 127.0.0.1 with acs:SourceIp 127.0.0.1/32: %v", err)
	}
	_, err := ten.regions()
	se := ramErr(t, "DescribeRegions from 127.0.0.1 with acs:SourceIp 10.0.0.0/8", err, 403, "Forbidden.RAM")
	ramDetail(t, "DescribeRegions", se, "ecs:DescribeRegions", "ImplicitDeny", main.accountID)
	// NotIpAddress turns it around.
	main.createPolicy(t, "ip-not-ten", ramDoc("Allow", []string{"ecs:DescribeRegions"}, []string{"*"}, `{"NotIpAddress":{"acs:SourceIp":["10.0.0.0/8","192.168.0.0/16"]}}`))
	notTen := main.user(t, "ip-not-ten", "ip-not-ten")
	if _, err := notTen.regions(); err != nil {
		t.Errorf("DescribeRegions from 127.0.0.1 with NotIpAddress 10.0.0.0/8: %v", err)
	}
}

func ramTestOtherAccount(t *testing.T, s *ecsdtest.Server, instA string) {
	// A user of the default account, allowed everything, cannot see or
	// touch the other account's instance.
	def := ramNewActor(t, s, s.AccountID, s.AccessKeyID, s.AccessKeySecret)
	u := def.user(t, "other-admin", "System:AdministratorAccess")
	ramErr(t, "StopInstance of another account's instance", u.stop(instA), 404, "InvalidInstanceId.NotFound")
	ramErr(t, "StartInstance of another account's instance", u.start(instA), 404, "InvalidInstanceId.NotFound")
	got, err := u.describeInstances(instA)
	ramOK(t, "DescribeInstances of another account's instance", err)
	if len(got) != 0 {
		t.Errorf("DescribeInstances lists another account's instance: %v", got)
	}
	// The same user name in two accounts are two users.
	r := ramsdk.CreateGetUserRequest()
	r.UserName = "readonly"
	_, err = def.ram.GetUser(r)
	ramErr(t, "GetUser of another account's user", err, 404, "EntityNotExist.User")
}

func ramTestMainAccount(t *testing.T, s *ecsdtest.Server, main *ramActor) {
	// A main account has no policies and needs none.
	if _, err := main.regions(); err != nil {
		t.Errorf("DescribeRegions by the main account: %v", err)
	}
	if _, err := main.ram.ListUsers(ramsdk.CreateListUsersRequest()); err != nil {
		t.Errorf("ListUsers by the main account: %v", err)
	}
	def := ramNewActor(t, s, s.AccountID, s.AccessKeyID, s.AccessKeySecret)
	if _, err := def.describeInstances(); err != nil {
		t.Errorf("DescribeInstances by the default account: %v", err)
	}
}

func ramTestRevocation(t *testing.T, main *ramActor) {
	// DeleteAccessKey: the key stops working at once.
	u := main.user(t, "revoke-delete", "System:AliyunECSReadOnlyAccess")
	if _, err := u.regions(); err != nil {
		t.Fatalf("DescribeRegions before revocation: %v", err)
	}
	ramOK(t, "DeleteAccessKey", main.deleteKey("revoke-delete", u.keyID))
	_, err := u.regions()
	ramErr(t, "DescribeRegions with a deleted key", err, 404, "InvalidAccessKeyId.NotFound")

	// UpdateAccessKey Inactive: at once, and Active again works.
	u = main.user(t, "revoke-inactive", "System:AliyunECSReadOnlyAccess")
	if _, err := u.regions(); err != nil {
		t.Fatalf("DescribeRegions before revocation: %v", err)
	}
	ramOK(t, "UpdateAccessKey Inactive", main.updateKey("revoke-inactive", u.keyID, "Inactive"))
	_, err = u.regions()
	ramErr(t, "DescribeRegions with an Inactive key", err, 400, "InvalidAccessKeyId.Inactive")
	ramOK(t, "UpdateAccessKey Active", main.updateKey("revoke-inactive", u.keyID, "Active"))
	if _, err := u.regions(); err != nil {
		t.Errorf("DescribeRegions with a key made Active again: %v", err)
	}

	// DetachPolicyFromUser: denied at once.
	u = main.user(t, "revoke-detach", "System:AliyunECSReadOnlyAccess")
	if _, err := u.regions(); err != nil {
		t.Fatalf("DescribeRegions before revocation: %v", err)
	}
	ramOK(t, "DetachPolicyFromUser", main.tryDetach("revoke-detach", "System", "AliyunECSReadOnlyAccess"))
	_, err = u.regions()
	ramErr(t, "DescribeRegions after DetachPolicyFromUser", err, 403, "Forbidden.RAM")

	// SetDefaultPolicyVersion to a narrower version: at once.
	main.createPolicy(t, "revoke-version", ramAllow([]string{"ecs:DescribeRegions"}, "*"))
	u = main.user(t, "revoke-version", "revoke-version")
	if _, err := u.regions(); err != nil {
		t.Fatalf("DescribeRegions before the new version: %v", err)
	}
	cv := ramsdk.CreateCreatePolicyVersionRequest()
	cv.PolicyName = "revoke-version"
	cv.PolicyDocument = ramAllow([]string{"ecs:DescribeZones"}, "*")
	cv.SetAsDefault = requests.NewBoolean(true)
	_, err = main.ram.CreatePolicyVersion(cv)
	ramOK(t, "CreatePolicyVersion", err)
	_, err = u.regions()
	ramErr(t, "DescribeRegions after the default version changed", err, 403, "Forbidden.RAM")
}

// TestRAMCurrentTime checks acs:CurrentTime against the manual clock.
func TestRAMCurrentTime(t *testing.T) {
	t.Parallel()
	start := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	ecsdtest.Each(t, ecsdtest.Options{ManualClock: true, ClockStart: start}, func(t *testing.T, s *ecsdtest.Server) {
		main := ramMainAccount(t, s, "ram-time")
		main.createPolicy(t, "until-jan-2", ramDoc("Allow", []string{"ecs:DescribeRegions"}, []string{"*"},
			`{"DateLessThan":{"acs:CurrentTime":"2030-01-02T00:00:00Z"}}`))
		main.createPolicy(t, "from-jan-2", ramDoc("Allow", []string{"ecs:DescribeRegions"}, []string{"*"},
			`{"DateGreaterThanEquals":{"acs:CurrentTime":"2030-01-02T00:00:00Z"}}`))
		before := main.user(t, "before", "until-jan-2")
		after := main.user(t, "after", "from-jan-2")
		if _, err := before.regions(); err != nil {
			t.Errorf("DescribeRegions before the date: %v", err)
		}
		_, err := after.regions()
		ramErr(t, "DescribeRegions before the start date", err, 403, "Forbidden.RAM")

		ramAdvance(t, s, "23h59m")
		if _, err := before.regions(); err != nil {
			t.Errorf("DescribeRegions a minute before the date: %v", err)
		}
		ramAdvance(t, s, "2m")
		_, err = before.regions()
		se := ramErr(t, "DescribeRegions after the date", err, 403, "Forbidden.RAM")
		ramDetail(t, "DescribeRegions", se, "ecs:DescribeRegions", "ImplicitDeny", main.accountID)
		if _, err := after.regions(); err != nil {
			t.Errorf("DescribeRegions after the start date: %v", err)
		}
	})
}

// ramAdvance advances the manual clock by a Go duration.
func ramAdvance(t *testing.T, s *ecsdtest.Server, d string) {
	t.Helper()
	var out struct{ Now string }
	if st := s.Admin(t, "POST", "/_ecsd/v1/clock", map[string]string{"Advance": d}, &out); st != 200 {
		t.Fatalf("advance clock %s: HTTP %d", d, st)
	}
}

// TestRAMLogMode checks --ram-mode log: denials are logged and let through.
func TestRAMLogMode(t *testing.T) {
	t.Parallel()
	logs := map[string]*ramLog{}
	var mu sync.Mutex
	ecsdtest.Each(t, ecsdtest.Options{Configure: func(c *server.Config) {
		l := &ramLog{}
		mu.Lock()
		logs[ramKind(c)] = l
		mu.Unlock()
		c.RAMMode = "log"
		c.Log = l.logger()
	}}, func(t *testing.T, s *ecsdtest.Server) {
		mu.Lock()
		log := logs[ramKind2(t)]
		mu.Unlock()
		main := ramMainAccount(t, s, "ram-log")
		u := main.user(t, "logged")
		resp, err := u.regions()
		ramOK(t, "DescribeRegions denied in log mode", err)
		if resp.GetHttpStatus() != 200 || len(resp.Regions.Region) == 0 {
			t.Errorf("DescribeRegions in log mode: HTTP %d, %d regions", resp.GetHttpStatus(), len(resp.Regions.Region))
		}
		log.wantDecisionLogged(t, "logged", "ecs:DescribeRegions", "ImplicitDeny", "no statement")
		if recs := log.records(t, map[string]string{"user": "logged", "action": "ecs:DescribeRegions"}); len(recs) > 0 {
			if lvl, _ := recs[0]["level"].(string); lvl != "WARN" {
				t.Errorf("a log-mode denial is logged at %s, want WARN", lvl)
			}
		}
		// A RAM action goes through too.
		r := ramsdk.CreateCreateUserRequest()
		r.UserName = "made-in-log-mode"
		_, err = u.ram.CreateUser(r)
		ramOK(t, "CreateUser denied in log mode", err)
		log.wantDecisionLogged(t, "logged", "ram:CreateUser", "ImplicitDeny", "no statement")

		// An explicit Deny names its policy.
		main.createPolicy(t, "log-deny", ramDoc("Deny", []string{"ecs:DescribeRegions"}, []string{"*"}, ""))
		d := main.user(t, "log-denied", "System:AdministratorAccess", "log-deny")
		if _, err := d.regions(); err != nil {
			t.Errorf("DescribeRegions explicitly denied in log mode: %v", err)
		}
		log.wantDecisionLogged(t, "log-denied", "ecs:DescribeRegions", "ExplicitDeny", "log-deny")
		// An allowed call is logged at debug level with its decision.
		if _, err := d.describeInstances(); err != nil {
			t.Errorf("DescribeInstances: %v", err)
		}
		log.wantDecisionLogged(t, "log-denied", "ecs:DescribeInstances", "Allow", "AdministratorAccess")

		log.wantNoSecrets(t, s.AccessKeySecret, main.secret, u.secret, d.secret)
	})
}

// TestRAMRevocationAcrossServers runs two servers on one PostgreSQL schema:
// a revocation on one is seen by the next call on the other. PostgreSQL
// only: it is the store several replicas share (a SQLite file belongs to one
// process), and this checks that the authorizer keeps no per-process cache
// of keys or policies.
func TestRAMRevocationAcrossServers(t *testing.T) {
	t.Parallel()
	if os.Getenv(storetest.PostgresEnv) == "" {
		t.Skip(storetest.PostgresEnv + " is not set; this test needs PostgreSQL")
	}
	a := ecsdtest.Start(t, "postgres", ecsdtest.Options{})
	endpointB := a.Replica(t, server.Config{Throttle: server.DefaultThrottle})

	main := ramMainAccount(t, a, "ram-two")
	onB := func(u *ramActor) *ecs.Client { return ramECSClient(t, endpointB, u.keyID, u.secret) }

	// Each revocation happens on A; the first call on B after it fails.
	check := func(what string, user *ramActor, revoke func() error, status int, code string) {
		t.Helper()
		cb := onB(user)
		if _, err := ramRegions(cb); err != nil {
			t.Fatalf("%s: DescribeRegions on B before: %v", what, err)
		}
		ramOK(t, what+" on A", revoke())
		began := time.Now()
		_, err := ramRegions(cb)
		ramErr(t, what+": first call on B", err, status, code)
		if d := time.Since(began); d > time.Second {
			t.Errorf("%s: the call on B took %v", what, d)
		}
	}
	u := main.user(t, "two-delete", "System:AliyunECSReadOnlyAccess")
	check("DeleteAccessKey", u, func() error { return main.deleteKey("two-delete", u.keyID) }, 404, "InvalidAccessKeyId.NotFound")
	u = main.user(t, "two-inactive", "System:AliyunECSReadOnlyAccess")
	check("UpdateAccessKey Inactive", u, func() error { return main.updateKey("two-inactive", u.keyID, "Inactive") }, 400, "InvalidAccessKeyId.Inactive")
	u = main.user(t, "two-detach", "System:AliyunECSReadOnlyAccess")
	check("DetachPolicyFromUser", u, func() error { return main.tryDetach("two-detach", "System", "AliyunECSReadOnlyAccess") }, 403, "Forbidden.RAM")

	// And the other way round: a grant on B works at once on A.
	u = main.user(t, "two-grant")
	if _, err := u.regions(); err == nil {
		t.Fatal("DescribeRegions on A without a policy succeeded")
	}
	mainB := ramClient(t, endpointB, main.keyID, main.secret)
	r := ramsdk.CreateAttachPolicyToUserRequest()
	r.UserName, r.PolicyType, r.PolicyName = "two-grant", "System", "AliyunECSReadOnlyAccess"
	_, err := mainB.AttachPolicyToUser(r)
	ramOK(t, "AttachPolicyToUser on B", err)
	if _, err := u.regions(); err != nil {
		t.Errorf("DescribeRegions on A after a grant on B: %v", err)
	}
}
