package ecs

import (
	"context"

	"github.com/ecsd/ecsd/internal/apierr"
	"github.com/ecsd/ecsd/internal/rpc"
	"github.com/ecsd/ecsd/internal/store"
)

// StopInstanceRequest is StopInstance's input.
type StopInstanceRequest struct {
	RegionId    string `param:"RegionId"`
	InstanceId  string `param:"InstanceId,required"`
	ForceStop   bool   `param:"ForceStop"`
	StoppedMode string `param:"StoppedMode"`
	ConfirmStop bool   `param:"ConfirmStop"` // deprecated and ignored, as in ECS
	Hibernate   bool   `param:"Hibernate"`
	DryRun      bool   `param:"DryRun"`
}

// StopInstanceResponse is StopInstance's answer.
type StopInstanceResponse struct {
	rpc.Response
}

// stopInstance handles StopInstance: Running → Stopping → Stopped.
func (s *Service) stopInstance(ctx context.Context, env *rpc.Env, req *StopInstanceRequest) (*StopInstanceResponse, error) {
	switch req.StoppedMode {
	case "", "KeepCharging", "StopCharging":
	default:
		return nil, apierr.InvalidParameter.Newf("The specified parameter StoppedMode %q is not valid; use KeepCharging or StopCharging.", req.StoppedMode)
	}
	inst, err := ownInstance(ctx, env.Q(), env.Caller, req.RegionId, req.InstanceId)
	if err != nil {
		return nil, err
	}
	if err := checkRunningOperable(inst); err != nil {
		return nil, err
	}
	if req.DryRun {
		return nil, apierr.DryRunOperation.New()
	}
	// Economical mode applies to pay-as-you-go only; a subscription instance
	// keeps charging without an error (spec/alibaba-api.md §3.2).
	mode := "KeepCharging"
	if req.StoppedMode == "StopCharging" && inst.ChargeType == store.PostPaid {
		mode = "StopCharging"
	}
	if err := env.Tx.InstanceSetStoppedMode(ctx, inst.ID, mode); err != nil {
		return nil, err
	}
	return &StopInstanceResponse{}, s.transition(ctx, env, inst, store.StatusRunning, store.StatusStopping, store.StatusStopped)
}
