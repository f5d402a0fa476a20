package ecs

import (
	"context"

	"github.com/ecsd/ecsd/internal/apierr"
	"github.com/ecsd/ecsd/internal/rpc"
	"github.com/ecsd/ecsd/internal/store"
)

// ModifyInstanceSpecRequest is ModifyInstanceSpec's input: every field of
// the SDK's request model; the public bandwidth, temporary upgrades and
// disk categories (which ecsd does not model here) are refused by name.
type ModifyInstanceSpecRequest struct {
	RegionId                string `param:"RegionId"`
	InstanceId              string `param:"InstanceId,required"`
	InstanceType            string `param:"InstanceType"`
	AllowMigrateAcrossZone  bool   `param:"AllowMigrateAcrossZone"`
	Async                   bool   `param:"Async"`
	ClientToken             string `param:"ClientToken"`
	DryRun                  bool   `param:"DryRun"`
	ModifyMode              string `param:"ModifyMode"`
	InternetMaxBandwidthIn  *int   `param:"InternetMaxBandwidthIn"`
	InternetMaxBandwidthOut *int   `param:"InternetMaxBandwidthOut"`
	SystemDisk              struct {
		Category *string `param:"Category"`
	} `param:"SystemDisk"`
	Temporary struct {
		StartTime               *string `param:"StartTime"`
		EndTime                 *string `param:"EndTime"`
		InternetMaxBandwidthOut *int    `param:"InternetMaxBandwidthOut"`
	} `param:"Temporary"`
	Disk []struct {
		DiskId           string `param:"DiskId"`
		Category         string `param:"Category"`
		PerformanceLevel string `param:"PerformanceLevel"`
	} `param:"Disk"`
}

// ModifyInstanceSpecResponse is its answer.
type ModifyInstanceSpecResponse struct{ rpc.Response }

func (req *ModifyInstanceSpecRequest) unsupported() string {
	for _, f := range []struct {
		name string
		set  bool
	}{
		{"InternetMaxBandwidthIn", req.InternetMaxBandwidthIn != nil},
		{"InternetMaxBandwidthOut", req.InternetMaxBandwidthOut != nil},
		{"SystemDisk.Category", req.SystemDisk.Category != nil},
		{"Temporary.StartTime", req.Temporary.StartTime != nil},
		{"Temporary.EndTime", req.Temporary.EndTime != nil},
		{"Temporary.InternetMaxBandwidthOut", req.Temporary.InternetMaxBandwidthOut != nil},
		{"Disk.N", len(req.Disk) > 0},
	} {
		if f.set {
			return f.name
		}
	}
	return ""
}

