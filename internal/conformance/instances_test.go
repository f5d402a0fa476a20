package conformance

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	ecs2 "github.com/alibabacloud-go/ecs-20140526/v7/client"
	"github.com/alibabacloud-go/tea/dara"
	"github.com/alibabacloud-go/tea/tea"
	"github.com/aliyun/alibaba-cloud-sdk-go/sdk"
	"github.com/aliyun/alibaba-cloud-sdk-go/sdk/auth/credentials"
	sdkerrors "github.com/aliyun/alibaba-cloud-sdk-go/sdk/errors"
	"github.com/aliyun/alibaba-cloud-sdk-go/sdk/requests"
	"github.com/aliyun/alibaba-cloud-sdk-go/services/bssopenapi"
	"github.com/aliyun/alibaba-cloud-sdk-go/services/ecs"

	"github.com/ecsd/ecsd/internal/ecsdtest"
)

// The helpers of the instance, billing, BSS and invariant tests are named
// lc… (lifecycle) so that they do not collide with other files' helpers.

const (
	lcImage    = "aliyun_3_x64_20G_alibase_20240528.vhd"
	lcArmImage = "aliyun_3_arm64_20G_alibase_20240528.vhd"
)

var (
	lcInstanceIDPattern = regexp.MustCompile(`^i-bp[a-z0-9]{18}$`)
	lcOrderIDPattern    = regexp.MustCompile(`^[0-9]{15,16}$`)
	lcMinuteTime        = regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\dZ$`)
)

// lcActor is one account of a test with its three clients.
type lcActor struct {
	s           *ecsdtest.Server
	ID          string
	keyID, secr string
	v1          *ecs.Client
	v2          *ecs2.Client
	bss         *bssopenapi.Client
}

// fork returns the actor with a Go SDK v1 client of its own: the v1 client
// is not safe for concurrent use (it writes its timeout on every call).
func (a *lcActor) fork(t *testing.T) *lcActor {
	t.Helper()
	c := *a
	c.v1 = a.s.SDKv1(t, a.keyID, a.secr)
	return &c
}

// lcAccount creates an account with a cash and a voucher balance.
func lcAccount(t *testing.T, s *ecsdtest.Server, name, cash, voucher string) *lcActor {
	t.Helper()
	var a ecsdtest.Account
	body := map[string]string{"Name": name, "Balance": cash, "VoucherBalance": voucher}
	if st := s.Admin(t, "POST", "/_ecsd/v1/accounts", body, &a); st != 200 {
		t.Fatalf("create account %s: HTTP %d", name, st)
	}
	return &lcActor{
		s: s, ID: a.AccountId, keyID: a.AccessKeyId, secr: a.AccessKeySecret,
		v1:  s.SDKv1(t, a.AccessKeyId, a.AccessKeySecret),
		v2:  s.SDKv2(t, a.AccessKeyId, a.AccessKeySecret),
		bss: lcBSSClient(t, s, a.AccessKeyId, a.AccessKeySecret),
	}
}

// lcBSSClient returns a Go SDK v1 BssOpenApi client pointed at the server.
func lcBSSClient(t *testing.T, s *ecsdtest.Server, keyID, secret string) *bssopenapi.Client {
	t.Helper()
	cfg := sdk.NewConfig().WithScheme("HTTP").WithTimeout(30 * time.Second)
	c, err := bssopenapi.NewClientWithOptions("cn-hangzhou", cfg, credentials.NewAccessKeyCredential(keyID, secret))
	if err != nil {
		t.Fatal(err)
	}
	c.Domain = s.Endpoint
	return c
}

// lcAdminAccount is the admin view of an account.
type lcAdminAccount struct {
	AccountId      string
	Balance        string
	VoucherBalance string
}

func (a *lcActor) account(t *testing.T) lcAdminAccount {
	t.Helper()
	var v lcAdminAccount
	if st := a.s.Admin(t, "GET", "/_ecsd/v1/accounts/"+a.ID, nil, &v); st != 200 {
		t.Fatalf("get account %s: HTTP %d", a.ID, st)
	}
	return v
}

func (a *lcActor) wantBalance(t *testing.T, cash, voucher string) {
	t.Helper()
	v := a.account(t)
	if v.Balance != cash || v.VoucherBalance != voucher {
		t.Errorf("account %s: Balance %s VoucherBalance %s, want %s and %s", a.ID, v.Balance, v.VoucherBalance, cash, voucher)
	}
}

func (a *lcActor) patch(t *testing.T, body map[string]any) {
	t.Helper()
	if st := a.s.Admin(t, "PATCH", "/_ecsd/v1/accounts/"+a.ID, body, nil); st != 200 {
		t.Fatalf("PATCH account %s %v: HTTP %d", a.ID, body, st)
	}
}

// lcStock reads a zone's stock of a type through the admin API.
func lcStock(t *testing.T, s *ecsdtest.Server, zone, typ string) int {
	t.Helper()
	var out struct{ Available *int }
	q := url.Values{"ZoneId": {zone}, "InstanceType": {typ}}
	if st := s.Admin(t, "GET", "/_ecsd/v1/stock?"+q.Encode(), nil, &out); st != 200 || out.Available == nil {
		t.Fatalf("GET stock %s %s: HTTP %d %+v", zone, typ, st, out)
	}
	return *out.Available
}

func lcSetStock(t *testing.T, s *ecsdtest.Server, zone, typ string, n int) {
	t.Helper()
	if st := s.Admin(t, "PUT", "/_ecsd/v1/stock", map[string]any{"ZoneId": zone, "InstanceType": typ, "Available": n}, nil); st != 200 {
		t.Fatalf("PUT stock %s %s %d: HTTP %d", zone, typ, n, st)
	}
}

// lcRunReq is a RunInstances request for one pay-as-you-go ecs.g6.large in
// cn-hangzhou; the options edit it.
func lcRunReq(opts ...func(*ecs.RunInstancesRequest)) *ecs.RunInstancesRequest {
	r := ecs.CreateRunInstancesRequest()
	r.RegionId = "cn-hangzhou"
	r.ImageId = lcImage
	r.InstanceType = "ecs.g6.large"
	for _, o := range opts {
		o(r)
	}
	return r
}

func lcZone(zone string) func(*ecs.RunInstancesRequest) {
	return func(r *ecs.RunInstancesRequest) { r.ZoneId = zone }
}

func lcType(typ string) func(*ecs.RunInstancesRequest) {
	return func(r *ecs.RunInstancesRequest) { r.InstanceType = typ }
}

func lcAmount(n int) func(*ecs.RunInstancesRequest) {
	return func(r *ecs.RunInstancesRequest) { r.Amount = requests.NewInteger(n) }
}

// lcPrePaid buys a subscription of n units ("Month" or "Week").
func lcPrePaid(n int, unit string) func(*ecs.RunInstancesRequest) {
	return func(r *ecs.RunInstancesRequest) {
		r.InstanceChargeType = "PrePaid"
		r.Period = requests.NewInteger(n)
		r.PeriodUnit = unit
	}
}

func lcParam(k, v string) func(*ecs.RunInstancesRequest) {
	return func(r *ecs.RunInstancesRequest) { r.QueryParams[k] = v }
}

// run calls RunInstances through Go SDK v1.
func (a *lcActor) run(opts ...func(*ecs.RunInstancesRequest)) (*ecs.RunInstancesResponse, error) {
	return a.v1.RunInstances(lcRunReq(opts...))
}

// mustRun calls RunInstances and fails the test on an error.
func (a *lcActor) mustRun(t *testing.T, opts ...func(*ecs.RunInstancesRequest)) *ecs.RunInstancesResponse {
	t.Helper()
	resp, err := a.run(opts...)
	if err != nil {
		t.Fatalf("RunInstances: %v", err)
	}
	return resp
}

// describe returns the account's instances with the ids (DescribeInstances
// with InstanceIds), by id.
func (a *lcActor) describe(t *testing.T, ids ...string) map[string]ecs.Instance {
	t.Helper()
	out := map[string]ecs.Instance{}
	for len(ids) > 0 {
		n := min(len(ids), 100)
		raw, _ := json.Marshal(ids[:n])
		ids = ids[n:]
		r := ecs.CreateDescribeInstancesRequest()
		r.RegionId = "cn-hangzhou"
		r.InstanceIds = string(raw)
		r.PageSize = requests.NewInteger(100)
		resp, err := a.v1.DescribeInstances(r)
		if err != nil {
			t.Fatalf("DescribeInstances: %v", err)
		}
		for _, i := range resp.Instances.Instance {
			out[i.InstanceId] = i
		}
	}
	return out
}

// one returns one instance of the account, failing if it is not listed.
func (a *lcActor) one(t *testing.T, id string) ecs.Instance {
	t.Helper()
	i, ok := a.describe(t, id)[id]
	if !ok {
		t.Fatalf("DescribeInstances does not list %s", id)
	}
	return i
}

// waitStatus polls DescribeInstances until every instance has the status
// (15 s deadline).
func (a *lcActor) waitStatus(t *testing.T, status string, ids ...string) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for {
		got := a.describe(t, ids...)
		var wrong []string
		for _, id := range ids {
			if i, ok := got[id]; !ok || i.Status != status {
				wrong = append(wrong, fmt.Sprintf("%s=%q", id, i.Status))
			}
		}
		if len(wrong) == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("after 15s, want %s: %s", status, strings.Join(wrong, " "))
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// count returns TotalCount of DescribeInstances for the account with the
// edits applied.
func (a *lcActor) count(t *testing.T, edit func(*ecs.DescribeInstancesRequest)) int {
	t.Helper()
	r := ecs.CreateDescribeInstancesRequest()
	r.RegionId = "cn-hangzhou"
	r.PageSize = requests.NewInteger(100)
	if edit != nil {
		edit(r)
	}
	resp, err := a.v1.DescribeInstances(r)
	if err != nil {
		t.Fatalf("DescribeInstances: %v", err)
	}
	if len(resp.Instances.Instance) != resp.TotalCount && resp.TotalCount <= 100 {
		t.Errorf("DescribeInstances: TotalCount %d but %d instances on the page", resp.TotalCount, len(resp.Instances.Instance))
	}
	return resp.TotalCount
}

// lcWantV1 checks that err is a Go SDK v1 server error with the code and
// HTTP status.
func lcWantV1(t *testing.T, what string, err error, code string, status int) {
	t.Helper()
	var se *sdkerrors.ServerError
	if !errors.As(err, &se) {
		t.Errorf("%s: err = %v, want %s (%d)", what, err, code, status)
		return
	}
	if se.ErrorCode() != code || se.HttpStatus() != status {
		t.Errorf("%s: %s %d (%s), want %s %d", what, se.ErrorCode(), se.HttpStatus(), se.Message(), code, status)
	}
}

// lcWantV2 checks that err is a Go SDK v2 error with the code and status.
func lcWantV2(t *testing.T, what string, err error, code string, status int) {
	t.Helper()
	var se *tea.SDKError
	if !errors.As(err, &se) {
		t.Errorf("%s (v2): err = %v, want %s (%d)", what, err, code, status)
		return
	}
	if dara.StringValue(se.Code) != code || dara.IntValue(se.StatusCode) != status {
		t.Errorf("%s (v2): %s %d (%s), want %s %d", what, dara.StringValue(se.Code), dara.IntValue(se.StatusCode), dara.StringValue(se.Message), code, status)
	}
}

// lcPrice checks a TradePrice float against a decimal string.
func lcPrice(t *testing.T, what string, got float64, want string) {
	t.Helper()
	w, err := strconv.ParseFloat(want, 64)
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(got-w) > 0.001 {
		t.Errorf("%s: TradePrice %v, want %s", what, got, want)
	}
}

// lcCheckPurchase checks a PrePaid answer: an order id, the price and n
// well-formed instance ids.
func lcCheckPurchase(t *testing.T, what string, resp *ecs.RunInstancesResponse, price string, n int) []string {
	t.Helper()
	if !lcOrderIDPattern.MatchString(resp.OrderId) {
		t.Errorf("%s: OrderId %q is not a 15-16 digit number", what, resp.OrderId)
	}
	lcPrice(t, what, resp.TradePrice, price)
	ids := resp.InstanceIdSets.InstanceIdSet
	if len(ids) != n {
		t.Fatalf("%s: %d instance ids %v, want %d", what, len(ids), ids, n)
	}
	for _, id := range ids {
		if !lcInstanceIDPattern.MatchString(id) {
			t.Errorf("%s: instance id %q is not i-bp + 18 lowercase alphanumerics", what, id)
		}
	}
	if len(resp.RequestId) != 36 {
		t.Errorf("%s: RequestId %q", what, resp.RequestId)
	}
	return ids
}

// lcParseMinute parses an ExpiredTime "yyyy-MM-ddTHH:mmZ".
func lcParseMinute(t *testing.T, s string) time.Time {
	t.Helper()
	if !lcMinuteTime.MatchString(s) {
		t.Fatalf("time %q is not yyyy-MM-ddTHH:mmZ", s)
	}
	v, err := time.Parse("2006-01-02T15:04Z", s)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// lcCheckNetwork checks the defaults RunInstances fills in.
func lcCheckNetwork(t *testing.T, i ecs.Instance) {
	t.Helper()
	if !strings.HasPrefix(i.VpcAttributes.VSwitchId, "vsw-") || !strings.HasPrefix(i.VpcAttributes.VpcId, "vpc-") {
		t.Errorf("%s: VpcAttributes %+v, want the default VPC and vSwitch", i.InstanceId, i.VpcAttributes)
	}
	if sg := i.SecurityGroupIds.SecurityGroupId; len(sg) != 1 || !strings.HasPrefix(sg[0], "sg-") {
		t.Errorf("%s: SecurityGroupIds %v, want the default security group", i.InstanceId, sg)
	}
	if ips := i.VpcAttributes.PrivateIpAddress.IpAddress; len(ips) != 1 || !strings.HasPrefix(ips[0], "172.16.") {
		t.Errorf("%s: private IPs %v", i.InstanceId, ips)
	}
}

// TestRunInstances buys instances through both SDKs: prices, balances,
// vouchers, stock, the instance that appears, DryRun, partial creation and
// every documented error.
func TestRunInstances(t *testing.T) {
	t.Parallel()
	ecsdtest.Each(t, ecsdtest.Options{}, func(t *testing.T, s *ecsdtest.Server) {
		// Each subtest that checks stock owns its (zone, type) pair.
		t.Run("PrePaid", func(t *testing.T) {
			t.Parallel()
			const zone = "cn-hangzhou-j"
			a := lcAccount(t, s, "prepaid", "10000.00", "0.00")
			stock := lcStock(t, s, zone, "ecs.g6.large")
			before := time.Now().UTC()

			ids := lcCheckPurchase(t, "1 month", a.mustRun(t, lcZone(zone), lcPrePaid(1, "Month")), "300.00", 1)
			a.wantBalance(t, "9700.00", "0.00")
			if got := lcStock(t, s, zone, "ecs.g6.large"); got != stock-1 {
				t.Errorf("stock %d after buying 1, want %d", got, stock-1)
			}
			i := a.one(t, ids[0])
			if i.Status != "Pending" && i.Status != "Starting" && i.Status != "Running" {
				t.Errorf("status right after RunInstances %q, want Pending (or already Running)", i.Status)
			}
			a.waitStatus(t, "Running", ids...)
			i = a.one(t, ids[0])
			if i.InstanceChargeType != "PrePaid" || i.ZoneId != zone || i.InstanceType != "ecs.g6.large" || i.Cpu != 2 || i.Memory != 8192 || i.ImageId != lcImage {
				t.Errorf("instance %+v", i)
			}
			lcCheckNetwork(t, i)
			exp := lcParseMinute(t, i.ExpiredTime)
			if exp.Hour() != 16 || exp.Minute() != 0 {
				t.Errorf("ExpiredTime %s is not 00:00 UTC+8", i.ExpiredTime)
			}
			if exp.Before(before.AddDate(0, 0, 27)) || exp.After(before.AddDate(0, 1, 2)) {
				t.Errorf("ExpiredTime %s is not a month after %s", i.ExpiredTime, before)
			}

			ids2 := lcCheckPurchase(t, "Amount 2", a.mustRun(t, lcZone(zone), lcPrePaid(1, "Month"), lcAmount(2)), "600.00", 2)
			a.wantBalance(t, "9100.00", "0.00")
			if got := lcStock(t, s, zone, "ecs.g6.large"); got != stock-3 {
				t.Errorf("stock %d after buying 3, want %d", got, stock-3)
			}
			if ids2[0] == ids2[1] {
				t.Errorf("two instances with one id %v", ids2)
			}

			ids3 := lcCheckPurchase(t, "1 week", a.mustRun(t, lcZone(zone), lcPrePaid(1, "Week")), "70.00", 1)
			a.wantBalance(t, "9030.00", "0.00")
			a.waitStatus(t, "Running", append(ids2, ids3...)...)
			wk := lcParseMinute(t, a.one(t, ids3[0]).ExpiredTime)
			if wk.Before(before.AddDate(0, 0, 7)) || wk.After(before.AddDate(0, 0, 8)) {
				t.Errorf("a week bought at %s expires %s", before, wk)
			}
		})

		t.Run("Vouchers", func(t *testing.T) {
			t.Parallel()
			a := lcAccount(t, s, "vouchers", "1000.00", "100.00")
			lcCheckPurchase(t, "vouchers first", a.mustRun(t, lcZone("cn-hangzhou-h"), lcPrePaid(1, "Month")), "300.00", 1)
			a.wantBalance(t, "800.00", "0.00")
			lcCheckPurchase(t, "cash only", a.mustRun(t, lcZone("cn-hangzhou-h"), lcPrePaid(1, "Month")), "300.00", 1)
			a.wantBalance(t, "500.00", "0.00")
			// Vouchers and cash together must cover an order: 600 > 500.
			_, err := a.run(lcZone("cn-hangzhou-h"), lcPrePaid(2, "Month"))
			lcWantV1(t, "600.00 with 500.00", err, "InsufficientBalance", 403)
			a.wantBalance(t, "500.00", "0.00")
		})

		t.Run("PostPaid", func(t *testing.T) {
			t.Parallel()
			a := lcAccount(t, s, "postpaid", "50.00", "0.00")
			name := "web:01_a.b-c 名前 & +%=/?"
			desc := "Desc: ü/é & <tag> 'quote' \"dq\" %20 +plus =eq #hash 100%"
			resp := a.mustRun(t, func(r *ecs.RunInstancesRequest) {
				r.InstanceName = name
				r.Description = desc
				r.Tag = &[]ecs.RunInstancesTag{{Key: "env", Value: "prod & test"}, {Key: "owner", Value: "张三 +1"}}
			})
			if resp.OrderId != "" || resp.TradePrice != 0 {
				t.Errorf("PostPaid answer has OrderId %q TradePrice %v", resp.OrderId, resp.TradePrice)
			}
			ids := resp.InstanceIdSets.InstanceIdSet
			if len(ids) != 1 || !lcInstanceIDPattern.MatchString(ids[0]) {
				t.Fatalf("InstanceIdSet %v", ids)
			}
			a.wantBalance(t, "50.00", "0.00")
			a.waitStatus(t, "Running", ids...)
			i := a.one(t, ids[0])
			if i.InstanceName != name || i.Description != desc {
				t.Errorf("InstanceName %q Description %q, want %q and %q", i.InstanceName, i.Description, name, desc)
			}
			if i.InstanceChargeType != "PostPaid" || i.ZoneId == "" || !strings.HasPrefix(i.ZoneId, "cn-hangzhou-") {
				t.Errorf("charge type %q zone %q", i.InstanceChargeType, i.ZoneId)
			}
			lcCheckNetwork(t, i)
			tags := map[string]string{}
			for _, tg := range i.Tags.Tag {
				tags[tg.TagKey] = tg.TagValue
			}
			if len(tags) != 2 || tags["env"] != "prod & test" || tags["owner"] != "张三 +1" {
				t.Errorf("tags %+v", i.Tags.Tag)
			}
			// The same through DescribeInstanceAttribute.
			ar := ecs.CreateDescribeInstanceAttributeRequest()
			ar.InstanceId = ids[0]
			attr, err := a.v1.DescribeInstanceAttribute(ar)
			if err != nil {
				t.Fatal(err)
			}
			if attr.InstanceName != name || attr.Description != desc || attr.InstanceId != ids[0] || attr.Status != "Running" {
				t.Errorf("DescribeInstanceAttribute %q %q %q %q", attr.InstanceId, attr.InstanceName, attr.Description, attr.Status)
			}
		})

		t.Run("DryRun", func(t *testing.T) {
			t.Parallel()
			const zone = "cn-hangzhou-i"
			a := lcAccount(t, s, "dryrun", "1000.00", "0.00")
			stock := lcStock(t, s, zone, "ecs.g6.large")
			dry := func(r *ecs.RunInstancesRequest) { r.DryRun = requests.NewBoolean(true) }
			_, err := a.run(lcZone(zone), lcPrePaid(1, "Month"), lcAmount(2), dry)
			lcWantV1(t, "DryRun PrePaid", err, "DryRunOperation", 400)
			_, err = a.run(lcZone(zone), dry)
			lcWantV1(t, "DryRun PostPaid", err, "DryRunOperation", 400)
			// A dry run still checks: a bad period is reported, not DryRunOperation.
			_, err = a.run(lcZone(zone), lcPrePaid(10, "Month"), dry)
			lcWantV1(t, "DryRun with a bad period", err, "InvalidPeriod", 400)
			a.wantBalance(t, "1000.00", "0.00")
			if got := lcStock(t, s, zone, "ecs.g6.large"); got != stock {
				t.Errorf("stock %d after dry runs, want %d", got, stock)
			}
			if n := a.count(t, nil); n != 0 {
				t.Errorf("%d instances after dry runs", n)
			}
			q := bssopenapi.CreateQueryOrdersRequest()
			orders, err := a.bss.QueryOrders(q)
			if err != nil {
				t.Fatal(err)
			}
			if orders.Data.TotalCount != 0 {
				t.Errorf("%d orders after dry runs", orders.Data.TotalCount)
			}
		})

		t.Run("Errors", func(t *testing.T) {
			t.Parallel()
			a := lcAccount(t, s, "errors", "10000.00", "0.00")
			nic := func(k int, typ string) func(*ecs.RunInstancesRequest) {
				return lcParam(fmt.Sprintf("NetworkInterface.%d.InstanceType", k), typ)
			}
			dataDisks := func(n int, category string) func(*ecs.RunInstancesRequest) {
				return func(r *ecs.RunInstancesRequest) {
					d := make([]ecs.RunInstancesDataDisk, n)
					for k := range d {
						d[k] = ecs.RunInstancesDataDisk{Category: category, Size: "40"}
					}
					r.DataDisk = &d
				}
			}
			cases := []struct {
				name   string
				opts   []func(*ecs.RunInstancesRequest)
				code   string
				status int
			}{
				{"month period 10", []func(*ecs.RunInstancesRequest){lcPrePaid(10, "Month")}, "InvalidPeriod", 400},
				{"week period 5", []func(*ecs.RunInstancesRequest){lcPrePaid(5, "Week")}, "InvalidPeriod", 400},
				{"PrePaid without Period", []func(*ecs.RunInstancesRequest){func(r *ecs.RunInstancesRequest) { r.InstanceChargeType = "PrePaid" }}, "MissingParamter", 400},
				{"PeriodUnit Day", []func(*ecs.RunInstancesRequest){lcPrePaid(1, "Day")}, "InvalidPeriodUnit.ValueNotSupported", 400},
				{"AutoRenewPeriod 5", []func(*ecs.RunInstancesRequest){lcPrePaid(1, "Month"), func(r *ecs.RunInstancesRequest) {
					r.AutoRenew = requests.NewBoolean(true)
					r.AutoRenewPeriod = requests.NewInteger(5)
				}}, "InvalidAutoRenewPeriod.ValueNotSupported", 400},
				{"AutoRenewPeriod 6 weeks", []func(*ecs.RunInstancesRequest){lcPrePaid(1, "Week"), func(r *ecs.RunInstancesRequest) {
					r.AutoRenew = requests.NewBoolean(true)
					r.AutoRenewPeriod = requests.NewInteger(6)
				}}, "InvalidAutoRenewPeriod.ValueNotSupported", 400},
				{"unknown zone", []func(*ecs.RunInstancesRequest){lcZone("cn-hangzhou-z")}, "InvalidZoneId.NotFound", 404},
				{"zone of another region", []func(*ecs.RunInstancesRequest){lcZone("cn-shanghai-e")}, "InvalidZoneId.NotFound", 404},
				{"unknown image", []func(*ecs.RunInstancesRequest){func(r *ecs.RunInstancesRequest) { r.ImageId = "no_such_image.vhd" }}, "InvalidImageId.NotFound", 404},
				{"unknown type", []func(*ecs.RunInstancesRequest){lcType("ecs.nope.large"), lcZone("cn-hangzhou-h")}, "InvalidInstanceType.ValueNotSupported", 400},
				{"retired type", []func(*ecs.RunInstancesRequest){lcType("ecs.n4.large"), lcZone("cn-hangzhou-h")}, "InstanceType.Offline", 403},
				// Without a ZoneId the type is still checked for what it is
				// before a zone is looked for.
				{"unknown type, no ZoneId", []func(*ecs.RunInstancesRequest){lcType("ecs.nope.large")}, "InvalidInstanceType.ValueNotSupported", 400},
				{"retired type, no ZoneId", []func(*ecs.RunInstancesRequest){lcType("ecs.n4.large")}, "InstanceType.Offline", 403},
				{"g7 in cn-hangzhou-g", []func(*ecs.RunInstancesRequest){lcType("ecs.g7.large"), lcZone("cn-hangzhou-g")}, "InvalidInstanceType.ZoneNotSupported", 403},
				{"arm image on x86", []func(*ecs.RunInstancesRequest){func(r *ecs.RunInstancesRequest) { r.ImageId = lcArmImage }}, "ImageNotSupportInstanceType", 403},
				{"cloud system disk on g7", []func(*ecs.RunInstancesRequest){lcType("ecs.g7.large"), lcZone("cn-hangzhou-h"), func(r *ecs.RunInstancesRequest) { r.SystemDiskCategory = "cloud" }}, "InvalidInstanceType.NotSupportDiskCategory", 403},
				{"cloud data disk on g7", []func(*ecs.RunInstancesRequest){lcType("ecs.g7.large"), lcZone("cn-hangzhou-h"), dataDisks(1, "cloud")}, "InvalidInstanceType.NotSupportDiskCategory", 403},
				{"17 data disks", []func(*ecs.RunInstancesRequest){dataDisks(17, "cloud_essd")}, "InstanceTypeNotSupported.TooManyDisksAttached", 400},
				{"3 ENIs on g6.large", []func(*ecs.RunInstancesRequest){nic(1, "Secondary"), nic(2, "Secondary")}, "InvalidOperation.EniCountExceeded", 403},
				{"7 private IPv4", []func(*ecs.RunInstancesRequest){nic(1, "Primary"), lcParam("NetworkInterface.1.SecondaryPrivateIpAddressCount", "6")}, "InvalidOperation.Ipv4CountExceeded", 403},
				{"2 IPv6", []func(*ecs.RunInstancesRequest){func(r *ecs.RunInstancesRequest) { r.Ipv6AddressCount = requests.NewInteger(2) }}, "InvalidOperation.Ipv6CountExceeded", 403},
				{"2 IPv6 on an ENI", []func(*ecs.RunInstancesRequest){func(r *ecs.RunInstancesRequest) {
					r.NetworkInterface = &[]ecs.RunInstancesNetworkInterface{{InstanceType: "Primary", Ipv6AddressCount: "2"}}
				}}, "InvalidOperation.Ipv6CountExceeded", 403},
				{"3 queues", []func(*ecs.RunInstancesRequest){func(r *ecs.RunInstancesRequest) { r.NetworkInterfaceQueueNumber = requests.NewInteger(3) }}, "InvalidOperation.MaxEniQueueNumberExceeded", 403},
				{"3 queues on an ENI", []func(*ecs.RunInstancesRequest){func(r *ecs.RunInstancesRequest) {
					r.NetworkInterface = &[]ecs.RunInstancesNetworkInterface{{InstanceType: "Secondary", QueueNumber: "3"}}
				}}, "InvalidOperation.MaxEniQueueNumberExceeded", 403},
				{"nested virtualization on g6", []func(*ecs.RunInstancesRequest){lcParam("CpuOptions.NestedVirtualization", "Enabled")}, "InvalidInstanceType.NotSupportCpuOptionsNestedVirtualization", 400},
				{"PostPaid AutoPay=false", []func(*ecs.RunInstancesRequest){func(r *ecs.RunInstancesRequest) { r.AutoPay = requests.NewBoolean(false) }}, "InvalidPayMethod", 403},
				{"PrePaid 3 years of 100", []func(*ecs.RunInstancesRequest){lcPrePaid(36, "Month"), lcAmount(100)}, "InsufficientBalance", 403},
			}
			for _, c := range cases {
				_, err := a.run(c.opts...)
				lcWantV1(t, c.name, err, c.code, c.status)
			}
			a.wantBalance(t, "10000.00", "0.00")
			if n := a.count(t, nil); n != 0 {
				t.Errorf("%d instances after failed requests", n)
			}

			// Account flags.
			overdue := lcAccount(t, s, "overdue", "10000.00", "0.00")
			overdue.patch(t, map[string]any{"OverduePayment": true})
			_, err := overdue.run(lcPrePaid(1, "Month"))
			lcWantV1(t, "overdue account", err, "Account.Arrearage", 400)

			restricted := lcAccount(t, s, "restricted", "10000.00", "0.00")
			restricted.patch(t, map[string]any{"RestrictedTypes": []string{"ecs.g6.large"}})
			_, err = restricted.run()
			lcWantV1(t, "restricted type", err, "InvalidInstanceType.ValueUnauthorized", 400)
			if _, err := restricted.run(lcType("ecs.c6.large"), lcZone("cn-hangzhou-h")); err != nil {
				t.Errorf("a type not on the restricted list: %v", err)
			}

			quota := lcAccount(t, s, "quota", "10000.00", "0.00")
			quota.patch(t, map[string]any{"VCPUQuota": map[string]int{"cn-hangzhou": 2}})
			_, err = quota.run(lcType("ecs.g6.xlarge"), lcZone("cn-hangzhou-h"))
			lcWantV1(t, "4 vCPUs with a quota of 2", err, "QuotaExceed.ElasticQuota", 403)
			_, err = quota.run(lcAmount(2), lcZone("cn-hangzhou-h"))
			lcWantV1(t, "2×2 vCPUs with a quota of 2", err, "QuotaExceed.ElasticQuota", 403)
			if _, err := quota.run(lcZone("cn-hangzhou-h")); err != nil {
				t.Errorf("2 vCPUs with a quota of 2: %v", err)
			}
			_, err = quota.run(lcZone("cn-hangzhou-h"))
			lcWantV1(t, "2 more vCPUs with the quota used", err, "QuotaExceed.ElasticQuota", 403)
			// Partial creation never takes an account past its quota: with
			// room for 2 ecs.g6.large, Amount 3 MinAmount 1 makes at most 2.
			quota4 := lcAccount(t, s, "quota4", "10000.00", "0.00")
			quota4.patch(t, map[string]any{"VCPUQuota": map[string]int{"cn-hangzhou": 4}})
			_, err = quota4.run(lcZone("cn-hangzhou-h"), lcAmount(3), func(r *ecs.RunInstancesRequest) { r.MinAmount = requests.NewInteger(1) })
			if n := quota4.count(t, nil); n*2 > 4 {
				t.Errorf("Amount 3 MinAmount 1 with a quota of 4 vCPUs made %d ecs.g6.large (%d vCPUs), err %v", n, n*2, err)
			}
			// Another region has its own (default) quota.
			if _, err := quota.run(func(r *ecs.RunInstancesRequest) { r.RegionId = "cn-shanghai" }); err != nil {
				t.Errorf("cn-shanghai with the cn-hangzhou quota used: %v", err)
			}

			// No stock.
			lcSetStock(t, s, "cn-hangzhou-k", "ecs.c6.large", 0)
			_, err = a.run(lcZone("cn-hangzhou-k"), lcType("ecs.c6.large"), lcPrePaid(1, "Month"))
			lcWantV1(t, "no stock", err, "OperationDenied.NoStock", 403)
			a.wantBalance(t, "10000.00", "0.00")
		})

		t.Run("MinAmount", func(t *testing.T) {
			t.Parallel()
			const zone, typ = "cn-hangzhou-k", "ecs.g6.xlarge"
			a := lcAccount(t, s, "minamount", "10000.00", "0.00")
			lcSetStock(t, s, zone, typ, 3)
			min2 := func(r *ecs.RunInstancesRequest) { r.MinAmount = requests.NewInteger(2) }
			resp := a.mustRun(t, lcZone(zone), lcType(typ), lcPrePaid(1, "Month"), lcAmount(5), min2)
			ids := lcCheckPurchase(t, "Amount 5 MinAmount 2 with 3 in stock", resp, "1800.00", 3)
			a.wantBalance(t, "8200.00", "0.00")
			if got := lcStock(t, s, zone, typ); got != 0 {
				t.Errorf("stock %d, want 0", got)
			}
			_, err := a.run(lcZone(zone), lcType(typ), lcAmount(2), func(r *ecs.RunInstancesRequest) { r.MinAmount = requests.NewInteger(1) })
			lcWantV1(t, "MinAmount 1 with none left", err, "OperationDenied.NoStock", 403)
			lcSetStock(t, s, zone, typ, 1)
			_, err = a.run(lcZone(zone), lcType(typ), lcAmount(3), min2)
			lcWantV1(t, "MinAmount 2 with 1 left", err, "OperationDenied.NoStock", 403)
			if got := lcStock(t, s, zone, typ); got != 1 {
				t.Errorf("stock %d after a refused purchase, want 1", got)
			}
			a.waitStatus(t, "Running", ids...)
			if n := a.count(t, nil); n != 3 {
				t.Errorf("%d instances, want 3", n)
			}
		})

		t.Run("V2", func(t *testing.T) {
			t.Parallel()
			const zone, typ = "cn-hangzhou-j", "ecs.c6.large"
			a := lcAccount(t, s, "sdkv2", "1000.00", "0.00")
			stock := lcStock(t, s, zone, typ)
			req := &ecs2.RunInstancesRequest{}
			req.SetRegionId("cn-hangzhou").SetZoneId(zone).SetImageId(lcImage).SetInstanceType(typ).
				SetInstanceChargeType("PrePaid").SetPeriod(1).SetPeriodUnit("Month").SetAmount(2).
				SetInstanceName("v2 name & more").
				SetTag([]*ecs2.RunInstancesRequestTag{{Key: dara.String("k"), Value: dara.String("v 1")}})
			resp, err := a.v2.RunInstances(req)
			if err != nil {
				t.Fatal(err)
			}
			b := resp.Body
			if !lcOrderIDPattern.MatchString(dara.StringValue(b.OrderId)) || b.TradePrice == nil || *b.TradePrice != 480 {
				t.Errorf("v2 OrderId %q TradePrice %v, want 480", dara.StringValue(b.OrderId), b.TradePrice)
			}
			if b.InstanceIdSets == nil || len(b.InstanceIdSets.InstanceIdSet) != 2 {
				t.Fatalf("v2 InstanceIdSets %+v", b.InstanceIdSets)
			}
			ids := dara.StringSliceValue(b.InstanceIdSets.InstanceIdSet)
			a.wantBalance(t, "520.00", "0.00")
			if got := lcStock(t, s, zone, typ); got != stock-2 {
				t.Errorf("stock %d, want %d", got, stock-2)
			}
			raw, _ := json.Marshal(ids)
			deadline := time.Now().Add(15 * time.Second)
			for {
				d, err := a.v2.DescribeInstances(&ecs2.DescribeInstancesRequest{RegionId: dara.String("cn-hangzhou"), InstanceIds: dara.String(string(raw))})
				if err != nil {
					t.Fatal(err)
				}
				list := d.Body.Instances.Instance
				running := 0
				for _, i := range list {
					if dara.StringValue(i.Status) == "Running" {
						running++
					}
					if dara.StringValue(i.InstanceChargeType) != "PrePaid" || dara.StringValue(i.InstanceName) != "v2 name & more" || !lcMinuteTime.MatchString(dara.StringValue(i.ExpiredTime)) {
						t.Fatalf("v2 instance %s", i)
					}
				}
				if len(list) != 2 {
					t.Fatalf("v2 DescribeInstances lists %d instances, want 2", len(list))
				}
				if running == 2 {
					break
				}
				if time.Now().After(deadline) {
					t.Fatal("v2: instances not Running after 15s")
				}
				time.Sleep(50 * time.Millisecond)
			}
			bad := &ecs2.RunInstancesRequest{}
			bad.SetRegionId("cn-hangzhou").SetImageId(lcImage).SetInstanceType(typ).SetInstanceChargeType("PrePaid").SetPeriod(13)
			_, err = a.v2.RunInstances(bad)
			lcWantV2(t, "Period 13", err, "InvalidPeriod", 400)
			bad.SetPeriod(1).SetZoneId("cn-hangzhou-g").SetInstanceType("ecs.g7.large")
			_, err = a.v2.RunInstances(bad)
			lcWantV2(t, "g7 in cn-hangzhou-g", err, "InvalidInstanceType.ZoneNotSupported", 403)
			bad.SetInstanceType(typ).SetZoneId(zone).SetPeriod(3)
			_, err = a.v2.RunInstances(bad)
			lcWantV2(t, "720.00 with 520.00", err, "InsufficientBalance", 403)
			a.wantBalance(t, "520.00", "0.00")
		})
	})
}

// TestDescribeInstances lists 25 instances with every filter and both
// paging styles, and checks DescribeInstanceAttribute, DescribeInstanceStatus
// and DescribeDisks.
func TestDescribeInstances(t *testing.T) {
	t.Parallel()
	ecsdtest.Each(t, ecsdtest.Options{}, func(t *testing.T, s *ecsdtest.Server) {
		a := lcAccount(t, s, "lister", "10000.00", "0.00")
		other := lcAccount(t, s, "other", "10000.00", "0.00")
		tag := func(kv ...string) func(*ecs.RunInstancesRequest) {
			return func(r *ecs.RunInstancesRequest) {
				var tags []ecs.RunInstancesTag
				for k := 0; k < len(kv); k += 2 {
					tags = append(tags, ecs.RunInstancesTag{Key: kv[k], Value: kv[k+1]})
				}
				r.Tag = &tags
			}
		}
		name := func(n string) func(*ecs.RunInstancesRequest) {
			return func(r *ecs.RunInstancesRequest) { r.InstanceName = n }
		}
		alpha := a.mustRun(t, lcZone("cn-hangzhou-h"), lcAmount(10), name("alpha"), tag("env", "dev")).InstanceIdSets.InstanceIdSet
		beta := a.mustRun(t, lcZone("cn-hangzhou-i"), lcType("ecs.c6.large"), lcAmount(10), name("beta"), tag("env", "prod")).InstanceIdSets.InstanceIdSet
		gamma := a.mustRun(t, lcZone("cn-hangzhou-j"), lcPrePaid(1, "Month"), lcAmount(5), name("gamma"), tag("env", "prod", "team", "x")).InstanceIdSets.InstanceIdSet
		foreign := other.mustRun(t, lcZone("cn-hangzhou-h"), lcAmount(2), name("alpha"), tag("env", "dev")).InstanceIdSets.InstanceIdSet
		all := slices.Concat(alpha, beta, gamma)
		if len(all) != 25 {
			t.Fatalf("bought %d instances, want 25", len(all))
		}
		a.waitStatus(t, "Running", all...)
		other.waitStatus(t, "Running", foreign...)

		// Stop one instance so that the Status filter has two answers.
		stop := ecs.CreateStopInstanceRequest()
		stop.InstanceId = beta[0]
		if _, err := a.v1.StopInstance(stop); err != nil {
			t.Fatal(err)
		}
		a.waitStatus(t, "Stopped", beta[0])

		t.Run("Filters", func(t *testing.T) {
			ids := func(list ...string) string { b, _ := json.Marshal(list); return string(b) }
			cases := []struct {
				name string
				edit func(*ecs.DescribeInstancesRequest)
				want []string
			}{
				{"none", nil, all},
				{"InstanceIds", func(r *ecs.DescribeInstancesRequest) { r.InstanceIds = ids(alpha[0], beta[1], gamma[2], foreign[0]) }, []string{alpha[0], beta[1], gamma[2]}},
				{"InstanceIds of another account", func(r *ecs.DescribeInstancesRequest) { r.InstanceIds = ids(foreign...) }, nil},
				{"ZoneId", func(r *ecs.DescribeInstancesRequest) { r.ZoneId = "cn-hangzhou-h" }, alpha},
				{"Status Running", func(r *ecs.DescribeInstancesRequest) { r.Status = "Running" }, slices.DeleteFunc(slices.Clone(all), func(id string) bool { return id == beta[0] })},
				{"Status Stopped", func(r *ecs.DescribeInstancesRequest) { r.Status = "Stopped" }, beta[:1]},
				{"InstanceType", func(r *ecs.DescribeInstancesRequest) { r.InstanceType = "ecs.c6.large" }, beta},
				{"InstanceChargeType PrePaid", func(r *ecs.DescribeInstancesRequest) { r.InstanceChargeType = "PrePaid" }, gamma},
				{"InstanceChargeType PostPaid", func(r *ecs.DescribeInstancesRequest) { r.InstanceChargeType = "PostPaid" }, slices.Concat(alpha, beta)},
				{"InstanceName", func(r *ecs.DescribeInstancesRequest) { r.InstanceName = "gamma" }, gamma},
				{"Tag env=prod", func(r *ecs.DescribeInstancesRequest) {
					r.Tag = &[]ecs.DescribeInstancesTag{{Key: "env", Value: "prod"}}
				}, slices.Concat(beta, gamma)},
				{"Tag env=prod team=x", func(r *ecs.DescribeInstancesRequest) {
					r.Tag = &[]ecs.DescribeInstancesTag{{Key: "env", Value: "prod"}, {Key: "team", Value: "x"}}
				}, gamma},
				{"Tag env=none", func(r *ecs.DescribeInstancesRequest) {
					r.Tag = &[]ecs.DescribeInstancesTag{{Key: "env", Value: "none"}}
				}, nil},
				{"ZoneId and Status", func(r *ecs.DescribeInstancesRequest) { r.ZoneId = "cn-hangzhou-i"; r.Status = "Running" }, beta[1:]},
			}
			for _, c := range cases {
				r := ecs.CreateDescribeInstancesRequest()
				r.RegionId = "cn-hangzhou"
				r.PageSize = requests.NewInteger(100)
				if c.edit != nil {
					c.edit(r)
				}
				resp, err := a.v1.DescribeInstances(r)
				if err != nil {
					t.Errorf("%s: %v", c.name, err)
					continue
				}
				var got []string
				for _, i := range resp.Instances.Instance {
					got = append(got, i.InstanceId)
				}
				slices.Sort(got)
				want := slices.Sorted(slices.Values(c.want))
				if !slices.Equal(got, want) || resp.TotalCount != len(want) {
					t.Errorf("%s: TotalCount %d, got %d instances %v, want %d %v", c.name, resp.TotalCount, len(got), got, len(want), want)
				}
			}
			r := ecs.CreateDescribeInstancesRequest()
			r.RegionId = "cn-hangzhou"
			r.Status = "Bogus"
			_, err := a.v1.DescribeInstances(r)
			lcWantV1(t, "Status Bogus", err, "InvalidStatus.NotFound", 404)
			r = ecs.CreateDescribeInstancesRequest()
			r.RegionId = "cn-hangzhou"
			r.InstanceChargeType = "Bogus"
			_, err = a.v1.DescribeInstances(r)
			lcWantV1(t, "InstanceChargeType Bogus", err, "InvalidInstanceChargeType.NotFound", 404)
			// The other account sees only its own.
			if n := other.count(t, nil); n != 2 {
				t.Errorf("the other account sees %d instances, want 2", n)
			}
		})

		t.Run("PageNumber", func(t *testing.T) {
			seen := map[string]int{}
			for page := 1; page <= 5; page++ {
				r := ecs.CreateDescribeInstancesRequest()
				r.RegionId = "cn-hangzhou"
				r.PageNumber = requests.NewInteger(page)
				r.PageSize = requests.NewInteger(7)
				resp, err := a.v1.DescribeInstances(r)
				if err != nil {
					t.Fatal(err)
				}
				want := min(7, max(25-(page-1)*7, 0))
				if len(resp.Instances.Instance) != want || resp.TotalCount != 25 || resp.PageNumber != page || resp.PageSize != 7 {
					t.Errorf("page %d: %d instances TotalCount %d PageNumber %d PageSize %d, want %d of 25", page, len(resp.Instances.Instance), resp.TotalCount, resp.PageNumber, resp.PageSize, want)
				}
				for _, i := range resp.Instances.Instance {
					seen[i.InstanceId]++
				}
			}
			for _, id := range all {
				if seen[id] != 1 {
					t.Errorf("%s listed %d times over the pages", id, seen[id])
				}
			}
			if len(seen) != 25 {
				t.Errorf("%d distinct instances over the pages, want 25", len(seen))
			}
			r := ecs.CreateDescribeInstancesRequest()
			r.RegionId = "cn-hangzhou"
			r.PageSize = requests.NewInteger(101)
			_, err := a.v1.DescribeInstances(r)
			lcWantV1(t, "PageSize 101", err, "InvalidParameter", 400)
		})

		t.Run("NextToken", func(t *testing.T) {
			seen := map[string]int{}
			var added string
			token := ""
			for page := 1; ; page++ {
				if page > 10 {
					t.Fatal("more than 10 pages")
				}
				r := ecs.CreateDescribeInstancesRequest()
				r.RegionId = "cn-hangzhou"
				r.MaxResults = requests.NewInteger(10)
				r.NextToken = token
				resp, err := a.v1.DescribeInstances(r)
				if err != nil {
					t.Fatal(err)
				}
				if len(resp.Instances.Instance) > 10 {
					t.Errorf("page %d has %d instances with MaxResults 10", page, len(resp.Instances.Instance))
				}
				for _, i := range resp.Instances.Instance {
					seen[i.InstanceId]++
				}
				if page == 1 {
					if resp.NextToken == "" {
						t.Fatal("no NextToken after the first 10 of 25")
					}
					// An instance created between pages does not break paging.
					added = a.mustRun(t, lcZone("cn-hangzhou-h"), name("delta")).InstanceIdSets.InstanceIdSet[0]
				}
				token = resp.NextToken
				if token == "" {
					break
				}
			}
			for _, id := range all {
				if seen[id] != 1 {
					t.Errorf("%s listed %d times over the NextToken pages", id, seen[id])
				}
			}
			if seen[added] > 1 {
				t.Errorf("the instance added between pages was listed %d times", seen[added])
			}
			for id := range seen {
				if id != added && !slices.Contains(all, id) {
					t.Errorf("NextToken pages list %s, not the account's", id)
				}
			}
			for _, bad := range []string{"garbage!!", "Z2FyYmFnZQ", "MTIzX3gteHh4"} {
				r := ecs.CreateDescribeInstancesRequest()
				r.RegionId = "cn-hangzhou"
				r.NextToken = bad
				r.MaxResults = requests.NewInteger(10)
				_, err := a.v1.DescribeInstances(r)
				lcWantV1(t, "NextToken "+bad, err, "InvalidNextToken", 400)
			}

			// Go SDK v2 pages through all 26 the same way.
			v2seen := map[string]bool{}
			var next *string
			for page := 0; page < 10; page++ {
				resp, err := a.v2.DescribeInstances(&ecs2.DescribeInstancesRequest{RegionId: dara.String("cn-hangzhou"), MaxResults: dara.Int32(10), NextToken: next})
				if err != nil {
					t.Fatal(err)
				}
				for _, i := range resp.Body.Instances.Instance {
					if v2seen[dara.StringValue(i.InstanceId)] {
						t.Errorf("v2: %s listed twice", dara.StringValue(i.InstanceId))
					}
					v2seen[dara.StringValue(i.InstanceId)] = true
				}
				next = resp.Body.NextToken
				if dara.StringValue(next) == "" {
					break
				}
			}
			if len(v2seen) != 26 {
				t.Errorf("v2 NextToken paging saw %d instances, want 26", len(v2seen))
			}
			_, err := a.v2.DescribeInstances(&ecs2.DescribeInstancesRequest{RegionId: dara.String("cn-hangzhou"), NextToken: dara.String("garbage")})
			lcWantV2(t, "NextToken garbage", err, "InvalidNextToken", 400)
		})

		t.Run("Attribute", func(t *testing.T) {
			r := ecs.CreateDescribeInstanceAttributeRequest()
			r.InstanceId = gamma[0]
			attr, err := a.v1.DescribeInstanceAttribute(r)
			if err != nil {
				t.Fatal(err)
			}
			listed := a.one(t, gamma[0])
			if attr.InstanceId != gamma[0] || attr.InstanceName != "gamma" || attr.Status != "Running" || attr.InstanceChargeType != "PrePaid" ||
				attr.ExpiredTime != listed.ExpiredTime || attr.ZoneId != "cn-hangzhou-j" || attr.InstanceType != "ecs.g6.large" || attr.Cpu != 2 ||
				attr.VpcAttributes.VSwitchId != listed.VpcAttributes.VSwitchId {
				t.Errorf("DescribeInstanceAttribute %+v does not match DescribeInstances %+v", attr, listed)
			}
			r.InstanceId = foreign[0]
			_, err = a.v1.DescribeInstanceAttribute(r)
			lcWantV1(t, "another account's instance", err, "InvalidInstanceId.NotFound", 404)
			r.InstanceId = "x-123"
			_, err = a.v1.DescribeInstanceAttribute(r)
			lcWantV1(t, "a malformed id", err, "InvalidInstanceId.NotFound", 400)
		})

		t.Run("Status", func(t *testing.T) {
			r := ecs.CreateDescribeInstanceStatusRequest()
			r.RegionId = "cn-hangzhou"
			r.InstanceId = &[]string{alpha[0], beta[0], gamma[0], foreign[0]}
			resp, err := a.v1.DescribeInstanceStatus(r)
			if err != nil {
				t.Fatal(err)
			}
			got := map[string]string{}
			for _, st := range resp.InstanceStatuses.InstanceStatus {
				got[st.InstanceId] = st.Status
			}
			want := map[string]string{alpha[0]: "Running", beta[0]: "Stopped", gamma[0]: "Running"}
			if fmt.Sprint(got) != fmt.Sprint(want) || resp.TotalCount != 3 {
				t.Errorf("DescribeInstanceStatus %v (TotalCount %d), want %v", got, resp.TotalCount, want)
			}
			r = ecs.CreateDescribeInstanceStatusRequest()
			r.RegionId = "cn-hangzhou"
			r.ZoneId = "cn-hangzhou-j"
			r.PageSize = requests.NewInteger(50)
			resp, err = a.v1.DescribeInstanceStatus(r)
			if err != nil {
				t.Fatal(err)
			}
			if resp.TotalCount != 5 || len(resp.InstanceStatuses.InstanceStatus) != 5 {
				t.Errorf("DescribeInstanceStatus ZoneId j: %d (TotalCount %d), want 5", len(resp.InstanceStatuses.InstanceStatus), resp.TotalCount)
			}
		})

		t.Run("Disks", func(t *testing.T) {
			d := lcAccount(t, s, "disks", "1000.00", "0.00")
			id := d.mustRun(t, lcZone("cn-hangzhou-h"), func(r *ecs.RunInstancesRequest) {
				r.SystemDiskCategory = "cloud_essd"
				r.SystemDiskSize = "60"
				r.DataDisk = &[]ecs.RunInstancesDataDisk{{Category: "cloud_essd", Size: "100", PerformanceLevel: "PL2"}, {Category: "cloud_efficiency", Size: "200"}}
			}).InstanceIdSets.InstanceIdSet[0]
			list := func(diskType string) []ecs.Disk {
				r := ecs.CreateDescribeDisksRequest()
				r.RegionId = "cn-hangzhou"
				r.InstanceId = id
				r.DiskType = diskType
				resp, err := d.v1.DescribeDisks(r)
				if err != nil {
					t.Fatal(err)
				}
				if resp.TotalCount != len(resp.Disks.Disk) {
					t.Errorf("DiskType %q: TotalCount %d, %d disks", diskType, resp.TotalCount, len(resp.Disks.Disk))
				}
				return resp.Disks.Disk
			}
			all := list("")
			if len(all) != 3 {
				t.Fatalf("%d disks, want a system disk and 2 data disks: %+v", len(all), all)
			}
			sys := list("system")
			if len(sys) != 1 || sys[0].Type != "system" || sys[0].Category != "cloud_essd" || sys[0].Size != 60 || sys[0].InstanceId != id || sys[0].DiskChargeType != "PostPaid" {
				t.Errorf("system disks %+v", sys)
			}
			data := list("data")
			sizes := map[int]string{}
			for _, x := range data {
				if x.Type != "data" || x.InstanceId != id {
					t.Errorf("data disk %+v", x)
				}
				sizes[x.Size] = x.Category + "/" + x.PerformanceLevel
			}
			if len(data) != 2 || sizes[100] != "cloud_essd/PL2" || sizes[200] != "cloud_efficiency/" {
				t.Errorf("data disks %v", sizes)
			}
			r := ecs.CreateDescribeDisksRequest()
			r.RegionId = "cn-hangzhou"
			r.InstanceId = alpha[0]
			resp, err := d.v1.DescribeDisks(r)
			if err != nil {
				t.Fatal(err)
			}
			if resp.TotalCount != 0 {
				t.Errorf("another account's disks are listed: %+v", resp.Disks.Disk)
			}
		})
	})
}

// TestInstancePowerActions drives StartInstance, StopInstance,
// RebootInstance and DeleteInstance through their states and errors.
func TestInstancePowerActions(t *testing.T) {
	t.Parallel()
	ecsdtest.Each(t, ecsdtest.Options{}, func(t *testing.T, s *ecsdtest.Server) {
		const zone = "cn-hangzhou-h"
		a := lcAccount(t, s, "power", "10000.00", "0.00")
		b := lcAccount(t, s, "stranger", "10000.00", "0.00")
		x := a.mustRun(t, lcZone(zone)).InstanceIdSets.InstanceIdSet[0]
		y := a.mustRun(t, lcZone(zone), lcPrePaid(1, "Month")).InstanceIdSets.InstanceIdSet[0]
		a.waitStatus(t, "Running", x, y)

		start := func(c *lcActor, id string, dry bool) error {
			r := ecs.CreateStartInstanceRequest()
			r.InstanceId = id
			if dry {
				r.DryRun = requests.NewBoolean(true)
			}
			_, err := c.v1.StartInstance(r)
			return err
		}
		stop := func(c *lcActor, id string, edit func(*ecs.StopInstanceRequest)) error {
			r := ecs.CreateStopInstanceRequest()
			r.InstanceId = id
			if edit != nil {
				edit(r)
			}
			_, err := c.v1.StopInstance(r)
			return err
		}
		reboot := func(c *lcActor, id string, dry bool) error {
			r := ecs.CreateRebootInstanceRequest()
			r.InstanceId = id
			if dry {
				r.DryRun = requests.NewBoolean(true)
			}
			_, err := c.v1.RebootInstance(r)
			return err
		}
		transitional := func(id, via, to string) {
			t.Helper()
			if st := a.one(t, id).Status; st != via && st != to {
				t.Errorf("%s right after the call is %q, want %s (then %s)", id, st, via, to)
			}
			a.waitStatus(t, to, id)
		}

		lcWantV1(t, "start a Running instance", start(a, x, false), "IncorrectInstanceStatus", 403)
		lcWantV1(t, "reboot DryRun", reboot(a, x, true), "DryRunOperation", 400)
		lcWantV1(t, "stop DryRun", stop(a, x, func(r *ecs.StopInstanceRequest) { r.DryRun = requests.NewBoolean(true) }), "DryRunOperation", 400)
		if st := a.one(t, x).Status; st != "Running" {
			t.Fatalf("after dry runs %s is %s", x, st)
		}

		if err := stop(a, x, func(r *ecs.StopInstanceRequest) {
			r.ForceStop = requests.NewBoolean(true)
			r.StoppedMode = "StopCharging"
		}); err != nil {
			t.Fatal(err)
		}
		transitional(x, "Stopping", "Stopped")
		if m := a.one(t, x).StoppedMode; m != "StopCharging" {
			t.Errorf("PostPaid stopped with StopCharging: StoppedMode %q", m)
		}
		lcWantV1(t, "stop a Stopped instance", stop(a, x, nil), "IncorrectInstanceStatus", 403)
		lcWantV1(t, "reboot a Stopped instance", reboot(a, x, false), "IncorrectInstanceStatus", 403)
		lcWantV1(t, "start DryRun", start(a, x, true), "DryRunOperation", 400)
		if st := a.one(t, x).Status; st != "Stopped" {
			t.Errorf("after a start dry run %s is %s", x, st)
		}
		lcWantV1(t, "bad StoppedMode", stop(a, y, func(r *ecs.StopInstanceRequest) { r.StoppedMode = "Sometimes" }), "InvalidParameter", 400)

		if err := start(a, x, false); err != nil {
			t.Fatal(err)
		}
		transitional(x, "Starting", "Running")
		if err := reboot(a, x, false); err != nil {
			t.Fatal(err)
		}
		transitional(x, "Starting", "Running")

		// A subscription instance keeps charging whatever StoppedMode says.
		if err := stop(a, y, func(r *ecs.StopInstanceRequest) { r.StoppedMode = "StopCharging" }); err != nil {
			t.Fatal(err)
		}
		transitional(y, "Stopping", "Stopped")
		if m := a.one(t, y).StoppedMode; m != "KeepCharging" {
			t.Errorf("PrePaid stopped with StopCharging: StoppedMode %q, want KeepCharging", m)
		}

		// Unknown, malformed and foreign ids.
		unknown := "i-bp" + strings.Repeat("0", 18)
		for _, c := range []struct {
			id     string
			status int
		}{{unknown, 404}, {"not-an-instance", 400}, {x, 404}} {
			lcWantV1(t, "start "+c.id, start(b, c.id, false), "InvalidInstanceId.NotFound", c.status)
			lcWantV1(t, "stop "+c.id, stop(b, c.id, nil), "InvalidInstanceId.NotFound", c.status)
			lcWantV1(t, "reboot "+c.id, reboot(b, c.id, false), "InvalidInstanceId.NotFound", c.status)
		}
		raw, _ := json.Marshal([]string{x, y})
		if n := b.count(t, func(r *ecs.DescribeInstancesRequest) { r.InstanceIds = string(raw) }); n != 0 {
			t.Errorf("another account sees %d of a's instances", n)
		}
		if n := b.count(t, nil); n != 0 {
			t.Errorf("another account lists %d instances", n)
		}
		if st := a.one(t, x).Status; st != "Running" {
			t.Errorf("%s is %s after another account's calls", x, st)
		}

		// Go SDK v2.
		_, err := a.v2.StartInstance(&ecs2.StartInstanceRequest{InstanceId: dara.String(x)})
		lcWantV2(t, "start a Running instance", err, "IncorrectInstanceStatus", 403)
		if _, err := a.v2.StopInstance(&ecs2.StopInstanceRequest{InstanceId: dara.String(x)}); err != nil {
			t.Fatal(err)
		}
		transitional(x, "Stopping", "Stopped")
		if _, err := a.v2.StartInstance(&ecs2.StartInstanceRequest{InstanceId: dara.String(x)}); err != nil {
			t.Fatal(err)
		}
		transitional(x, "Starting", "Running")
		_, err = b.v2.StopInstance(&ecs2.StopInstanceRequest{InstanceId: dara.String(x)})
		lcWantV2(t, "stop another account's instance", err, "InvalidInstanceId.NotFound", 404)

		// DeleteInstance: Running needs Force; the stock comes back.
		stock := lcStock(t, s, zone, "ecs.g6.large")
		del := func(id string, force bool) error {
			r := ecs.CreateDeleteInstanceRequest()
			r.InstanceId = id
			if force {
				r.Force = requests.NewBoolean(true)
			}
			_, err := a.v1.DeleteInstance(r)
			return err
		}
		lcWantV1(t, "delete a Running instance without Force", del(x, false), "IncorrectInstanceStatus", 403)
		lcWantV1(t, "delete an unexpired subscription", del(y, false), "ChargeTypeViolation", 403)
		if err := del(x, true); err != nil {
			t.Fatal(err)
		}
		if got := lcStock(t, s, zone, "ecs.g6.large"); got != stock+1 {
			t.Errorf("stock %d after deleting, want %d", got, stock+1)
		}
		if n := a.count(t, nil); n != 1 {
			t.Errorf("%d instances after deleting one of 2", n)
		}
		lcWantV1(t, "start a deleted instance", start(a, x, false), "InvalidInstanceId.NotFound", 404)
	})
}
