package ecs

import (
	"context"

	"github.com/ecsd/ecsd/internal/rpc"
)

// DescribeInstanceAttachmentAttributesRequest is its action's input.
type DescribeInstanceAttachmentAttributesRequest struct {
	RegionId    string   `param:"RegionId,required"`
	InstanceIds []string `param:"InstanceIds,json"`
	PageNumber  *int     `param:"PageNumber"`
	PageSize    *int     `param:"PageSize"`
}

// DescribeInstanceAttachmentAttributesResponse lists instances with the
// private pool they match.
type DescribeInstanceAttachmentAttributesResponse struct {
	rpc.Response
	TotalCount int
	PageNumber int
	PageSize   int
	Instances  struct {
		Instance []InstanceAttachmentView
	}
}

// InstanceAttachmentView is an instance's private pool options.
type InstanceAttachmentView struct {
	InstanceId                      string
	PrivatePoolOptionsId            string
	PrivatePoolOptionsMatchCriteria string
}

// describeInstanceAttachmentAttributes handles
// DescribeInstanceAttachmentAttributes. ecsd has no private pools
// (elasticity assurances, capacity reservations): every instance runs on
// public capacity, which RunInstances' default match criterion, Open, means.
func (s *Service) describeInstanceAttachmentAttributes(ctx context.Context, env *rpc.Env, req *DescribeInstanceAttachmentAttributesRequest) (*DescribeInstanceAttachmentAttributesResponse, error) {
	if _, err := s.region(req.RegionId); err != nil {
		return nil, err
	}
	page, size, err := pageParams(req.PageNumber, req.PageSize, 10, 100)
	if err != nil {
		return nil, err
	}
	list, err := listedInstances(ctx, env, req.RegionId, "InstanceIds", req.InstanceIds)
	if err != nil {
		return nil, err
	}
	resp := &DescribeInstanceAttachmentAttributesResponse{TotalCount: len(list), PageNumber: page, PageSize: size}
	resp.Instances.Instance = []InstanceAttachmentView{}
	for _, i := range paginate(list, page, size) {
		resp.Instances.Instance = append(resp.Instances.Instance, InstanceAttachmentView{InstanceId: i.ID, PrivatePoolOptionsMatchCriteria: "Open"})
	}
	return resp, nil
}
