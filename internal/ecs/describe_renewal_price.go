package ecs

import (
	"context"

	"github.com/ecsd/ecsd/internal/apierr"
	"github.com/ecsd/ecsd/internal/billing"
	"github.com/ecsd/ecsd/internal/rpc"
	"github.com/ecsd/ecsd/internal/store"
)

// DescribeRenewalPriceRequest is DescribeRenewalPrice's input (spec/alibaba-api.md §10.4).
type DescribeRenewalPriceRequest struct {
	rpc.AccountDelegation
	RegionId     string `param:"RegionId,required"`
	ResourceId   string `param:"ResourceId,required"`
	ResourceType string `param:"ResourceType"`
	Period       *int   `param:"Period"`
	PriceUnit    string `param:"PriceUnit"`
	// ExpectedRenewDay prices a renewal to that day of the month.
	ExpectedRenewDay *int `param:"ExpectedRenewDay"`
}

// DescribeRenewalPriceResponse is the price of renewing.
type DescribeRenewalPriceResponse struct {
	rpc.Response
	PriceInfo PriceInfo
}

// describeRenewalPrice handles DescribeRenewalPrice: what RenewInstance
// would charge now, from the same function (renewalQuote). Period and
// PriceUnit, or ExpectedRenewDay (1–28, InvalidParameter; not with Period
// or PriceUnit, InvalidParameter).
func (s *Service) describeRenewalPrice(ctx context.Context, env *rpc.Env, req *DescribeRenewalPriceRequest) (*DescribeRenewalPriceResponse, error) {
	if _, err := s.region(req.RegionId); err != nil {
		return nil, err
	}
	if req.ResourceType != "" && req.ResourceType != "instance" {
		return nil, apierr.InvalidResourceTypeNotFound.Newf("The specified ResourceType %q is not found; use instance.", req.ResourceType)
	}
	var term renewalTerm
	if req.ExpectedRenewDay != nil {
		if req.Period != nil || req.PriceUnit != "" {
			return nil, apierr.InvalidParameter.Newf("The specified parameter ExpectedRenewDay cannot be given with Period or PriceUnit: give one of them.")
		}
		if err := checkRenewDay(*req.ExpectedRenewDay); err != nil {
			return nil, err
		}
		term.day = *req.ExpectedRenewDay
	} else {
		unit, period, err := pricePeriod(req.PriceUnit, req.Period, billing.Month, map[billing.PriceUnit]int{billing.Month: 9, billing.Year: 3})
		if err != nil {
			return nil, err
		}
		term.unit, term.period = unit, period
	}
	inst, err := ownInstance(ctx, env.Q(), env.Caller, req.RegionId, req.ResourceId)
	if err != nil {
		return nil, err
	}
	if inst.ChargeType != store.PrePaid {
		return nil, apierr.ChargeTypeViolation.Newf("The operation is not permitted due to charge type of the instance: %s is pay-as-you-go.", inst.ID)
	}
	_, _, q, err := s.renewalQuote(ctx, env.Q(), env.Now, inst, term)
	if err != nil {
		return nil, err
	}
	return &DescribeRenewalPriceResponse{PriceInfo: quotePriceInfo(q)}, nil
}
