// Package ecs holds the ECS (2014-05-26) actions: one file per action with
// its request and response structs and its handler, and the domain rules
// they call. Handlers decode, call the domain and encode; nothing else.
package ecs

import (
	"context"
	"encoding/json"
	"errors"
	"strconv"
	"strings"

	"github.com/ecsd/ecsd/internal/apierr"

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
	sg := securityGroupARN("SecurityGroupId")
	return &rpc.Product{
		Name:    "Ecs",
		Version: "2014-05-26",
		Actions: []rpc.Action{
			{Name: "AuthorizeSecurityGroup", RAM: "ecs:AuthorizeSecurityGroup", Handle: rpc.Bind(s.authorizeSecurityGroup), Write: true, Idempotent: true, Resources: sg},
			{Name: "AuthorizeSecurityGroupEgress", RAM: "ecs:AuthorizeSecurityGroupEgress", Handle: rpc.Bind(s.authorizeSecurityGroupEgress), Write: true, Idempotent: true, Resources: sg},
			{Name: "CreateKeyPair", RAM: "ecs:CreateKeyPair", Handle: rpc.Bind(s.createKeyPair), Write: true, Resources: keyPairsARN(oneName("KeyPairName"))},
			{Name: "CreateSecurityGroup", RAM: "ecs:CreateSecurityGroup", Handle: rpc.Bind(s.createSecurityGroup), Write: true, Idempotent: true, Resources: anySecurityGroup},
			{Name: "DeleteDisk", RAM: "ecs:DeleteDisk", Handle: rpc.Bind(s.deleteDisk), Write: true, Resources: diskARN("DiskId")},
			{Name: "DeleteInstance", RAM: "ecs:DeleteInstance", Handle: rpc.Bind(s.deleteInstance), Write: true, Resources: inst},
			{Name: "DeleteKeyPairs", RAM: "ecs:DeleteKeyPairs", Handle: rpc.Bind(s.deleteKeyPairs), Write: true, Resources: keyPairsARN(jsonIDs("KeyPairNames"))},
			{Name: "DeleteSecurityGroup", RAM: "ecs:DeleteSecurityGroup", Handle: rpc.Bind(s.deleteSecurityGroup), Write: true, Resources: sg},
			{Name: "DescribeAvailableResource", RAM: "ecs:DescribeAvailableResource", Handle: rpc.Bind(s.describeAvailableResource)},
			{Name: "DescribeDisks", RAM: "ecs:DescribeDisks", Handle: rpc.Bind(s.describeDisks), Resources: anyDisk},
			{Name: "DescribeImages", RAM: "ecs:DescribeImages", Handle: rpc.Bind(describeImages)},
			{Name: "DescribeInstanceAttachmentAttributes", RAM: "ecs:DescribeInstanceAttachmentAttributes", Handle: rpc.Bind(s.describeInstanceAttachmentAttributes), Resources: instancesARN(jsonIDs("InstanceIds"))},
			{Name: "DescribeInstanceAttribute", RAM: "ecs:DescribeInstanceAttribute", Handle: rpc.Bind(s.describeInstanceAttribute), Resources: inst},
			{Name: "DescribeInstanceAutoRenewAttribute", RAM: "ecs:DescribeInstanceAutoRenewAttribute", Handle: rpc.Bind(s.describeInstanceAutoRenewAttribute), Resources: instancesARN(commaIDs("InstanceId"))},
			{Name: "DescribeInstanceMaintenanceAttributes", RAM: "ecs:DescribeInstanceMaintenanceAttributes", Handle: rpc.Bind(s.describeInstanceMaintenanceAttributes), Resources: instancesARN(repeatIDs("InstanceId"))},
			{Name: "DescribeInstanceModificationPrice", RAM: "ecs:DescribeInstanceModificationPrice", Handle: rpc.Bind(s.describeInstanceModificationPrice), Resources: inst},
			{Name: "DescribeInstanceRamRole", RAM: "ecs:DescribeInstanceRamRole", Handle: rpc.Bind(s.describeInstanceRamRole), Resources: instancesARN(jsonIDs("InstanceIds"))},
			{Name: "DescribeInstanceStatus", RAM: "ecs:DescribeInstanceStatus", Handle: rpc.Bind(s.describeInstanceStatus), Resources: anyInstance},
			{Name: "DescribeInstanceTypeFamilies", RAM: "ecs:DescribeInstanceTypeFamilies", Handle: rpc.Bind(describeInstanceTypeFamilies)},
			{Name: "DescribeInstanceTypes", RAM: "ecs:DescribeInstanceTypes", Handle: rpc.Bind(describeInstanceTypes)},
			{Name: "DescribeInstances", RAM: "ecs:DescribeInstances", Handle: rpc.Bind(s.describeInstances), Resources: anyInstance},
			{Name: "DescribeKeyPairs", RAM: "ecs:DescribeKeyPairs", Handle: rpc.Bind(s.describeKeyPairs), Resources: keyPairsARN(oneName("KeyPairName"))},
			{Name: "DescribeNetworkInterfaces", RAM: "ecs:DescribeNetworkInterfaces", Handle: rpc.Bind(s.describeNetworkInterfaces), Resources: enisARN},
			{Name: "DescribePrice", RAM: "ecs:DescribePrice", Handle: rpc.Bind(s.describePrice)},
			{Name: "DescribeRegions", RAM: "ecs:DescribeRegions", Handle: rpc.Bind(describeRegions)},
			{Name: "DescribeRenewalPrice", RAM: "ecs:DescribeRenewalPrice", Handle: rpc.Bind(s.describeRenewalPrice), Resources: instanceARN("ResourceId")},
			{Name: "DescribeResourcesModification", RAM: "ecs:DescribeResourcesModification", Handle: rpc.Bind(s.describeResourcesModification), Resources: instanceARN("ResourceId")},
			{Name: "DescribeSecurityGroupAttribute", RAM: "ecs:DescribeSecurityGroupAttribute", Handle: rpc.Bind(s.describeSecurityGroupAttribute), Resources: sg},
			{Name: "DescribeSecurityGroups", RAM: "ecs:DescribeSecurityGroups", Handle: rpc.Bind(s.describeSecurityGroups), Resources: anySecurityGroup},
			{Name: "DescribeTags", RAM: "ecs:DescribeTags", Handle: rpc.Bind(s.describeTags)},
			{Name: "DescribeUserData", RAM: "ecs:DescribeUserData", Handle: rpc.Bind(s.describeUserData), Resources: instancesARN(commaIDs("InstanceId"))},
			{Name: "DescribeZones", RAM: "ecs:DescribeZones", Handle: rpc.Bind(describeZones)},
			{Name: "ImportKeyPair", RAM: "ecs:ImportKeyPair", Handle: rpc.Bind(s.importKeyPair), Write: true, Resources: keyPairsARN(oneName("KeyPairName"))},
			{Name: "JoinSecurityGroup", RAM: "ecs:JoinSecurityGroup", Handle: rpc.Bind(s.joinSecurityGroup), Write: true, Resources: sgAndInstance},
			{Name: "LeaveSecurityGroup", RAM: "ecs:LeaveSecurityGroup", Handle: rpc.Bind(s.leaveSecurityGroup), Write: true, Resources: sgAndInstance},
			{Name: "ListTagResources", RAM: "ecs:ListTagResources", Handle: rpc.Bind(s.listTagResources), Resources: resourceARNs},
			{Name: "ModifyInstanceAttribute", RAM: "ecs:ModifyInstanceAttribute", Handle: rpc.Bind(s.modifyInstanceAttribute), Write: true, Idempotent: true, Resources: inst},
			{Name: "ModifyInstanceAutoReleaseTime", RAM: "ecs:ModifyInstanceAutoReleaseTime", Handle: rpc.Bind(s.modifyInstanceAutoReleaseTime), Write: true, Resources: inst},
			{Name: "ModifyInstanceAutoRenewAttribute", RAM: "ecs:ModifyInstanceAutoRenewAttribute", Handle: rpc.Bind(s.modifyInstanceAutoRenewAttribute), Write: true, Resources: instancesARN(commaIDs("InstanceId"))},
			{Name: "ModifyInstanceChargeType", RAM: "ecs:ModifyInstanceChargeType", Handle: rpc.Bind(s.modifyInstanceChargeType), Write: true, Idempotent: true, Resources: instancesARN(jsonIDs("InstanceIds"))},
			{Name: "ModifyInstanceMaintenanceAttributes", RAM: "ecs:ModifyInstanceMaintenanceAttributes", Handle: rpc.Bind(s.modifyInstanceMaintenanceAttributes), Write: true, Resources: instancesARN(repeatIDs("InstanceId"))},
			{Name: "ModifyInstanceMetadataOptions", RAM: "ecs:ModifyInstanceMetadataOptions", Handle: rpc.Bind(s.modifyInstanceMetadataOptions), Write: true, Resources: inst},
			{Name: "ModifyInstanceSpec", RAM: "ecs:ModifyInstanceSpec", Handle: rpc.Bind(s.modifyInstanceSpec), Write: true, Idempotent: true, Resources: inst},
			{Name: "ModifyPrepayInstanceSpec", RAM: "ecs:ModifyPrepayInstanceSpec", Handle: rpc.Bind(s.modifyPrepayInstanceSpec), Write: true, Idempotent: true, Resources: inst},
			{Name: "ModifySecurityGroupAttribute", RAM: "ecs:ModifySecurityGroupAttribute", Handle: rpc.Bind(s.modifySecurityGroupAttribute), Write: true, Resources: sg},
			{Name: "ModifySecurityGroupEgressRule", RAM: "ecs:ModifySecurityGroupEgressRule", Handle: rpc.Bind(s.modifySecurityGroupEgressRule), Write: true, Idempotent: true, Resources: sg},
			{Name: "ModifySecurityGroupPolicy", RAM: "ecs:ModifySecurityGroupPolicy", Handle: rpc.Bind(s.modifySecurityGroupPolicy), Write: true, Idempotent: true, Resources: sg},
			{Name: "ModifySecurityGroupRule", RAM: "ecs:ModifySecurityGroupRule", Handle: rpc.Bind(s.modifySecurityGroupRule), Write: true, Idempotent: true, Resources: sg},
			{Name: "RebootInstance", RAM: "ecs:RebootInstance", Handle: rpc.Bind(s.rebootInstance), Write: true, Resources: inst},
			{Name: "RenewInstance", RAM: "ecs:RenewInstance", Handle: rpc.Bind(s.renewInstance), Write: true, Idempotent: true, Resources: inst},
			{Name: "RevokeSecurityGroup", RAM: "ecs:RevokeSecurityGroup", Handle: rpc.Bind(s.revokeSecurityGroup), Write: true, Idempotent: true, Resources: sg},
			{Name: "RevokeSecurityGroupEgress", RAM: "ecs:RevokeSecurityGroupEgress", Handle: rpc.Bind(s.revokeSecurityGroupEgress), Write: true, Idempotent: true, Resources: sg},
			{Name: "RunInstances", RAM: "ecs:RunInstances", Handle: rpc.Bind(s.runInstances), Write: true, Idempotent: true, Resources: anyInstance},
			{Name: "StartInstance", RAM: "ecs:StartInstance", Handle: rpc.Bind(s.startInstance), Write: true, Resources: inst},
			{Name: "StopInstance", RAM: "ecs:StopInstance", Handle: rpc.Bind(s.stopInstance), Write: true, Resources: inst},
			{Name: "TagResources", RAM: "ecs:TagResources", Handle: rpc.Bind(s.tagResources), Write: true, Resources: resourceARNs},
			{Name: "UntagResources", RAM: "ecs:UntagResources", Handle: rpc.Bind(s.untagResources), Write: true, Resources: resourceARNs},
		},
	}
}

