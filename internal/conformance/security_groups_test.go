package conformance

import (
	"net/netip"
	"slices"
	"sync"
	"testing"

	ecs2 "github.com/alibabacloud-go/ecs-20140526/v7/client"
	"github.com/alibabacloud-go/tea/dara"
	vpc2 "github.com/alibabacloud-go/vpc-20160428/v6/client"
	"github.com/aliyun/alibaba-cloud-sdk-go/sdk/requests"
	"github.com/aliyun/alibaba-cloud-sdk-go/services/ecs"

	"github.com/ecsd/ecsd/internal/ecsdtest"
)

var nwRegion = dara.String("cn-hangzhou")

func nwCreateGroup(t *testing.T, c *ecs2.Client, vpcID, name string) string {
	t.Helper()
	resp, err := c.CreateSecurityGroup(&ecs2.CreateSecurityGroupRequest{RegionId: nwRegion, VpcId: dara.String(vpcID), SecurityGroupName: dara.String(name)})
	if err != nil {
		t.Fatalf("CreateSecurityGroup %s: %v", name, err)
	}
	return dara.StringValue(resp.Body.SecurityGroupId)
}

func nwRules(t *testing.T, c *ecs2.Client, sg, direction string) []*ecs2.DescribeSecurityGroupAttributeResponseBodyPermissionsPermission {
	t.Helper()
	req := &ecs2.DescribeSecurityGroupAttributeRequest{RegionId: nwRegion, SecurityGroupId: dara.String(sg)}
	if direction != "" {
		req.Direction = dara.String(direction)
	}
	resp, err := c.DescribeSecurityGroupAttribute(req)
	if err != nil {
		t.Fatalf("DescribeSecurityGroupAttribute %s: %v", sg, err)
	}
	return resp.Body.Permissions.Permission
}

func nwIngress(proto, ports, cidr, policy, priority string) *ecs2.AuthorizeSecurityGroupRequestPermissions {
	return &ecs2.AuthorizeSecurityGroupRequestPermissions{IpProtocol: dara.String(proto), PortRange: dara.String(ports),
		SourceCidrIp: dara.String(cidr), Policy: dara.String(policy), Priority: dara.String(priority)}
}

func nwAuthorize(c *ecs2.Client, sg string, perms ...*ecs2.AuthorizeSecurityGroupRequestPermissions) error {
	_, err := c.AuthorizeSecurityGroup(&ecs2.AuthorizeSecurityGroupRequest{RegionId: nwRegion, SecurityGroupId: dara.String(sg), Permissions: perms})
	return err
}

// nwInstance is an instance as DescribeInstances shows it through Go SDK v2.
func nwInstance(t *testing.T, c *ecs2.Client, id string) *ecs2.DescribeInstancesResponseBodyInstancesInstance {
	t.Helper()
	resp, err := c.DescribeInstances(&ecs2.DescribeInstancesRequest{RegionId: nwRegion, InstanceIds: dara.String(`["` + id + `"]`)})
	if err != nil {
		t.Fatal(err)
	}
	if l := resp.Body.Instances.Instance; len(l) == 1 {
		return l[0]
	}
	t.Fatalf("DescribeInstances %s: %d instances", id, len(resp.Body.Instances.Instance))
	return nil
}

func nwGroupsOf(t *testing.T, c *ecs2.Client, id string) []string {
	t.Helper()
	return dara.StringSliceValue(nwInstance(t, c, id).SecurityGroupIds.SecurityGroupId)
}

// nwRun buys one pay-as-you-go instance with the edits and returns its id.
func nwRun(c *ecs2.Client, edit func(*ecs2.RunInstancesRequest)) (string, error) {
	req := &ecs2.RunInstancesRequest{RegionId: nwRegion, ImageId: dara.String(lcImage), InstanceType: dara.String("ecs.g6.large")}
	if edit != nil {
		edit(req)
	}
	resp, err := c.RunInstances(req)
	if err != nil {
		return "", err
	}
	return dara.StringValue(resp.Body.InstanceIdSets.InstanceIdSet[0]), nil
}

// nwDelete waits until the instance runs (a Pending one cannot be
// released) and deletes it.
func nwDelete(t *testing.T, c *ecs2.Client, id string) {
	t.Helper()
	nwWaitRunning(t, c, id)
	if _, err := c.DeleteInstance(&ecs2.DeleteInstanceRequest{InstanceId: dara.String(id), Force: dara.Bool(true)}); err != nil {
		t.Fatalf("DeleteInstance %s: %v", id, err)
	}
}

