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
	RegionId    string `param:"RegionId"`
	InstanceId  string `param:"InstanceId,required"`
	Period      *int   `param:"Period"`
	PeriodUnit  string `param:"PeriodUnit"`
	ClientToken string `param:"ClientToken"`
	// ExpectedRenewDay renews to that day of the month instead of by Period.
	ExpectedRenewDay *int `param:"ExpectedRenewDay"`
}

// RenewInstanceResponse is RenewInstance's answer.
type RenewInstanceResponse struct {
	rpc.Response
	OrderId string
}

var renewMonths = []int{1, 2, 3, 4, 5, 6, 7, 8, 9, 12, 24, 36, 48, 60}

// renewInstance handles RenewInstance: a paid Renew order that moves
// ExpiredTime by the period (billing-cycle rule) or to ExpectedRenewDay
// (billing.UnifiedRenewal), and revives an expired instance (it stays
// Stopped until started). The whole configuration is priced.
func (s *Service) renewInstance(ctx context.Context, env *rpc.Env, req *RenewInstanceRequest) (*RenewInstanceResponse, error) {
	term, err := renewTerm(req.Period, req.PeriodUnit, req.ExpectedRenewDay)
	if err != nil {
		return nil, err
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
	o, err := s.renew(ctx, env.Tx, env.Now, inst, term)
	if err != nil {
		return nil, err
	}
	return &RenewInstanceResponse{OrderId: o.ID}, nil
}

// renewTerm reads RenewInstance's term: Period with PeriodUnit, or
// ExpectedRenewDay, not both.
//
//	neither Period nor ExpectedRenewDay        → MissingParameter
//	both, or ExpectedRenewDay with PeriodUnit  → InvalidParameter
//	ExpectedRenewDay 1–28                      → InvalidParameter
//	Period 1–9, 12, 24, 36, 48, 60 months      → InvalidPeriod
//	       or 1–4 weeks
//	PeriodUnit Month or Week                   → InvalidPeriodUnit.ValueNotSupported
func renewTerm(period *int, periodUnit string, day *int) (renewalTerm, error) {
	if day != nil {
		if period != nil || periodUnit != "" {
			return renewalTerm{}, apierr.InvalidParameter.Newf("The specified parameter ExpectedRenewDay cannot be given with Period or PeriodUnit: give one of them.")
		}
		if err := checkRenewDay(*day); err != nil {
			return renewalTerm{}, err
		}
		return renewalTerm{day: *day}, nil
	}
	if period == nil {
		return renewalTerm{}, apierr.MissingParameter.New("Period")
	}
	switch periodUnit {
	case "", "Month":
		if !slices.Contains(renewMonths, *period) {
			return renewalTerm{}, apierr.InvalidPeriod.Newf("The specified period %d is not valid: use 1-9, 12, 24, 36, 48 or 60 months.", *period)
		}
		return renewalTerm{period: *period, unit: billing.Month}, nil
	case "Week":
		if !slices.Contains(weekPeriods, *period) {
			return renewalTerm{}, apierr.InvalidPeriod.Newf("The specified period %d is not valid: use 1-4 weeks.", *period)
		}
		return renewalTerm{period: *period, unit: billing.Week}, nil
	}
	return renewalTerm{}, apierr.InvalidPeriodUnitValueNotSupported.Newf("The specified PeriodUnit %q is not valid; use Month or Week.", periodUnit)
}

// checkRenewDay: ExpectedRenewDay is a day 1–28, one every month has.
func checkRenewDay(day int) error {
	if day < 1 || day > 28 {
		return apierr.InvalidParameter.Newf("The specified parameter ExpectedRenewDay %d is not valid: use a day of the month from 1 to 28.", day)
	}
	return nil
}
