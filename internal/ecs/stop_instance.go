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
//
// StoppedMode, as documented: KeepCharging stops in standard mode (billing
// and resources kept); StopCharging asks for economical mode, which only
// pay-as-you-go instances have; Not-applicable (what DescribeInstances
// reports while an instance runs, and so what Terraform sends back) asks
// for no mode, which is the default, standard mode. An instance that does
// not support economical mode is stopped in standard mode without an error
// ("the API does not reject the request; stopping the instance comes
// first"), so StopCharging on a subscription stops it with KeepCharging.
func (s *Service) stopInstance(ctx context.Context, env *rpc.Env, req *StopInstanceRequest) (*StopInstanceResponse, error) {
	switch req.StoppedMode {
	case "", "KeepCharging", "StopCharging", "Not-applicable":
	default:
		return nil, apierr.InvalidParameter.Newf("The specified parameter StoppedMode %q is not valid; use KeepCharging, StopCharging or Not-applicable.", req.StoppedMode)
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
	mode := "KeepCharging"
	if req.StoppedMode == "StopCharging" && inst.ChargeType == store.PostPaid {
		mode = "StopCharging"
	}
	if err := env.Tx.InstanceSetStoppedMode(ctx, inst.ID, mode); err != nil {
		return nil, err
	}
	return &StopInstanceResponse{}, s.transition(ctx, env, inst, store.StatusRunning, store.StatusStopping, store.StatusStopped)
}