// TestSecurityGroups: groups in a VPC, their rules as documented (both
// request forms, both directions, every validation), and what holds a
// group in place.
func TestSecurityGroups(t *testing.T) {
	ecsdtest.Each(t, ecsdtest.Options{}, func(t *testing.T, s *ecsdtest.Server) {
		c := s.SDKv2(t, s.AccessKeyID, s.AccessKeySecret)
		vc := nwVPC(t, s, s.AccessKeyID, s.AccessKeySecret)
		vpcID := nwReadyVpc(t, vc, "192.168.0.0/16")
		sg := nwCreateGroup(t, c, vpcID, "web")
		other := nwCreateGroup(t, c, vpcID, "db")

		// Rules in the Permissions.N form and in the flat form.
		if err := nwAuthorize(c, sg, nwIngress("tcp", "22/22", "10.0.0.0/8", "accept", "1"), nwIngress("icmp", "-1/-1", "0.0.0.0/0", "drop", "100")); err != nil {
			t.Fatal(err)
		}
		if _, err := c.AuthorizeSecurityGroupEgress(&ecs2.AuthorizeSecurityGroupEgressRequest{RegionId: nwRegion, SecurityGroupId: dara.String(sg),
			IpProtocol: dara.String("all"), PortRange: dara.String("-1/-1"), DestCidrIp: dara.String("0.0.0.0/0")}); err != nil {
			t.Fatal(err)
		}
		if err := nwAuthorize(c, sg, nwIngress("tcp", "22/22", "10.0.0.0/8", "accept", "1")); err != nil {
			t.Errorf("the same rule again: %v, want success without a second rule", err)
		}
		in := nwRules(t, c, sg, "ingress")
		if len(in) != 2 || len(nwRules(t, c, sg, "")) != 3 || len(nwRules(t, c, sg, "egress")) != 1 {
			t.Fatalf("rules: %d ingress, %d in all; want 2 and 3", len(in), len(nwRules(t, c, sg, "")))
		}
		r := in[0]
		if dara.StringValue(r.IpProtocol) != "TCP" || dara.StringValue(r.PortRange) != "22/22" || dara.StringValue(r.SourceCidrIp) != "10.0.0.0/8" ||
			dara.StringValue(r.Policy) != "Accept" || dara.StringValue(r.Priority) != "1" || dara.StringValue(r.NicType) != "intranet" ||
			dara.StringValue(r.Direction) != "ingress" || dara.StringValue(r.SecurityGroupRuleId) == "" {
			t.Errorf("rule %+v", r)
		}

		// The documented checks.
		for _, tc := range []struct {
			name string
			p    *ecs2.AuthorizeSecurityGroupRequestPermissions
			code string
		}{
			{"protocol", nwIngress("xyz", "22/22", "10.0.0.0/8", "accept", "1"), "InvalidIpProtocol.Malformed"},
			{"tcp with -1/-1", nwIngress("tcp", "-1/-1", "10.0.0.0/8", "accept", "1"), "InvalidPortRange.Malformed"},
			{"port 0", nwIngress("tcp", "0/80", "10.0.0.0/8", "accept", "1"), "InvalidPortRange.Malformed"},
			{"reversed ports", nwIngress("udp", "90/80", "10.0.0.0/8", "accept", "1"), "InvalidPortRange.Malformed"},
			{"icmp with ports", nwIngress("icmp", "22/22", "10.0.0.0/8", "accept", "1"), "InvalidPortRange.Malformed"},
			{"priority 101", nwIngress("tcp", "80/80", "10.0.0.0/8", "accept", "101"), "InvalidPriority.Malformed"},
			{"priority 0", nwIngress("tcp", "80/80", "10.0.0.0/8", "accept", "0"), "InvalidPriority.Malformed"},
			{"policy", nwIngress("tcp", "80/80", "10.0.0.0/8", "maybe", "1"), "InvalidPolicy.Malformed"},
			{"cidr", nwIngress("tcp", "80/80", "10.0.0.0/33", "accept", "1"), "InvalidSourceCidrIp.Malformed"},
			{"no peer", &ecs2.AuthorizeSecurityGroupRequestPermissions{IpProtocol: dara.String("tcp"), PortRange: dara.String("80/80")}, "MissingParameter"},
			{"internet NIC", &ecs2.AuthorizeSecurityGroupRequestPermissions{IpProtocol: dara.String("tcp"), PortRange: dara.String("80/80"),
				SourceCidrIp: dara.String("10.0.0.0/8"), NicType: dara.String("internet")}, "InvalidNicType.ValueNotSupported"},
			{"peer group elsewhere", &ecs2.AuthorizeSecurityGroupRequestPermissions{IpProtocol: dara.String("tcp"), PortRange: dara.String("80/80"),
				SourceGroupId: dara.String("sg-bp1nosuchgroup00000000")}, "InvalidSecurityGroupId.NotFound"},
		} {
			want := 400
			if tc.code == "InvalidSecurityGroupId.NotFound" {
				want = 404
			}
			lcWantV2(t, tc.name, nwAuthorize(c, sg, tc.p), tc.code, want)
		}
		_, err := c.AuthorizeSecurityGroup(&ecs2.AuthorizeSecurityGroupRequest{RegionId: nwRegion, SecurityGroupId: dara.String(sg),
			IpProtocol: dara.String("tcp"), PortRange: dara.String("80/80"), SourceCidrIp: dara.String("10.0.0.0/8"),
			Permissions: []*ecs2.AuthorizeSecurityGroupRequestPermissions{nwIngress("tcp", "81/81", "10.0.0.0/8", "accept", "1")}})
		lcWantV2(t, "flat and Permissions.N together", err, "InvalidParameter", 400)
		lcWantV2(t, "unknown group", nwAuthorize(c, "sg-bp1nosuchgroup00000000", nwIngress("tcp", "80/80", "10.0.0.0/8", "accept", "1")), "InvalidSecurityGroupId.NotFound", 404)

		// A rule naming another group holds that group.
		if err := nwAuthorize(c, sg, &ecs2.AuthorizeSecurityGroupRequestPermissions{IpProtocol: dara.String("tcp"), PortRange: dara.String("3306/3306"),
			SourceGroupId: dara.String(other)}); err != nil {
			t.Fatal(err)
		}
		var named *ecs2.DescribeSecurityGroupAttributeResponseBodyPermissionsPermission
		for _, p := range nwRules(t, c, sg, "ingress") {
			if dara.StringValue(p.SourceGroupId) == other {
				named = p
			}
		}
		if named == nil || dara.StringValue(named.SourceGroupName) != "db" {
			t.Errorf("the rule naming %s: %+v", other, named)
		}
		_, err = c.DeleteSecurityGroup(&ecs2.DeleteSecurityGroupRequest{RegionId: nwRegion, SecurityGroupId: dara.String(other)})
		lcWantV2(t, "DeleteSecurityGroup of a group another group's rule names", err, "DependencyViolation", 403)
		if _, err := c.RevokeSecurityGroup(&ecs2.RevokeSecurityGroupRequest{RegionId: nwRegion, SecurityGroupId: dara.String(sg),
			IpProtocol: dara.String("tcp"), PortRange: dara.String("3306/3306"), SourceGroupId: dara.String(other)}); err != nil {
			t.Fatal(err)
		}

		// Revocation by match (twice: the second finds nothing and succeeds) and by id.
		for range 2 {
			if _, err := c.RevokeSecurityGroup(&ecs2.RevokeSecurityGroupRequest{RegionId: nwRegion, SecurityGroupId: dara.String(sg),
				IpProtocol: dara.String("tcp"), PortRange: dara.String("22/22"), SourceCidrIp: dara.String("10.0.0.0/8")}); err != nil {
				t.Fatal(err)
			}
		}
		egress := nwRules(t, c, sg, "egress")
		if _, err := c.RevokeSecurityGroupEgress(&ecs2.RevokeSecurityGroupEgressRequest{RegionId: nwRegion, SecurityGroupId: dara.String(sg),
			SecurityGroupRuleId: []*string{egress[0].SecurityGroupRuleId}}); err != nil {
			t.Fatal(err)
		}
		if left := nwRules(t, c, sg, ""); len(left) != 1 || dara.StringValue(left[0].IpProtocol) != "ICMP" {
			t.Errorf("after revocations: %d rules, want the ICMP one", len(left))
		}

		// A rule's description changes in place.
		if _, err := c.ModifySecurityGroupRule(&ecs2.ModifySecurityGroupRuleRequest{RegionId: nwRegion, SecurityGroupId: dara.String(sg),
			IpProtocol: dara.String("icmp"), PortRange: dara.String("-1/-1"), SourceCidrIp: dara.String("0.0.0.0/0"), Policy: dara.String("drop"),
			Priority: dara.String("100"), Description: dara.String("no ping")}); err != nil {
			t.Fatal(err)
		}
		if d := dara.StringValue(nwRules(t, c, sg, "")[0].Description); d != "no ping" {
			t.Errorf("description %q after ModifySecurityGroupRule", d)
		}

		// Attributes and the inner policy.
		if _, err := c.ModifySecurityGroupAttribute(&ecs2.ModifySecurityGroupAttributeRequest{RegionId: nwRegion, SecurityGroupId: dara.String(sg),
			SecurityGroupName: dara.String("web-tier"), Description: dara.String("the web tier")}); err != nil {
			t.Fatal(err)
		}
		if _, err := c.ModifySecurityGroupPolicy(&ecs2.ModifySecurityGroupPolicyRequest{RegionId: nwRegion, SecurityGroupId: dara.String(sg),
			InnerAccessPolicy: dara.String("Drop")}); err != nil {
			t.Fatal(err)
		}
		_, err = c.ModifySecurityGroupPolicy(&ecs2.ModifySecurityGroupPolicyRequest{RegionId: nwRegion, SecurityGroupId: dara.String(sg), InnerAccessPolicy: dara.String("Maybe")})
		lcWantV2(t, "InnerAccessPolicy Maybe", err, "InvalidParameter", 400)
		attr, err := c.DescribeSecurityGroupAttribute(&ecs2.DescribeSecurityGroupAttributeRequest{RegionId: nwRegion, SecurityGroupId: dara.String(sg)})
		if err != nil {
			t.Fatal(err)
		}
		if dara.StringValue(attr.Body.InnerAccessPolicy) != "Drop" || dara.StringValue(attr.Body.SecurityGroupName) != "web-tier" ||
			dara.StringValue(attr.Body.VpcId) != vpcID {
			t.Errorf("DescribeSecurityGroupAttribute: %+v", attr.Body)
		}
		list, err := c.DescribeSecurityGroups(&ecs2.DescribeSecurityGroupsRequest{RegionId: nwRegion, VpcId: dara.String(vpcID), SecurityGroupName: dara.String("web-tier")})
		if err != nil {
			t.Fatal(err)
		}
		if g := list.Body.SecurityGroups.SecurityGroup; len(g) != 1 || dara.StringValue(g[0].SecurityGroupId) != sg ||
			dara.StringValue(g[0].Description) != "the web tier" || dara.Int32Value(g[0].RuleCount) != 1 {
			t.Errorf("DescribeSecurityGroups: %+v", list.Body)
		}
		_, err = c.CreateSecurityGroup(&ecs2.CreateSecurityGroupRequest{RegionId: nwRegion, VpcId: dara.String("vpc-bp1nosuchvpc000000000")})
		lcWantV2(t, "CreateSecurityGroup in an unknown VPC", err, "InvalidVpcId.NotFound", 404)
		_, err = c.CreateSecurityGroup(&ecs2.CreateSecurityGroupRequest{RegionId: nwRegion, VpcId: dara.String(vpcID), SecurityGroupName: dara.String("http://x")})
		lcWantV2(t, "a URL for a name", err, "InvalidSecurityGroupName.Malformed", 400)

		// The rule limit, 200 per group.
		var many []*ecs2.AuthorizeSecurityGroupRequestPermissions
		for p := 1; p <= 100; p++ {
			many = append(many, nwIngress("tcp", dara.ToString(p)+"/"+dara.ToString(p), "10.0.0.0/8", "accept", "1"))
		}
		if err := nwAuthorize(c, other, many...); err != nil {
			t.Fatal(err)
		}
		for k := range many {
			many[k].PortRange = dara.String(dara.ToString(k+101) + "/" + dara.ToString(k+101))
		}
		if err := nwAuthorize(c, other, many...); err != nil {
			t.Fatal(err)
		}
		lcWantV2(t, "rule 201", nwAuthorize(c, other, nwIngress("udp", "53/53", "10.0.0.0/8", "accept", "1")), "AuthorizationLimitExceed", 403)

		// Deletion; the VPC goes once its groups have gone.
		for _, g := range []string{sg, other} {
			if _, err := c.DeleteSecurityGroup(&ecs2.DeleteSecurityGroupRequest{RegionId: nwRegion, SecurityGroupId: dara.String(g)}); err != nil {
				t.Fatal(err)
			}
		}
		_, err = c.DescribeSecurityGroupAttribute(&ecs2.DescribeSecurityGroupAttributeRequest{RegionId: nwRegion, SecurityGroupId: dara.String(sg)})
		lcWantV2(t, "a deleted group", err, "InvalidSecurityGroupId.NotFound", 404)
		if _, err := vc.DeleteVpc(&vpc2.DeleteVpcRequest{RegionId: nwRegion, VpcId: dara.String(vpcID)}); err != nil {
			t.Fatal(err)
		}
	})
}

