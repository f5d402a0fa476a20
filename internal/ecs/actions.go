// Package ecs holds the ECS (2014-05-26) actions: one file per action with
// its request and response structs and its handler, and the domain rules
// they call. Handlers decode, call the domain and encode; nothing else.
package ecs

import "github.com/ecsd/ecsd/internal/rpc"

// NewProduct returns ECS, version 2014-05-26, with its actions sorted by
// name. Catalog actions are plain functions; instance actions are methods of
// the Service, which holds what they share (jobs, delays).
func NewProduct(s *Service) *rpc.Product {
	inst := instanceARN("InstanceId")
	sg := securityGroupARN("SecurityGroupId")
	return &rpc.Product{
		Name:    "Ecs",
		Version: "2014-05-26",
		Actions: []rpc.Action{
			{Name: "AuthorizeSecurityGroup", RAM: "ecs:AuthorizeSecurityGroup", Handle: bindRules(s.authorizeSecurityGroup), Write: true, Idempotent: true, Resources: sg},
			{Name: "AuthorizeSecurityGroupEgress", RAM: "ecs:AuthorizeSecurityGroupEgress", Handle: bindRules(s.authorizeSecurityGroupEgress), Write: true, Idempotent: true, Resources: sg},
			{Name: "CreateSecurityGroup", RAM: "ecs:CreateSecurityGroup", Handle: rpc.Bind(s.createSecurityGroup), Write: true, Idempotent: true, Resources: anySecurityGroup},
			{Name: "DeleteInstance", RAM: "ecs:DeleteInstance", Handle: rpc.Bind(s.deleteInstance), Write: true, Resources: inst},
			{Name: "DeleteSecurityGroup", RAM: "ecs:DeleteSecurityGroup", Handle: rpc.Bind(s.deleteSecurityGroup), Write: true, Resources: sg},
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
			{Name: "DescribeResourcesModification", RAM: "ecs:DescribeResourcesModification", Handle: rpc.Bind(s.describeResourcesModification)},
			{Name: "DescribeSecurityGroupAttribute", RAM: "ecs:DescribeSecurityGroupAttribute", Handle: rpc.Bind(s.describeSecurityGroupAttribute), Resources: sg},
			{Name: "DescribeSecurityGroups", RAM: "ecs:DescribeSecurityGroups", Handle: rpc.Bind(s.describeSecurityGroups), Resources: anySecurityGroup},
			{Name: "DescribeZones", RAM: "ecs:DescribeZones", Handle: rpc.Bind(describeZones)},
			{Name: "JoinSecurityGroup", RAM: "ecs:JoinSecurityGroup", Handle: rpc.Bind(s.joinSecurityGroup), Write: true, Resources: sgAndInstance},
			{Name: "LeaveSecurityGroup", RAM: "ecs:LeaveSecurityGroup", Handle: rpc.Bind(s.leaveSecurityGroup), Write: true, Resources: sgAndInstance},
			{Name: "ModifyPrepayInstanceSpec", RAM: "ecs:ModifyPrepayInstanceSpec", Handle: rpc.Bind(s.modifyPrepayInstanceSpec), Write: true, Idempotent: true, Resources: inst},
			{Name: "ModifySecurityGroupAttribute", RAM: "ecs:ModifySecurityGroupAttribute", Handle: rpc.Bind(s.modifySecurityGroupAttribute), Write: true, Resources: sg},
			{Name: "ModifySecurityGroupEgressRule", RAM: "ecs:ModifySecurityGroupEgressRule", Handle: bindRules(s.modifySecurityGroupEgressRule), Write: true, Idempotent: true, Resources: sg},
			{Name: "ModifySecurityGroupPolicy", RAM: "ecs:ModifySecurityGroupPolicy", Handle: rpc.Bind(s.modifySecurityGroupPolicy), Write: true, Idempotent: true, Resources: sg},
			{Name: "ModifySecurityGroupRule", RAM: "ecs:ModifySecurityGroupRule", Handle: bindRules(s.modifySecurityGroupRule), Write: true, Idempotent: true, Resources: sg},
			{Name: "RebootInstance", RAM: "ecs:RebootInstance", Handle: rpc.Bind(s.rebootInstance), Write: true, Resources: inst},
			{Name: "RenewInstance", RAM: "ecs:RenewInstance", Handle: rpc.Bind(s.renewInstance), Write: true, Idempotent: true, Resources: inst},
			{Name: "RevokeSecurityGroup", RAM: "ecs:RevokeSecurityGroup", Handle: bindRules(s.revokeSecurityGroup), Write: true, Idempotent: true, Resources: sg},
			{Name: "RevokeSecurityGroupEgress", RAM: "ecs:RevokeSecurityGroupEgress", Handle: bindRules(s.revokeSecurityGroupEgress), Write: true, Idempotent: true, Resources: sg},
			{Name: "RunInstances", RAM: "ecs:RunInstances", Handle: rpc.Bind(s.runInstances), Write: true, Idempotent: true, Resources: anyInstance},
			{Name: "StartInstance", RAM: "ecs:StartInstance", Handle: rpc.Bind(s.startInstance), Write: true, Resources: inst},
			{Name: "StopInstance", RAM: "ecs:StopInstance", Handle: rpc.Bind(s.stopInstance), Write: true, Resources: inst},
		},
	}
}

// instanceARN returns the resource function of an action on the instance
// named by param: acs:ecs:{region}:{account}:instance/{id}.
func instanceARN(param string) func(string, map[string]string) []string {
	return func(accountID string, p map[string]string) []string {
		return []string{arn(accountID, p["RegionId"], "instance/"+p[param])}
	}
}

// anyInstance is the resource of actions that list or create instances.
func anyInstance(accountID string, p map[string]string) []string {
	return []string{arn(accountID, p["RegionId"], "instance/*")}
}

func anyDisk(accountID string, p map[string]string) []string {
	return []string{arn(accountID, p["RegionId"], "disk/*")}
}

// arn is an ECS resource name; a request without RegionId matches any region.
func arn(accountID, region, rel string) string {
	if region == "" {
		region = "*"
	}
	return "acs:ecs:" + region + ":" + accountID + ":" + rel
}

// securityGroupARN returns the resource function of an action on the group
// named by param: acs:ecs:{region}:{account}:securitygroup/{id}.
func securityGroupARN(param string) func(string, map[string]string) []string {
	return func(accountID string, p map[string]string) []string {
		return []string{arn(accountID, p["RegionId"], "securitygroup/"+p[param])}
	}
}

func anySecurityGroup(accountID string, p map[string]string) []string {
	return []string{arn(accountID, p["RegionId"], "securitygroup/*")}
}

// sgAndInstance is the resource of joining and leaving: the group and the instance.
func sgAndInstance(accountID string, p map[string]string) []string {
	return []string{arn(accountID, p["RegionId"], "securitygroup/"+p["SecurityGroupId"]), arn(accountID, p["RegionId"], "instance/"+p["InstanceId"])}
}
