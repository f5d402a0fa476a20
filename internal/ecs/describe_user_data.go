package ecs

import (
	"context"

	"github.com/ecsd/ecsd/internal/rpc"
)

// DescribeUserDataRequest is DescribeUserData's input.
type DescribeUserDataRequest struct {
	RegionId   string `param:"RegionId"`
	InstanceId string `param:"InstanceId,required"`
}

// DescribeUserDataResponse is an instance's user data, base64 as it was
// given ("" when none).
type DescribeUserDataResponse struct {
	rpc.Response
	RegionId   string
	InstanceId string
	UserData   string
}

// describeUserData handles DescribeUserData.
func (s *Service) describeUserData(ctx context.Context, env *rpc.Env, req *DescribeUserDataRequest) (*DescribeUserDataResponse, error) {
	inst, err := ownInstance(ctx, env.Q(), env.Caller, req.RegionId, req.InstanceId)
	if err != nil {
		return nil, err
	}
	return &DescribeUserDataResponse{RegionId: inst.RegionID, InstanceId: inst.ID, UserData: inst.UserData}, nil
}
