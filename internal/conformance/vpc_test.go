package conformance

import (
	"regexp"
	"slices"
	"sync"
	"testing"
	"time"

	openapi "github.com/alibabacloud-go/darabonba-openapi/v2/client"
	"github.com/alibabacloud-go/tea/dara"
	"github.com/alibabacloud-go/tea/tea"
	vpc2 "github.com/alibabacloud-go/vpc-20160428/v6/client"

	"github.com/ecsd/ecsd/internal/ecsdtest"
	"github.com/ecsd/ecsd/internal/server"
)

// The helpers of the network tests are named nw….

var nwVpcIDPattern = regexp.MustCompile(`^vpc-bp[a-z0-9]{18}$`)

// nwVPC returns a Go SDK v2 VPC client for the keys.
func nwVPC(t *testing.T, s *ecsdtest.Server, keyID, secret string) *vpc2.Client {
	t.Helper()
	c, err := vpc2.NewClient(&openapi.Config{
		AccessKeyId:     dara.String(keyID),
		AccessKeySecret: dara.String(secret),
		RegionId:        dara.String("cn-hangzhou"),
		Endpoint:        dara.String(s.Endpoint),
		Protocol:        dara.String("HTTP"),
	})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func nwCreateVpc(t *testing.T, c *vpc2.Client, cidr, name string) string {
	t.Helper()
	resp, err := c.CreateVpc(&vpc2.CreateVpcRequest{RegionId: dara.String("cn-hangzhou"), CidrBlock: dara.String(cidr), VpcName: dara.String(name)})
	if err != nil {
		t.Fatalf("CreateVpc %s: %v", cidr, err)
	}
	id := dara.StringValue(resp.Body.VpcId)
	if !nwVpcIDPattern.MatchString(id) {
		t.Fatalf("VpcId %q", id)
	}
	return id
}

func nwVpcAttr(t *testing.T, c *vpc2.Client, id string) *vpc2.DescribeVpcAttributeResponseBody {
	t.Helper()
	resp, err := c.DescribeVpcAttribute(&vpc2.DescribeVpcAttributeRequest{RegionId: dara.String("cn-hangzhou"), VpcId: dara.String(id)})
	if err != nil {
		t.Fatalf("DescribeVpcAttribute %s: %v", id, err)
	}
	return resp.Body
}

func nwVSwitchAttr(t *testing.T, c *vpc2.Client, id string) *vpc2.DescribeVSwitchAttributesResponseBody {
	t.Helper()
	resp, err := c.DescribeVSwitchAttributes(&vpc2.DescribeVSwitchAttributesRequest{RegionId: dara.String("cn-hangzhou"), VSwitchId: dara.String(id)})
	if err != nil {
		t.Fatalf("DescribeVSwitchAttributes %s: %v", id, err)
	}
	return resp.Body
}

// nwWaitAvailable polls until the VPC or vSwitch is Available, as the
// provider does after creating one.
func nwWaitAvailable(t *testing.T, status func() string) {
	t.Helper()
	nwWaitStatus(t, status, "Available")
}

// nwWaitStatus polls until status answers want, for at most 20 s.
func nwWaitStatus(t *testing.T, status func() string, want string) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		st := status()
		if st == want {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("status %q after 20s, want %s", st, want)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func nwCreateVSwitch(c *vpc2.Client, vpcID, zone, cidr string) (string, error) {
	resp, err := c.CreateVSwitch(&vpc2.CreateVSwitchRequest{
		RegionId: dara.String("cn-hangzhou"), VpcId: dara.String(vpcID), ZoneId: dara.String(zone), CidrBlock: dara.String(cidr),
	})
	if err != nil {
		return "", err
	}
	return dara.StringValue(resp.Body.VSwitchId), nil
}

// nwReadyVpc creates a VPC and waits until it is Available.
func nwReadyVpc(t *testing.T, c *vpc2.Client, cidr string) string {
	t.Helper()
	id := nwCreateVpc(t, c, cidr, "net-test")
	nwWaitAvailable(t, func() string { return dara.StringValue(nwVpcAttr(t, c, id).Status) })
	return id
}

// TestVpcLifecycle creates, reads, changes and deletes VPCs and vSwitches
// through Go SDK v2, with the documented CIDR rules and errors.
func TestVpcLifecycle(t *testing.T) {
	ecsdtest.Each(t, ecsdtest.Options{}, func(t *testing.T, s *ecsdtest.Server) {
		c := nwVPC(t, s, s.AccessKeyID, s.AccessKeySecret)
		region := dara.String("cn-hangzhou")

		id := nwCreateVpc(t, c, "192.168.0.0/16", "app-vpc")
		nwWaitAvailable(t, func() string { return dara.StringValue(nwVpcAttr(t, c, id).Status) })
		a := nwVpcAttr(t, c, id)
		if dara.StringValue(a.CidrBlock) != "192.168.0.0/16" || dara.StringValue(a.VpcName) != "app-vpc" || dara.BoolValue(a.IsDefault) ||
			dara.StringValue(a.RegionId) != "cn-hangzhou" || dara.StringValue(a.VRouterId) == "" || len(a.VSwitchIds.VSwitchId) != 0 {
			t.Errorf("DescribeVpcAttribute: %+v", a)
		}

		vsw, err := nwCreateVSwitch(c, id, "cn-hangzhou-h", "192.168.1.0/24")
		if err != nil {
			t.Fatal(err)
		}
		nwWaitAvailable(t, func() string { return dara.StringValue(nwVSwitchAttr(t, c, vsw).Status) })
		v := nwVSwitchAttr(t, c, vsw)
		if dara.StringValue(v.VpcId) != id || dara.StringValue(v.ZoneId) != "cn-hangzhou-h" || dara.StringValue(v.CidrBlock) != "192.168.1.0/24" ||
			dara.Int64Value(v.AvailableIpAddressCount) != 252 {
			t.Errorf("DescribeVSwitchAttributes: %+v", v)
		}
		if got := nwVpcAttr(t, c, id).VSwitchIds.VSwitchId; len(got) != 1 || dara.StringValue(got[0]) != vsw {
			t.Errorf("VSwitchIds %v, want [%s]", dara.StringSliceValue(got), vsw)
		}

		// The CIDR rules.
		for _, tc := range []struct{ cidr, code string }{
			{"8.8.8.0/24", "InvalidCidrBlock.Malformed"},  // public
			{"172.0.0.0/8", "InvalidCidrBlock.Malformed"}, // wider than 172.16.0.0/12
			{"10.0.0.5/24", "InvalidCidrBlock.Malformed"}, // not its first address
			{"10.0.0.0/29", "InvalidCidrBlock.Malformed"}, // narrower than /28
			{"not-a-cidr", "InvalidCidrBlock.Malformed"},
		} {
			_, err := c.CreateVpc(&vpc2.CreateVpcRequest{RegionId: region, CidrBlock: dara.String(tc.cidr)})
			lcWantV2(t, "CreateVpc "+tc.cidr, err, tc.code, 400)
		}
		for _, tc := range []struct{ zone, cidr, code string }{
			{"cn-hangzhou-h", "10.0.0.0/24", "InvalidParameter"},                 // outside the VPC
			{"cn-hangzhou-h", "192.168.1.128/25", "InvalidCidrBlock.Overlapped"}, // inside a sibling
			{"cn-hangzhou-h", "192.168.0.0/16", "InvalidCidrBlock.Overlapped"},   // holds a sibling
			{"cn-hangzhou-h", "192.168.2.0/30", "InvalidCidrBlock.Malformed"},    // narrower than /29
			{"cn-hangzhou-h", "192.0.0.0/15", "InvalidCidrBlock.Malformed"},      // wider than /16
			{"cn-shanghai-e", "192.168.2.0/24", "InvalidZoneId.NotFound"},        // another region's zone
			{"cn-hangzhou-zz", "192.168.2.0/24", "InvalidZoneId.NotFound"},
		} {
			_, err := nwCreateVSwitch(c, id, tc.zone, tc.cidr)
			lcWantV2(t, "CreateVSwitch "+tc.zone+" "+tc.cidr, err, tc.code, 400)
		}
		_, err = nwCreateVSwitch(c, "vpc-bp1nosuchvpc000000000", "cn-hangzhou-h", "192.168.2.0/24")
		lcWantV2(t, "CreateVSwitch in an unknown VPC", err, "InvalidVpcId.NotFound", 404)
		_, err = c.CreateVpc(&vpc2.CreateVpcRequest{RegionId: region, VpcName: dara.String("http://x")})
		lcWantV2(t, "CreateVpc with a URL for a name", err, "InvalidVpcName.Malformed", 400)
		_, err = c.CreateVpc(&vpc2.CreateVpcRequest{RegionId: region, EnableIpv6: dara.Bool(true)})
		lcWantV2(t, "CreateVpc with IPv6", err, "OperationUnsupported", 400)
		_, err = c.CreateVpc(&vpc2.CreateVpcRequest{RegionId: region, DryRun: dara.Bool(true)})
		lcWantV2(t, "CreateVpc DryRun", err, "DryRunOperation", 400)

		// Changes read back.
		if _, err := c.ModifyVpcAttribute(&vpc2.ModifyVpcAttributeRequest{RegionId: region, VpcId: dara.String(id),
			VpcName: dara.String("renamed"), Description: dara.String("the app's network"), EnableDnsHostname: dara.Bool(true)}); err != nil {
			t.Fatal(err)
		}
		a = nwVpcAttr(t, c, id)
		if dara.StringValue(a.VpcName) != "renamed" || dara.StringValue(a.Description) != "the app's network" || dara.StringValue(a.DnsHostnameStatus) != "ENABLED" {
			t.Errorf("after ModifyVpcAttribute: %s %q %s", dara.StringValue(a.VpcName), dara.StringValue(a.Description), dara.StringValue(a.DnsHostnameStatus))
		}
		_, err = c.ModifyVpcAttribute(&vpc2.ModifyVpcAttributeRequest{RegionId: region, VpcId: dara.String(id), CidrBlock: dara.String("192.168.0.0/24")})
		lcWantV2(t, "ModifyVpcAttribute to a block without the vSwitch", err, "InvalidCidrBlock.Malformed", 400)
		if _, err := c.ModifyVSwitchAttribute(&vpc2.ModifyVSwitchAttributeRequest{RegionId: region, VSwitchId: dara.String(vsw),
			VSwitchName: dara.String("web"), Description: dara.String("web tier")}); err != nil {
			t.Fatal(err)
		}
		if v := nwVSwitchAttr(t, c, vsw); dara.StringValue(v.VSwitchName) != "web" || dara.StringValue(v.Description) != "web tier" {
			t.Errorf("after ModifyVSwitchAttribute: %q %q", dara.StringValue(v.VSwitchName), dara.StringValue(v.Description))
		}

		// Lists.
		vpcs, err := c.DescribeVpcs(&vpc2.DescribeVpcsRequest{RegionId: region, VpcId: dara.String(id)})
		if err != nil {
			t.Fatal(err)
		}
		if dara.Int32Value(vpcs.Body.TotalCount) != 1 || dara.StringValue(vpcs.Body.Vpcs.Vpc[0].VpcName) != "renamed" ||
			len(vpcs.Body.Vpcs.Vpc[0].RouterTableIds.RouterTableIds) != 1 {
			t.Errorf("DescribeVpcs: %+v", vpcs.Body)
		}
		vsws, err := c.DescribeVSwitches(&vpc2.DescribeVSwitchesRequest{RegionId: region, VpcId: dara.String(id), ZoneId: dara.String("cn-hangzhou-h")})
		if err != nil {
			t.Fatal(err)
		}
		if dara.Int32Value(vsws.Body.TotalCount) != 1 || dara.StringValue(vsws.Body.VSwitches.VSwitch[0].VSwitchId) != vsw {
			t.Errorf("DescribeVSwitches: %+v", vsws.Body)
		}
		rts, err := c.DescribeRouteTableList(&vpc2.DescribeRouteTableListRequest{RegionId: region, VpcId: dara.String(id)})
		if err != nil {
			t.Fatal(err)
		}
		if l := rts.Body.RouterTableList.RouterTableListType; len(l) != 1 || dara.StringValue(l[0].RouteTableType) != "System" ||
			dara.StringValue(l[0].VpcId) != id || !slices.Equal(dara.StringSliceValue(l[0].VSwitchIds.VSwitchId), []string{vsw}) {
			t.Errorf("DescribeRouteTableList: %+v", rts.Body)
		}

		// Another account sees none of it.
		other := s.NewAccount(t, "other", "100.00")
		oc := nwVPC(t, s, other.AccessKeyId, other.AccessKeySecret)
		_, err = oc.DescribeVpcAttribute(&vpc2.DescribeVpcAttributeRequest{RegionId: region, VpcId: dara.String(id)})
		lcWantV2(t, "another account's VPC", err, "InvalidVpcId.NotFound", 404)
		_, err = oc.DeleteVSwitch(&vpc2.DeleteVSwitchRequest{RegionId: region, VSwitchId: dara.String(vsw)})
		lcWantV2(t, "another account's vSwitch", err, "InvalidVSwitchId.NotFound", 404)

		// Deletion in order.
		_, err = c.DeleteVpc(&vpc2.DeleteVpcRequest{RegionId: region, VpcId: dara.String(id)})
		lcWantV2(t, "DeleteVpc with a vSwitch", err, "DependencyViolation.VSwitch", 400)
		if _, err := c.DeleteVSwitch(&vpc2.DeleteVSwitchRequest{RegionId: region, VSwitchId: dara.String(vsw)}); err != nil {
			t.Fatal(err)
		}
		_, err = c.DescribeVSwitchAttributes(&vpc2.DescribeVSwitchAttributesRequest{RegionId: region, VSwitchId: dara.String(vsw)})
		lcWantV2(t, "a deleted vSwitch", err, "InvalidVSwitchId.NotFound", 404)
		if _, err := c.DeleteVpc(&vpc2.DeleteVpcRequest{RegionId: region, VpcId: dara.String(id)}); err != nil {
			t.Fatal(err)
		}
		_, err = c.DescribeVpcAttribute(&vpc2.DescribeVpcAttributeRequest{RegionId: region, VpcId: dara.String(id)})
		lcWantV2(t, "a deleted VPC", err, "InvalidVpcId.NotFound", 404)
	})
}

// TestVpcPending holds VPCs in Pending (a long transition delay): nothing
// is created in or deleted from a VPC that is not yet Available.
func TestVpcPending(t *testing.T) {
	opts := ecsdtest.Options{Configure: func(c *server.Config) { c.TransitionDelay = time.Hour }}
	ecsdtest.Each(t, opts, func(t *testing.T, s *ecsdtest.Server) {
		c := nwVPC(t, s, s.AccessKeyID, s.AccessKeySecret)
		id := nwCreateVpc(t, c, "10.0.0.0/8", "pending")
		if st := dara.StringValue(nwVpcAttr(t, c, id).Status); st != "Pending" {
			t.Fatalf("status %s, want Pending for the transition delay", st)
		}
		_, err := nwCreateVSwitch(c, id, "cn-hangzhou-h", "10.1.0.0/16")
		lcWantV2(t, "CreateVSwitch in a Pending VPC", err, "IncorrectVpcStatus", 400)
		_, err = c.DeleteVpc(&vpc2.DeleteVpcRequest{RegionId: dara.String("cn-hangzhou"), VpcId: dara.String(id)})
		lcWantV2(t, "DeleteVpc of a Pending VPC", err, "IncorrectVpcStatus", 400)
	})
}

// TestVpcConcurrency sends creations together: the VPC quota and the
// vSwitch CIDR rules hold, because the database decides.
func TestVpcConcurrency(t *testing.T) {
	ecsdtest.Each(t, ecsdtest.Options{}, func(t *testing.T, s *ecsdtest.Server) {
		c := nwVPC(t, s, s.AccessKeyID, s.AccessKeySecret)
		id := nwReadyVpc(t, c, "172.16.0.0/12")

		// Eight vSwitches with one CIDR: exactly one is created.
		var wg sync.WaitGroup
		var mu sync.Mutex
		var made []string
		codes := map[string]int{}
		for range 8 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				vsw, err := nwCreateVSwitch(c, id, "cn-hangzhou-i", "172.16.8.0/24")
				mu.Lock()
				defer mu.Unlock()
				if err != nil {
					codes[nwCode(err)]++
					return
				}
				made = append(made, vsw)
			}()
		}
		wg.Wait()
		if len(made) != 1 || codes["InvalidCidrBlock.Overlapped"] != 7 {
			t.Errorf("8 CreateVSwitch of one CIDR: %d created, errors %v; want 1 and 7 InvalidCidrBlock.Overlapped", len(made), codes)
		}

		// Twelve VPCs at once against a quota of ten (one exists).
		made, codes = nil, map[string]int{}
		for range 12 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				resp, err := c.CreateVpc(&vpc2.CreateVpcRequest{RegionId: dara.String("cn-hangzhou")})
				mu.Lock()
				defer mu.Unlock()
				if err != nil {
					codes[nwCode(err)]++
					return
				}
				made = append(made, dara.StringValue(resp.Body.VpcId))
			}()
		}
		wg.Wait()
		if len(made) != 9 || codes["QuotaExceeded.Vpc"] != 3 {
			t.Errorf("12 CreateVpc with 1 of 10 used: %d created, errors %v; want 9 and 3 QuotaExceeded.Vpc", len(made), codes)
		}
		list, err := c.DescribeVpcs(&vpc2.DescribeVpcsRequest{RegionId: dara.String("cn-hangzhou"), PageSize: dara.Int32(50)})
		if err != nil {
			t.Fatal(err)
		}
		if n := dara.Int32Value(list.Body.TotalCount); n != 10 || len(list.Body.Vpcs.Vpc) != 10 {
			t.Errorf("DescribeVpcs: TotalCount %d with %d listed, want 10", n, len(list.Body.Vpcs.Vpc))
		}
	})
}

