package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	ecs "github.com/alibabacloud-go/ecs-20140526/v7/client"
	"github.com/alibabacloud-go/tea/dara"

	"github.com/ecsd/ecsd/ecsdtest"
)

// cliResult is one run of the command line.
type cliResult struct {
	code           int
	stdout, stderr string
}

func ecsdCLI(t *testing.T, stdin string, args ...string) cliResult {
	t.Helper()
	var out, errOut bytes.Buffer
	code := run(args, strings.NewReader(stdin), &out, &errOut)
	return cliResult{code, out.String(), errOut.String()}
}

// admin runs `ecsd admin --endpoint E --admin-token T args...` and wants
// the exit code.
func (k cliKit) admin(t *testing.T, want int, args ...string) cliResult {
	t.Helper()
	full := append([]string{"admin", "--endpoint", k.srv.Endpoint, "--admin-token", k.srv.AdminToken}, args...)
	r := ecsdCLI(t, k.stdin, full...)
	if r.code != want {
		t.Fatalf("ecsd %s: exit %d, want %d\nstdout: %s\nstderr: %s", strings.Join(args, " "), r.code, want, r.stdout, r.stderr)
	}
	return r
}

// adminJSON runs a call with --json and decodes its answer.
func (k cliKit) adminJSON(t *testing.T, out any, args ...string) {
	t.Helper()
	r := k.admin(t, exitOK, append([]string{"--json"}, args...)...)
	if err := json.Unmarshal([]byte(r.stdout), out); err != nil {
		t.Fatalf("ecsd admin --json %s: %v\n%s", strings.Join(args, " "), err, r.stdout)
	}
}

type cliKit struct {
	srv   *ecsdtest.Server
	stdin string
}

