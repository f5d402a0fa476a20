package ecs

import (
	"context"
	"slices"

	"github.com/ecsd/ecsd/internal/apierr"
	"github.com/ecsd/ecsd/internal/rpc"
)

// DescribeInstanceModificationPriceRequest is
// DescribeInstanceModificationPrice's input (spec/alibaba-api.md §10.3).
type DescribeInstanceModificationPriceRequest struct {
	rpc.AccountDelegation
	RegionId     string `param:"RegionId,required"`
	InstanceId   string `param:"InstanceId,required"`
	InstanceType string `param:"InstanceType"`
	SystemDisk   struct {
		Category string `param:"Category"`
	} `param:"SystemDisk"`
	DataDisk []struct {
		Category         string `param:"Category"`
		Size             *int   `param:"Size"`
		PerformanceLevel string `param:"PerformanceLevel"`
	} `param:"DataDisk"`
}

// DescribeInstanceModificationPriceResponse is the price of the upgrade.
type DescribeInstanceModificationPriceResponse struct {
	rpc.Response
	PriceInfo PriceInfo
}

// describeInstanceModificationPrice handles DescribeInstanceModificationPrice:
// the fee of an upgrade to InstanceType, from the rules and the price
// function ModifyPrepayInstanceSpec uses — checkSpecChange with
// OperatorType=upgrade, so a quote is given exactly when the change would be
// accepted now (stock included) and TradePrice is the order's amount
// (billing.ChangeFee to ExpiredTime over the whole configuration, with one
// DetailInfos line per module). ecsd gives no discounts.
//
// The rules' errors are answered as they are, except the ones this action
// documents under its own codes: an expired instance is InstanceExpired
// (403), a pay-as-you-go one ChargeTypeViolation (403), and a type that is
// a downgrade by list price InvalidInstanceType.NotSupportUpgrade (403).
// Neither InstanceType nor DataDisk.N is MissingParameter.InstanceTypeOrDataDisk.
// DataDisk.N (new subscription data disks) is checked and then answered
// with PriceNotFound: ecsd sells no subscription data disks, so it has no
// price for them.
func (s *Service) describeInstanceModificationPrice(ctx context.Context, env *rpc.Env, req *DescribeInstanceModificationPriceRequest) (*DescribeInstanceModificationPriceResponse, error) {
	if req.InstanceType == "" && len(req.DataDisk) == 0 {
		return nil, apierr.MissingParameterInstanceTypeOrDataDisk.New()
	}
	for _, d := range req.DataDisk {
		switch {
		case !slices.Contains(knownDiskCategories, d.Category):
			return nil, apierr.InvalidDataDiskCategoryValueNotSupported.Newf("The specified Category of Data Disk %q is not valid.", d.Category)
		case d.PerformanceLevel != "" && (d.Category != "cloud_essd" || !slices.Contains(performanceLevel, d.PerformanceLevel)):
			return nil, apierr.InvalidPerformanceLevelMalformed.Newf("The specified parameter DataDisk.n.PerformanceLevel %q is not valid for %s.", d.PerformanceLevel, d.Category)
		case d.Size != nil && (*d.Size < 1 || *d.Size > 32768):
			return nil, apierr.InvalidParameter.Newf("The specified parameter DataDisk.n.Size %d is not valid: use 1 to 32768 GiB.", *d.Size)
		}
	}
	in := SpecChange{
		RegionID: req.RegionId, InstanceID: req.InstanceId, InstanceType: req.InstanceType,
		OperatorType: Upgrade, AutoPay: true, SystemDiskCategory: req.SystemDisk.Category,
	}
	plan, err := s.checkSpecChange(ctx, env, in, ruleOpts{instanceOnly: req.InstanceType == ""})
	switch {
	case err == nil:
	case apierr.InvalidInstancePreInstanceExpired.Is(err):
		return nil, apierr.InstanceExpired.Newf("The prePaid instance has been expired: renew %s before changing its type.", req.InstanceId)
	case apierr.InvalidBillingMethodValueNotSupported.Is(err):
		return nil, apierr.ChargeTypeViolation.Newf("The operation is not permitted due to charge type of the instance: %s is pay-as-you-go.", req.InstanceId)
	case apierr.InvalidAction.Is(err): // the OperatorType rule: the type is a downgrade
		return nil, apierr.InvalidInstanceTypeNotSupportUpgrade.Newf("The specified InstanceType can only be downgraded: %s costs less than the instance's type (or is smaller at the same price).", req.InstanceType)
	default:
		return nil, err
	}
	if len(req.DataDisk) > 0 {
		return nil, apierr.PriceNotFound.Newf("The price of the specified resource is not found: ecsd sells no subscription data disks (DataDisk.N).")
	}
	return &DescribeInstanceModificationPriceResponse{PriceInfo: quotePriceInfo(plan.fee)}, nil
}