// instanceARN returns the resource function of an action on the instance
// named by param: acs:ecs:{region}:{account}:instance/{id}, with the region
// and account of the stored instance. The handler finds an instance by its
// id alone when RegionId is absent, so the ARN must not come from RegionId.
func instanceARN(param string) rpc.ResourceFunc {
	return instancesARN(func(p map[string]string) []string { return []string{p[param]} })
}

// instancesARN returns the resource function of an action on the instances
// ids lists, one ARN each from the stored instance (every instance of the
// region when none is listed).
func instancesARN(ids func(map[string]string) []string) rpc.ResourceFunc {
	return func(ctx context.Context, r rpc.ResourceRequest) ([]string, error) {
		list := ids(r.Params)
		if len(list) == 0 {
			return anyInstance(ctx, r)
		}
		out := make([]string, 0, len(list))
		for _, id := range list {
			a, err := storedInstanceARN(ctx, r, id)
			if err != nil {
				return nil, err
			}
			out = append(out, a)
		}
		return out, nil
	}
}

// storedInstanceARN is the ARN of the caller's instance id in its own
// region, or, when the caller has no such instance (the handler answers
// NotFound), the ARN the request names.
func storedInstanceARN(ctx context.Context, r rpc.ResourceRequest, id string) (string, error) {
	if instanceIDPattern.MatchString(id) {
		inst, err := r.Q.InstanceGetByID(ctx, id)
		if err == nil && inst.AccountID == r.Caller.AccountID {
			return arn(inst.AccountID, inst.RegionID, "instance/"+inst.ID), nil
		}
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			return "", err
		}
	}
	return arn(r.Caller.AccountID, r.Params["RegionId"], "instance/"+id), nil
}

