package conformance

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aliyun/alibaba-cloud-sdk-go/services/ecs"

	"github.com/ecsd/ecsd/internal/ecsdtest"
)

// The Terraform CLI test runs a real Terraform-compatible CLI (OpenTofu or
// HashiCorp Terraform, from ECSD_TF_CLI) with the real
// terraform-provider-alicloud against a real ecsd on each store. With
// ECSD_TF_PROVIDER_DIR the provider is taken from that directory through a
// CLI configuration's dev_overrides; without it the CLI installs it from
// its registry (tofu init), as a user with internet access does. Its
// helpers are named tf….

// tfCall is one request the provider made, as ecsd answered it.
type tfCall struct {
	Action string
	Params url.Values
	Status int
}

// tfWire is a recording proxy in front of ecsd: it keeps every call the
// provider makes, so that the test can say what the provider sent.
type tfWire struct {
	mu    sync.Mutex
	calls []tfCall
	addr  string
}

func tfStartWire(t *testing.T, target string) *tfWire {
	t.Helper()
	u, err := url.Parse(target)
	if err != nil {
		t.Fatal(err)
	}
	w := &tfWire{}
	proxy := httputil.NewSingleHostReverseProxy(u)
	proxy.ModifyResponse = func(r *http.Response) error {
		params, _ := r.Request.Context().Value(tfParamsKey{}).(url.Values)
		w.mu.Lock()
		w.calls = append(w.calls, tfCall{Action: params.Get("Action"), Params: params, Status: r.StatusCode})
		w.mu.Unlock()
		return nil
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	w.addr = ln.Addr().String()
	srv := &http.Server{ReadHeaderTimeout: 10 * time.Second, Handler: http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(body))
		params := r.URL.Query()
		if form, err := url.ParseQuery(string(body)); err == nil {
			for k, v := range form {
				params[k] = v
			}
		}
		proxy.ServeHTTP(rw, r.WithContext(context.WithValue(r.Context(), tfParamsKey{}, params)))
	})}
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() { _ = srv.Close() })
	return w
}

type tfParamsKey struct{}

// take returns the calls recorded since the last take.
func (w *tfWire) take() []tfCall {
	w.mu.Lock()
	defer w.mu.Unlock()
	out := w.calls
	w.calls = nil
	return out
}

// tfActions lists the actions of calls, in order.
func tfActions(calls []tfCall) string {
	var b strings.Builder
	for _, c := range calls {
		fmt.Fprintf(&b, "%s(%d) ", c.Action, c.Status)
	}
	return b.String()
}

// tfFind returns the calls of an action.
func tfFind(calls []tfCall, action string) []tfCall {
	var out []tfCall
	for _, c := range calls {
		if c.Action == action {
			out = append(out, c)
		}
	}
	return out
}

// tfCLI is the CLI in a working directory of its own.
type tfCLI struct {
	t   *testing.T
	bin string
	dir string
	env []string
}

// tfNewCLI writes the CLI configuration and returns the CLI, or fails the
// test when ECSD_TF_CLI is unset in CI (which must run this test) and
// skips it elsewhere.
func tfNewCLI(t *testing.T) *tfCLI {
	t.Helper()
	bin := os.Getenv("ECSD_TF_CLI")
	if bin == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("ECSD_TF_CLI is not set: CI runs the Terraform test (.ci/run installs the CLI and the provider)")
		}
		t.Skip("ECSD_TF_CLI is not set: see README, Terraform (bash ../shared/tools/terraform/install.sh DIR prints the variables)")
	}
	dir := t.TempDir()
	c := &tfCLI{t: t, bin: bin, dir: dir}
	for _, kv := range os.Environ() {
		if k, _, _ := strings.Cut(kv, "="); strings.HasPrefix(k, "TF_") || strings.HasPrefix(k, "TOFU_") || strings.HasPrefix(k, "ALIBABA_CLOUD_") || strings.HasPrefix(k, "ALICLOUD_") {
			continue
		}
		c.env = append(c.env, kv)
	}
	c.env = append(c.env, "TF_IN_AUTOMATION=1", "TF_INPUT=0", "CHECKPOINT_DISABLE=1", "TF_DATA_DIR="+filepath.Join(dir, ".terraform"))
	if log := os.Getenv("ECSD_TF_LOG_DIR"); log != "" {
		c.env = append(c.env, "TF_LOG=DEBUG", "TF_LOG_PATH="+filepath.Join(log, strings.ReplaceAll(t.Name(), "/", "_")+".log"))
	}
	if pdir := os.Getenv("ECSD_TF_PROVIDER_DIR"); pdir != "" {
		cfg := filepath.Join(dir, "cli.tfrc")
		body := fmt.Sprintf("provider_installation {\n  dev_overrides {\n    \"aliyun/alicloud\" = %q\n  }\n  direct {}\n}\n", pdir)
		if err := os.WriteFile(cfg, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		c.env = append(c.env, "TF_CLI_CONFIG_FILE="+cfg, "TOFU_CLI_CONFIG_FILE="+cfg)
	}
	return c
}

