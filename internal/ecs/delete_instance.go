package ecs

import (
	"context"

	"github.com/ecsd/ecsd/internal/apierr"
	"github.com/ecsd/ecsd/internal/rpc"
	"github.com/ecsd/ecsd/internal/store"
)

// DeleteInstanceRequest is DeleteInstance's input.
type DeleteInstanceRequest struct {
	RegionId   string `param:"RegionId"`
	InstanceId string `param:"InstanceId,required"`
	Force      bool   `param:"Force"`
	DryRun     bool   `param:"DryRun"`
}

// DeleteInstanceResponse is DeleteInstance's answer.
type DeleteInstanceResponse struct {
	rpc.Response
}

// deleteInstance handles DeleteInstance: pay-as-you-go instances, and
// subscription instances once expired, are released with their disks and
// their stock goes back to the zone. A Running instance needs Force.
func (s *Service) deleteInstance(ctx context.Context, env *rpc.Env, req *DeleteInstanceRequest) (*DeleteInstanceResponse, error) {
	inst, err := ownInstance(ctx, env.Q(), env.Caller, req.RegionId, req.InstanceId)
	if err != nil {
		return nil, err
	}
	if err := checkNotLocked(inst); err != nil {
		return nil, err
	}
	if inst.DeletionProtection {
		return nil, apierr.InvalidOperationDeletionProtection.Newf("The instance %s has release protection (DeletionProtection); turn it off with ModifyInstanceAttribute first.", inst.ID)
	}
	if inst.ChargeType == store.PrePaid && !inst.Expired {
		return nil, apierr.ChargeTypeViolation.Newf("The operation is not permitted due to charge type of the instance: %s is a subscription instance that expires at %s; it can be deleted once expired.", inst.ID, rpc.FormatTime(inst.ExpiredTime))
	}
	switch {
	case inst.Status == store.StatusStopped:
	case inst.Status == store.StatusRunning && req.Force:
	default:
		return nil, incorrectStatus(inst, "Stopped (or Running with Force=true)")
	}
	if req.DryRun {
		return nil, apierr.DryRunOperation.New()
	}
	return &DeleteInstanceResponse{}, s.release(ctx, env.Tx, inst.ID)
}
