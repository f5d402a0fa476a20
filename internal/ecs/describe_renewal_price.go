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
	RegionId     string     `param:"RegionId,required"`
	ResourceId   string     `param:"ResourceId,required"`
	ResourceType string     `param:"ResourceType"`
	Period       *int       `param:"Period"`
	PriceUnit    string     `param:"PriceUnit"`
	_            rpc.Refuse `refuse:"ExpectedRenewDay" why:"renewing to a unified expiry day is not modelled; use Period"`
}

// DescribeRenewalPriceResponse is the price of renewing.
type DescribeRenewalPriceResponse struct {
	rpc.Response
	PriceInfo PriceInfo
}

// describeRenewalPrice handles DescribeRenewalPrice: what RenewInstance
// would charge, from the same price function.
func (s *Service) describeRenewalPrice(ctx context.Context, env *rpc.Env, req *DescribeRenewalPriceRequest) (*DescribeRenewalPriceResponse, error) {
	if _, err := s.region(req.RegionId); err != nil {
		return nil, err
	}
	if req.ResourceType != "" && req.ResourceType != "instance" {
		return nil, apierr.InvalidResourceTypeNotFound.Newf("The specified ResourceType %q is not found; use instance.", req.ResourceType)
	}
	unit, period, err := pricePeriod(req.PriceUnit, req.Period, billing.Month, map[billing.PriceUnit]int{billing.Month: 9, billing.Year: 3})
	if err != nil {
		return nil, err
	}
	inst, err := ownInstance(ctx, env.Q(), env.Caller, req.RegionId, req.ResourceId)
	if err != nil {
		return nil, err
	}
	if inst.ChargeType != store.PrePaid {
		return nil, apierr.ChargeTypeViolation.Newf("The operation is not permitted due to charge type of the instance: %s is pay-as-you-go.", inst.ID)
	}
	total, err := billing.ListPrice(s.Catalog, inst.RegionID, inst.InstanceType, unit, period, 1)
	if err != nil {
		return nil, err
	}
	return &DescribeRenewalPriceResponse{PriceInfo: listPriceInfo(total)}, nil
}
