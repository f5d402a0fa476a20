package ecs

import (
	"context"
	"slices"

	"github.com/ecsd/ecsd/internal/apierr"
	"github.com/ecsd/ecsd/internal/billing"
	"github.com/ecsd/ecsd/internal/rpc"
	"github.com/ecsd/ecsd/internal/store"
)

// RenewInstanceRequest is RenewInstance's input (spec/alibaba-api.md §3.3).
type RenewInstanceRequest struct {
	rpc.AccountDelegation
	RegionId    string     `param:"RegionId"`
	InstanceId  string     `param:"InstanceId,required"`
	Period      *int       `param:"Period"`
	PeriodUnit  string     `param:"PeriodUnit"`
	ClientToken string     `param:"ClientToken"`
	_           rpc.Refuse `refuse:"ExpectedRenewDay" why:"renewing to a unified expiry day is not modelled; use Period"`
}

// RenewInstanceResponse is RenewInstance's answer.
type RenewInstanceResponse struct {
	rpc.Response
	OrderId string
}

var renewMonths = []int{1, 2, 3, 4, 5, 6, 7, 8, 9, 12, 24, 36, 48, 60}

// renewInstance handles RenewInstance: a paid Renew order that moves
// ExpiredTime by the period (billing-cycle rule), and revives an expired
// instance (it stays Stopped until started).
func (s *Service) renewInstance(ctx context.Context, env *rpc.Env, req *RenewInstanceRequest) (*RenewInstanceResponse, error) {
	if req.Period == nil {
		return nil, apierr.MissingParameter.New("Period")
	}
	unit := billing.Month
	switch req.PeriodUnit {
	case "", "Month":
		if !slices.Contains(renewMonths, *req.Period) {
			return nil, apierr.InvalidPeriod.Newf("The specified period %d is not valid: use 1-9, 12, 24, 36, 48 or 60 months.", *req.Period)
		}
	case "Week":
		unit = billing.Week
		if !slices.Contains(weekPeriods, *req.Period) {
			return nil, apierr.InvalidPeriod.Newf("The specified period %d is not valid: use 1-4 weeks.", *req.Period)
		}
	default:
		return nil, apierr.InvalidPeriodUnitValueNotSupported.Newf("The specified PeriodUnit %q is not valid; use Month or Week.", req.PeriodUnit)
	}
	inst, err := ownInstance(ctx, env.Q(), env.Caller, req.RegionId, req.InstanceId)
	if err != nil {
		return nil, err
	}
	if err := checkNotLocked(inst); err != nil {
		return nil, err
	}
	if inst.ChargeType != store.PrePaid {
		return nil, apierr.ChargeTypeViolation.Newf("The operation is not permitted due to charge type of the instance: %s is pay-as-you-go.", inst.ID)
	}
	unpaid, err := env.Tx.OrderUnpaidOfInstance(ctx, inst.AccountID, inst.ID)
	if err != nil {
		return nil, err
	}
	if len(unpaid) > 0 {
		return nil, apierr.InstanceUnPaidOrder.Newf("The specified instance has unpaid order %s: pay or cancel it first.", unpaid[0].ID)
	}
	if inst.Status == store.StatusPending {
		return nil, incorrectStatus(inst, "created")
	}
	o, err := s.renew(ctx, env.Tx, env.Now, inst, *req.Period, unit)
	if err != nil {
		return nil, err
	}
	return &RenewInstanceResponse{OrderId: o.ID}, nil
}
