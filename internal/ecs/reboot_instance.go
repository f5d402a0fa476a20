package ecs

import (
	"context"

	"github.com/ecsd/ecsd/internal/apierr"
	"github.com/ecsd/ecsd/internal/rpc"
	"github.com/ecsd/ecsd/internal/store"
)

// RebootInstanceRequest is RebootInstance's input.
type RebootInstanceRequest struct {
	rpc.AccountDelegation
	RegionId   string `param:"RegionId"`
	InstanceId string `param:"InstanceId,required"`
	ForceStop  bool   `param:"ForceStop"`
	DryRun     bool   `param:"DryRun"`
}

// RebootInstanceResponse is RebootInstance's answer.
type RebootInstanceResponse struct {
	rpc.Response
}

// rebootInstance handles RebootInstance: Running → Starting → Running.
func (s *Service) rebootInstance(ctx context.Context, env *rpc.Env, req *RebootInstanceRequest) (*RebootInstanceResponse, error) {
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
	// A restart applies the online changes made since the last one.
	if err := env.Tx.InstanceResetOnlineChanges(ctx, inst.ID); err != nil {
		return nil, err
	}
	return &RebootInstanceResponse{}, s.transition(ctx, env, inst, store.StatusRunning, store.StatusStarting, store.StatusRunning)
}
