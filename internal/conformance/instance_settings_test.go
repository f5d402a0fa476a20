package conformance

import (
	"encoding/base64"
	"strings"
	"testing"
	"time"

	ecs2 "github.com/alibabacloud-go/ecs-20140526/v7/client"
	"github.com/alibabacloud-go/tea/dara"
	"github.com/aliyun/alibaba-cloud-sdk-go/sdk/requests"
	"github.com/aliyun/alibaba-cloud-sdk-go/services/bssopenapi"
	"github.com/aliyun/alibaba-cloud-sdk-go/services/ecs"

	"github.com/ecsd/ecsd/internal/ecsdtest"
)

// The helpers of the instance settings tests are named is….

const isRegion = "cn-hangzhou"

func isStr(s string) *string { return dara.String(s) }

// isIDs is a JSON list of ids, as InstanceIds takes them.
func isIDs(ids ...string) *string {
	return isStr(`["` + strings.Join(ids, `","`) + `"]`)
}

// isBuy buys one instance through Go SDK v1 and returns its id.
func isBuy(t *testing.T, a *lcActor, opts ...func(*ecs.RunInstancesRequest)) string {
	t.Helper()
	resp := a.mustRun(t, append([]func(*ecs.RunInstancesRequest){lcZone("cn-hangzhou-h")}, opts...)...)
	if len(resp.InstanceIdSets.InstanceIdSet) != 1 {
		t.Fatalf("RunInstances: ids %v", resp.InstanceIdSets.InstanceIdSet)
	}
	return resp.InstanceIdSets.InstanceIdSet[0]
}

// isPrimaryENI returns the instance's primary ENI as DescribeInstances (v2)
// reports it, checking that it is the only ENI listed as Primary.
func isPrimaryENI(t *testing.T, a *lcActor, id string) (*ecs2.DescribeInstancesResponseBodyInstancesInstance, *ecs2.DescribeInstancesResponseBodyInstancesInstanceNetworkInterfacesNetworkInterface) {
	t.Helper()
	resp, err := a.v2.DescribeInstances(&ecs2.DescribeInstancesRequest{RegionId: isStr(isRegion), InstanceIds: isIDs(id)})
	if err != nil {
		t.Fatalf("DescribeInstances: %v", err)
	}
	if len(resp.Body.Instances.Instance) != 1 {
		t.Fatalf("DescribeInstances %s: %d instances", id, len(resp.Body.Instances.Instance))
	}
	inst := resp.Body.Instances.Instance[0]
	var primary *ecs2.DescribeInstancesResponseBodyInstancesInstanceNetworkInterfacesNetworkInterface
	for _, n := range inst.NetworkInterfaces.NetworkInterface {
		if dara.StringValue(n.Type) == "Primary" {
			if primary != nil {
				t.Errorf("%s has two primary ENIs", id)
			}
			primary = n
		}
	}
	if primary == nil {
		t.Fatalf("%s has no primary ENI: %v", id, inst.NetworkInterfaces)
	}
	return inst, primary
}

func isENIs(t *testing.T, a *lcActor, req *ecs2.DescribeNetworkInterfacesRequest) []*ecs2.DescribeNetworkInterfacesResponseBodyNetworkInterfaceSetsNetworkInterfaceSet {
	t.Helper()
	req.RegionId = isStr(isRegion)
	resp, err := a.v2.DescribeNetworkInterfaces(req)
	if err != nil {
		t.Fatalf("DescribeNetworkInterfaces: %v", err)
	}
	if n := len(resp.Body.NetworkInterfaceSets.NetworkInterfaceSet); dara.Int32Value(resp.Body.TotalCount) < int32(n) {
		t.Errorf("TotalCount %d below the %d listed", dara.Int32Value(resp.Body.TotalCount), n)
	}
	return resp.Body.NetworkInterfaceSets.NetworkInterfaceSet
}

func isRenewal(t *testing.T, a *lcActor, id string) *ecs2.DescribeInstanceAutoRenewAttributeResponseBodyInstanceRenewAttributesInstanceRenewAttribute {
	t.Helper()
	resp, err := a.v2.DescribeInstanceAutoRenewAttribute(&ecs2.DescribeInstanceAutoRenewAttributeRequest{RegionId: isStr(isRegion), InstanceId: isStr(id)})
	if err != nil {
		t.Fatalf("DescribeInstanceAutoRenewAttribute %s: %v", id, err)
	}
	list := resp.Body.InstanceRenewAttributes.InstanceRenewAttribute
	if len(list) != 1 || dara.StringValue(list[0].InstanceId) != id {
		t.Fatalf("DescribeInstanceAutoRenewAttribute %s: %d entries", id, len(list))
	}
	return list[0]
}

