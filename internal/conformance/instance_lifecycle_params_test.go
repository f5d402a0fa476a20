package conformance

import (
	"math"
	"testing"
	"time"

	ecs2 "github.com/alibabacloud-go/ecs-20140526/v7/client"
	"github.com/alibabacloud-go/tea/dara"

	"github.com/ecsd/ecsd/internal/ecsdtest"
)

// The helpers of the lifecycle parameter tests are named ilp…; they drive
// ecsd through Go SDK v2 (ecs-20140526/v7).

// ilpRun calls RunInstances for one pay-as-you-go ecs.g6.large in
// cn-hangzhou-h, edited.
func ilpRun(a *lcActor, edit func(*ecs2.RunInstancesRequest)) (*ecs2.RunInstancesResponse, error) {
	r := &ecs2.RunInstancesRequest{RegionId: isStr(isRegion), ZoneId: isStr("cn-hangzhou-h"), ImageId: isStr(lcImage), InstanceType: isStr("ecs.g6.large")}
	if edit != nil {
		edit(r)
	}
	return a.v2.RunInstances(r)
}

// ilpBuy buys one instance and waits until it runs (subscriptions paid at once).
func ilpBuy(t *testing.T, a *lcActor, edit func(*ecs2.RunInstancesRequest)) string {
	t.Helper()
	resp, err := ilpRun(a, edit)
	if err != nil {
		t.Fatalf("RunInstances: %v", err)
	}
	ids := resp.Body.InstanceIdSets.InstanceIdSet
	if len(ids) != 1 {
		t.Fatalf("RunInstances: ids %v", ids)
	}
	id := dara.StringValue(ids[0])
	a.waitStatus(t, "Running", id)
	return id
}

// ilpDescribe returns the instance as DescribeInstances lists it, or nil
// when it is not listed.
func ilpDescribe(t *testing.T, a *lcActor, id string) *ecs2.DescribeInstancesResponseBodyInstancesInstance {
	t.Helper()
	resp, err := a.v2.DescribeInstances(&ecs2.DescribeInstancesRequest{RegionId: isStr(isRegion), InstanceIds: isIDs(id)})
	if err != nil {
		t.Fatalf("DescribeInstances: %v", err)
	}
	if n := len(resp.Body.Instances.Instance); n != 1 {
		if n != 0 {
			t.Fatalf("DescribeInstances %s: %d instances", id, n)
		}
		return nil
	}
	return resp.Body.Instances.Instance[0]
}

func ilpDisks(t *testing.T, a *lcActor, instanceID string) []*ecs2.DescribeDisksResponseBodyDisksDisk {
	t.Helper()
	resp, err := a.v2.DescribeDisks(&ecs2.DescribeDisksRequest{RegionId: isStr(isRegion), InstanceId: isStr(instanceID)})
	if err != nil {
		t.Fatalf("DescribeDisks: %v", err)
	}
	return resp.Body.Disks.Disk
}

func ilpSetRelease(a *lcActor, id, at string) error {
	r := &ecs2.ModifyInstanceAutoReleaseTimeRequest{RegionId: isStr(isRegion), InstanceId: isStr(id)}
	if at != "" {
		r.AutoReleaseTime = isStr(at)
	}
	_, err := a.v2.ModifyInstanceAutoReleaseTime(r)
	return err
}

func ilpAdvance(t *testing.T, s *ecsdtest.Server, d string) {
	t.Helper()
	if st := s.Admin(t, "POST", "/_ecsd/v1/clock", map[string]string{"Advance": d}, nil); st != 200 {
		t.Fatalf("advance clock %s: HTTP %d", d, st)
	}
}