// tfConfig is what the configuration of a step sets.
type tfConfig struct {
	Endpoint, KeyID, Secret string
	ChargeType              string // PrePaid or PostPaid
	Type                    string
	Renewal                 string
	RenewPeriod             int
	Tags, VolumeTags        map[string]string
}

func tfMap(m map[string]string) string {
	var b strings.Builder
	b.WriteString("{")
	for k, v := range m {
		fmt.Fprintf(&b, " %q = %q,", k, v)
	}
	return b.String() + " }"
}

// write writes main.tf: one alicloud_instance, as the README shows it.
func (c *tfCLI) write(cfg tfConfig) {
	c.t.Helper()
	var extra strings.Builder
	if cfg.ChargeType == "PrePaid" {
		// force_delete: destroy turns the subscription into pay-as-you-go
		// (the rest refunded) and deletes it; without it the provider refuses.
		fmt.Fprintf(&extra, "  period               = 1\n  period_unit          = \"Month\"\n  renewal_status       = %q\n  force_delete         = true\n", cfg.Renewal)
		if cfg.RenewPeriod > 0 {
			fmt.Fprintf(&extra, "  auto_renew_period    = %d\n", cfg.RenewPeriod)
		}
	}
	if cfg.Tags != nil {
		fmt.Fprintf(&extra, "  tags                 = %s\n", tfMap(cfg.Tags))
	}
	if cfg.VolumeTags != nil {
		fmt.Fprintf(&extra, "  volume_tags          = %s\n", tfMap(cfg.VolumeTags))
	}
	main := tfProviderBlock(cfg.Endpoint, cfg.KeyID, cfg.Secret) + fmt.Sprintf(`resource "alicloud_instance" "web" {
  availability_zone    = "cn-hangzhou-h"
  image_id             = "aliyun_3_x64_20G_alibase_20240528.vhd"
  instance_type        = %q
  instance_name        = "tf-web"
  system_disk_category = "cloud_essd"
  instance_charge_type = %q
%s}

output "id" {
  value = alicloud_instance.web.id
}
`, cfg.Type, cfg.ChargeType, extra.String())
	if err := os.WriteFile(filepath.Join(c.dir, "main.tf"), []byte(main), 0o600); err != nil {
		c.t.Fatal(err)
	}
}

// tfProviderBlock is the start of every configuration: the provider, pointed
// at ecsd's endpoint with the AccessKey.
func tfProviderBlock(endpoint, keyID, secret string) string {
	return fmt.Sprintf(`terraform {
  required_providers {
    alicloud = { source = "aliyun/alicloud" }
  }
}

provider "alicloud" {
  access_key             = %q
  secret_key             = %q
  region                 = "cn-hangzhou"
  protocol               = "HTTP"
  skip_region_validation = true
  endpoints {
    ecs        = %q
    vpc        = %q
    bssopenapi = %q
  }
}

`, keyID, secret, endpoint, endpoint, endpoint)
}

// run runs the CLI with args and returns its exit code and output.
func (c *tfCLI) run(args ...string) (int, string) {
	c.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, c.bin, append(args, "-no-color")...)
	cmd.Dir, cmd.Env = c.dir, c.env
	out, err := cmd.CombinedOutput()
	if ctx.Err() != nil {
		c.t.Fatalf("%s %v: timed out after 5 minutes:\n%s", c.bin, args, out)
	}
	code := 0
	if err != nil {
		ee, ok := err.(*exec.ExitError)
		if !ok {
			c.t.Fatalf("%s %v: %v", c.bin, args, err)
		}
		code = ee.ExitCode()
	}
	return code, string(out)
}

// init installs the provider from the registry when no provider directory
// is given; with dev_overrides there is nothing to install.
func (c *tfCLI) init() {
	c.t.Helper()
	if os.Getenv("ECSD_TF_PROVIDER_DIR") != "" {
		return
	}
	if code, out := c.run("init"); code != 0 {
		c.t.Fatalf("init: exit %d\n%s", code, out)
	}
}

// apply applies the configuration, failing the test if it fails.
func (c *tfCLI) apply(what string) {
	c.t.Helper()
	began := time.Now()
	if code, out := c.run("apply", "-auto-approve"); code != 0 {
		c.t.Fatalf("%s: apply exit %d\n%s", what, code, out)
	}
	c.t.Logf("%s: apply took %s", what, time.Since(began).Round(time.Second))
}

