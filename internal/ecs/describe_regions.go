package ecs

import (
	"context"

	"github.com/ecsd/ecsd/internal/apierr"
	"github.com/ecsd/ecsd/internal/rpc"
)

// DescribeRegionsRequest is DescribeRegions' input (spec/alibaba-api.md §5).
type DescribeRegionsRequest struct {
	rpc.AccountDelegation
	InstanceChargeType string `param:"InstanceChargeType"`
	ResourceType       string `param:"ResourceType"`
	AcceptLanguage     string `param:"AcceptLanguage"`
}

// DescribeRegionsResponse lists the regions.
type DescribeRegionsResponse struct {
	rpc.Response
	Regions struct {
		Region []RegionItem
	}
}

// RegionItem is one region.
type RegionItem struct {
	RegionId       string
	LocalName      string
	RegionEndpoint string
	Status         string
}

// describeRegions handles DescribeRegions.
func describeRegions(ctx context.Context, env *rpc.Env, req *DescribeRegionsRequest) (*DescribeRegionsResponse, error) {
	if err := checkChargeType(req.InstanceChargeType); err != nil {
		return nil, err
	}
	switch req.ResourceType {
	case "", "instance", "disk", "reservedinstance", "scu":
	default:
		return nil, apierr.InvalidResourceTypeNotFound.Newf("The specified ResourceType %q is not found; use instance.", req.ResourceType)
	}
	if err := checkLanguage(req.AcceptLanguage); err != nil {
		return nil, err
	}
	resp := &DescribeRegionsResponse{}
	resp.Regions.Region = []RegionItem{}
	for _, r := range env.Catalog.Regions() {
		resp.Regions.Region = append(resp.Regions.Region, RegionItem{
			RegionId: r.RegionId, LocalName: r.LocalName, RegionEndpoint: r.RegionEndpoint, Status: r.Status,
		})
	}
	return resp, nil
}

// checkChargeType accepts an empty charge type or one of the two ECS has.
func checkChargeType(ct string) error {
	switch ct {
	case "", "PrePaid", "PostPaid":
		return nil
	}
	return apierr.InvalidInstanceChargeTypeNotFound.Newf("The specified InstanceChargeType %q is not found; use PrePaid or PostPaid.", ct)
}

func checkLanguage(l string) error {
	switch l {
	case "", "zh-CN", "en-US", "ja":
		return nil
	}
	return apierr.InvalidAcceptLanguageNotFound.Newf("The specified AcceptLanguage %q is not found; use zh-CN, en-US or ja.", l)
}
