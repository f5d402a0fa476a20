package ecs

import (
	"context"
	"slices"

	"github.com/ecsd/ecsd/internal/apierr"
	"github.com/ecsd/ecsd/internal/billing"
	"github.com/ecsd/ecsd/internal/rpc"
	"github.com/ecsd/ecsd/internal/store"
)

// ModifyInstanceAutoRenewAttributeRequest is its action's input;
// InstanceId is a comma-separated list. RegionId may be left out (the
// Terraform provider leaves it out): each instance is found by its id.
type ModifyInstanceAutoRenewAttributeRequest struct {
	RegionId      string `param:"RegionId"`
	InstanceId    string `param:"InstanceId,required"`
	AutoRenew     *bool  `param:"AutoRenew"`
	RenewalStatus string `param:"RenewalStatus"`
	Duration      *int   `param:"Duration"`
	PeriodUnit    string `param:"PeriodUnit"`
}

// ModifyInstanceAutoRenewAttributeResponse is its action's answer.
type ModifyInstanceAutoRenewAttributeResponse struct {
	rpc.Response
}

var autoRenewYears = []int{1, 2, 3, 4, 5}

// modifyInstanceAutoRenewAttribute handles ModifyInstanceAutoRenewAttribute.
// RenewalStatus wins over AutoRenew. With AutoRenewal the subscription is
// renewed from the balance by Duration PeriodUnits when it ends (a year is
// kept as 12 months); Normal and NotRenewal let it expire.
func (s *Service) modifyInstanceAutoRenewAttribute(ctx context.Context, env *rpc.Env, req *ModifyInstanceAutoRenewAttributeRequest) (*ModifyInstanceAutoRenewAttributeResponse, error) {
	if req.RegionId != "" {
		if _, err := s.region(req.RegionId); err != nil {
			return nil, err
		}
	}
	if err := checkRenewalStatus(req.RenewalStatus); err != nil {
		return nil, err
	}
	status := req.RenewalStatus
	if status == "" {
		status = store.RenewalNormal
		if req.AutoRenew != nil && *req.AutoRenew {
			status = store.RenewalAutoRenewal
		}
	}
	period, unit := 0, string(billing.Month)
	if status == store.RenewalAutoRenewal {
		period = 1
		if req.Duration != nil {
			period = *req.Duration
		}
		switch req.PeriodUnit {
		case "", "Month", "month":
			if !slices.Contains(autoRenewMonths, period) {
				return nil, apierr.InvalidParameter.Newf("The specified parameter Duration %d is not valid: with PeriodUnit Month use 1, 2, 3, 6, 12, 24, 36, 48 or 60.", period)
			}
		case "Week", "week":
			if !slices.Contains(autoRenewWeeks, period) {
				return nil, apierr.InvalidParameter.Newf("The specified parameter Duration %d is not valid: with PeriodUnit Week use 1, 2 or 3.", period)
			}
			unit = string(billing.Week)
		case "Year", "year":
			if !slices.Contains(autoRenewYears, period) {
				return nil, apierr.InvalidParameter.Newf("The specified parameter Duration %d is not valid: with PeriodUnit Year use 1 to 5.", period)
			}
			period *= 12
		default:
			return nil, apierr.InvalidParameter.Newf("The specified parameter PeriodUnit %q is not valid; use Week, Month or Year.", req.PeriodUnit)
		}
	} else if req.Duration != nil || req.PeriodUnit != "" {
		return nil, apierr.InvalidParameter.Newf("The specified parameter Duration is not valid: Duration and PeriodUnit apply only with RenewalStatus AutoRenewal, not %s.", status)
	}
	list, err := ownedInstances(ctx, env, req.RegionId, "InstanceId", commaList(req.InstanceId))
	if err != nil {
		return nil, err
	}
	for _, i := range list {
		if i.ChargeType != store.PrePaid {
			return nil, apierr.ChargeTypeViolation.Newf("The operation is not permitted due to charge type of the instance: %s is pay-as-you-go; renewal applies to subscriptions.", i.ID)
		}
		if err := env.Tx.InstanceSetRenewal(ctx, i.ID, status, period, unit); err != nil {
			return nil, err
		}
	}
	return &ModifyInstanceAutoRenewAttributeResponse{}, nil
}
