package conformance

import (
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	sdkerrors "github.com/aliyun/alibaba-cloud-sdk-go/sdk/errors"
	"github.com/aliyun/alibaba-cloud-sdk-go/sdk/requests"
	"github.com/aliyun/alibaba-cloud-sdk-go/services/ecs"

	"github.com/ecsd/ecsd/internal/ecsdtest"
	"github.com/ecsd/ecsd/internal/server"
)

// tfProvider replays what terraform-provider-alicloud's alicloud_instance
// does when instance_type changes on a PrePaid instance (spec/clients.md
// §7), with Go SDK v1 as the provider uses it. Waits are shorter than the
// provider's (it polls every 5 s); everything else is as it sends it.
type tfProvider struct {
	t      *testing.T
	c      *ecs.Client
	region string
	// seen is every status the polls met, in order, without repeats.
	seen []string
}

// tfNeedRetry is the provider's NeedRetry for a v1 error.
func tfNeedRetry(err error) bool {
	var se *sdkerrors.ServerError
	if !errors.As(err, &se) {
		return false
	}
	code := se.ErrorCode()
	return code == "ServiceUnavailable" || code == "Rejected.Throttling" || strings.Contains(code, "Throttling")
}

// tfIsExpected is the provider's IsExpectedErrors for a v1 error: the code,
// or the code within the message.
func tfIsExpected(err error, codes ...string) bool {
	var se *sdkerrors.ServerError
	if !errors.As(err, &se) {
		return false
	}
	for _, c := range codes {
		if se.ErrorCode() == c || strings.Contains(se.Message(), c) {
			return true
		}
	}
	return false
}

// describe is the provider's DescribeInstance (service_alicloud_ecs.go):
// RegionId, InstanceIds as a JSON list, AdditionalAttributes.1..4; retried
// on NeedRetry; an empty list is NotFound.
func (p *tfProvider) describe(id string) ecs.Instance {
	p.t.Helper()
	r := ecs.CreateDescribeInstancesRequest()
	r.RegionId = p.region
	ids, _ := json.Marshal([]string{id})
	r.InstanceIds = string(ids)
	r.AdditionalAttributes = &[]string{"META_OPTIONS", "NETWORK_PRIMARY_ENI_IP", "LOGIN_AS_NON_ROOT", "DISK_HIGH_DENSITY_MODE"}
	deadline := time.Now().Add(time.Minute)
	for {
		resp, err := p.c.DescribeInstances(r)
		if err != nil && tfNeedRetry(err) && time.Now().Before(deadline) {
			time.Sleep(time.Second)
			continue
		}
		if err != nil {
			p.t.Fatalf("DescribeInstances: %v", err)
		}
		if len(resp.Instances.Instance) != 1 || resp.Instances.Instance[0].InstanceId != id {
			p.t.Fatalf("DescribeInstances %s: %d instances (NotFound: Terraform would drop the resource)", id, len(resp.Instances.Instance))
		}
		i := resp.Instances.Instance[0]
		if len(p.seen) == 0 || p.seen[len(p.seen)-1] != i.Status {
			p.seen = append(p.seen, i.Status)
		}
		return i
	}
}