// anyInstance is the resource of actions that list or create instances in
// the region they require (MissingParameter without it).
func anyInstance(_ context.Context, r rpc.ResourceRequest) ([]string, error) {
	return []string{arn(r.Caller.AccountID, r.Params["RegionId"], "instance/*")}, nil
}

// diskARN returns the resource function of an action on the disk named by
// param: the disk as stored (its own region and account), or, when the
// caller has no such disk (the handler answers NotFound), the ARN the
// request names.
func diskARN(param string) rpc.ResourceFunc {
	return func(ctx context.Context, r rpc.ResourceRequest) ([]string, error) {
		id := r.Params[param]
		d, err := r.Q.DiskGetOwned(ctx, r.Caller.AccountID, id)
		if err == nil {
			return []string{arn(d.AccountID, d.RegionID, "disk/"+d.ID)}, nil
		}
		if !errors.Is(err, store.ErrNotFound) {
			return nil, err
		}
		return []string{arn(r.Caller.AccountID, r.Params["RegionId"], "disk/"+id)}, nil
	}
}

func anyDisk(_ context.Context, r rpc.ResourceRequest) ([]string, error) {
	return []string{arn(r.Caller.AccountID, r.Params["RegionId"], "disk/*")}, nil
}

// allowedOn checks, for a RAM user, the action on resources as stored:
// rel ("instance/i-…") in the resource's own region and account. The
// pipeline has checked the ARNs the request names; a request that omits
// RegionId names every region, so a Deny on the region is decided here.
func allowedOn(ctx context.Context, env *rpc.Env, action, accountID, regionID string, rel ...string) error {
	if env.Allowed == nil {
		return nil
	}
	arns := make([]string, len(rel))
	for k, r := range rel {
		arns[k] = arn(accountID, regionID, r)
	}
	ok, err := env.Allowed(ctx, action, arns...)
	if err != nil {
		return err
	}
	if !ok {
		return apierr.ForbiddenRAM.Newf("User not authorized to operate on the specified resource: %s on %s.", action, strings.Join(arns, ", "))
	}
	return nil
}