// modifyInstanceSpec handles ModifyInstanceSpec, the resize of a
// pay-as-you-go instance: no order (it bills by the hour). The instance
// must be Stopped; the stock moves from the old type to the new one with
// the spec change's compare-and-set, under the same in-flight claim, and
// the new type is applied before the answer (with Async too): the next
// DescribeInstances shows it. The rules, in order, each with its code,
// are the spec change's pieces where they are the same rule.
func (s *Service) modifyInstanceSpec(ctx context.Context, env *rpc.Env, req *ModifyInstanceSpecRequest) (*ModifyInstanceSpecResponse, error) {
	tx, now := env.Tx, env.Now
	// 1. What ecsd does not change here, and what is needed.
	if name := req.unsupported(); name != "" {
		return nil, apierr.InvalidParameter.Newf("The specified parameter %s is not supported by ecsd; change only InstanceType.", name)
	}
	if req.InstanceType == "" {
		return nil, apierr.MissingParameter.New("InstanceType")
	}
	switch req.ModifyMode {
	case "", "Offline":
	case "Online":
		// A type changes only while Stopped: there is nothing to do online.
		return nil, apierr.InvalidOperationOnlineModificationUnsupported.New()
	default:
		return nil, apierr.InvalidParameter.Newf("The specified parameter ModifyMode %q is invalid; use Offline or Online.", req.ModifyMode)
	}
	// 2. The instance: yours, pay-as-you-go, not locked, no other product
	// or feature in the way.
	inst, err := ownInstance(ctx, tx.Q, env.Caller, req.RegionId, req.InstanceId)
	if err != nil {
		return nil, err
	}
	if err := allowedOn(ctx, env, "ecs:ModifyInstanceSpec", inst.AccountID, inst.RegionID, "instance/"+inst.ID); err != nil {
		return nil, err
	}
	if inst.ChargeType != store.PostPaid {
		return nil, apierr.ChargeTypeViolation.Newf("The operation is not permitted due to charge type of the instance: %s is a subscription; use ModifyPrepayInstanceSpec.", inst.ID)
	}
	if err := checkNotLocked(inst); err != nil {
		return nil, err
	}
	if err := checkProductFlags(inst); err != nil {
		return nil, err
	}
	from, _ := s.Catalog.Type(inst.InstanceType)
	if err := checkInstanceFeatures(inst, from); err != nil {
		return nil, err
	}
	// 3. The account: billable, no overdue payment (read under its lock,
	// which the vCPU quota below needs).
	acc, err := tx.AccountLock(ctx, inst.AccountID)
	if err != nil {
		return nil, err
	}
	if acc.Flags.NoBillingMethod {
		return nil, apierr.BillingMethodNotFound.New()
	}
	if acc.Flags.OverduePayment {
		return nil, apierr.AccountArrearage.New()
	}
	// 4. No unpaid order, no change in flight.
	if err := s.checkOrders(ctx, tx.Q, inst, now); err != nil {
		return nil, err
	}
	// 5. Stopped.
	if inst.Status != store.StatusStopped {
		return nil, apierr.InvalidInstanceStatusNotStopped.Newf("The specified Instance status is not stopped: %s is %s; stop it first.", inst.ID, inst.Status)
	}
	// 6. The target type: known, another one, usable, offered with stock
	// (in another zone of the region with AllowMigrateAcrossZone), fitting
	// the instance, within the vCPU quota.
	to, known := s.Catalog.Type(req.InstanceType)
	if err := checkTargetKnown(req.InstanceType, to, known, inst); err != nil {
		return nil, err
	}
	if err := s.checkTargetUsable(env, acc, inst, from, to); err != nil {
		return nil, err
	}
	region, err := s.region(inst.RegionID)
	if err != nil {
		return nil, err
	}
	in := SpecChange{RegionID: inst.RegionID, InstanceID: inst.ID, InstanceType: to.InstanceTypeId, MigrateAcrossZone: req.AllowMigrateAcrossZone}
	zoneID, err := s.targetZone(ctx, tx.Q, env, in, inst, to, region, ruleOpts{})
	if err != nil {
		return nil, err
	}
	dir := direction(0, 0, from, to)
	if err := s.checkFit(ctx, tx.Q, inst, to, dir, in, &specChangePlan{from: from}, acc); err != nil {
		return nil, err
	}
	if from != nil && to.CpuCoreCount > from.CpuCoreCount {
		if err := s.checkVCPUQuota(ctx, env, acc, inst.RegionID, to.CpuCoreCount-from.CpuCoreCount); err != nil {
			return nil, err
		}
	}
	if req.DryRun {
		return nil, apierr.DryRunOperation.New()
	}
	// The claim, the stock and the type, in this transaction.
	claim := "resize-" + env.RequestID
	won, err := tx.InstanceClaimChange(ctx, inst.ID, claim, store.PostPaid)
	if err != nil {
		return nil, err
	}
	if !won {
		return nil, apierr.LastOrderProcessing.Newf("The previous order is still processing, please try again later: another change of %s is under way.", inst.ID)
	}
	ok, err := tx.StockMove(ctx, inst.ZoneID, inst.InstanceType, zoneID, to.InstanceTypeId, 1)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, apierr.OperationDeniedNoStock.Newf("The resource is out of usage: zone %s has no %s left.", zoneID, to.InstanceTypeId)
	}
	if _, err := s.applyTypeChange(ctx, tx, inst, claim, s.typeChange(inst, to.InstanceTypeId, zoneID, now)); err != nil {
		return nil, err
	}
	return &ModifyInstanceSpecResponse{}, nil
}