func isWantRenewal(t *testing.T, a *lcActor, id, status string, enabled bool, duration int32, unit string) {
	t.Helper()
	r := isRenewal(t, a, id)
	if dara.StringValue(r.RenewalStatus) != status || dara.BoolValue(r.AutoRenewEnabled) != enabled || dara.Int32Value(r.Duration) != duration || dara.StringValue(r.PeriodUnit) != unit {
		t.Errorf("%s renewal: %s enabled=%v %d %s, want %s enabled=%v %d %s", id, dara.StringValue(r.RenewalStatus), dara.BoolValue(r.AutoRenewEnabled),
			dara.Int32Value(r.Duration), dara.StringValue(r.PeriodUnit), status, enabled, duration, unit)
	}
}

func isMaintenance(t *testing.T, a *lcActor, id string) *ecs2.DescribeInstanceMaintenanceAttributesResponseBodyMaintenanceAttributesMaintenanceAttribute {
	t.Helper()
	resp, err := a.v2.DescribeInstanceMaintenanceAttributes(&ecs2.DescribeInstanceMaintenanceAttributesRequest{RegionId: isStr(isRegion), InstanceId: []*string{isStr(id)}})
	if err != nil {
		t.Fatalf("DescribeInstanceMaintenanceAttributes: %v", err)
	}
	list := resp.Body.MaintenanceAttributes.MaintenanceAttribute
	if len(list) != 1 || dara.StringValue(list[0].InstanceId) != id {
		t.Fatalf("DescribeInstanceMaintenanceAttributes %s: %d entries", id, len(list))
	}
	return list[0]
}