// arn is an ECS resource name; a request without RegionId matches any region.
func arn(accountID, region, rel string) string {
	if region == "" {
		region = "*"
	}
	return "acs:ecs:" + region + ":" + accountID + ":" + rel
}

// securityGroupARN returns the resource function of an action on the group
// named by param: the group as stored (its own region and account), or,
// when the caller has no such group (the handler answers NotFound), the ARN
// the request names.
func securityGroupARN(param string) rpc.ResourceFunc {
	return func(ctx context.Context, r rpc.ResourceRequest) ([]string, error) {
		a, err := storedSecurityGroupARN(ctx, r, r.Params[param])
		if err != nil {
			return nil, err
		}
		return []string{a}, nil
	}
}

func storedSecurityGroupARN(ctx context.Context, r rpc.ResourceRequest, id string) (string, error) {
	if id != "" {
		g, err := r.Q.SecurityGroupGet(ctx, r.Caller.AccountID, "", id)
		if err == nil {
			return arn(g.AccountID, g.RegionID, "securitygroup/"+g.ID), nil
		}
		if !errors.Is(err, store.ErrNotFound) {
			return "", err
		}
	}
	return arn(r.Caller.AccountID, r.Params["RegionId"], "securitygroup/"+id), nil
}

// anySecurityGroup is the resource of actions that list or create groups in
// the region they require.
func anySecurityGroup(_ context.Context, r rpc.ResourceRequest) ([]string, error) {
	return []string{arn(r.Caller.AccountID, r.Params["RegionId"], "securitygroup/*")}, nil
}

