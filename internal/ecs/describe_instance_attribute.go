package ecs

import (
	"context"

	"github.com/ecsd/ecsd/internal/rpc"
	"github.com/ecsd/ecsd/internal/store"
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
	views, err := s.instanceViews(ctx, env.Q(), []*store.Instance{inst})
	if err != nil {
		return nil, err
	}
	v := views[0]
	v.DeviceAvailable = nil // DescribeInstances only
	return &DescribeInstanceAttributeResponse{InstanceView: v}, nil
}
