package ecs

import (
	"context"

	"github.com/ecsd/ecsd/internal/apierr"
	"github.com/ecsd/ecsd/internal/rpc"
	"github.com/ecsd/ecsd/internal/store"
)

// checkNotLocked refuses an instance under a security lock
// (InstanceLockedForSecurity) — every operation on it is denied.
func checkNotLocked(inst *store.Instance) error {
	if inst.LockReason == "security" {
		return apierr.InstanceLockedForSecurity.New()
	}
	return nil
}

// transition moves an instance into a transitional status now and
// schedules the job that ends it; the status compare-and-set makes the
// loser of two concurrent calls fail with IncorrectInstanceStatus.
func (s *Service) transition(ctx context.Context, env *rpc.Env, inst *store.Instance, from, via, to string) error {
	ok, err := env.Tx.InstanceTransition(ctx, inst.ID, from, via, env.Now)
	if err != nil {
		return err
	}
	if !ok {
		return apierr.IncorrectInstanceStatus.Newf("The current status of the resource does not support this operation: instance %s is no longer %s.", inst.ID, from)
	}
	return s.after(ctx, env.Tx, s.TransitionDelay, TransitionArgs{InstanceID: inst.ID, From: via, To: to})
}

func incorrectStatus(inst *store.Instance, want string) error {
	return apierr.IncorrectInstanceStatus.Newf("The current status of the resource does not support this operation: instance %s is %s; it must be %s.", inst.ID, inst.Status, want)
}

// checkRunningOperable is the shared precondition of StopInstance and
// RebootInstance: not locked for security (InstanceLockedForSecurity), not
// expired or in arrears (InstanceExpiredOrInArrears), and Running
// (IncorrectInstanceStatus).
func checkRunningOperable(inst *store.Instance) error {
	if err := checkNotLocked(inst); err != nil {
		return err
	}
	if inst.Expired || inst.LockReason == "financial" {
		return apierr.InstanceExpiredOrInArrears.New()
	}
	if inst.Status != store.StatusRunning {
		return incorrectStatus(inst, store.StatusRunning)
	}
	return nil
}
