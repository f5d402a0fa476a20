package ecs

import (
	"context"
	"time"

	"github.com/ecsd/ecsd/internal/apierr"
	"github.com/ecsd/ecsd/internal/rpc"
	"github.com/ecsd/ecsd/internal/store"
)

// ModifyInstanceAutoReleaseTimeRequest is its action's input. Without
// AutoReleaseTime the automatic release is cancelled.
type ModifyInstanceAutoReleaseTimeRequest struct {
	rpc.AccountDelegation
	RegionId        string `param:"RegionId"`
	InstanceId      string `param:"InstanceId,required"`
	AutoReleaseTime string `param:"AutoReleaseTime"`
}

// ModifyInstanceAutoReleaseTimeResponse is its action's answer.
type ModifyInstanceAutoReleaseTimeResponse struct {
	rpc.Response
}

// modifyInstanceAutoReleaseTime handles ModifyInstanceAutoReleaseTime: it
// sets or clears when a pay-as-you-go instance is released. The rules, in
// order:
//
//	the instance is the caller's                     → InvalidInstanceId.NotFound
//	it is pay-as-you-go                              → ChargeTypeViolation
//	the time is well formed, 30 min to 3 years ahead → InvalidAutoReleaseTime.Malformed
func (s *Service) modifyInstanceAutoReleaseTime(ctx context.Context, env *rpc.Env, req *ModifyInstanceAutoReleaseTimeRequest) (*ModifyInstanceAutoReleaseTimeResponse, error) {
	inst, err := ownInstance(ctx, env.Q(), env.Caller, req.RegionId, req.InstanceId)
	if err != nil {
		return nil, err
	}
	if inst.ChargeType != store.PostPaid {
		return nil, apierr.ChargeTypeViolation.Newf("The operation is not permitted due to charge type of the instance: %s is a subscription (PrePaid) instance; only pay-as-you-go instances are released automatically.", inst.ID)
	}
	var at time.Time
	if req.AutoReleaseTime != "" {
		if at, err = checkAutoReleaseTime(req.AutoReleaseTime, env.Now); err != nil {
			return nil, err
		}
	}
	return &ModifyInstanceAutoReleaseTimeResponse{}, setAutoRelease(ctx, env.Tx, inst.ID, at)
}