// TestRunInstancesAutoRelease: an AutoReleaseTime given to RunInstances or
// set with ModifyInstanceAutoReleaseTime is answered by DescribeInstances,
// and advancing the domain clock past it releases the instance as
// DeleteInstance does: its disks and ENIs go and its stock comes back.
// Release protection does not hold it; a changed or cleared time does.
func TestRunInstancesAutoRelease(t *testing.T) {
	t.Parallel()
	start := time.Date(2026, 3, 2, 2, 30, 0, 0, time.UTC)
	ecsdtest.Each(t, ecsdtest.Options{ManualClock: true, ClockStart: start}, func(t *testing.T, s *ecsdtest.Server) {
		a := lcAccount(t, s, "autorelease", "10000.00", "0.00")
		at := func(d time.Duration) string { return start.Add(d).Format("2006-01-02T15:04:05Z") }

		// Refused times and charge types, each with its documented code.
		for _, c := range []struct{ what, value string }{
			{"not a time", "tomorrow"},
			{"a local time", "2026-03-02T12:00:00+08:00"},
			{"10 minutes ahead", at(10 * time.Minute)},
			{"over three years ahead", at(3*366*24*time.Hour + time.Hour)},
		} {
			_, err := ilpRun(a, func(r *ecs2.RunInstancesRequest) { r.AutoReleaseTime = isStr(c.value) })
			lcWantV2(t, "RunInstances AutoReleaseTime "+c.what, err, "InvalidAutoReleaseTime.Malformed", 400)
		}
		_, err := ilpRun(a, func(r *ecs2.RunInstancesRequest) {
			r.InstanceChargeType, r.Period, r.AutoReleaseTime = isStr("PrePaid"), dara.Int32(1), isStr(at(2*time.Hour))
		})
		lcWantV2(t, "RunInstances PrePaid with AutoReleaseTime", err, "ChargeTypeViolation", 403)
		_, err = ilpRun(a, func(r *ecs2.RunInstancesRequest) {
			r.InstanceChargeType, r.Period, r.DeletionProtection = isStr("PrePaid"), dara.Int32(1), dara.Bool(true)
		})
		lcWantV2(t, "RunInstances PrePaid with DeletionProtection", err, "InvalidParameter", 400)

		stock := lcStock(t, s, "cn-hangzhou-h", "ecs.g6.large")
		// protected: released at 04:30 despite release protection; seconds
		// are dropped, as ECS starts the release at the minute.
		protected := ilpBuy(t, a, func(r *ecs2.RunInstancesRequest) {
			r.AutoReleaseTime, r.DeletionProtection = isStr(at(2*time.Hour+45*time.Second)), dara.Bool(true)
		})
		later := ilpBuy(t, a, nil)                                                                                  // set to 05:30 afterwards
		moved := ilpBuy(t, a, func(r *ecs2.RunInstancesRequest) { r.AutoReleaseTime = isStr(at(2 * time.Hour)) })   // moved to 06:00
		cleared := ilpBuy(t, a, func(r *ecs2.RunInstancesRequest) { r.AutoReleaseTime = isStr(at(2 * time.Hour)) }) // cleared
		sub := ilpBuy(t, a, func(r *ecs2.RunInstancesRequest) { r.InstanceChargeType, r.Period = isStr("PrePaid"), dara.Int32(1) })
		// converted becomes a subscription, which is never released automatically.
		converted := ilpBuy(t, a, func(r *ecs2.RunInstancesRequest) { r.AutoReleaseTime = isStr(at(2 * time.Hour)) })
		if got := lcStock(t, s, "cn-hangzhou-h", "ecs.g6.large"); got != stock-6 {
			t.Fatalf("stock after 6 purchases: %d, want %d", got, stock-6)
		}
		if _, err := a.v2.ModifyInstanceChargeType(&ecs2.ModifyInstanceChargeTypeRequest{RegionId: isStr(isRegion), InstanceIds: isIDs(converted), InstanceChargeType: isStr("PrePaid"), Period: dara.Int32(1)}); err != nil {
			t.Fatalf("ModifyInstanceChargeType %s to PrePaid: %v", converted, err)
		}
		if i := ilpDescribe(t, a, converted); dara.StringValue(i.InstanceChargeType) != "PrePaid" || i.AutoReleaseTime != nil {
			t.Errorf("DescribeInstances %s after the change to PrePaid: %s, AutoReleaseTime %q, want PrePaid and none", converted, dara.StringValue(i.InstanceChargeType), dara.StringValue(i.AutoReleaseTime))
		}

		if i := ilpDescribe(t, a, protected); dara.StringValue(i.AutoReleaseTime) != at(2*time.Hour) || !dara.BoolValue(i.DeletionProtection) {
			t.Errorf("DescribeInstances %s: AutoReleaseTime %q DeletionProtection %v, want %s and true", protected, dara.StringValue(i.AutoReleaseTime), dara.BoolValue(i.DeletionProtection), at(2*time.Hour))
		}
		if i := ilpDescribe(t, a, later); i.AutoReleaseTime != nil || dara.BoolValue(i.DeletionProtection) {
			t.Errorf("DescribeInstances %s: AutoReleaseTime %q DeletionProtection %v, want none and false", later, dara.StringValue(i.AutoReleaseTime), dara.BoolValue(i.DeletionProtection))
		}
		_, err = a.v2.DeleteInstance(&ecs2.DeleteInstanceRequest{InstanceId: isStr(protected), Force: dara.Bool(true)})
		lcWantV2(t, "DeleteInstance with DeletionProtection from RunInstances", err, "InvalidOperation.DeletionProtection", 403)

		// ModifyInstanceAutoReleaseTime sets, moves and clears.
		for id, when := range map[string]string{later: at(3 * time.Hour), moved: at(3*time.Hour + 30*time.Minute), cleared: ""} {
			if err := ilpSetRelease(a, id, when); err != nil {
				t.Fatalf("ModifyInstanceAutoReleaseTime %s %q: %v", id, when, err)
			}
			if got := dara.StringValue(ilpDescribe(t, a, id).AutoReleaseTime); got != when {
				t.Errorf("DescribeInstances %s: AutoReleaseTime %q, want %q", id, got, when)
			}
		}
		lcWantV2(t, "ModifyInstanceAutoReleaseTime of a subscription", ilpSetRelease(a, sub, at(3*time.Hour)), "ChargeTypeViolation", 403)
		lcWantV2(t, "ModifyInstanceAutoReleaseTime 29 minutes ahead", ilpSetRelease(a, later, at(29*time.Minute)), "InvalidAutoReleaseTime.Malformed", 400)
		lcWantV2(t, "ModifyInstanceAutoReleaseTime malformed", ilpSetRelease(a, later, "2026-13-01T00:00:00Z"), "InvalidAutoReleaseTime.Malformed", 400)
		lcWantV2(t, "ModifyInstanceAutoReleaseTime unknown instance", ilpSetRelease(a, "i-bpnosuchinstance0000", at(3*time.Hour)), "InvalidInstanceId.NotFound", 404)
		_, err = a.v2.ModifyInstanceAutoReleaseTime(&ecs2.ModifyInstanceAutoReleaseTimeRequest{RegionId: isStr(isRegion)})
		lcWantV2(t, "ModifyInstanceAutoReleaseTime without InstanceId", err, "MissingParameter", 400)
		other := lcAccount(t, s, "other", "100.00", "0.00")
		lcWantV2(t, "ModifyInstanceAutoReleaseTime of another account's instance", ilpSetRelease(other, later, at(3*time.Hour)), "InvalidInstanceId.NotFound", 404)
		if got := dara.StringValue(ilpDescribe(t, a, later).AutoReleaseTime); got != at(3*time.Hour) {
			t.Errorf("refused calls changed %s's AutoReleaseTime to %q", later, got)
		}

		disks, enis := len(ilpDisks(t, a, protected)), isENIs(t, a, &ecs2.DescribeNetworkInterfacesRequest{InstanceId: isStr(protected)})
		if disks != 1 || len(enis) != 1 {
			t.Fatalf("%s before its release: %d disks, %d ENIs", protected, disks, len(enis))
		}
		// 04:30: protected and nothing else; moved's old time no longer holds.
		ilpAdvance(t, s, "2h")
		for id, want := range map[string]bool{protected: false, later: true, moved: true, cleared: true, sub: true, converted: true} {
			if got := ilpDescribe(t, a, id) != nil; got != want {
				t.Errorf("at 04:30, %s listed: %v, want %v", id, got, want)
			}
		}
		if d := ilpDisks(t, a, protected); len(d) != 0 {
			t.Errorf("DescribeDisks of released %s: %d disks", protected, len(d))
		}
		if e := isENIs(t, a, &ecs2.DescribeNetworkInterfacesRequest{InstanceId: isStr(protected)}); len(e) != 0 {
			t.Errorf("DescribeNetworkInterfaces of released %s: %d ENIs", protected, len(e))
		}
		if got := lcStock(t, s, "cn-hangzhou-h", "ecs.g6.large"); got != stock-5 {
			t.Errorf("stock after the release: %d, want %d", got, stock-5)
		}
		// Back to pay-as-you-go, converted has no release time left.
		if _, err := a.v2.ModifyInstanceChargeType(&ecs2.ModifyInstanceChargeTypeRequest{RegionId: isStr(isRegion), InstanceIds: isIDs(converted), InstanceChargeType: isStr("PostPaid")}); err != nil {
			t.Fatalf("ModifyInstanceChargeType %s to PostPaid: %v", converted, err)
		}
		if i := ilpDescribe(t, a, converted); dara.StringValue(i.InstanceChargeType) != "PostPaid" || i.AutoReleaseTime != nil {
			t.Errorf("DescribeInstances %s back to PostPaid: %s, AutoReleaseTime %q, want PostPaid and none", converted, dara.StringValue(i.InstanceChargeType), dara.StringValue(i.AutoReleaseTime))
		}
		// 05:30: later; 06:00: moved. cleared and the subscription stay.
		ilpAdvance(t, s, "1h")
		if ilpDescribe(t, a, later) != nil || ilpDescribe(t, a, moved) == nil {
			t.Errorf("at 05:30: %s should be released and %s not yet", later, moved)
		}
		ilpAdvance(t, s, "30m")
		if ilpDescribe(t, a, moved) != nil || ilpDescribe(t, a, cleared) == nil || ilpDescribe(t, a, sub) == nil || ilpDescribe(t, a, converted) == nil {
			t.Errorf("at 06:00: %s should be released, %s, %s and %s kept", moved, cleared, sub, converted)
		}
		if got := lcStock(t, s, "cn-hangzhou-h", "ecs.g6.large"); got != stock-3 {
			t.Errorf("stock after three releases: %d, want %d", got, stock-3)
		}
	})
}