// TestInstanceSettings drives, through Go SDK v2 on each store, what an
// instance keeps besides its spec: user data, RAM role, ENIs, maintenance
// and renewal settings, attachment attributes, stop modes, BSS's view of
// its instances, and the RAM checks of those actions; with their errors.
func TestInstanceSettings(t *testing.T) {
	t.Parallel()
	start := time.Date(2026, 3, 2, 2, 30, 0, 0, time.UTC) // 10:30 UTC+8
	ecsdtest.Each(t, ecsdtest.Options{ManualClock: true, ClockStart: start}, func(t *testing.T, s *ecsdtest.Server) {
		a := lcAccount(t, s, "settings", "10000.00", "0.00")
		userData := base64.StdEncoding.EncodeToString([]byte("#!/bin/sh\necho hello\n"))
		pre := isBuy(t, a, lcPrePaid(1, "Month"), lcAutoRenew, lcParam("AutoRenewPeriod", "3"),
			lcParam("UserData", userData), lcParam("RamRoleName", "EcsRole"))
		post := isBuy(t, a, lcParam("NetworkInterface.1.InstanceType", "Secondary"))
		a.waitStatus(t, "Running", pre, post)

		t.Run("UserData", func(t *testing.T) {
			for id, want := range map[string]string{pre: userData, post: ""} {
				resp, err := a.v2.DescribeUserData(&ecs2.DescribeUserDataRequest{RegionId: isStr(isRegion), InstanceId: isStr(id)})
				if err != nil {
					t.Fatalf("DescribeUserData %s: %v", id, err)
				}
				if got := dara.StringValue(resp.Body.UserData); got != want || dara.StringValue(resp.Body.InstanceId) != id || dara.StringValue(resp.Body.RegionId) != isRegion {
					t.Errorf("DescribeUserData %s: %q (%s, %s), want %q", id, got, dara.StringValue(resp.Body.InstanceId), dara.StringValue(resp.Body.RegionId), want)
				}
			}
			_, err := a.v2.DescribeUserData(&ecs2.DescribeUserDataRequest{RegionId: isStr(isRegion), InstanceId: isStr("i-bpnosuchinstance0000")})
			lcWantV2(t, "DescribeUserData unknown", err, "InvalidInstanceId.NotFound", 404)
			_, err = a.v2.DescribeUserData(&ecs2.DescribeUserDataRequest{RegionId: isStr(isRegion), InstanceId: isStr("nonsense")})
			lcWantV2(t, "DescribeUserData malformed", err, "InvalidInstanceId.NotFound", 400)
			_, err = a.v2.DescribeUserData(&ecs2.DescribeUserDataRequest{RegionId: isStr(isRegion)})
			lcWantV2(t, "DescribeUserData without InstanceId", err, "MissingParameter", 400)

			_, err = a.run(lcParam("UserData", "not*base64"))
			lcWantV1(t, "RunInstances bad UserData", err, "InvalidUserData.Base64FormatInvalid", 400)
			big := base64.StdEncoding.EncodeToString(make([]byte, 32<<10+1))
			_, err = a.v2.RunInstances(&ecs2.RunInstancesRequest{RegionId: isStr(isRegion), ImageId: isStr(lcImage), InstanceType: isStr("ecs.g6.large"), UserData: isStr(big)})
			lcWantV2(t, "RunInstances 32 KiB + 1 of UserData", err, "InvalidUserData.SizeExceeded", 400)
		})

		t.Run("RamRole", func(t *testing.T) {
			resp, err := a.v2.DescribeInstanceRamRole(&ecs2.DescribeInstanceRamRoleRequest{RegionId: isStr(isRegion), InstanceIds: isIDs(pre, post)})
			if err != nil {
				t.Fatal(err)
			}
			sets := resp.Body.InstanceRamRoleSets.InstanceRamRoleSet
			if len(sets) != 1 || dara.StringValue(sets[0].InstanceId) != pre || dara.StringValue(sets[0].RamRoleName) != "EcsRole" || dara.Int32Value(resp.Body.TotalCount) != 1 {
				t.Errorf("DescribeInstanceRamRole: %v (TotalCount %d), want %s with EcsRole", sets, dara.Int32Value(resp.Body.TotalCount), pre)
			}
			resp, err = a.v2.DescribeInstanceRamRole(&ecs2.DescribeInstanceRamRoleRequest{RegionId: isStr(isRegion), InstanceIds: isIDs(pre), RamRoleName: isStr("OtherRole")})
			if err != nil || len(resp.Body.InstanceRamRoleSets.InstanceRamRoleSet) != 0 {
				t.Errorf("DescribeInstanceRamRole with another role: %v, %v", err, resp)
			}
			_, err = a.v2.DescribeInstanceRamRole(&ecs2.DescribeInstanceRamRoleRequest{RegionId: isStr(isRegion), InstanceIds: isIDs(pre), PageSize: dara.Int32(101)})
			lcWantV2(t, "DescribeInstanceRamRole PageSize 101", err, "InvalidParameter", 400)
			_, err = a.v2.DescribeInstanceRamRole(&ecs2.DescribeInstanceRamRoleRequest{RegionId: isStr("xx-nowhere-1"), InstanceIds: isIDs(pre)})
			lcWantV2(t, "DescribeInstanceRamRole unknown region", err, "InvalidRegionId.NotFound", 404)
		})

		t.Run("NetworkInterfaces", func(t *testing.T) {
			inst, eni := isPrimaryENI(t, a, pre)
			ip := dara.StringValue(inst.VpcAttributes.PrivateIpAddress.IpAddress[0])
			if dara.StringValue(eni.PrimaryIpAddress) != ip || !strings.HasPrefix(dara.StringValue(eni.NetworkInterfaceId), "eni-bp") || !strings.HasPrefix(dara.StringValue(eni.MacAddress), "00:16:3e:") {
				t.Errorf("primary ENI %v, want the instance's IP %s", eni, ip)
			}
			got := isENIs(t, a, &ecs2.DescribeNetworkInterfacesRequest{NetworkInterfaceId: []*string{eni.NetworkInterfaceId}})
			if len(got) != 1 {
				t.Fatalf("DescribeNetworkInterfaces by id: %d ENIs, want 1", len(got))
			}
			n := got[0]
			checks := map[string][2]any{
				"NetworkInterfaceId":          {dara.StringValue(n.NetworkInterfaceId), dara.StringValue(eni.NetworkInterfaceId)},
				"InstanceId":                  {dara.StringValue(n.InstanceId), pre},
				"Type":                        {dara.StringValue(n.Type), "Primary"},
				"Status":                      {dara.StringValue(n.Status), "InUse"},
				"PrivateIpAddress":            {dara.StringValue(n.PrivateIpAddress), ip},
				"VpcId":                       {dara.StringValue(n.VpcId), dara.StringValue(inst.VpcAttributes.VpcId)},
				"VSwitchId":                   {dara.StringValue(n.VSwitchId), dara.StringValue(inst.VpcAttributes.VSwitchId)},
				"ZoneId":                      {dara.StringValue(n.ZoneId), dara.StringValue(inst.ZoneId)},
				"MacAddress":                  {dara.StringValue(n.MacAddress), dara.StringValue(eni.MacAddress)},
				"SecurityGroupId":             {dara.StringValue(n.SecurityGroupIds.SecurityGroupId[0]), dara.StringValue(inst.SecurityGroupIds.SecurityGroupId[0])},
				"NetworkInterfaceTrafficMode": {dara.StringValue(n.NetworkInterfaceTrafficMode), "Standard"},
				"QueuePairNumber":             {dara.Int32Value(n.QueuePairNumber), int32(2)},
				"SourceDestCheck":             {n.SourceDestCheck != nil && !*n.SourceDestCheck, true},
				"Attachment.NetworkCardIndex": {n.Attachment != nil && n.Attachment.NetworkCardIndex != nil && *n.Attachment.NetworkCardIndex == 0, true},
				"Attachment.InstanceId":       {dara.StringValue(n.Attachment.InstanceId), pre},
				"PrivateIpSet":                {len(n.PrivateIpSets.PrivateIpSet) == 1 && dara.BoolValue(n.PrivateIpSets.PrivateIpSet[0].Primary) && dara.StringValue(n.PrivateIpSets.PrivateIpSet[0].PrivateIpAddress) == ip, true},
				"Ipv6Sets":                    {n.Ipv6Sets != nil && len(n.Ipv6Sets.Ipv6Set) == 0, true},
			}
			for k, v := range checks {
				if v[0] != v[1] {
					t.Errorf("ENI %s: %v, want %v", k, v[0], v[1])
				}
			}

			// The PostPaid instance asked for a secondary ENI too.
			postENIs := isENIs(t, a, &ecs2.DescribeNetworkInterfacesRequest{InstanceId: isStr(post)})
			if len(postENIs) != 2 || dara.StringValue(postENIs[0].Type) != "Primary" || dara.StringValue(postENIs[1].Type) != "Secondary" ||
				dara.Int32Value(postENIs[1].Attachment.DeviceIndex) != 1 {
				t.Errorf("ENIs of %s: %d, want its primary and one secondary", post, len(postENIs))
			}
			if got := isENIs(t, a, &ecs2.DescribeNetworkInterfacesRequest{Type: isStr("Secondary")}); len(got) != 1 || dara.StringValue(got[0].InstanceId) != post {
				t.Errorf("Type=Secondary: %d ENIs, want the one of %s", len(got), post)
			}
			if got := isENIs(t, a, &ecs2.DescribeNetworkInterfacesRequest{PrivateIpAddress: []*string{isStr(ip)}}); len(got) != 1 || dara.StringValue(got[0].InstanceId) != pre {
				t.Errorf("PrivateIpAddress=%s: %d ENIs", ip, len(got))
			}
			if got := isENIs(t, a, &ecs2.DescribeNetworkInterfacesRequest{VSwitchId: inst.VpcAttributes.VSwitchId, PageSize: dara.Int32(2)}); len(got) != 2 {
				t.Errorf("VSwitchId, PageSize 2: %d ENIs, want 2 of 3", len(got))
			}
			for name, req := range map[string]*ecs2.DescribeNetworkInterfacesRequest{
				"NetworkInterfaceName": {NetworkInterfaceName: isStr("web")},
				"Tag":                  {Tag: []*ecs2.DescribeNetworkInterfacesRequestTag{{Key: isStr("k"), Value: isStr("v")}}},
				"Status=Available":     {Status: isStr("Available")},
				"ServiceManaged":       {ServiceManaged: dara.Bool(true)},
				"Ipv6Address":          {Ipv6Address: []*string{isStr("2408::1")}},
			} {
				if got := isENIs(t, a, req); len(got) != 0 {
					t.Errorf("%s: %d ENIs, want none (no ENI has it)", name, len(got))
				}
			}
			_, err := a.v2.DescribeNetworkInterfaces(&ecs2.DescribeNetworkInterfacesRequest{RegionId: isStr(isRegion), NetworkInterfaceId: []*string{isStr("eni-bpnosuchinterface00")}})
			lcWantV2(t, "unknown ENI", err, "InvalidEniId.NotFound", 404)
			_, err = a.v2.DescribeNetworkInterfaces(&ecs2.DescribeNetworkInterfacesRequest{RegionId: isStr(isRegion), Type: isStr("Virtual")})
			lcWantV2(t, "Type=Virtual", err, "InvalidParameter", 400)
			_, err = a.v2.DescribeNetworkInterfaces(&ecs2.DescribeNetworkInterfacesRequest{RegionId: isStr(isRegion), MaxResults: dara.Int32(501)})
			lcWantV2(t, "MaxResults 501", err, "InvalidParameter", 400)

			// Another account sees none of them.
			b := lcAccount(t, s, "other", "10.00", "0.00")
			_, err = b.v2.DescribeNetworkInterfaces(&ecs2.DescribeNetworkInterfacesRequest{RegionId: isStr(isRegion), NetworkInterfaceId: []*string{eni.NetworkInterfaceId}})
			lcWantV2(t, "another account's ENI", err, "InvalidEniId.NotFound", 404)
		})

		t.Run("Maintenance", func(t *testing.T) {
			m := isMaintenance(t, a, pre)
			if dara.StringValue(m.ActionOnMaintenance.Value) != "AutoRecover" || dara.StringValue(m.ActionOnMaintenance.DefaultValue) != "AutoRecover" ||
				len(m.ActionOnMaintenance.SupportedValues.SupportedValue) != 2 || dara.BoolValue(m.NotifyOnMaintenance) || len(m.MaintenanceWindows.MaintenanceWindow) != 0 {
				t.Errorf("default maintenance attributes: %v", m)
			}
			_, err := a.v2.ModifyInstanceMaintenanceAttributes(&ecs2.ModifyInstanceMaintenanceAttributesRequest{
				RegionId: isStr(isRegion), InstanceId: []*string{isStr(pre)}, ActionOnMaintenance: isStr("Stop"), NotifyOnMaintenance: dara.Bool(true),
				MaintenanceWindow: []*ecs2.ModifyInstanceMaintenanceAttributesRequestMaintenanceWindow{{StartTime: isStr("02:00:00"), EndTime: isStr("05:00:00")}},
			})
			if err != nil {
				t.Fatal(err)
			}
			m = isMaintenance(t, a, pre)
			if dara.StringValue(m.ActionOnMaintenance.Value) != "Stop" || !dara.BoolValue(m.NotifyOnMaintenance) || len(m.MaintenanceWindows.MaintenanceWindow) != 1 ||
				dara.StringValue(m.MaintenanceWindows.MaintenanceWindow[0].StartTime) != "02:00:00" || dara.StringValue(m.MaintenanceWindows.MaintenanceWindow[0].EndTime) != "05:00:00" {
				t.Errorf("after ModifyInstanceMaintenanceAttributes: %v", m)
			}
			// What is not given stays.
			if _, err := a.v2.ModifyInstanceMaintenanceAttributes(&ecs2.ModifyInstanceMaintenanceAttributesRequest{RegionId: isStr(isRegion), InstanceId: []*string{isStr(pre)}, NotifyOnMaintenance: dara.Bool(false)}); err != nil {
				t.Fatal(err)
			}
			if m = isMaintenance(t, a, pre); dara.StringValue(m.ActionOnMaintenance.Value) != "Stop" || dara.BoolValue(m.NotifyOnMaintenance) || len(m.MaintenanceWindows.MaintenanceWindow) != 1 {
				t.Errorf("after changing NotifyOnMaintenance only: %v", m)
			}
			modify := func(edit func(*ecs2.ModifyInstanceMaintenanceAttributesRequest)) error {
				r := &ecs2.ModifyInstanceMaintenanceAttributesRequest{RegionId: isStr(isRegion), InstanceId: []*string{isStr(pre)}}
				edit(r)
				_, err := a.v2.ModifyInstanceMaintenanceAttributes(r)
				return err
			}
			window := func(from, to string) func(*ecs2.ModifyInstanceMaintenanceAttributesRequest) {
				return func(r *ecs2.ModifyInstanceMaintenanceAttributesRequest) {
					r.MaintenanceWindow = []*ecs2.ModifyInstanceMaintenanceAttributesRequestMaintenanceWindow{{StartTime: isStr(from), EndTime: isStr(to)}}
				}
			}
			lcWantV2(t, "AutoRedeploy without local disks", modify(func(r *ecs2.ModifyInstanceMaintenanceAttributesRequest) {
				r.ActionOnMaintenance = isStr("AutoRedeploy")
			}), "InvalidParameter", 400)
			lcWantV2(t, "window not on the hour", modify(window("02:30:00", "05:00:00")), "InvalidParameter", 400)
			lcWantV2(t, "window ending before it starts", modify(window("05:00:00", "02:00:00")), "InvalidParameter", 400)
			lcWantV2(t, "no InstanceId", modify(func(r *ecs2.ModifyInstanceMaintenanceAttributesRequest) { r.InstanceId = nil }), "MissingParameter", 400)
			lcWantV2(t, "unknown instance", modify(func(r *ecs2.ModifyInstanceMaintenanceAttributesRequest) {
				r.InstanceId = []*string{isStr(post), isStr("i-bpnosuchinstance0000")}
			}), "InvalidInstanceId.NotFound", 404)
			// The failed call changed nothing, the known instance included.
			if m := isMaintenance(t, a, post); dara.StringValue(m.ActionOnMaintenance.Value) != "AutoRecover" {
				t.Errorf("%s after a refused change: %v", post, m)
			}
		})

		t.Run("Attachment", func(t *testing.T) {
			resp, err := a.v2.DescribeInstanceAttachmentAttributes(&ecs2.DescribeInstanceAttachmentAttributesRequest{RegionId: isStr(isRegion), InstanceIds: isIDs(pre, post, "i-bpnosuchinstance0000")})
			if err != nil {
				t.Fatal(err)
			}
			list := resp.Body.Instances.Instance
			if len(list) != 2 || dara.StringValue(list[0].InstanceId) != pre || dara.StringValue(list[1].InstanceId) != post {
				t.Fatalf("DescribeInstanceAttachmentAttributes: %v", list)
			}
			for _, i := range list {
				if dara.StringValue(i.PrivatePoolOptionsMatchCriteria) != "Open" || dara.StringValue(i.PrivatePoolOptionsId) != "" {
					t.Errorf("%s: %v, want Open and no pool", dara.StringValue(i.InstanceId), i)
				}
			}
			_, err = a.v2.DescribeInstanceAttachmentAttributes(&ecs2.DescribeInstanceAttachmentAttributesRequest{RegionId: isStr(isRegion), InstanceIds: isStr("not json")})
			lcWantV2(t, "InstanceIds not JSON", err, "InvalidParameter", 400)
		})

		t.Run("StoppedMode", func(t *testing.T) {
			stop := func(id, mode string) error {
				_, err := a.v2.StopInstance(&ecs2.StopInstanceRequest{InstanceId: isStr(id), StoppedMode: isStr(mode)})
				return err
			}
			start := func(id string) {
				if _, err := a.v2.StartInstance(&ecs2.StartInstanceRequest{InstanceId: isStr(id)}); err != nil {
					t.Fatal(err)
				}
				a.waitStatus(t, "Running", id)
			}
			for _, c := range []struct{ id, mode, want string }{
				{pre, "Not-applicable", "KeepCharging"},
				{pre, "StopCharging", "KeepCharging"}, // a subscription is stopped in standard mode, without an error
				{post, "Not-applicable", "KeepCharging"},
				{post, "StopCharging", "StopCharging"},
				{post, "KeepCharging", "KeepCharging"},
			} {
				if got := a.one(t, c.id).StoppedMode; got != "Not-applicable" {
					t.Errorf("%s running: StoppedMode %q, want Not-applicable", c.id, got)
				}
				if err := stop(c.id, c.mode); err != nil {
					t.Fatalf("StopInstance %s %s: %v", c.id, c.mode, err)
				}
				a.waitStatus(t, "Stopped", c.id)
				if got := a.one(t, c.id).StoppedMode; got != c.want {
					t.Errorf("%s stopped with %s: StoppedMode %q, want %s", c.id, c.mode, got, c.want)
				}
				start(c.id)
			}
			lcWantV2(t, "StoppedMode Sometimes", stop(pre, "Sometimes"), "InvalidParameter", 400)
		})

		t.Run("QueryAvailableInstances", func(t *testing.T) {
			query := func(edit func(*bssopenapi.QueryAvailableInstancesRequest)) (*bssopenapi.QueryAvailableInstancesResponse, error) {
				r := bssopenapi.CreateQueryAvailableInstancesRequest()
				edit(r)
				return a.bss.QueryAvailableInstances(r)
			}
			// What the Terraform provider sends on every command.
			resp, err := query(func(r *bssopenapi.QueryAvailableInstancesRequest) {
				r.ProductCode, r.QueryParams["ProductType"], r.SubscriptionType = "vipcloudfw", "vipcloudfw", "Subscription"
				r.PageNum, r.PageSize = requests.NewInteger(1), requests.NewInteger(50)
			})
			if err != nil || !resp.Success || resp.Code != "Success" || resp.Data.TotalCount != 0 || len(resp.Data.InstanceList) != 0 || resp.Data.PageSize != 50 {
				t.Fatalf("QueryAvailableInstances vipcloudfw: %v %+v", err, resp)
			}
			resp, err = query(func(r *bssopenapi.QueryAvailableInstancesRequest) {
				r.ProductCode, r.SubscriptionType = "ecs", "Subscription"
			})
			if err != nil || resp.Data.TotalCount != 1 || len(resp.Data.InstanceList) != 1 {
				t.Fatalf("QueryAvailableInstances ecs Subscription: %v %+v", err, resp)
			}
			if i := resp.Data.InstanceList[0]; i.InstanceID != pre || i.SubscriptionType != "Subscription" || i.Region != isRegion || i.EndTime == "" {
				t.Errorf("subscription as BSS lists it: %+v", i)
			}
			resp, err = query(func(r *bssopenapi.QueryAvailableInstancesRequest) { r.SubscriptionType = "PayAsYouGo" })
			if err != nil || resp.Data.TotalCount != 1 || resp.Data.InstanceList[0].InstanceID != post {
				t.Errorf("QueryAvailableInstances PayAsYouGo: %v %+v", err, resp)
			}
			resp, err = query(func(r *bssopenapi.QueryAvailableInstancesRequest) {
				r.PageSize = requests.NewInteger(1)
				r.PageNum = requests.NewInteger(2)
			})
			if err != nil || resp.Data.TotalCount != 2 || len(resp.Data.InstanceList) != 1 || resp.Data.PageNum != 2 {
				t.Errorf("QueryAvailableInstances page 2 of 1: %v %+v", err, resp)
			}
			_, err = query(func(r *bssopenapi.QueryAvailableInstancesRequest) { r.PageSize = requests.NewInteger(301) })
			lcWantV1(t, "QueryAvailableInstances PageSize 301", err, "InvalidParameter", 400)
			_, err = query(func(r *bssopenapi.QueryAvailableInstancesRequest) { r.SubscriptionType = "Forever" })
			lcWantV1(t, "QueryAvailableInstances SubscriptionType Forever", err, "InvalidParameter", 400)
		})

		t.Run("RAM", func(t *testing.T) {
			main := ramNewActor(t, s, a.ID, a.keyID, a.secr)
			main.createPolicy(t, "ReadPre", `{"Version":"1","Statement":[{"Effect":"Allow","Action":["ecs:DescribeUserData","ecs:DescribeInstanceAutoRenewAttribute",`+
				`"ecs:DescribeNetworkInterfaces"],"Resource":["acs:ecs:*:`+a.ID+`:instance/`+pre+`","acs:ecs:*:`+a.ID+`:eni/*"]}]}`)
			u := main.user(t, "reader", "ReadPre")
			v2 := s.SDKv2(t, u.keyID, u.secret)
			if _, err := v2.DescribeUserData(&ecs2.DescribeUserDataRequest{RegionId: isStr(isRegion), InstanceId: isStr(pre)}); err != nil {
				t.Errorf("DescribeUserData of the allowed instance: %v", err)
			}
			// Without RegionId the ARN names the instance's own region.
			if _, err := v2.DescribeUserData(&ecs2.DescribeUserDataRequest{InstanceId: isStr(pre)}); err != nil {
				t.Errorf("DescribeUserData without RegionId: %v", err)
			}
			_, err := v2.DescribeUserData(&ecs2.DescribeUserDataRequest{RegionId: isStr(isRegion), InstanceId: isStr(post)})
			lcWantV2(t, "DescribeUserData of another instance", err, "Forbidden.RAM", 403)
			_, err = v2.DescribeInstanceAutoRenewAttribute(&ecs2.DescribeInstanceAutoRenewAttributeRequest{RegionId: isStr(isRegion), InstanceId: isStr(pre + "," + post)})
			lcWantV2(t, "DescribeInstanceAutoRenewAttribute of two, one not allowed", err, "Forbidden.RAM", 403)
			if _, err := v2.DescribeNetworkInterfaces(&ecs2.DescribeNetworkInterfacesRequest{RegionId: isStr(isRegion)}); err != nil {
				t.Errorf("DescribeNetworkInterfaces on eni/*: %v", err)
			}
			_, err = v2.ModifyInstanceAutoRenewAttribute(&ecs2.ModifyInstanceAutoRenewAttributeRequest{RegionId: isStr(isRegion), InstanceId: isStr(pre), RenewalStatus: isStr("Normal")})
			lcWantV2(t, "ModifyInstanceAutoRenewAttribute not allowed", err, "Forbidden.RAM", 403)
			_, err = v2.DescribeInstanceMaintenanceAttributes(&ecs2.DescribeInstanceMaintenanceAttributesRequest{RegionId: isStr(isRegion), InstanceId: []*string{isStr(pre)}})
			lcWantV2(t, "DescribeInstanceMaintenanceAttributes not allowed", err, "Forbidden.RAM", 403)
		})

		// Last: it moves the clock past the subscription's end.
		t.Run("AutoRenew", func(t *testing.T) {
			isWantRenewal(t, a, pre, "AutoRenewal", true, 3, "Month")
			_, err := a.v2.DescribeInstanceAutoRenewAttribute(&ecs2.DescribeInstanceAutoRenewAttributeRequest{RegionId: isStr(isRegion), InstanceId: isStr(post)})
			lcWantV2(t, "DescribeInstanceAutoRenewAttribute of a PostPaid instance", err, "ChargeTypeViolation", 403)

			modify := func(id, status string, duration int32, unit string) error {
				r := &ecs2.ModifyInstanceAutoRenewAttributeRequest{RegionId: isStr(isRegion), InstanceId: isStr(id), RenewalStatus: isStr(status)}
				if duration > 0 {
					r.Duration = dara.Int32(duration)
				}
				if unit != "" {
					r.PeriodUnit = isStr(unit)
				}
				_, err := a.v2.ModifyInstanceAutoRenewAttribute(r)
				return err
			}
			if err := modify(pre, "NotRenewal", 0, ""); err != nil {
				t.Fatal(err)
			}
			isWantRenewal(t, a, pre, "NotRenewal", false, 0, "Month")
			if err := modify(pre, "AutoRenewal", 1, "Year"); err != nil {
				t.Fatal(err)
			}
			isWantRenewal(t, a, pre, "AutoRenewal", true, 12, "Month")
			lcWantV2(t, "Duration 5 months", modify(pre, "AutoRenewal", 5, "Month"), "InvalidParameter", 400)
			lcWantV2(t, "Duration with Normal", modify(pre, "Normal", 2, "Month"), "InvalidParameter", 400)
			lcWantV2(t, "RenewalStatus Sometimes", modify(pre, "Sometimes", 0, ""), "InvalidParameter", 400)
			lcWantV2(t, "a PostPaid instance", modify(post, "AutoRenewal", 1, "Month"), "ChargeTypeViolation", 403)
			lcWantV2(t, "an unknown instance", modify(pre+",i-bpnosuchinstance0000", "Normal", 0, ""), "InvalidInstanceId.NotFound", 404)
			isWantRenewal(t, a, pre, "AutoRenewal", true, 12, "Month") // the refused calls changed nothing
			if err := modify(pre, "AutoRenewal", 2, "Month"); err != nil {
				t.Fatal(err)
			}
			isWantRenewal(t, a, pre, "AutoRenewal", true, 2, "Month")
			// AutoRenew=true without RenewalStatus is AutoRenewal too; the
			// Terraform provider's shape: no RegionId.
			manual := isBuy(t, a, lcPrePaid(1, "Month"), lcAutoRenew)
			isWantRenewal(t, a, manual, "AutoRenewal", true, 1, "Month")
			if _, err := a.v2.ModifyInstanceAutoRenewAttribute(&ecs2.ModifyInstanceAutoRenewAttributeRequest{InstanceId: isStr(manual), AutoRenew: dara.Bool(false)}); err != nil {
				t.Fatal(err)
			}
			isWantRenewal(t, a, manual, "Normal", false, 0, "Month")
			if resp, err := a.v2.DescribeInstanceAutoRenewAttribute(&ecs2.DescribeInstanceAutoRenewAttributeRequest{RegionId: isStr(isRegion), RenewalStatus: isStr("AutoRenewal")}); err != nil ||
				len(resp.Body.InstanceRenewAttributes.InstanceRenewAttribute) != 1 || dara.StringValue(resp.Body.InstanceRenewAttributes.InstanceRenewAttribute[0].InstanceId) != pre {
				t.Errorf("RenewalStatus=AutoRenewal lists %v (%v), want %s alone", resp, err, pre)
			}

			// At the subscriptions' end the stored settings decide: pre is
			// renewed by 2 months from the balance, manual expires.
			expires := scExpires(t, a, pre)
			cash, _ := scBalance(t, a)
			lcSetClock(t, s, expires.Add(time.Hour).Format(time.RFC3339))
			if got := scExpires(t, a, pre); !got.After(expires.AddDate(0, 1, 27)) {
				t.Errorf("%s after its end: ExpiredTime %s, want two months past %s", pre, got, expires)
			}
			after, _ := scBalance(t, a)
			if want := cash - 2*scPrice(t, s, "ecs.g6.large"); after != want {
				t.Errorf("balance after the 2-month auto-renewal %s, want %s", scAmount(after), scAmount(want))
			}
			a.waitStatus(t, "Stopped", manual)
			_, err = a.v2.StartInstance(&ecs2.StartInstanceRequest{InstanceId: isStr(manual)})
			lcWantV2(t, "start the expired subscription", err, "InstanceExpired", 403)
		})

		t.Run("DeleteRemovesENIs", func(t *testing.T) {
			_, eni := isPrimaryENI(t, a, post)
			if _, err := a.v2.DeleteInstance(&ecs2.DeleteInstanceRequest{InstanceId: isStr(post), Force: dara.Bool(true)}); err != nil {
				t.Fatal(err)
			}
			_, err := a.v2.DescribeNetworkInterfaces(&ecs2.DescribeNetworkInterfacesRequest{RegionId: isStr(isRegion), NetworkInterfaceId: []*string{eni.NetworkInterfaceId}})
			lcWantV2(t, "ENI of a deleted instance", err, "InvalidEniId.NotFound", 404)
			if got := isENIs(t, a, &ecs2.DescribeNetworkInterfacesRequest{InstanceId: isStr(post)}); len(got) != 0 {
				t.Errorf("%d ENIs left of the deleted instance", len(got))
			}
		})
	})
}