// waitState is BuildStateConf: poll until the target status; a status in
// neither list is an error.
func (p *tfProvider) waitState(id string, pending []string, target string) {
	p.t.Helper()
	deadline := time.Now().Add(time.Minute)
	for {
		st := p.describe(id).Status
		switch {
		case st == target:
			return
		case !slices.Contains(pending, st):
			p.t.Fatalf("%s: unexpected state %q (pending %v, target %s)", id, st, pending, target)
		case time.Now().After(deadline):
			p.t.Fatalf("%s: still %s after a minute, want %s", id, st, target)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// retry calls f until it succeeds or fails with an error retry does not
// accept, for at most a minute, waiting wait between tries.
func (p *tfProvider) retry(what string, wait time.Duration, f func() error, retry func(error) bool) {
	p.t.Helper()
	deadline := time.Now().Add(time.Minute)
	for {
		err := f()
		if err == nil {
			return
		}
		if !retry(err) || time.Now().After(deadline) {
			p.t.Fatalf("%s: %v", what, err)
		}
		time.Sleep(wait)
	}
}

// tfTimes are how long each step of an apply took.
type tfTimes struct{ stop, change, start time.Duration }

// apply changes the instance type as resourceAliCloudInstanceUpdate does.
func (p *tfProvider) apply(id, newType string) tfTimes {
	p.t.Helper()
	var times tfTimes
	began := time.Now()
	if p.describe(id).Status == "Running" {
		stop := ecs.CreateStopInstanceRequest()
		stop.RegionId, stop.InstanceId, stop.ForceStop = p.region, id, requests.NewBoolean(false)
		p.retry("StopInstance", time.Second, func() error { _, err := p.c.StopInstance(stop); return err },
			func(err error) bool { return tfIsExpected(err, "IncorrectInstanceStatus") })
	}
	p.waitState(id, []string{"Pending", "Running", "Stopping"}, "Stopped")
	times.stop = time.Since(began)

	began = time.Now()
	// modifyInstanceType: no ClientToken, no AutoPay, no MigrateAcrossZone,
	// no RebootWhenFinished; retried on Throttling only.
	modify := ecs.CreateModifyPrepayInstanceSpecRequest()
	modify.RegionId, modify.InstanceId, modify.InstanceType = p.region, id, newType
	p.retry("ModifyPrepayInstanceSpec", time.Second, func() error {
		resp, err := p.c.ModifyPrepayInstanceSpec(modify)
		if err == nil && (!lcOrderIDPattern.MatchString(resp.OrderId) || resp.RequestId == "") {
			p.t.Errorf("ModifyPrepayInstanceSpec: OrderId %q RequestId %q", resp.OrderId, resp.RequestId)
		}
		return err
	}, func(err error) bool { return tfIsExpected(err, "Throttling") })
	// The change is asynchronous: right after the answer the type is the
	// old one (ChangeDelay is 1 s).
	if got := p.describe(id).InstanceType; got == newType {
		p.t.Errorf("%s is %s right after the request: the change should take the change delay", id, got)
	}
	deadline := time.Now().Add(time.Minute)
	for p.describe(id).InstanceType != newType {
		if time.Now().After(deadline) {
			p.t.Fatalf("%s: not %s after a minute", id, newType)
		}
		time.Sleep(100 * time.Millisecond)
	}
	times.change = time.Since(began)
	if times.change < time.Second {
		p.t.Errorf("the change took %v, less than the change delay", times.change)
	}

	began = time.Now()
	start := ecs.CreateStartInstanceRequest()
	start.InstanceId = id
	p.retry("StartInstance", time.Second, func() error { _, err := p.c.StartInstance(start); return err },
		func(err error) bool {
			return tfIsExpected(err, "IncorrectInstanceStatus", "InvalidOperation.Conflict") || tfNeedRetry(err)
		})
	p.waitState(id, []string{"Pending", "Starting", "Stopped"}, "Running")
	times.start = time.Since(began)
	return times
}

// TestTerraformTypeChange runs the Terraform provider's sequence for a
// PrePaid instance, an upgrade and then a downgrade, on servers with real
// delays (ChangeDelay 1 s, TransitionDelay 200 ms): the polls must wait
// through Stopping, the change and Starting.
func TestTerraformTypeChange(t *testing.T) {
	t.Parallel()
	delays := func(c *server.Config) { c.ChangeDelay, c.TransitionDelay = time.Second, 200*time.Millisecond }
	ecsdtest.Each(t, ecsdtest.Options{Configure: delays}, func(t *testing.T, s *ecsdtest.Server) {
		a := lcAccount(t, s, "terraform", "10000.00", "0.00")
		p := &tfProvider{t: t, c: s.SDKv1(t, a.keyID, a.secr), region: "cn-hangzhou"}
		id := scBuy(t, a, "cn-hangzhou-h", "ecs.g6.large")
		p.waitState(id, []string{"Pending", "Starting"}, "Running")
		cash0, _ := scBalance(t, a)

		p.seen = nil
		up := p.apply(id, "ecs.g6.xlarge")
		t.Logf("upgrade: stop %v, change %v, start %v; statuses %v", up.stop, up.change, up.start, p.seen)
		for _, st := range []string{"Stopping", "Stopped", "Starting", "Running"} {
			if !slices.Contains(p.seen, st) {
				t.Errorf("the polls never saw %s (saw %v): with real delays every transition is observable", st, p.seen)
			}
		}
		i := p.describe(id)
		if i.InstanceType != "ecs.g6.xlarge" || i.Cpu != 4 || i.Memory != 16384 || i.Status != "Running" {
			t.Errorf("after the upgrade: %s Cpu %d Memory %d %s", i.InstanceType, i.Cpu, i.Memory, i.Status)
		}
		cash1, _ := scBalance(t, a)
		if cash1 >= cash0 {
			t.Errorf("the upgrade charged nothing: %s → %s", scAmount(cash0), scAmount(cash1))
		}

		p.seen = nil
		down := p.apply(id, "ecs.g6.large")
		t.Logf("downgrade: stop %v, change %v, start %v; statuses %v", down.stop, down.change, down.start, p.seen)
		i = p.describe(id)
		if i.InstanceType != "ecs.g6.large" || i.Cpu != 2 || i.Memory != 8192 || i.Status != "Running" {
			t.Errorf("after the downgrade: %s Cpu %d Memory %d %s", i.InstanceType, i.Cpu, i.Memory, i.Status)
		}
		if cash2, _ := scBalance(t, a); cash2 <= cash1 {
			t.Errorf("the downgrade refunded nothing: %s → %s", scAmount(cash1), scAmount(cash2))
		}
		if got := scChangeOrders(t, s, a, id); len(got) != 2 {
			t.Errorf("%d change orders, want 2 (no ClientToken, and no duplicate)", len(got))
		}
	})
}

// TestSpecChangeCrashRecovery accepts a change on a server whose change
// delay (2 s) has not passed when it shuts down; a new server on the same
// store applies it, exactly once: one order, one charge, the stock moved
// once, one completed job.
func TestSpecChangeCrashRecovery(t *testing.T) {
	t.Parallel()
	slow := func(c *server.Config) { c.ChangeDelay = 2 * time.Second }
	ecsdtest.Each(t, ecsdtest.Options{Configure: slow}, func(t *testing.T, s *ecsdtest.Server) {
		const zone = "cn-hangzhou-h"
		a := lcAccount(t, s, "crash", "10000.00", "0.00")
		id := scRunning(t, a, zone, "ecs.g6.large")
		oldN, newN := lcStock(t, s, zone, "ecs.g6.large"), lcStock(t, s, zone, "ecs.g6.xlarge")
		cash0, _ := scBalance(t, a)
		order := scAccept(t, a, scReq{InstanceId: id, InstanceType: "ecs.g6.xlarge"})
		cash1, _ := scBalance(t, a)
		if i := a.one(t, id); i.InstanceType != "ecs.g6.large" {
			t.Fatalf("the change was applied before the shutdown (%s); the test proves nothing", i.InstanceType)
		}

		s2 := s.Restart(t)
		b := &lcActor{s: s2, ID: a.ID, keyID: a.keyID, secr: a.secr,
			v1: s2.SDKv1(t, a.keyID, a.secr), v2: s2.SDKv2(t, a.keyID, a.secr), bss: lcBSSClient(t, s2, a.keyID, a.secr)}
		// Delayed jobs wait for River's scheduler on the new leader.
		i := scWaitFor(t, b, id, "ecs.g6.xlarge", 45*time.Second, func(i ecs.Instance) bool { return i.InstanceType == "ecs.g6.xlarge" })
		if i.Cpu != 4 || i.Status != "Running" {
			t.Errorf("after recovery: Cpu %d %s", i.Cpu, i.Status)
		}
		var state string
		var jobs int
		deadline := time.Now().Add(15 * time.Second)
		for {
			db := s2.Store.DB()
			if err := db.QueryRow(`SELECT COUNT(*) FROM river_job WHERE kind = 'spec_change'`).Scan(&jobs); err != nil {
				t.Fatal(err)
			}
			if err := db.QueryRow(`SELECT state FROM river_job WHERE kind = 'spec_change' ORDER BY id LIMIT 1`).Scan(&state); err != nil {
				t.Fatal(err)
			}
			if state == "completed" || time.Now().After(deadline) {
				break
			}
			time.Sleep(100 * time.Millisecond)
		}
		if jobs != 1 || state != "completed" {
			t.Errorf("spec_change jobs: %d, the first %s; want one, completed", jobs, state)
		}
		time.Sleep(500 * time.Millisecond)
		if got := scChangeOrders(t, s2, b, id); len(got) != 1 || got[0].ID != order {
			t.Errorf("%d change orders, want only %s", len(got), order)
		}
		if cash, _ := scBalance(t, b); cash != cash1 || cash >= cash0 {
			t.Errorf("balance %s → %s → %s: want one charge, at the request", scAmount(cash0), scAmount(cash1), scAmount(cash))
		}
		if o, n := lcStock(t, s2, zone, "ecs.g6.large"), lcStock(t, s2, zone, "ecs.g6.xlarge"); o != oldN+1 || n != newN-1 {
			t.Errorf("stock: g6.large %d → %d, g6.xlarge %d → %d; want +1 and -1, once", oldN, o, newN, n)
		}
		// Nothing is left in flight: the instance takes a new change.
		scAccept(t, b, scReq{InstanceId: id, InstanceType: "ecs.g6.2xlarge"})
		scWaitFor(t, b, id, "ecs.g6.2xlarge", 45*time.Second, func(i ecs.Instance) bool { return i.InstanceType == "ecs.g6.2xlarge" })
	})
}
