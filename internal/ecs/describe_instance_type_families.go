package ecs

import (
	"context"

	"github.com/ecsd/ecsd/internal/rpc"
)

// DescribeInstanceTypeFamiliesRequest is DescribeInstanceTypeFamilies' input
// (spec/alibaba-api.md §5).
type DescribeInstanceTypeFamiliesRequest struct {
	rpc.AccountDelegation
	RegionId   string `param:"RegionId,required"`
	Generation string `param:"Generation"` // "ecs-5"
}

// DescribeInstanceTypeFamiliesResponse lists the families of a region.
type DescribeInstanceTypeFamiliesResponse struct {
	rpc.Response
	InstanceTypeFamilies struct {
		InstanceTypeFamily []InstanceTypeFamilyItem
	}
}

// InstanceTypeFamilyItem is one family.
type InstanceTypeFamilyItem struct {
	InstanceTypeFamilyId string
	Generation           string
}

// describeInstanceTypeFamilies handles DescribeInstanceTypeFamilies. A
// family belongs to a region when the region has a list price for one of its
// types: retired families are listed where their instances still run, and a
// family the region does not sell (g8y outside China) is not. An unknown
// Generation matches nothing. Returns InvalidRegionId.NotFound.
func describeInstanceTypeFamilies(ctx context.Context, env *rpc.Env, req *DescribeInstanceTypeFamiliesRequest) (*DescribeInstanceTypeFamiliesResponse, error) {
	if _, err := getRegion(env.Catalog, req.RegionId); err != nil {
		return nil, err
	}
	priced := map[string]bool{}
	for _, t := range env.Catalog.Types() {
		if _, ok := env.Catalog.MonthlyPrice(req.RegionId, t.InstanceTypeId); ok {
			priced[t.InstanceTypeFamily] = true
		}
	}
	resp := &DescribeInstanceTypeFamiliesResponse{}
	resp.InstanceTypeFamilies.InstanceTypeFamily = []InstanceTypeFamilyItem{}
	for _, f := range env.Catalog.Families() {
		if !priced[f.InstanceTypeFamilyId] || (req.Generation != "" && req.Generation != f.Generation) {
			continue
		}
		resp.InstanceTypeFamilies.InstanceTypeFamily = append(resp.InstanceTypeFamilies.InstanceTypeFamily,
			InstanceTypeFamilyItem{InstanceTypeFamilyId: f.InstanceTypeFamilyId, Generation: f.Generation})
	}
	return resp, nil
}