// TestRunInstancesSpotAndCredit: spot terms and the burstable performance
// mode given to RunInstances are stored and answered by DescribeInstances,
// with the documented defaults, and bad values get the documented codes.
func TestRunInstancesSpotAndCredit(t *testing.T) {
	t.Parallel()
	ecsdtest.Each(t, ecsdtest.Options{}, func(t *testing.T, s *ecsdtest.Server) {
		a := lcAccount(t, s, "spot", "10000.00", "0.00")

		limited := ilpBuy(t, a, func(r *ecs2.RunInstancesRequest) {
			r.SpotStrategy, r.SpotPriceLimit, r.SpotDuration, r.SpotInterruptionBehavior = isStr("SpotWithPriceLimit"), dara.Float32(0.97), dara.Int32(0), isStr("Stop")
		})
		priceGo := ilpBuy(t, a, func(r *ecs2.RunInstancesRequest) { r.SpotStrategy = isStr("SpotAsPriceGo") })
		plain := ilpBuy(t, a, nil)

		i := ilpDescribe(t, a, limited)
		if dara.StringValue(i.SpotStrategy) != "SpotWithPriceLimit" || i.SpotPriceLimit == nil || math.Abs(float64(*i.SpotPriceLimit)-0.97) > 1e-6 ||
			i.SpotDuration == nil || *i.SpotDuration != 0 || dara.StringValue(i.SpotInterruptionBehavior) != "Stop" {
			t.Errorf("DescribeInstances %s: SpotStrategy %q SpotPriceLimit %v SpotDuration %v SpotInterruptionBehavior %q", limited,
				dara.StringValue(i.SpotStrategy), i.SpotPriceLimit, i.SpotDuration, dara.StringValue(i.SpotInterruptionBehavior))
		}
		i = ilpDescribe(t, a, priceGo)
		if dara.StringValue(i.SpotStrategy) != "SpotAsPriceGo" || i.SpotPriceLimit != nil || dara.Int32Value(i.SpotDuration) != 1 || dara.StringValue(i.SpotInterruptionBehavior) != "Terminate" {
			t.Errorf("DescribeInstances %s: SpotStrategy %q SpotPriceLimit %v SpotDuration %v SpotInterruptionBehavior %q, want the defaults 1 and Terminate", priceGo,
				dara.StringValue(i.SpotStrategy), i.SpotPriceLimit, i.SpotDuration, dara.StringValue(i.SpotInterruptionBehavior))
		}
		i = ilpDescribe(t, a, plain)
		if dara.StringValue(i.SpotStrategy) != "NoSpot" || i.SpotPriceLimit != nil || i.SpotDuration != nil || i.SpotInterruptionBehavior != nil || i.CreditSpecification != nil {
			t.Errorf("DescribeInstances %s: SpotStrategy %q SpotPriceLimit %v SpotDuration %v SpotInterruptionBehavior %v CreditSpecification %v, want NoSpot alone", plain,
				dara.StringValue(i.SpotStrategy), i.SpotPriceLimit, i.SpotDuration, i.SpotInterruptionBehavior, i.CreditSpecification)
		}
		_, err := a.v2.ModifyInstanceChargeType(&ecs2.ModifyInstanceChargeTypeRequest{RegionId: isStr(isRegion), InstanceIds: isIDs(priceGo), InstanceChargeType: isStr("PrePaid"), Period: dara.Int32(1)})
		lcWantV2(t, "ModifyInstanceChargeType of a spot instance", err, "InvalidSpotStrategy", 400)

		for _, c := range []struct {
			what, code string
			status     int
			edit       func(*ecs2.RunInstancesRequest)
		}{
			{"unknown SpotStrategy", "InvalidSpotStrategy", 400, func(r *ecs2.RunInstancesRequest) { r.SpotStrategy = isStr("Cheapest") }},
			{"spot subscription", "InvalidSpotPrepaid", 400, func(r *ecs2.RunInstancesRequest) {
				r.SpotStrategy, r.InstanceChargeType, r.Period = isStr("SpotAsPriceGo"), isStr("PrePaid"), dara.Int32(1)
			}},
			{"SpotWithPriceLimit without a limit", "InvalidSpotPriceLimit", 400, func(r *ecs2.RunInstancesRequest) { r.SpotStrategy = isStr("SpotWithPriceLimit") }},
			{"a limit with SpotAsPriceGo", "InvalidSpotPriceLimit", 400, func(r *ecs2.RunInstancesRequest) {
				r.SpotStrategy, r.SpotPriceLimit = isStr("SpotAsPriceGo"), dara.Float32(1)
			}},
			{"a negative limit", "InvalidSpotPriceLimit", 400, func(r *ecs2.RunInstancesRequest) {
				r.SpotStrategy, r.SpotPriceLimit = isStr("SpotWithPriceLimit"), dara.Float32(-1)
			}},
			{"SpotDuration 2", "InvalidSpotDuration", 400, func(r *ecs2.RunInstancesRequest) {
				r.SpotStrategy, r.SpotDuration = isStr("SpotAsPriceGo"), dara.Int32(2)
			}},
			{"SpotDuration without spot", "InvalidSpotDuration", 400, func(r *ecs2.RunInstancesRequest) { r.SpotDuration = dara.Int32(1) }},
			{"unknown SpotInterruptionBehavior", "InvalidSpotInterruptionBehavior", 400, func(r *ecs2.RunInstancesRequest) {
				r.SpotStrategy, r.SpotInterruptionBehavior = isStr("SpotAsPriceGo"), isStr("Hibernate")
			}},
			{"SpotInterruptionBehavior without spot", "InvalidSpotInterruptionBehavior", 400, func(r *ecs2.RunInstancesRequest) { r.SpotInterruptionBehavior = isStr("Terminate") }},
			{"Stop with local disks", "InvalidSpotInterruptionBehavior.LocalDiskNotSupport", 403, func(r *ecs2.RunInstancesRequest) {
				r.InstanceType, r.SpotStrategy, r.SpotInterruptionBehavior = isStr("ecs.i2.xlarge"), isStr("SpotAsPriceGo"), isStr("Stop")
			}},
			{"CreditSpecification of a type without credits", "InvalidParameter.CreditSpecification", 400, func(r *ecs2.RunInstancesRequest) { r.CreditSpecification = isStr("Unlimited") }},
			{"unknown CreditSpecification", "InvalidParameter", 400, func(r *ecs2.RunInstancesRequest) {
				r.InstanceType, r.CreditSpecification = isStr("ecs.t6-c1m2.large"), isStr("Turbo")
			}},
			{"CpuOptions.Core (not modelled)", "InvalidParameter", 400, func(r *ecs2.RunInstancesRequest) {
				r.CpuOptions = &ecs2.RunInstancesRequestCpuOptions{Core: dara.Int32(1)}
			}},
			{"SecurityEnhancementStrategy Deactive (not modelled)", "InvalidParameter", 400, func(r *ecs2.RunInstancesRequest) { r.SecurityEnhancementStrategy = isStr("Deactive") }},
		} {
			_, err := ilpRun(a, c.edit)
			lcWantV2(t, "RunInstances "+c.what, err, c.code, c.status)
		}

		// Burstable types: Standard by default, Unlimited when asked.
		std := ilpBuy(t, a, func(r *ecs2.RunInstancesRequest) { r.InstanceType = isStr("ecs.t6-c1m2.large") })
		unl := ilpBuy(t, a, func(r *ecs2.RunInstancesRequest) {
			r.InstanceType, r.CreditSpecification = isStr("ecs.t6-c1m2.large"), isStr("Unlimited")
		})
		for id, want := range map[string]string{std: "Standard", unl: "Unlimited"} {
			if got := dara.StringValue(ilpDescribe(t, a, id).CreditSpecification); got != want {
				t.Errorf("DescribeInstances %s: CreditSpecification %q, want %q", id, got, want)
			}
			resp, err := a.v2.DescribeInstanceAttribute(&ecs2.DescribeInstanceAttributeRequest{InstanceId: isStr(id)})
			if err != nil || dara.StringValue(resp.Body.CreditSpecification) != want {
				t.Errorf("DescribeInstanceAttribute %s: %v, CreditSpecification want %q", id, err, want)
			}
		}
	})
}