// planEmpty checks that a plan has nothing to do (-detailed-exitcode 0).
func (c *tfCLI) planEmpty(what string) {
	c.t.Helper()
	code, out := c.run("plan", "-detailed-exitcode")
	switch code {
	case 0:
	case 2:
		c.t.Errorf("%s: the plan is not empty:\n%s", what, out)
	default:
		c.t.Fatalf("%s: plan exit %d\n%s", what, code, out)
	}
}

// id returns the instance id from the outputs.
func (c *tfCLI) id() string {
	c.t.Helper()
	code, out := c.run("output", "-json")
	if code != 0 {
		c.t.Fatalf("output: exit %d\n%s", code, out)
	}
	var o map[string]struct{ Value string }
	if err := json.Unmarshal([]byte(out), &o); err != nil {
		c.t.Fatalf("output -json: %v\n%s", err, out)
	}
	return o["id"].Value
}

// tfWant checks one instance against what the configuration says.
func tfWant(t *testing.T, a *lcActor, id, typ, charge string) ecs.Instance {
	t.Helper()
	i := a.one(t, id)
	if i.InstanceType != typ || i.InstanceChargeType != charge || i.Status != "Running" || i.InstanceName != "tf-web" {
		t.Errorf("%s: %s %s %s %q, want %s %s Running tf-web", id, i.InstanceType, i.InstanceChargeType, i.Status, i.InstanceName, typ, charge)
	}
	return i
}

// tfCheckCalls fails on any call ecsd refused: the provider's flow makes
// none (a refused call is an action or a parameter ecsd lacks).
func tfCheckCalls(t *testing.T, what string, calls []tfCall) {
	t.Helper()
	for _, c := range calls {
		if c.Status >= 400 {
			t.Errorf("%s: %s answered HTTP %d; calls: %s", what, c.Action, c.Status, tfActions(calls))
		}
	}
}

// TestTerraformCLI is the user's view of Terraform against ecsd, on each
// store: a PrePaid alicloud_instance is created, resized up and down,
// given auto-renewal and tags, and destroyed; a PostPaid one is created,
// resized and destroyed. After every step the plan must be empty, ecsd's
// state must be what the configuration says, and the balance must have
// moved by ARCHITECTURE.md §5's amounts. The domain clock is manual (it
// moves only when the test moves it), so the amounts are exact.
func TestTerraformCLI(t *testing.T) {
	t.Parallel()
	tfNewCLI(t) // fails in CI, skips elsewhere, when the CLI is missing
	start := time.Date(2026, 3, 2, 2, 30, 0, 0, time.UTC)
	ecsdtest.Each(t, ecsdtest.Options{ManualClock: true, ClockStart: start}, func(t *testing.T, s *ecsdtest.Server) {
		// The PrePaid flow moves the clock; the PostPaid one does not read it.
		t.Run("PrePaid", func(t *testing.T) {
			t.Parallel()
			tfPrePaid(t, s)
		})
		t.Run("PostPaid", func(t *testing.T) {
			t.Parallel()
			tfPostPaid(t, s)
		})
	})
}

