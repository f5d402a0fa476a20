// Package ecs holds the ECS (2014-05-26) actions: one file per action with
// its request and response structs and its handler, and the domain rules
// they call. Handlers decode, call the domain and encode; nothing else.
package ecs

import (
	"context"
	"errors"

	"github.com/ecsd/ecsd/internal/rpc"
	"github.com/ecsd/ecsd/internal/store"
)

// NewProduct returns ECS, version 2014-05-26, with its actions sorted by
// name. Catalog actions are plain functions; instance actions are methods of
// the Service, which holds what they share (jobs, delays).
//
// RAM authorizes against the resources as stored, never as the optional
// parameters describe them: an action on one instance declares
// instanceARN("InstanceId") (or the parameter that holds the id), which
// looks the instance up and names its real region and account; an action
// that lists or creates in a region it requires declares anyInstance or
// anyDisk; an action with no resource-level permission declares none.
// A new resource kind gets a resolver in the same style, one that reads the
// store by the same key the handler requires.
func NewProduct(s *Service) *rpc.Product {
	inst := instanceARN("InstanceId")
	return &rpc.Product{
		Name:    "Ecs",
		Version: "2014-05-26",
		Actions: []rpc.Action{
			{Name: "DeleteInstance", RAM: "ecs:DeleteInstance", Handle: rpc.Bind(s.deleteInstance), Write: true, Resources: inst},
			{Name: "DescribeDisks", RAM: "ecs:DescribeDisks", Handle: rpc.Bind(s.describeDisks), Resources: anyDisk},
			{Name: "DescribeImages", RAM: "ecs:DescribeImages", Handle: rpc.Bind(describeImages)},
			{Name: "DescribeInstanceAttribute", RAM: "ecs:DescribeInstanceAttribute", Handle: rpc.Bind(s.describeInstanceAttribute), Resources: inst},
			{Name: "DescribeInstanceModificationPrice", RAM: "ecs:DescribeInstanceModificationPrice", Handle: rpc.Bind(s.describeInstanceModificationPrice), Resources: inst},
			{Name: "DescribeInstanceStatus", RAM: "ecs:DescribeInstanceStatus", Handle: rpc.Bind(s.describeInstanceStatus), Resources: anyInstance},
			{Name: "DescribeInstanceTypeFamilies", RAM: "ecs:DescribeInstanceTypeFamilies", Handle: rpc.Bind(describeInstanceTypeFamilies)},
			{Name: "DescribeInstanceTypes", RAM: "ecs:DescribeInstanceTypes", Handle: rpc.Bind(describeInstanceTypes)},
			{Name: "DescribeInstances", RAM: "ecs:DescribeInstances", Handle: rpc.Bind(s.describeInstances), Resources: anyInstance},
			{Name: "DescribePrice", RAM: "ecs:DescribePrice", Handle: rpc.Bind(describePrice)},
			{Name: "DescribeRegions", RAM: "ecs:DescribeRegions", Handle: rpc.Bind(describeRegions)},
			{Name: "DescribeRenewalPrice", RAM: "ecs:DescribeRenewalPrice", Handle: rpc.Bind(s.describeRenewalPrice), Resources: instanceARN("ResourceId")},
			{Name: "DescribeResourcesModification", RAM: "ecs:DescribeResourcesModification", Handle: rpc.Bind(s.describeResourcesModification), Resources: instanceARN("ResourceId")},
			{Name: "DescribeZones", RAM: "ecs:DescribeZones", Handle: rpc.Bind(describeZones)},
			{Name: "ModifyPrepayInstanceSpec", RAM: "ecs:ModifyPrepayInstanceSpec", Handle: rpc.Bind(s.modifyPrepayInstanceSpec), Write: true, Idempotent: true, Resources: inst},
			{Name: "RebootInstance", RAM: "ecs:RebootInstance", Handle: rpc.Bind(s.rebootInstance), Write: true, Resources: inst},
			{Name: "RenewInstance", RAM: "ecs:RenewInstance", Handle: rpc.Bind(s.renewInstance), Write: true, Idempotent: true, Resources: inst},
			{Name: "RunInstances", RAM: "ecs:RunInstances", Handle: rpc.Bind(s.runInstances), Write: true, Idempotent: true, Resources: anyInstance},
			{Name: "StartInstance", RAM: "ecs:StartInstance", Handle: rpc.Bind(s.startInstance), Write: true, Resources: inst},
			{Name: "StopInstance", RAM: "ecs:StopInstance", Handle: rpc.Bind(s.stopInstance), Write: true, Resources: inst},
		},
	}
}

// instanceARN returns the resource function of an action on the instance
// named by param: acs:ecs:{region}:{account}:instance/{id}, with the region
// and account of the stored instance. The handler finds an instance by its
// id alone when RegionId is absent, so the ARN must not come from RegionId.
func instanceARN(param string) rpc.ResourceFunc {
	return func(ctx context.Context, r rpc.ResourceRequest) ([]string, error) {
		id := r.Params[param]
		if instanceIDPattern.MatchString(id) {
			inst, err := r.Q.InstanceGetByID(ctx, id)
			if err == nil && inst.AccountID == r.Caller.AccountID {
				return []string{arn(inst.AccountID, inst.RegionID, "instance/"+inst.ID)}, nil
			}
			if err != nil && !errors.Is(err, store.ErrNotFound) {
				return nil, err
			}
		}
		// Nothing of the caller's: the handler answers NotFound.
		return []string{arn(r.Caller.AccountID, r.Params["RegionId"], "instance/"+id)}, nil
	}
}

// anyInstance is the resource of actions that list or create instances in
// the region they require (MissingParameter without it).
func anyInstance(_ context.Context, r rpc.ResourceRequest) ([]string, error) {
	return []string{arn(r.Caller.AccountID, r.Params["RegionId"], "instance/*")}, nil
}

func anyDisk(_ context.Context, r rpc.ResourceRequest) ([]string, error) {
	return []string{arn(r.Caller.AccountID, r.Params["RegionId"], "disk/*")}, nil
}

// arn is an ECS resource name; a request without RegionId matches any region.
func arn(accountID, region, rel string) string {
	if region == "" {
		region = "*"
	}
	return "acs:ecs:" + region + ":" + accountID + ":" + rel
}
