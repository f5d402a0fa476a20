package ecs

import (
	"context"

	"github.com/ecsd/ecsd/internal/rpc"
)

// DescribeInstanceAttributeRequest is DescribeInstanceAttribute's input.
type DescribeInstanceAttributeRequest struct {
	rpc.AccountDelegation
	RegionId   string `param:"RegionId"`
	InstanceId string `param:"InstanceId,required"`
}

// DescribeInstanceAttributeResponse is one instance, its fields at the top
// level as ECS sends them.
type DescribeInstanceAttributeResponse struct {
	rpc.Response
	InstanceView
}

// describeInstanceAttribute handles DescribeInstanceAttribute.
func (s *Service) describeInstanceAttribute(ctx context.Context, env *rpc.Env, req *DescribeInstanceAttributeRequest) (*DescribeInstanceAttributeResponse, error) {
	inst, err := ownInstance(ctx, env.Q(), env.Caller, req.RegionId, req.InstanceId)
	if err != nil {
		return nil, err
	}
	tags, err := env.Q().TagListByInstances(ctx, []string{inst.ID})
	if err != nil {
		return nil, err
	}
	groups, err := env.Q().GroupsOfInstances(ctx, []string{inst.ID})
	if err != nil {
		return nil, err
	}
	enis, err := env.Q().NetworkInterfacesByInstances(ctx, []string{inst.ID})
	if err != nil {
		return nil, err
	}
	nets, err := env.Q().InternetOfInstances(ctx, []string{inst.ID})
	if err != nil {
		return nil, err
	}
	v := viewInstance(s.Catalog, inst, tags[inst.ID])
	internetView(&v, nets[inst.ID])
	v.NetworkInterfaces.NetworkInterface = eniViews(enis[inst.ID])
	v.SecurityGroupIds.SecurityGroupId = groupsOf(inst, groups)
	return &DescribeInstanceAttributeResponse{InstanceView: v}, nil
}