func tfPrePaid(t *testing.T, s *ecsdtest.Server) {
	cli := tfNewCLI(t)
	a := lcAccount(t, s, "tf-prepaid", "10000.00", "0.00")
	wire := tfStartWire(t, s.URL)
	cfg := tfConfig{Endpoint: wire.addr, KeyID: a.keyID, Secret: a.secr, ChargeType: "PrePaid", Type: "ecs.g6.large", Renewal: "Normal"}
	large, xlarge := scPrice(t, s, "ecs.g6.large"), scPrice(t, s, "ecs.g6.xlarge")
	cash, _ := scBalance(t, a)
	wantCash := func(what string, want int64) {
		t.Helper()
		if got, _ := scBalance(t, a); got != want {
			t.Errorf("%s: balance %s, want %s", what, scAmount(got), scAmount(want))
		}
	}

	cli.write(cfg)
	cli.init()
	cli.apply("create")
	id := cli.id()
	tfCheckCalls(t, "create", wire.take())
	tfWant(t, a, id, "ecs.g6.large", "PrePaid")
	expires := scExpires(t, a, id)
	cash -= large
	wantCash("after buying a month of ecs.g6.large", cash)
	cli.planEmpty("after create")
	calls := wire.take()
	tfCheckCalls(t, "plan", calls)
	for _, action := range []string{"QueryAvailableInstances", "DescribeUserData", "DescribeInstanceRamRole", "DescribeNetworkInterfaces",
		"DescribeInstanceMaintenanceAttributes", "DescribeInstanceAutoRenewAttribute", "DescribeInstanceAttachmentAttributes"} {
		if len(tfFind(calls, action)) == 0 {
			t.Errorf("a plan's refresh called no %s; calls: %s", action, tfActions(calls))
		}
	}

	// Ten days on, the changes are priced over what is left of the month.
	lcAdvance(t, s, "240h")
	now := scNow(t, s)

	cfg.Type = "ecs.g6.xlarge"
	cli.write(cfg)
	cli.apply("upgrade")
	calls = wire.take()
	tfCheckCalls(t, "upgrade", calls)
	if stops := tfFind(calls, "StopInstance"); len(stops) != 1 || stops[0].Params.Get("StoppedMode") != "Not-applicable" {
		t.Errorf("upgrade: StopInstance calls %v, want one with StoppedMode=Not-applicable (what ecsd reports for a running instance)", stops)
	}
	tfWant(t, a, id, "ecs.g6.xlarge", "PrePaid")
	fee := scFee(large, xlarge, now, expires)
	cash -= fee
	wantCash("after the upgrade", cash)
	cli.planEmpty("after the upgrade")

	cfg.Type = "ecs.g6.large"
	cli.write(cfg)
	cli.apply("downgrade")
	tfCheckCalls(t, "downgrade", wire.take())
	tfWant(t, a, id, "ecs.g6.large", "PrePaid")
	refund := scRefund(xlarge, large, now, expires, 1, 0)
	cash += refund
	wantCash("after the downgrade", cash)
	cli.planEmpty("after the downgrade")

	cfg.Renewal, cfg.RenewPeriod = "AutoRenewal", 2
	cfg.Tags, cfg.VolumeTags = map[string]string{"team": "web"}, map[string]string{"backup": "daily"}
	cli.write(cfg)
	cli.apply("auto-renewal and tags")
	tfCheckCalls(t, "auto-renewal and tags", wire.take())
	isWantRenewal(t, a, id, "AutoRenewal", true, 2, "Month")
	if i := a.one(t, id); len(i.Tags.Tag) != 1 || i.Tags.Tag[0].TagKey != "team" || i.Tags.Tag[0].TagValue != "web" {
		t.Errorf("tags of %s: %+v, want team=web", id, i.Tags.Tag)
	}
	wantCash("after the renewal setting", cash)
	cli.planEmpty("after auto-renewal and tags")

	// Destroying a subscription turns it into pay-as-you-go first (the
	// unused time is refunded) and then deletes it.
	if code, out := cli.run("destroy", "-auto-approve"); code != 0 {
		t.Fatalf("destroy: exit %d\n%s", code, out)
	}
	tfCheckCalls(t, "destroy", wire.take())
	if got := a.describe(t, id); len(got) != 0 {
		t.Errorf("%s still listed after destroy", id)
	}
	// The refund formula over the whole remaining time, capped at the cash
	// paid for the instance less the cash already refunded (§5).
	cash += min(scRefund(large, 0, now, expires, 1, 0), large+fee-refund)
	wantCash("after destroy (the rest of the subscription refunded)", cash)
}

func tfPostPaid(t *testing.T, s *ecsdtest.Server) {
	cli := tfNewCLI(t)
	a := lcAccount(t, s, "tf-postpaid", "100.00", "0.00")
	wire := tfStartWire(t, s.URL)
	cfg := tfConfig{Endpoint: wire.addr, KeyID: a.keyID, Secret: a.secr, ChargeType: "PostPaid", Type: "ecs.g6.large"}

	cli.write(cfg)
	cli.init()
	cli.apply("create")
	id := cli.id()
	tfCheckCalls(t, "create", wire.take())
	tfWant(t, a, id, "ecs.g6.large", "PostPaid")
	cli.planEmpty("after create")

	cfg.Type = "ecs.g6.xlarge"
	cli.write(cfg)
	cli.apply("resize")
	calls := wire.take()
	tfCheckCalls(t, "resize", calls)
	if len(tfFind(calls, "ModifyInstanceSpec")) != 1 {
		t.Errorf("resize: calls %s, want one ModifyInstanceSpec", tfActions(calls))
	}
	tfWant(t, a, id, "ecs.g6.xlarge", "PostPaid")
	cli.planEmpty("after the resize")

	if code, out := cli.run("destroy", "-auto-approve"); code != 0 {
		t.Fatalf("destroy: exit %d\n%s", code, out)
	}
	tfCheckCalls(t, "destroy", wire.take())
	if got := a.describe(t, id); len(got) != 0 {
		t.Errorf("%s still listed after destroy", id)
	}
	// Pay-as-you-go bills by the hour, not by order: nothing was charged.
	a.wantBalance(t, "100.00", "0.00")
}