// TestRunInstancesDiskDetails: disk names, descriptions and data disk
// devices given to RunInstances are answered by DescribeDisks; a data disk
// without a device gets the first free one. A data disk with
// DeleteWithInstance=false stays behind, unattached, when its instance is
// released, until DeleteDisk releases it.
func TestRunInstancesDiskDetails(t *testing.T) {
	t.Parallel()
	ecsdtest.Each(t, ecsdtest.Options{}, func(t *testing.T, s *ecsdtest.Server) {
		a := lcAccount(t, s, "disks", "10000.00", "0.00")
		id := ilpBuy(t, a, func(r *ecs2.RunInstancesRequest) {
			r.SystemDisk = &ecs2.RunInstancesRequestSystemDisk{DiskName: isStr("boot"), Description: isStr("the system disk")}
			r.DataDisk = []*ecs2.RunInstancesRequestDataDisk{
				{Size: dara.Int32(40), DiskName: isStr("data:one_1.a"), Description: isStr("first"), Device: isStr("/dev/xvdd"), DeleteWithInstance: dara.Bool(true)},
				{Size: dara.Int32(50)},
				{Size: dara.Int32(60), Device: isStr("/dev/xvdb")},
			}
		})
		want := map[int32]struct{ name, desc, device string }{
			20: {"boot", "the system disk", "/dev/xvda"},
			40: {"data:one_1.a", "first", "/dev/xvdd"},
			50: {"", "", "/dev/xvdc"},
			60: {"", "", "/dev/xvdb"},
		}
		disks := ilpDisks(t, a, id)
		if len(disks) != len(want) {
			t.Fatalf("DescribeDisks %s: %d disks, want %d", id, len(disks), len(want))
		}
		for _, d := range disks {
			w, ok := want[dara.Int32Value(d.Size)]
			if !ok || dara.StringValue(d.DiskName) != w.name || dara.StringValue(d.Description) != w.desc || dara.StringValue(d.Device) != w.device || !dara.BoolValue(d.DeleteWithInstance) {
				t.Errorf("DescribeDisks: disk of %d GiB: DiskName %q Description %q Device %q DeleteWithInstance %v, want %+v and true",
					dara.Int32Value(d.Size), dara.StringValue(d.DiskName), dara.StringValue(d.Description), dara.StringValue(d.Device), dara.BoolValue(d.DeleteWithInstance), w)
			}
		}

		data := func(disks ...*ecs2.RunInstancesRequestDataDisk) func(*ecs2.RunInstancesRequest) {
			return func(r *ecs2.RunInstancesRequest) { r.DataDisk = disks }
		}
		for _, c := range []struct {
			what, code string
			status     int
			edit       func(*ecs2.RunInstancesRequest)
		}{
			{"a disk name starting with a digit", "InvalidDiskName.Malformed", 400, data(&ecs2.RunInstancesRequestDataDisk{Size: dara.Int32(40), DiskName: isStr("1disk")})},
			{"a disk name with a space", "InvalidDiskName.Malformed", 400, func(r *ecs2.RunInstancesRequest) {
				r.SystemDisk = &ecs2.RunInstancesRequestSystemDisk{DiskName: isStr("my disk")}
			}},
			{"a disk description that is a link", "InvalidDiskDescription.Malformed", 400, func(r *ecs2.RunInstancesRequest) {
				r.SystemDisk = &ecs2.RunInstancesRequestSystemDisk{Description: isStr("https://example.com")}
			}},
			{"a device outside /dev/xvd[b-z]", "InvalidDataDevice.Malformed", 400, data(&ecs2.RunInstancesRequestDataDisk{Size: dara.Int32(40), Device: isStr("/dev/sdb")})},
			{"the system disk's device", "InvalidDataDevice.Malformed", 400, data(&ecs2.RunInstancesRequestDataDisk{Size: dara.Int32(40), Device: isStr("/dev/xvda")})},
			{"one device twice", "InvalidDevice.InUse", 403, data(
				&ecs2.RunInstancesRequestDataDisk{Size: dara.Int32(40), Device: isStr("/dev/xvdc")},
				&ecs2.RunInstancesRequestDataDisk{Size: dara.Int32(40), Device: isStr("/dev/xvdc")})},
			{"a data disk snapshot (not modelled)", "InvalidParameter", 400, data(&ecs2.RunInstancesRequestDataDisk{Size: dara.Int32(40), SnapshotId: isStr("s-bp1")})},
		} {
			_, err := ilpRun(a, c.edit)
			lcWantV2(t, "RunInstances "+c.what, err, c.code, c.status)
		}

		total := func() int32 {
			t.Helper()
			resp, err := a.v2.DescribeDisks(&ecs2.DescribeDisksRequest{RegionId: isStr(isRegion)})
			if err != nil {
				t.Fatalf("DescribeDisks: %v", err)
			}
			return dara.Int32Value(resp.Body.TotalCount)
		}
		byIDs := func(ids ...string) []*ecs2.DescribeDisksResponseBodyDisksDisk {
			t.Helper()
			resp, err := a.v2.DescribeDisks(&ecs2.DescribeDisksRequest{RegionId: isStr(isRegion), DiskIds: isIDs(ids...)})
			if err != nil {
				t.Fatalf("DescribeDisks: %v", err)
			}
			return resp.Body.Disks.Disk
		}
		deleteDisk := func(a *lcActor, id string) error {
			_, err := a.v2.DeleteDisk(&ecs2.DeleteDiskRequest{DiskId: isStr(id)})
			return err
		}
		before := total()
		gone := ilpBuy(t, a, data(
			&ecs2.RunInstancesRequestDataDisk{Size: dara.Int32(70), DiskName: isStr("keeper"), DeleteWithInstance: dara.Bool(false)},
			&ecs2.RunInstancesRequestDataDisk{Size: dara.Int32(80)}))
		var keeper, other string
		for _, d := range ilpDisks(t, a, gone) {
			switch dara.Int32Value(d.Size) {
			case 70:
				keeper = dara.StringValue(d.DiskId)
				if dara.BoolValue(d.DeleteWithInstance) || dara.StringValue(d.Status) != "In_use" {
					t.Errorf("DescribeDisks: keeper DeleteWithInstance %v Status %s, want false and In_use", dara.BoolValue(d.DeleteWithInstance), dara.StringValue(d.Status))
				}
			case 80:
				other = dara.StringValue(d.DiskId)
			}
		}
		if keeper == "" || other == "" || total() != before+3 {
			t.Fatalf("after buying %s: disks %q and %q, TotalCount %d, want %d", gone, keeper, other, total(), before+3)
		}
		lcWantV2(t, "DeleteDisk of an attached disk", deleteDisk(a, keeper), "IncorrectDiskStatus", 403)
		if _, err := a.v2.DeleteInstance(&ecs2.DeleteInstanceRequest{InstanceId: isStr(gone), Force: dara.Bool(true)}); err != nil {
			t.Fatalf("DeleteInstance %s: %v", gone, err)
		}
		left := byIDs(keeper, other)
		if len(left) != 1 || dara.StringValue(left[0].DiskId) != keeper {
			t.Fatalf("DescribeDisks after releasing %s: %d disks, want only %s", gone, len(left), keeper)
		}
		if d := left[0]; dara.StringValue(d.Status) != "Available" || dara.StringValue(d.InstanceId) != "" || dara.StringValue(d.Device) != "" ||
			dara.BoolValue(d.DeleteWithInstance) || dara.StringValue(d.DiskChargeType) != "PostPaid" || dara.StringValue(d.DiskName) != "keeper" || dara.StringValue(d.AttachedTime) != "" {
			t.Errorf("DescribeDisks: the disk left behind: Status %q InstanceId %q Device %q DeleteWithInstance %v DiskChargeType %q DiskName %q AttachedTime %q",
				dara.StringValue(d.Status), dara.StringValue(d.InstanceId), dara.StringValue(d.Device), dara.BoolValue(d.DeleteWithInstance),
				dara.StringValue(d.DiskChargeType), dara.StringValue(d.DiskName), dara.StringValue(d.AttachedTime))
		}
		if got := total(); got != before+1 {
			t.Errorf("DescribeDisks TotalCount after the release: %d, want %d", got, before+1)
		}
		stranger := lcAccount(t, s, "stranger", "100.00", "0.00")
		lcWantV2(t, "DeleteDisk of another account's disk", deleteDisk(stranger, keeper), "InvalidDiskId.NotFound", 404)
		if err := deleteDisk(a, keeper); err != nil {
			t.Fatalf("DeleteDisk %s: %v", keeper, err)
		}
		if n := len(byIDs(keeper)); n != 0 || total() != before {
			t.Errorf("after DeleteDisk: %d disks listed, TotalCount %d, want 0 and %d", n, total(), before)
		}
		lcWantV2(t, "DeleteDisk twice", deleteDisk(a, keeper), "InvalidDiskId.NotFound", 404)
		_, err := a.v2.DeleteDisk(&ecs2.DeleteDiskRequest{})
		lcWantV2(t, "DeleteDisk without DiskId", err, "MissingParameter", 400)
	})
}

