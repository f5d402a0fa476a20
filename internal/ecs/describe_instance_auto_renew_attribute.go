package ecs

import (
	"context"

	"github.com/ecsd/ecsd/internal/apierr"
	"github.com/ecsd/ecsd/internal/rpc"
	"github.com/ecsd/ecsd/internal/store"
)

// DescribeInstanceAutoRenewAttributeRequest is its action's input;
// InstanceId is a comma-separated list.
type DescribeInstanceAutoRenewAttributeRequest struct {
	RegionId      string `param:"RegionId,required"`
	InstanceId    string `param:"InstanceId"`
	RenewalStatus string `param:"RenewalStatus"`
	PageNumber    *int   `param:"PageNumber"`
	PageSize      *int   `param:"PageSize"`
}

// DescribeInstanceAutoRenewAttributeResponse lists renewal settings.
type DescribeInstanceAutoRenewAttributeResponse struct {
	rpc.Response
	TotalCount              int
	PageNumber              int
	PageSize                int
	InstanceRenewAttributes struct {
		InstanceRenewAttribute []InstanceRenewAttributeView
	}
}

// InstanceRenewAttributeView is a subscription's renewal setting.
type InstanceRenewAttributeView struct {
	InstanceId       string
	AutoRenewEnabled bool
	Duration         int
	PeriodUnit       string
	RenewalStatus    string
}

var renewalStatuses = []string{store.RenewalAutoRenewal, store.RenewalNormal, store.RenewalNotRenewal}

// describeInstanceAutoRenewAttribute handles
// DescribeInstanceAutoRenewAttribute. It answers for subscriptions only:
// a pay-as-you-go instance named in InstanceId is ChargeTypeViolation, and
// without InstanceId only subscriptions are listed.
func (s *Service) describeInstanceAutoRenewAttribute(ctx context.Context, env *rpc.Env, req *DescribeInstanceAutoRenewAttributeRequest) (*DescribeInstanceAutoRenewAttributeResponse, error) {
	if _, err := s.region(req.RegionId); err != nil {
		return nil, err
	}
	if err := checkRenewalStatus(req.RenewalStatus); err != nil {
		return nil, err
	}
	page, size, err := pageParams(req.PageNumber, req.PageSize, 10, 100)
	if err != nil {
		return nil, err
	}
	ids := commaList(req.InstanceId)
	list, err := listedInstances(ctx, env, req.RegionId, "InstanceId", ids)
	if err != nil {
		return nil, err
	}
	var out []InstanceRenewAttributeView
	for _, i := range list {
		if i.ChargeType != store.PrePaid {
			if len(ids) > 0 {
				return nil, apierr.ChargeTypeViolation.Newf("The operation is not permitted due to charge type of the instance: %s is pay-as-you-go; renewal applies to subscriptions.", i.ID)
			}
			continue
		}
		if req.RenewalStatus != "" && req.RenewalStatus != i.RenewalStatus {
			continue
		}
		out = append(out, InstanceRenewAttributeView{
			InstanceId: i.ID, AutoRenewEnabled: i.AutoRenew, Duration: i.AutoRenewPeriod, PeriodUnit: i.AutoRenewUnit, RenewalStatus: i.RenewalStatus,
		})
	}
	resp := &DescribeInstanceAutoRenewAttributeResponse{TotalCount: len(out), PageNumber: page, PageSize: size}
	resp.InstanceRenewAttributes.InstanceRenewAttribute = append([]InstanceRenewAttributeView{}, paginate(out, page, size)...)
	return resp, nil
}

func checkRenewalStatus(v string) error {
	for _, ok := range renewalStatuses {
		if v == ok {
			return nil
		}
	}
	if v == "" {
		return nil
	}
	return apierr.InvalidParameter.Newf("The specified parameter RenewalStatus %q is not valid; use AutoRenewal, Normal or NotRenewal.", v)
}