// TestInstanceNetwork: instances in vSwitches and security groups that the
// APIs list — the default network made on first need, a chosen vSwitch and
// address, group membership, the filters, and what a VPC, vSwitch or group
// in use refuses.
func TestInstanceNetwork(t *testing.T) {
	ecsdtest.Each(t, ecsdtest.Options{}, func(t *testing.T, s *ecsdtest.Server) {
		c := s.SDKv2(t, s.AccessKeyID, s.AccessKeySecret)
		vc := nwVPC(t, s, s.AccessKeyID, s.AccessKeySecret)

		// The default network: created by the first purchase, and listed.
		def, err := nwRun(c, func(r *ecs2.RunInstancesRequest) { r.ZoneId = dara.String("cn-hangzhou-h") })
		if err != nil {
			t.Fatal(err)
		}
		i := nwInstance(t, c, def)
		vpcs, err := vc.DescribeVpcs(&vpc2.DescribeVpcsRequest{RegionId: nwRegion, IsDefault: dara.Bool(true)})
		if err != nil {
			t.Fatal(err)
		}
		if l := vpcs.Body.Vpcs.Vpc; len(l) != 1 || dara.StringValue(l[0].VpcId) != dara.StringValue(i.VpcAttributes.VpcId) ||
			dara.StringValue(l[0].CidrBlock) != "172.16.0.0/12" || dara.StringValue(l[0].Status) != "Available" {
			t.Fatalf("default VPC: %+v; instance in %s", vpcs.Body, dara.StringValue(i.VpcAttributes.VpcId))
		}
		defVpc := dara.StringValue(i.VpcAttributes.VpcId)
		defVsw := nwVSwitchAttr(t, vc, dara.StringValue(i.VpcAttributes.VSwitchId))
		if !dara.BoolValue(defVsw.IsDefault) || dara.StringValue(defVsw.ZoneId) != "cn-hangzhou-h" || dara.Int64Value(defVsw.AvailableIpAddressCount) != 4092-1 {
			t.Errorf("default vSwitch: %+v", defVsw)
		}
		ip := dara.StringValue(i.VpcAttributes.PrivateIpAddress.IpAddress[0])
		if !netip.MustParsePrefix(dara.StringValue(defVsw.CidrBlock)).Contains(netip.MustParseAddr(ip)) {
			t.Errorf("private IP %s outside %s", ip, dara.StringValue(defVsw.CidrBlock))
		}
		groups, err := c.DescribeSecurityGroups(&ecs2.DescribeSecurityGroupsRequest{RegionId: nwRegion, VpcId: dara.String(defVpc)})
		if err != nil {
			t.Fatal(err)
		}
		if g := groups.Body.SecurityGroups.SecurityGroup; len(g) != 1 || !slices.Equal(nwGroupsOf(t, c, def), []string{dara.StringValue(g[0].SecurityGroupId)}) ||
			dara.Int32Value(g[0].RuleCount) != 3 {
			t.Errorf("default group: %+v; instance in %v", groups.Body, nwGroupsOf(t, c, def))
		}
		defGroup := nwGroupsOf(t, c, def)[0]
		again, err := nwRun(c, func(r *ecs2.RunInstancesRequest) { r.ZoneId = dara.String("cn-hangzhou-h") })
		if err != nil {
			t.Fatal(err)
		}
		if j := nwInstance(t, c, again); dara.StringValue(j.VpcAttributes.VSwitchId) != dara.StringValue(defVsw.VSwitchId) || nwGroupsOf(t, c, again)[0] != defGroup {
			t.Errorf("a second purchase went to %s, want the same default vSwitch", dara.StringValue(j.VpcAttributes.VSwitchId))
		}

		// A VPC of one's own, two groups in it, one in the default VPC.
		vpcID := nwReadyVpc(t, vc, "192.168.0.0/16")
		vsw, err := nwCreateVSwitch(vc, vpcID, "cn-hangzhou-i", "192.168.1.0/24")
		if err != nil {
			t.Fatal(err)
		}
		nwWaitAvailable(t, func() string { return dara.StringValue(nwVSwitchAttr(t, vc, vsw).Status) })
		a, b := nwCreateGroup(t, c, vpcID, "group-a"), nwCreateGroup(t, c, vpcID, "group-b")

		for _, tc := range []struct {
			name   string
			edit   func(*ecs2.RunInstancesRequest)
			code   string
			status int
		}{
			{"unknown vSwitch", func(r *ecs2.RunInstancesRequest) { r.VSwitchId = dara.String("vsw-bp1nosuchvswitch000000") }, "InvalidVSwitchId.NotFound", 404},
			{"not a vSwitch id", func(r *ecs2.RunInstancesRequest) { r.VSwitchId = dara.String("switch-1") }, "InvalidVSwitchId.NotFound", 400},
			{"vSwitch in another zone", func(r *ecs2.RunInstancesRequest) {
				r.VSwitchId, r.ZoneId = dara.String(vsw), dara.String("cn-hangzhou-h")
			}, "InvalidParameter", 400},
			{"group of another VPC", func(r *ecs2.RunInstancesRequest) {
				r.VSwitchId, r.SecurityGroupId = dara.String(vsw), dara.String(defGroup)
			}, "InvalidParameter", 400},
			{"group of a VPC without its vSwitch", func(r *ecs2.RunInstancesRequest) { r.SecurityGroupId = dara.String(a) }, "MissingParameter", 400},
			{"unknown group", func(r *ecs2.RunInstancesRequest) {
				r.VSwitchId, r.SecurityGroupId = dara.String(vsw), dara.String("sg-bp1nosuchgroup00000000")
			}, "InvalidSecurityGroupId.NotFound", 404},
			{"address outside the vSwitch", func(r *ecs2.RunInstancesRequest) {
				r.VSwitchId, r.PrivateIpAddress = dara.String(vsw), dara.String("192.168.2.10")
			}, "InvalidPrivateIpAddress.Mismatch", 400},
			{"reserved address", func(r *ecs2.RunInstancesRequest) {
				r.VSwitchId, r.PrivateIpAddress = dara.String(vsw), dara.String("192.168.1.255")
			}, "InvalidPrivateIpAddress.Mismatch", 400},
			{"not an address", func(r *ecs2.RunInstancesRequest) {
				r.VSwitchId, r.PrivateIpAddress = dara.String(vsw), dara.String("192.168.1.x")
			}, "InvalidPrivateIpAddress.Malformed", 400},
		} {
			_, err := nwRun(c, tc.edit)
			lcWantV2(t, "RunInstances: "+tc.name, err, tc.code, tc.status)
		}

		// The chosen vSwitch, address and groups.
		id, err := nwRun(c, func(r *ecs2.RunInstancesRequest) {
			r.VSwitchId, r.SecurityGroupIds, r.PrivateIpAddress = dara.String(vsw), []*string{dara.String(a)}, dara.String("192.168.1.10")
		})
		if err != nil {
			t.Fatal(err)
		}
		_, err = nwRun(c, func(r *ecs2.RunInstancesRequest) {
			r.VSwitchId, r.PrivateIpAddress = dara.String(vsw), dara.String("192.168.1.10")
		})
		lcWantV2(t, "RunInstances: an address in use", err, "InvalidPrivateIpAddress.Duplicated", 400)
		i = nwInstance(t, c, id)
		if dara.StringValue(i.ZoneId) != "cn-hangzhou-i" || dara.StringValue(i.VpcAttributes.VpcId) != vpcID || dara.StringValue(i.VpcAttributes.VSwitchId) != vsw ||
			!slices.Equal(dara.StringSliceValue(i.VpcAttributes.PrivateIpAddress.IpAddress), []string{"192.168.1.10"}) ||
			!slices.Equal(nwGroupsOf(t, c, id), []string{a}) {
			t.Errorf("instance in %s %s %s %v %v", dara.StringValue(i.ZoneId), dara.StringValue(i.VpcAttributes.VpcId),
				dara.StringValue(i.VpcAttributes.VSwitchId), dara.StringSliceValue(i.VpcAttributes.PrivateIpAddress.IpAddress), nwGroupsOf(t, c, id))
		}
		if n := dara.Int64Value(nwVSwitchAttr(t, vc, vsw).AvailableIpAddressCount); n != 251 {
			t.Errorf("AvailableIpAddressCount %d with one instance in a /24, want 251", n)
		}

		// The filters answer from the rows.
		for _, f := range []struct {
			name string
			req  *ecs2.DescribeInstancesRequest
			want []string
		}{
			{"VpcId", &ecs2.DescribeInstancesRequest{VpcId: dara.String(vpcID)}, []string{id}},
			{"default VpcId", &ecs2.DescribeInstancesRequest{VpcId: dara.String(defVpc)}, []string{def, again}},
			{"VSwitchId", &ecs2.DescribeInstancesRequest{VSwitchId: dara.String(vsw)}, []string{id}},
			{"SecurityGroupId", &ecs2.DescribeInstancesRequest{SecurityGroupId: dara.String(defGroup)}, []string{def, again}},
			{"PrivateIpAddresses", &ecs2.DescribeInstancesRequest{PrivateIpAddresses: dara.String(`["192.168.1.10","` + ip + `"]`)}, []string{def, id}},
		} {
			f.req.RegionId = nwRegion
			resp, err := c.DescribeInstances(f.req)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, x := range resp.Body.Instances.Instance {
				got = append(got, dara.StringValue(x.InstanceId))
			}
			slices.Sort(got)
			slices.Sort(f.want)
			if !slices.Equal(got, f.want) {
				t.Errorf("DescribeInstances %s: %v, want %v", f.name, got, f.want)
			}
		}

		// Joining and leaving groups.
		join := func(g string) error {
			_, err := c.JoinSecurityGroup(&ecs2.JoinSecurityGroupRequest{RegionId: nwRegion, InstanceId: dara.String(id), SecurityGroupId: dara.String(g)})
			return err
		}
		leave := func(g string) error {
			_, err := c.LeaveSecurityGroup(&ecs2.LeaveSecurityGroupRequest{RegionId: nwRegion, InstanceId: dara.String(id), SecurityGroupId: dara.String(g)})
			return err
		}
		nwWaitRunning(t, c, id)
		if err := join(b); err != nil {
			t.Fatal(err)
		}
		if got := nwGroupsOf(t, c, id); !slices.Equal(got, []string{a, b}) {
			t.Errorf("after JoinSecurityGroup: %v, want [%s %s]", got, a, b)
		}
		lcWantV2(t, "JoinSecurityGroup twice", join(b), "InvalidInstanceId.AlreadyExists", 403)
		lcWantV2(t, "JoinSecurityGroup of another VPC's group", join(defGroup), "InvalidInstanceId.Mismatch", 400)
		_, err = c.DeleteSecurityGroup(&ecs2.DeleteSecurityGroupRequest{RegionId: nwRegion, SecurityGroupId: dara.String(a)})
		lcWantV2(t, "DeleteSecurityGroup with an instance in it", err, "DependencyViolation", 403)
		if err := leave(a); err != nil {
			t.Fatal(err)
		}
		if got := nwGroupsOf(t, c, id); !slices.Equal(got, []string{b}) {
			t.Errorf("after LeaveSecurityGroup: %v, want [%s]", got, b)
		}
		lcWantV2(t, "LeaveSecurityGroup of the last group", leave(b), "InstanceLastSecurityGroup", 403)
		lcWantV2(t, "LeaveSecurityGroup of a group it is not in", leave(a), "InvalidSecurityGroupId.NotFound", 404)

		// What is in use stays; deleting the instance frees it all.
		_, err = vc.DeleteVSwitch(&vpc2.DeleteVSwitchRequest{RegionId: nwRegion, VSwitchId: dara.String(vsw)})
		lcWantV2(t, "DeleteVSwitch with an instance", err, "DependencyViolation", 400)
		nwDelete(t, c, id)
		if n := dara.Int64Value(nwVSwitchAttr(t, vc, vsw).AvailableIpAddressCount); n != 252 {
			t.Errorf("AvailableIpAddressCount %d after the instance went, want 252", n)
		}
		if _, err := vc.DeleteVSwitch(&vpc2.DeleteVSwitchRequest{RegionId: nwRegion, VSwitchId: dara.String(vsw)}); err != nil {
			t.Fatal(err)
		}
		_, err = vc.DeleteVpc(&vpc2.DeleteVpcRequest{RegionId: nwRegion, VpcId: dara.String(vpcID)})
		lcWantV2(t, "DeleteVpc with security groups", err, "DependencyViolation.SecurityGroup", 400)
		for _, g := range []string{a, b} {
			if _, err := c.DeleteSecurityGroup(&ecs2.DeleteSecurityGroupRequest{RegionId: nwRegion, SecurityGroupId: dara.String(g)}); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := vc.DeleteVpc(&vpc2.DeleteVpcRequest{RegionId: nwRegion, VpcId: dara.String(vpcID)}); err != nil {
			t.Fatal(err)
		}
	})
}

// nwWaitRunning polls DescribeInstances (Go SDK v2) until the instance runs.
func nwWaitRunning(t *testing.T, c *ecs2.Client, id string) {
	t.Helper()
	nwWaitStatus(t, func() string { return dara.StringValue(nwInstance(t, c, id).Status) }, "Running")
}

// TestPrivateIPsConcurrent buys into a vSwitch with four usable addresses
// eight times at once: four purchases get distinct addresses, four are
// refused, and the vSwitch counts exactly none left.
func TestPrivateIPsConcurrent(t *testing.T) {
	ecsdtest.Each(t, ecsdtest.Options{}, func(t *testing.T, s *ecsdtest.Server) {
		c := s.SDKv2(t, s.AccessKeyID, s.AccessKeySecret)
		vc := nwVPC(t, s, s.AccessKeyID, s.AccessKeySecret)
		vpcID := nwReadyVpc(t, vc, "10.0.0.0/16")
		vsw, err := nwCreateVSwitch(vc, vpcID, "cn-hangzhou-h", "10.0.0.0/29")
		if err != nil {
			t.Fatal(err)
		}
		nwWaitAvailable(t, func() string { return dara.StringValue(nwVSwitchAttr(t, vc, vsw).Status) })
		var mu sync.Mutex
		var wg sync.WaitGroup
		var ids []string
		codes := map[string]int{}
		for range 8 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				id, err := nwRun(c, func(r *ecs2.RunInstancesRequest) { r.VSwitchId = dara.String(vsw) })
				mu.Lock()
				defer mu.Unlock()
				if err != nil {
					codes[nwCode(err)]++
					return
				}
				ids = append(ids, id)
			}()
		}
		wg.Wait()
		if len(ids) != 4 || codes["InvalidVSwitchId.IpNotEnough"] != 4 {
			t.Fatalf("8 purchases into 4 addresses: %d bought, errors %v; want 4 and 4 InvalidVSwitchId.IpNotEnough", len(ids), codes)
		}
		seen := map[string]bool{}
		for _, id := range ids {
			ip := dara.StringValue(nwInstance(t, c, id).VpcAttributes.PrivateIpAddress.IpAddress[0])
			if seen[ip] || !netip.MustParsePrefix("10.0.0.0/29").Contains(netip.MustParseAddr(ip)) || ip == "10.0.0.0" || ip == "10.0.0.7" {
				t.Errorf("address %s given twice or outside the usable part of 10.0.0.0/29", ip)
			}
			seen[ip] = true
		}
		if n := dara.Int64Value(nwVSwitchAttr(t, vc, vsw).AvailableIpAddressCount); n != 0 {
			t.Errorf("AvailableIpAddressCount %d, want 0", n)
		}
		nwDelete(t, c, ids[0])
		if n := dara.Int64Value(nwVSwitchAttr(t, vc, vsw).AvailableIpAddressCount); n != 1 {
			t.Errorf("AvailableIpAddressCount %d after a release, want 1", n)
		}
	})
}

