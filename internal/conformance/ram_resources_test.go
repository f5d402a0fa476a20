package conformance

import (
	"encoding/json"
	"regexp"
	"sort"
	"strings"
	"testing"

	"pgregory.net/rapid"

	"github.com/ecsd/ecsd/internal/ecsdtest"
)

// RAM authorizes against resources as they are stored: an instance's ARN
// carries its real region, whatever RegionId the request sends or omits.

const ramRegionDeny = "acs:ecs:cn-hangzhou:*:instance/*"

// ramDeniedCode matches the body of a RAM denial, ECS's or RAM's.
var ramDeniedCode = regexp.MustCompile(`"Code":"(Forbidden\.RAM|NoPermission)"`)

// sendAs signs params with a key (RPC v1) and sends them; a value of omit
// drops that parameter (RegionId included).
func sendAs(t *testing.T, s *ecsdtest.Server, keyID, secret string, params map[string]string) reply {
	return send(t, "POST", s.URL+"/?"+encode(signV1("POST", keyID, secret, params)), "")
}

// TestRAMRegionDenyWithoutRegionId: a RAM user with AliyunECSFullAccess and
// a Deny on cn-hangzhou's instances is refused on such an instance whether
// RegionId is cn-hangzhou, another region or absent; the instance is left
// as it was.
func TestRAMRegionDenyWithoutRegionId(t *testing.T) {
	t.Parallel()
	ecsdtest.Each(t, ecsdtest.Options{}, func(t *testing.T, s *ecsdtest.Server) {
		main := ramMainAccount(t, s, "region-deny")
		inst := main.runInstance(t)
		main.waitStatus(t, "Running", inst)
		main.createPolicy(t, "deny-hangzhou", ramDoc("Deny", []string{"ecs:*"}, []string{ramRegionDeny}, ""))
		u := main.user(t, "hz-denied", "System:AliyunECSFullAccess", "deny-hangzhou")

		for _, action := range []string{"StopInstance", "StartInstance", "RebootInstance", "DescribeInstanceAttribute", "DeleteInstance",
			"DescribeInstanceModificationPrice", "RenewInstance", "ModifyPrepayInstanceSpec"} {
			for _, region := range []string{"cn-hangzhou", omit, "", "cn-shanghai", "*"} {
				r := sendAs(t, s, u.keyID, u.secret, map[string]string{"Action": action, "InstanceId": inst, "RegionId": region, "InstanceType": "ecs.g6.xlarge", "Period": "1"})
				if r.Status != 403 || !strings.Contains(string(r.Body), `"Forbidden.RAM"`) {
					t.Errorf("%s with RegionId %q: HTTP %d %s, want 403 Forbidden.RAM", action, region, r.Status, r.Body)
				}
			}
		}
		for _, action := range []string{"DescribeRenewalPrice", "DescribeResourcesModification"} {
			for _, region := range []string{"cn-hangzhou", omit, "cn-shanghai"} {
				r := sendAs(t, s, u.keyID, u.secret, map[string]string{"Action": action, "ResourceId": inst, "RegionId": region, "DestinationResource": "InstanceType"})
				if r.Status != 403 {
					t.Errorf("%s with RegionId %q: HTTP %d %s, want 403", action, region, r.Status, r.Body)
				}
			}
		}
		got, err := main.describeInstances(inst)
		ramOK(t, "DescribeInstances", err)
		if got[inst].Status != "Running" {
			t.Errorf("the denied instance is %q, want Running", got[inst].Status)
		}
	})
}

// ramPropAction is an action with the parameters of a request that names
// its resource fully, and the optional parameters a client may leave out
// or change (those that do not name the resource).
type ramPropAction struct {
	version  string
	action   string
	params   map[string]string
	optional map[string][]string
}

// ramRegionValues are what a client might send as RegionId beside an
// instance id, which alone names the instance.
var ramRegionValues = []string{omit, "", "cn-hangzhou", "cn-shanghai", "us-west-1", "*", "cn-hangzhou ", "CN-HANGZHOU", "xx"}

