package ecs

import (
	"context"

	"github.com/ecsd/ecsd/internal/apierr"
	"github.com/ecsd/ecsd/internal/rpc"
	"github.com/ecsd/ecsd/internal/store"
)

// StartInstanceRequest is StartInstance's input.
type StartInstanceRequest struct {
	rpc.AccountDelegation
	RegionId      string `param:"RegionId"`
	InstanceId    string `param:"InstanceId,required"`
	InitLocalDisk bool   `param:"InitLocalDisk"`
	DryRun        bool   `param:"DryRun"`
}

// StartInstanceResponse is StartInstance's answer.
type StartInstanceResponse struct {
	rpc.Response
}

// startInstance handles StartInstance: Stopped → Starting → Running.
func (s *Service) startInstance(ctx context.Context, env *rpc.Env, req *StartInstanceRequest) (*StartInstanceResponse, error) {
	inst, err := ownInstance(ctx, env.Q(), env.Caller, req.RegionId, req.InstanceId)
	if err != nil {
		return nil, err
	}
	if err := checkNotLocked(inst); err != nil {
		return nil, err
	}
	if inst.Expired {
		return nil, apierr.InstanceExpired.Newf("The prePaid instance has been expired: %s expired at %s; renew it first.", inst.ID, rpc.FormatTime(inst.ExpiredTime))
	}
	if inst.LockReason == "financial" {
		return nil, apierr.InstanceExpiredOrInArrears.New()
	}
	if inst.Status != store.StatusStopped {
		return nil, incorrectStatus(inst, store.StatusStopped)
	}
	if req.DryRun {
		return nil, apierr.DryRunOperation.New()
	}
	// A start applies the online changes made since the last one.
	if err := env.Tx.InstanceResetOnlineChanges(ctx, inst.ID); err != nil {
		return nil, err
	}
	return &StartInstanceResponse{}, s.transition(ctx, env, inst, store.StatusStopped, store.StatusStarting, store.StatusRunning)
}