// TestMigrateAcrossZoneNetwork: a spec change with MigrateAcrossZone moves
// an instance of a VPC to the first zone that has both the type in stock
// and a vSwitch of its VPC, with a new private IP from that vSwitch; the old
// address is released. Without such a zone the change is refused.
func TestMigrateAcrossZoneNetwork(t *testing.T) {
	ecsdtest.Each(t, ecsdtest.Options{}, func(t *testing.T, s *ecsdtest.Server) {
		const home, soldOut = "cn-hangzhou-k", "ecs.g6.2xlarge" // the catalog's stock of it in k is 0
		a := lcAccount(t, s, "nw-migrate", "10000.00", "0.00")
		vc := nwVPC(t, s, a.keyID, a.secr)
		vpcID := nwReadyVpc(t, vc, "10.0.0.0/16")
		vswitch := func(zone, cidr string) string {
			id, err := nwCreateVSwitch(vc, vpcID, zone, cidr)
			if err != nil {
				t.Fatal(err)
			}
			nwWaitAvailable(t, func() string { return dara.StringValue(nwVSwitchAttr(t, vc, id).Status) })
			return id
		}
		vswHome := vswitch(home, "10.0.1.0/24")
		id := rmBuy(t, a, home, "ecs.g6.large", lcParam("VSwitchId", vswHome))
		_, err := rmModify(a, id, soldOut, "upgrade", func(r *ecs.ModifyPrepayInstanceSpecRequest) { r.MigrateAcrossZone = requests.NewBoolean(true) })
		lcWantV1(t, "MigrateAcrossZone with no vSwitch of the VPC in another zone", err, "OperationDenied.NoStock", 403)
		// cn-hangzhou-g and -h have the type in stock but no vSwitch of the VPC.
		vswI := vswitch("cn-hangzhou-i", "10.0.2.0/24")
		if _, err := rmModify(a, id, soldOut, "upgrade", func(r *ecs.ModifyPrepayInstanceSpecRequest) { r.MigrateAcrossZone = requests.NewBoolean(true) }); err != nil {
			t.Fatal(err)
		}
		i := rmWaitType(t, a, id, soldOut)
		ip := netip.MustParseAddr(i.VpcAttributes.PrivateIpAddress.IpAddress[0])
		if i.ZoneId != "cn-hangzhou-i" || i.VpcAttributes.VSwitchId != vswI || i.VpcAttributes.VpcId != vpcID || !netip.MustParsePrefix("10.0.2.0/24").Contains(ip) {
			t.Errorf("moved to %s %s %s %s, want cn-hangzhou-i, %s in 10.0.2.0/24", i.ZoneId, i.VpcAttributes.VpcId, i.VpcAttributes.VSwitchId, ip, vswI)
		}
		if n := dara.Int64Value(nwVSwitchAttr(t, vc, vswHome).AvailableIpAddressCount); n != 252 {
			t.Errorf("the old vSwitch has %d free addresses, want all 252", n)
		}
		if n := dara.Int64Value(nwVSwitchAttr(t, vc, vswI).AvailableIpAddressCount); n != 251 {
			t.Errorf("the new vSwitch has %d free addresses, want 251", n)
		}
	})
}
