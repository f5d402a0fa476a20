package ecs

import (
	"context"

	"github.com/ecsd/ecsd/internal/rpc"
)

// DescribeInstanceRamRoleRequest is DescribeInstanceRamRole's input.
type DescribeInstanceRamRoleRequest struct {
	RegionId    string   `param:"RegionId,required"`
	InstanceIds []string `param:"InstanceIds,json"`
	RamRoleName string   `param:"RamRoleName"`
	PageNumber  *int     `param:"PageNumber"`
	PageSize    *int     `param:"PageSize"`
}

// DescribeInstanceRamRoleResponse lists the instances that have a RAM role.
type DescribeInstanceRamRoleResponse struct {
	rpc.Response
	RegionId            string
	TotalCount          int
	InstanceRamRoleSets struct {
		InstanceRamRoleSet []InstanceRamRoleView
	}
}

// InstanceRamRoleView is an instance and its role.
type InstanceRamRoleView struct{ InstanceId, RamRoleName string }

// describeInstanceRamRole handles DescribeInstanceRamRole: the listed
// instances (or all of the region) that have a role, or that role only.
func (s *Service) describeInstanceRamRole(ctx context.Context, env *rpc.Env, req *DescribeInstanceRamRoleRequest) (*DescribeInstanceRamRoleResponse, error) {
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
	var roles []InstanceRamRoleView
	for _, i := range list {
		if i.RAMRole != "" && (req.RamRoleName == "" || req.RamRoleName == i.RAMRole) {
			roles = append(roles, InstanceRamRoleView{InstanceId: i.ID, RamRoleName: i.RAMRole})
		}
	}
	resp := &DescribeInstanceRamRoleResponse{RegionId: req.RegionId, TotalCount: len(roles)}
	resp.InstanceRamRoleSets.InstanceRamRoleSet = append([]InstanceRamRoleView{}, paginate(roles, page, size)...)
	return resp, nil
}