// TestLifecycleActionsRAM: ModifyInstanceAutoReleaseTime and DeleteDisk are
// authorized on the instance and the disk as stored, so a Deny on
// cn-hangzhou holds whatever RegionId the request sends (DeleteDisk has
// none), and a user with AliyunECSFullAccess alone may call them.
func TestLifecycleActionsRAM(t *testing.T) {
	t.Parallel()
	ecsdtest.Each(t, ecsdtest.Options{}, func(t *testing.T, s *ecsdtest.Server) {
		main := ramMainAccount(t, s, "lifecycle-ram")
		a := &lcActor{s: s, ID: main.accountID, keyID: main.keyID, secr: main.secret, v1: s.SDKv1(t, main.keyID, main.secret), v2: s.SDKv2(t, main.keyID, main.secret)}
		id := ilpBuy(t, a, func(r *ecs2.RunInstancesRequest) {
			r.DataDisk = []*ecs2.RunInstancesRequestDataDisk{{Size: dara.Int32(40), DeleteWithInstance: dara.Bool(false)}}
		})
		var disk string
		for _, d := range ilpDisks(t, a, id) {
			if dara.StringValue(d.Type) == "data" {
				disk = dara.StringValue(d.DiskId)
			}
		}
		main.createPolicy(t, "deny-lifecycle", ramDoc("Deny", []string{"ecs:ModifyInstanceAutoReleaseTime", "ecs:DeleteDisk"},
			[]string{"acs:ecs:cn-hangzhou:*:instance/*", "acs:ecs:cn-hangzhou:*:disk/*"}, ""))
		denied := main.user(t, "denied", "System:AliyunECSFullAccess", "deny-lifecycle")
		allowed := main.user(t, "allowed", "System:AliyunECSFullAccess")
		dv2, av2 := s.SDKv2(t, denied.keyID, denied.secret), s.SDKv2(t, allowed.keyID, allowed.secret)

		when := time.Now().UTC().Add(2 * time.Hour).Truncate(time.Minute).Format("2006-01-02T15:04:05Z")
		for _, region := range []*string{nil, isStr("cn-hangzhou"), isStr("cn-shanghai")} {
			_, err := dv2.ModifyInstanceAutoReleaseTime(&ecs2.ModifyInstanceAutoReleaseTimeRequest{RegionId: region, InstanceId: isStr(id), AutoReleaseTime: isStr(when)})
			lcWantV2(t, "denied ModifyInstanceAutoReleaseTime with RegionId "+dara.StringValue(region), err, "Forbidden.RAM", 403)
		}
		if _, err := av2.ModifyInstanceAutoReleaseTime(&ecs2.ModifyInstanceAutoReleaseTimeRequest{InstanceId: isStr(id), AutoReleaseTime: isStr(when)}); err != nil {
			t.Fatalf("allowed ModifyInstanceAutoReleaseTime: %v", err)
		}
		if got := dara.StringValue(ilpDescribe(t, a, id).AutoReleaseTime); got != when {
			t.Errorf("AutoReleaseTime %q, want %q", got, when)
		}

		if _, err := a.v2.DeleteInstance(&ecs2.DeleteInstanceRequest{InstanceId: isStr(id), Force: dara.Bool(true)}); err != nil {
			t.Fatalf("DeleteInstance: %v", err)
		}
		_, err := dv2.DeleteDisk(&ecs2.DeleteDiskRequest{DiskId: isStr(disk)})
		lcWantV2(t, "denied DeleteDisk", err, "Forbidden.RAM", 403)
		if _, err := av2.DeleteDisk(&ecs2.DeleteDiskRequest{DiskId: isStr(disk)}); err != nil {
			t.Fatalf("allowed DeleteDisk %s: %v", disk, err)
		}
	})
}