// ramNet is the network an instance is in: its VPC, vSwitch and group.
type ramNet struct{ vpc, vsw, sg string }

func ramPropActions(inst string, net ramNet) []ramPropAction {
	const ecsV, ramV, bssV, vpcV = "2014-05-26", "2015-05-01", "2017-12-14", "2016-04-28"
	// onID is an action on the network resource id names; RegionId is
	// optional beside it and never decides which resource is meant.
	onID := func(version, action, idParam, id string, extra map[string]string, optional map[string][]string) ramPropAction {
		p := map[string]string{idParam: id, "RegionId": "cn-hangzhou"}
		for k, v := range extra {
			p[k] = v
		}
		o := map[string][]string{"RegionId": ramRegionValues}
		for k, v := range optional {
			o[k] = v
		}
		return ramPropAction{version, action, p, o}
	}
	inInst := func(action, idParam string, extra map[string]string, optional map[string][]string) ramPropAction {
		p := map[string]string{idParam: inst, "RegionId": "cn-hangzhou"}
		for k, v := range extra {
			p[k] = v
		}
		o := map[string][]string{"RegionId": ramRegionValues}
		for k, v := range optional {
			o[k] = v
		}
		return ramPropAction{ecsV, action, p, o}
	}
	inRegion := func(action string, extra map[string]string, optional map[string][]string) ramPropAction {
		p := map[string]string{"RegionId": "cn-hangzhou"}
		for k, v := range extra {
			p[k] = v
		}
		// RegionId is where these list or create: it names the resource,
		// so it may only go missing (which they refuse), not change.
		o := map[string][]string{"RegionId": {omit, ""}}
		for k, v := range optional {
			o[k] = v
		}
		return ramPropAction{ecsV, action, p, o}
	}
	bools := []string{omit, "true", "false", "yes"}
	return []ramPropAction{
		inInst("StopInstance", "InstanceId", nil, map[string][]string{"ForceStop": bools, "StoppedMode": {omit, "StopCharging", "KeepCharging"}}),
		inInst("StartInstance", "InstanceId", nil, nil),
		inInst("RebootInstance", "InstanceId", nil, map[string][]string{"ForceStop": bools}),
		inInst("DeleteInstance", "InstanceId", nil, map[string][]string{"Force": bools}),
		inInst("DescribeInstanceAttribute", "InstanceId", nil, nil),
		inInst("DescribeInstanceModificationPrice", "InstanceId", map[string]string{"InstanceType": "ecs.g6.xlarge"}, map[string][]string{"InstanceType": {omit, "ecs.g6.2xlarge"}}),
		inInst("DescribeRenewalPrice", "ResourceId", map[string]string{"Period": "1", "PriceUnit": "Month"}, map[string][]string{"Period": {omit, "2"}, "PriceUnit": {omit, "Week", "Year"}}),
		inInst("DescribeResourcesModification", "ResourceId", map[string]string{"DestinationResource": "InstanceType", "OperationType": "Upgrade"}, map[string][]string{"OperationType": {omit, "Downgrade"}}),
		inInst("RenewInstance", "InstanceId", map[string]string{"Period": "1", "PeriodUnit": "Month"}, map[string][]string{"PeriodUnit": {omit, "Week"}, "ClientToken": {omit, "tok"}}),
		inInst("ModifyPrepayInstanceSpec", "InstanceId", map[string]string{"InstanceType": "ecs.g6.xlarge", "AutoPay": "true"}, map[string][]string{"AutoPay": bools, "OperatorType": {omit, "upgrade", "downgrade"}, "ClientToken": {omit, "tok"}}),
		inRegion("DescribeInstances", map[string]string{"InstanceIds": `["` + inst + `"]`}, map[string][]string{"InstanceIds": {omit, "[]"}, "PageSize": {omit, "1", "100"}, "MaxResults": {omit, "10"}}),
		inRegion("DescribeInstanceStatus", nil, map[string][]string{"PageSize": {omit, "50"}, "ZoneId": {omit, "cn-hangzhou-h"}}),
		inRegion("DescribeDisks", map[string]string{"InstanceId": inst}, map[string][]string{"InstanceId": {omit, ""}, "DiskType": {omit, "system"}}),
		inRegion("RunInstances", map[string]string{"ImageId": "aliyun_3_x64_20G_alibase_20240528.vhd", "InstanceType": "ecs.g6.large", "InstanceChargeType": "PostPaid"},
			map[string][]string{"ZoneId": {omit, "cn-hangzhou-h"}, "Amount": {omit, "1"}, "DryRun": bools}),
		onID(ecsV, "DescribeSecurityGroupAttribute", "SecurityGroupId", net.sg, nil, map[string][]string{"Direction": {omit, "ingress", "all"}}),
		onID(ecsV, "ModifySecurityGroupAttribute", "SecurityGroupId", net.sg, map[string]string{"Description": "d"}, map[string][]string{"Description": {omit, "e"}}),
		inRegion("DescribeSecurityGroups", nil, map[string][]string{"SecurityGroupId": {omit, net.sg}, "VpcId": {omit, net.vpc}}),
		onID(vpcV, "DescribeVpcAttribute", "VpcId", net.vpc, nil, nil),
		onID(vpcV, "ModifyVpcAttribute", "VpcId", net.vpc, map[string]string{"Description": "d"}, map[string][]string{"Description": {omit, "e"}}),
		onID(vpcV, "DescribeVSwitchAttributes", "VSwitchId", net.vsw, nil, nil),
		onID(vpcV, "ModifyVSwitchAttribute", "VSwitchId", net.vsw, map[string]string{"Description": "d"}, map[string][]string{"Description": {omit, "e"}}),
		{ramV, "GetUser", map[string]string{"UserName": "bob"}, nil},
		{ramV, "UpdateUser", map[string]string{"UserName": "bob", "NewDisplayName": "Bob"}, map[string][]string{"NewDisplayName": {omit, "B"}, "NewComments": {omit, "c"}}},
		{ramV, "ListAccessKeys", map[string]string{"UserName": "bob"}, nil},
		{ramV, "CreateAccessKey", map[string]string{"UserName": "bob"}, nil},
		{ramV, "ListPoliciesForUser", map[string]string{"UserName": "bob"}, nil},
		{ramV, "GetPolicy", map[string]string{"PolicyName": "p1", "PolicyType": "Custom"}, nil},
		{ramV, "CreatePolicyVersion", map[string]string{"PolicyName": "p1", "PolicyDocument": ramAllow([]string{"ecs:DescribeRegions"}, "*")}, map[string][]string{"SetAsDefault": bools, "RotateStrategy": {omit, "None"}}},
		{ramV, "ListPolicyVersions", map[string]string{"PolicyName": "p1", "PolicyType": "Custom"}, nil},
		{ramV, "GetPolicyVersion", map[string]string{"PolicyName": "p1", "PolicyType": "Custom", "VersionId": "v1"}, nil},
		{bssV, "QueryOrders", map[string]string{}, map[string][]string{"PageSize": {omit, "300"}, "PageNum": {omit, "2"}}},
		{bssV, "QueryAccountBalance", map[string]string{}, nil},
	}
}