// nwCode is the code of a Go SDK v2 error, or its text.
func nwCode(err error) string {
	if se, ok := err.(*tea.SDKError); ok {
		return dara.StringValue(se.Code)
	}
	return err.Error()
}

// TestVpcRAM: the VPC product's actions are vpc:* RAM actions on
// acs:vpc:{region}:{account}:vpc/{id} (the region the id carries when the
// request has none); a denial is Forbidden.RAM (403).
func TestVpcRAM(t *testing.T) {
	ecsdtest.Each(t, ecsdtest.Options{}, func(t *testing.T, s *ecsdtest.Server) {
		main := ramMainAccount(t, s, "vpc-ram")
		mc := nwVPC(t, s, main.keyID, main.secret)
		mine := nwReadyVpc(t, mc, "10.0.0.0/8")
		other := nwReadyVpc(t, mc, "192.168.0.0/16")
		doc := `{"Version":"1","Statement":[{"Effect":"Allow","Action":["vpc:DescribeVpcAttribute","vpc:DeleteVpc"],"Resource":"acs:vpc:*:` +
			main.accountID + `:vpc/` + mine + `"},{"Effect":"Allow","Action":"vpc:DescribeVpcs","Resource":"*"}]}`
		main.createPolicy(t, "one-vpc", doc)
		u := main.user(t, "netops", "one-vpc")
		uc := nwVPC(t, s, u.keyID, u.secret)
		if _, err := uc.DescribeVpcs(&vpc2.DescribeVpcsRequest{RegionId: nwRegion}); err != nil {
			t.Errorf("DescribeVpcs allowed by the policy: %v", err)
		}
		if _, err := uc.DescribeVpcAttribute(&vpc2.DescribeVpcAttributeRequest{RegionId: nwRegion, VpcId: dara.String(mine)}); err != nil {
			t.Errorf("DescribeVpcAttribute of the allowed VPC: %v", err)
		}
		// Without RegionId the ARN's region comes from the id; the policy's * matches it.
		if _, err := uc.DescribeVpcAttribute(&vpc2.DescribeVpcAttributeRequest{VpcId: dara.String(mine)}); err != nil {
			t.Errorf("DescribeVpcAttribute without RegionId: %v", err)
		}
		_, err := uc.DescribeVpcAttribute(&vpc2.DescribeVpcAttributeRequest{RegionId: nwRegion, VpcId: dara.String(other)})
		lcWantV2(t, "DescribeVpcAttribute of another VPC", err, "Forbidden.RAM", 403)
		_, err = uc.CreateVpc(&vpc2.CreateVpcRequest{RegionId: nwRegion})
		lcWantV2(t, "CreateVpc without vpc:CreateVpc", err, "Forbidden.RAM", 403)
		_, err = uc.CreateVSwitch(&vpc2.CreateVSwitchRequest{RegionId: nwRegion, VpcId: dara.String(mine), ZoneId: dara.String("cn-hangzhou-h"), CidrBlock: dara.String("10.1.0.0/16")})
		lcWantV2(t, "CreateVSwitch without vpc:CreateVSwitch", err, "Forbidden.RAM", 403)
		if _, err := uc.DeleteVpc(&vpc2.DeleteVpcRequest{RegionId: nwRegion, VpcId: dara.String(mine)}); err != nil {
			t.Errorf("DeleteVpc of the allowed VPC: %v", err)
		}
	})
}