// TestAdminCLI drives every `ecsd admin` subcommand against a real server
// on each store, in text and JSON, and checks the exit codes scripts rely on.
func TestAdminCLI(t *testing.T) {
	t.Parallel()
	stores := map[string][]ecsdtest.Option{"sqlite": nil}
	if dsn := os.Getenv("ECSD_TEST_POSTGRES_DSN"); dsn != "" {
		stores["postgres"] = []ecsdtest.Option{ecsdtest.WithPostgres(dsn)}
	} else {
		t.Run("postgres", func(t *testing.T) { t.Skip("ECSD_TEST_POSTGRES_DSN is not set; PostgreSQL tests need it (CI sets it)") })
	}
	for name, opts := range stores {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			start := time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC)
			srv := ecsdtest.New(t, append(opts, ecsdtest.WithClockStart(start))...)
			k := cliKit{srv: srv}

			var acc struct{ AccountId, AccessKeyId, AccessKeySecret string }
			k.adminJSON(t, &acc, "accounts", "create", "cli-user", "--balance", "500.00")
			if acc.AccountId == "" || !strings.HasPrefix(acc.AccessKeyId, "LTAI") || acc.AccessKeySecret == "" {
				t.Fatalf("accounts create: %+v", acc)
			}
			text := k.admin(t, exitOK, "accounts", "get", acc.AccountId).stdout
			for _, want := range []string{"Name  ", "cli-user", "Balance", "500.00", acc.AccessKeyId + " Active"} {
				if !strings.Contains(text, want) {
					t.Errorf("accounts get (text) lacks %q:\n%s", want, text)
				}
			}
			var got struct {
				Balance, VoucherBalance string
				OverduePayment          bool
				DowngradeQuota          int
				VCPUQuota               map[string]int
				RestrictedTypes         []string
			}
			k.adminJSON(t, &got, "balance", acc.AccountId, "--", "-100.50")
			k.adminJSON(t, &got, "balance", acc.AccountId, "20.00", "--kind", "voucher")
			if got.Balance != "399.50" || got.VoucherBalance != "20.00" {
				t.Errorf("after balance changes: %+v, want 399.50 and 20.00", got)
			}
			k.adminJSON(t, &got, "accounts", "patch", acc.AccountId, "--overdue-payment=true", "--downgrade-quota", "7",
				"--vcpu-quota", "cn-hangzhou=64", "--restricted-types", "ecs.g7.large,ecs.g7.xlarge")
			if !got.OverduePayment || got.DowngradeQuota != 7 || got.VCPUQuota["cn-hangzhou"] != 64 || len(got.RestrictedTypes) != 2 {
				t.Errorf("after accounts patch: %+v", got)
			}
			k.adminJSON(t, &got, "accounts", "patch", acc.AccountId, "--overdue-payment=false")
			k.admin(t, exitUsage, "accounts", "patch", acc.AccountId)

			var key struct{ AccessKeyId, Status string }
			k.adminJSON(t, &key, "accesskeys", "status", acc.AccessKeyId, "Inactive")
			k.adminJSON(t, &key, "accesskeys", "status", acc.AccessKeyId, "Active")
			if key.Status != "Active" {
				t.Errorf("accesskeys status: %+v", key)
			}

			k.admin(t, exitOK, "stock", "set", "cn-hangzhou-h", "ecs.g6.large", "7")
			var stock struct{ Available int }
			k.adminJSON(t, &stock, "stock", "get", "cn-hangzhou-h", "ecs.g6.large")
			if stock.Available != 7 {
				t.Errorf("stock get after set 7: %+v", stock)
			}

			var clk struct{ Now, Mode string }
			k.adminJSON(t, &clk, "clock", "advance", "90m")
			if clk.Now != start.Add(90*time.Minute).Format(time.RFC3339Nano) {
				t.Errorf("clock advance 90m: %+v", clk)
			}
			k.adminJSON(t, &clk, "clock", "set", "2026-02-10T00:00:00Z")
			k.adminJSON(t, &clk, "clock", "get")
			if clk.Now != "2026-02-10T00:00:00Z" || clk.Mode != "manual" {
				t.Errorf("clock get after set: %+v", clk)
			}
			if txt := k.admin(t, exitOK, "clock", "get").stdout; !strings.Contains(txt, "Mode  manual") {
				t.Errorf("clock get (text): %q", txt)
			}

			// An Unpaid purchase, paid through the CLI; a flag on its instance.
			client, err := ecs.NewClient(srv.OpenAPIConfig())
			if err != nil {
				t.Fatal(err)
			}
			runResp, err := client.RunInstances(&ecs.RunInstancesRequest{
				RegionId: dara.String("cn-hangzhou"), ImageId: dara.String("aliyun_3_x64_20G_alibase_20240528.vhd"),
				InstanceType: dara.String("ecs.g6.large"), InstanceChargeType: dara.String("PrePaid"), Period: dara.Int32(1),
				AutoPay: dara.Bool(false),
			})
			if err != nil {
				t.Fatal(err)
			}
			var order struct{ OrderId, PaymentStatus string }
			k.adminJSON(t, &order, "orders", "pay", *runResp.Body.OrderId)
			if order.PaymentStatus != "Paid" {
				t.Errorf("orders pay: %+v", order)
			}
			k.admin(t, exitServerError, "orders", "pay", *runResp.Body.OrderId)
			var inst struct{ EipAddress, LockReason string }
			k.adminJSON(t, &inst, "instances", "patch", *runResp.Body.InstanceIdSets.InstanceIdSet[0], "--eip-address", "47.1.2.3", "--lock-reason", "security")
			if inst.EipAddress != "47.1.2.3" || inst.LockReason != "security" {
				t.Errorf("instances patch: %+v", inst)
			}

			var fault struct{ Action, Code string }
			k.adminJSON(t, &fault, "faults", "inject", "DescribeRegions", "InternalError", "--count", "1")
			if _, err := client.DescribeRegions(&ecs.DescribeRegionsRequest{}); err == nil || !strings.Contains(err.Error(), "InternalError") {
				t.Errorf("after faults inject: DescribeRegions got %v", err)
			}

			// Snapshot to a file, reset, load it back: the account returns.
			file := filepath.Join(t.TempDir(), "state.json")
			k.admin(t, exitOK, "snapshot", "save", file)
			var doc struct {
				Format  string
				Version int
			}
			raw, err := os.ReadFile(file)
			if err != nil || json.Unmarshal(raw, &doc) != nil || doc.Format != "ecsd-snapshot" || doc.Version != 1 {
				t.Fatalf("snapshot save wrote %d bytes (%v): %+v", len(raw), err, doc)
			}
			if out := k.admin(t, exitOK, "snapshot", "save").stdout; !strings.HasPrefix(out, `{"Format":"ecsd-snapshot"`) {
				t.Errorf("snapshot save to stdout: %.80s", out)
			}
			if out := k.admin(t, exitOK, "reset").stdout; !strings.Contains(out, "The state is fresh") || !strings.Contains(out, srv.AccessKeyID) {
				t.Errorf("reset (text): %s", out)
			}
			k.admin(t, exitServerError, "accounts", "get", acc.AccountId)
			if out := k.admin(t, exitOK, "snapshot", "load", file).stdout; !strings.Contains(out, "accounts") || !strings.Contains(out, "2 rows") {
				t.Errorf("snapshot load (text): %s", out)
			}
			k.adminJSON(t, &got, "accounts", "get", acc.AccountId)
			if got.Balance != "399.50" || got.VoucherBalance != "20.00" || got.DowngradeQuota != 7 {
				t.Errorf("account after the snapshot came back: %+v, want 399.50, 20.00 and its quota", got)
			}
			k.stdin = `{"Format":"ecsd-snapshot","Version":9}`
			if r := k.admin(t, exitServerError, "snapshot", "load", "-"); !strings.Contains(r.stderr, "InvalidSnapshot") || !strings.Contains(r.stderr, "Version") {
				t.Errorf("loading a version 9 snapshot: %s", r.stderr)
			}
			k.stdin = ""

			// Exit codes: the server's refusal, usage, no answer.
			if r := k.admin(t, exitServerError, "accounts", "get", "0000000000000000"); !strings.Contains(r.stderr, "InvalidAccountId.NotFound") {
				t.Errorf("unknown account: stderr %q", r.stderr)
			}
			bad := ecsdCLI(t, "", "admin", "--endpoint", srv.Endpoint, "--admin-token", "wrong", "clock", "get")
			if bad.code != exitServerError || !strings.Contains(bad.stderr, "401") {
				t.Errorf("wrong token: exit %d, stderr %q; want 1 and 401", bad.code, bad.stderr)
			}
			if r := ecsdCLI(t, "", "admin", "--endpoint", srv.Endpoint, "--admin-token=", "clock", "get"); r.code != exitUsage {
				t.Errorf("no token: exit %d, want %d", r.code, exitUsage)
			}
			k.admin(t, exitUsage, "stock", "set", "cn-hangzhou-h", "ecs.g6.large", "many")
			k.admin(t, exitUsage, "snapshot", "load", filepath.Join(t.TempDir(), "missing.json"))
			if r := ecsdCLI(t, "", "admin", "--endpoint", "127.0.0.1:1", "--admin-token", "x", "clock", "get"); r.code != exitNoAnswer {
				t.Errorf("nothing listening: exit %d, want %d (%s)", r.code, exitNoAnswer, r.stderr)
			}
		})
	}
}
