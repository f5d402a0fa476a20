package ecs

import (
	"context"

	"github.com/ecsd/ecsd/internal/apierr"
	"github.com/ecsd/ecsd/internal/rpc"
	"github.com/ecsd/ecsd/internal/store"
)

// MembershipRequest is the input of JoinSecurityGroup and LeaveSecurityGroup.
type MembershipRequest struct {
	rpc.AccountDelegation
	RegionId           string `param:"RegionId"`
	SecurityGroupId    string `param:"SecurityGroupId,required"`
	InstanceId         string `param:"InstanceId"`
	NetworkInterfaceId string `param:"NetworkInterfaceId"`
}

// member checks what joining and leaving share, in order: an instance (not
// an ENI) of the caller, Running or Stopped and not locked, and a group of
// the caller (whose row is held to the end of the transaction).
func member(ctx context.Context, env *rpc.Env, req *MembershipRequest) (*store.Instance, *store.SecurityGroup, []string, error) {
	if req.NetworkInterfaceId != "" {
		if req.InstanceId != "" {
			return nil, nil, nil, apierr.InvalidParameter.Newf("Give InstanceId or NetworkInterfaceId, not both.")
		}
		return nil, nil, nil, apierr.OperationUnsupported.Newf("ecsd moves instances between security groups, not single network interfaces: give InstanceId.")
	}
	if req.InstanceId == "" {
		return nil, nil, nil, apierr.MissingParameter.New("InstanceId")
	}
	inst, err := ownInstance(ctx, env.Tx.Q, env.Caller, req.RegionId, req.InstanceId)
	if err != nil {
		return nil, nil, nil, err
	}
	if err := checkNotLocked(inst); err != nil {
		return nil, nil, nil, err
	}
	if inst.Status != store.StatusRunning && inst.Status != store.StatusStopped {
		return nil, nil, nil, apierr.IncorrectInstanceStatus.Newf("The current status of the resource does not support this operation: instance %s is %s; it must be Running or Stopped.", inst.ID, inst.Status)
	}
	g, err := ownGroup(ctx, env, inst.RegionID, req.SecurityGroupId, true)
	if err != nil {
		return nil, nil, nil, err
	}
	groups, err := env.Tx.GroupsOfInstances(ctx, []string{inst.ID})
	if err != nil {
		return nil, nil, nil, err
	}
	return inst, g, groups[inst.ID], nil
}

// joinSecurityGroup handles JoinSecurityGroup:
//
//	the group is in the instance's VPC          → InvalidInstanceId.Mismatch
//	the instance is not in it yet               → InvalidInstanceId.AlreadyExists
//	at most groupsPerInstance groups            → InstanceSecurityGroupLimitExceeded
func (s *Service) joinSecurityGroup(ctx context.Context, env *rpc.Env, req *MembershipRequest) (*rpc.Response, error) {
	inst, g, groups, err := member(ctx, env, req)
	if err != nil {
		return nil, err
	}
	if g.VpcID != inst.VpcID {
		return nil, apierr.InvalidInstanceIDMismatch.Newf("Specified instance and security group are not in the same VPC: %s is in %s, %s in %s.", inst.ID, inst.VpcID, g.ID, g.VpcID)
	}
	for _, id := range groups {
		if id == g.ID {
			return nil, apierr.InvalidInstanceIDAlreadyExists.Newf("The specified instance %s already exists in the security group %s.", inst.ID, g.ID)
		}
	}
	if len(groups) >= groupsPerInstance {
		return nil, apierr.InstanceSecurityGroupLimitExceeded.Newf("The instance %s is already in %d security groups, the most it can be in.", inst.ID, len(groups))
	}
	_, err = env.Tx.MembershipAdd(ctx, inst.ID, g.ID, env.Now)
	return &rpc.Response{}, err
}

// leaveSecurityGroup handles LeaveSecurityGroup:
//
//	the instance is in the group                 → InvalidSecurityGroupId.NotFound
//	it stays in at least one group               → InstanceLastSecurityGroup
func (s *Service) leaveSecurityGroup(ctx context.Context, env *rpc.Env, req *MembershipRequest) (*rpc.Response, error) {
	inst, g, groups, err := member(ctx, env, req)
	if err != nil {
		return nil, err
	}
	in := false
	for _, id := range groups {
		in = in || id == g.ID
	}
	if !in {
		return nil, apierr.InvalidSecurityGroupIDNotFound.Newf("The specified SecurityGroupId does not exist among the groups of instance %s: it is not in %s.", inst.ID, g.ID)
	}
	if len(groups) == 1 {
		return nil, apierr.InstanceLastSecurityGroup.Newf("The security group %s can't be removed, as instance %s must be in at least one security group.", g.ID, inst.ID)
	}
	if _, err := env.Tx.MembershipRemove(ctx, inst.ID, g.ID); err != nil {
		return nil, err
	}
	// The instance's first group is the one it reports first.
	rest, err := env.Tx.GroupsOfInstances(ctx, []string{inst.ID})
	if err != nil {
		return nil, err
	}
	return &rpc.Response{}, env.Tx.InstanceSetSecurityGroup(ctx, inst.ID, rest[inst.ID][0])
}