// TestRAMDenyHoldsWhateverOptionalParameters is the property: for every
// action and every resource-scoped Deny, a request that is denied with
// every parameter given stays unsuccessful when any optional parameter is
// left out or changed.
func TestRAMDenyHoldsWhateverOptionalParameters(t *testing.T) {
	t.Parallel()
	ecsdtest.Each(t, ecsdtest.Options{}, func(t *testing.T, s *ecsdtest.Server) {
		main := ramMainAccount(t, s, "deny-prop")
		main.adminCredit(t, "100000.00")
		inst := main.runInstance(t)
		main.waitStatus(t, "Running", inst)
		main.createUser(t, "bob")
		main.createPolicy(t, "p1", ramAllow([]string{"ecs:DescribeRegions"}, "*"))
		got, err := main.describeInstances(inst)
		ramOK(t, "DescribeInstances", err)
		net := ramNet{vpc: got[inst].VpcAttributes.VpcId, vsw: got[inst].VpcAttributes.VSwitchId}
		if ids := got[inst].SecurityGroupIds.SecurityGroupId; len(ids) > 0 {
			net.sg = ids[0]
		}
		if net.vpc == "" || net.vsw == "" || net.sg == "" {
			t.Fatalf("instance %s has no network: %+v", inst, net)
		}
		denies := []string{
			ramRegionDeny,
			"acs:ecs:cn-hangzhou:" + main.accountID + ":instance/" + inst,
			"acs:ecs:*:*:instance/" + inst,
			"acs:ecs:cn-hangzhou:*:*",
			"acs:ecs:cn-*:*:instance/*",
			"acs:ecs:cn-hangzhou:*:disk/*",
			"acs:ecs:cn-hangzhou:*:securitygroup/*",
			"acs:ecs:*:" + main.accountID + ":securitygroup/" + net.sg,
			"acs:vpc:cn-hangzhou:*:vpc/*",
			"acs:vpc:*:*:vswitch/" + net.vsw,
			"acs:ram:*:*:user/bob",
			"acs:ram:*:" + main.accountID + ":policy/p1",
		}
		users := make([]*ramActor, len(denies))
		for i, res := range denies {
			name := "deny-" + string(rune('a'+i))
			main.createPolicy(t, name, ramDoc("Deny", []string{"*"}, []string{res}, ""))
			users[i] = main.user(t, "u-"+name, "System:AdministratorAccess", name)
		}
		actions := ramPropActions(inst, net)
		denied := 0
		rapid.Check(t, func(rt *rapid.T) {
			a := rapid.SampledFrom(actions).Draw(rt, "action")
			ui := rapid.IntRange(0, len(users)-1).Draw(rt, "deny")
			u := users[ui]
			base := map[string]string{"Action": a.action, "Version": a.version}
			for k, v := range a.params {
				base[k] = v
			}
			if a.version != "2014-05-26" {
				base["RegionId"] = omit
			}
			r := sendAs(t, s, u.keyID, u.secret, base)
			if r.Status != 403 || !ramDeniedCode.Match(r.Body) {
				return // not denied by RAM: nothing to hold
			}
			denied++
			changed := map[string]string{}
			for k, v := range base {
				changed[k] = v
			}
			names := make([]string, 0, len(a.optional))
			for k := range a.optional {
				names = append(names, k)
			}
			sort.Strings(names)
			for _, k := range names {
				if rapid.Bool().Draw(rt, "change "+k) {
					changed[k] = rapid.SampledFrom(a.optional[k]).Draw(rt, k)
				}
			}
			r2 := sendAs(t, s, u.keyID, u.secret, changed)
			if r2.Status == 200 {
				rt.Fatalf("%s denied to %s by %s with %v, but succeeded with %v: %s", a.action, "u-deny", denies[ui], base, changed, r2.Body)
			}
		})
		if denied == 0 {
			t.Error("no drawn request was denied: the property was never exercised")
		}
	})
}

// adminCredit adds cash to the actor's account.
func (a *ramActor) adminCredit(t *testing.T, amount string) {
	t.Helper()
	body, _ := json.Marshal(map[string]string{"Amount": amount})
	if st := a.s.Admin(t, "POST", "/_ecsd/v1/accounts/"+a.accountID+"/balance", json.RawMessage(body), nil); st != 200 {
		t.Fatalf("credit %s: HTTP %d", amount, st)
	}
}