// sgAndInstance is the resource of joining and leaving: the group and the
// instance, each as stored.
func sgAndInstance(ctx context.Context, r rpc.ResourceRequest) ([]string, error) {
	g, err := storedSecurityGroupARN(ctx, r, r.Params["SecurityGroupId"])
	if err != nil {
		return nil, err
	}
	i, err := storedInstanceARN(ctx, r, r.Params["InstanceId"])
	if err != nil {
		return nil, err
	}
	return []string{g, i}, nil
}

// enisARN is DescribeNetworkInterfaces' resource: the ENIs it names, else
// every ENI of the region. The handler requires RegionId and lists only
// that region's ENIs, so the region may come from it.
func enisARN(_ context.Context, r rpc.ResourceRequest) ([]string, error) {
	accountID, p := r.Caller.AccountID, r.Params
	list := repeatIDs("NetworkInterfaceId")(p)
	if len(list) == 0 {
		return []string{arn(accountID, p["RegionId"], "eni/*")}, nil
	}
	out := make([]string, 0, len(list))
	for _, id := range list {
		out = append(out, arn(accountID, p["RegionId"], "eni/"+id))
	}
	return out, nil
}

// jsonIDs reads a JSON list of ids; a value that is no list names itself,
// so that a malformed request is never authorized more widely than asked.
func jsonIDs(param string) func(map[string]string) []string {
	return func(p map[string]string) []string {
		raw, ok := p[param]
		if !ok || raw == "" {
			return nil
		}
		var ids []string
		if json.Unmarshal([]byte(raw), &ids) != nil {
			return []string{raw}
		}
		return ids
	}
}

// repeatIDs reads Name.1, Name.2, … (from 0 or 1, as the decoder does).
func repeatIDs(param string) func(map[string]string) []string {
	return func(p map[string]string) []string {
		var ids []string
		for n := 0; ; n++ {
			v, ok := p[param+"."+strconv.Itoa(n)]
			if !ok && n > 0 {
				return ids
			}
			if ok {
				ids = append(ids, v)
			}
		}
	}
}

// commaIDs reads a comma-separated list (one id is a list of one).
func commaIDs(param string) func(map[string]string) []string {
	return func(p map[string]string) []string { return commaList(p[param]) }
}

// keyPairsARN returns the resource function of an action on the key pairs
// names lists: acs:ecs:{region}:{account}:keypair/{name}, every key pair of
// the region when none is named (a DescribeKeyPairs pattern such as
// "web*" is a name with a wildcard, as RAM reads it). Key pairs are found by
// account, region and name, and each action requires RegionId, so the
// region comes from it.
func keyPairsARN(names func(map[string]string) []string) rpc.ResourceFunc {
	return func(_ context.Context, r rpc.ResourceRequest) ([]string, error) {
		list := names(r.Params)
		if len(list) == 0 {
			list = []string{"*"}
		}
		out := make([]string, 0, len(list))
		for _, n := range list {
			out = append(out, arn(r.Caller.AccountID, r.Params["RegionId"], "keypair/"+n))
		}
		return out, nil
	}
}

// oneName reads a single name (none when absent).
func oneName(param string) func(map[string]string) []string {
	return func(p map[string]string) []string {
		if p[param] == "" {
			return nil
		}
		return []string{p[param]}
	}
}
