package conformance

import (
	"context"
	"encoding/base64"
	"strings"
	"testing"

	ecs2 "github.com/alibabacloud-go/ecs-20140526/v7/client"
	"github.com/alibabacloud-go/tea/dara"

	"github.com/ecsd/ecsd/internal/ecsdtest"
)

// The attribute tests' helpers are named ia….

func iaModify(a *lcActor, id string, edit func(*ecs2.ModifyInstanceAttributeRequest)) error {
	r := &ecs2.ModifyInstanceAttributeRequest{InstanceId: dara.String(id)}
	edit(r)
	_, err := a.v2.ModifyInstanceAttribute(r)
	return err
}

func iaDescribe(t *testing.T, a *lcActor, id string) *ecs2.DescribeInstancesResponseBodyInstancesInstance {
	t.Helper()
	resp, err := a.v2.DescribeInstances(&ecs2.DescribeInstancesRequest{RegionId: dara.String("cn-hangzhou"), InstanceIds: ctIDs(id)})
	if err != nil {
		t.Fatalf("DescribeInstances: %v", err)
	}
	if len(resp.Body.Instances.Instance) != 1 {
		t.Fatalf("DescribeInstances %s: %d instances", id, len(resp.Body.Instances.Instance))
	}
	return resp.Body.Instances.Instance[0]
}

// TestModifyInstanceAttribute sets attributes through Go SDK v2 and reads
// them back, on each store; release protection stops DeleteInstance.
func TestModifyInstanceAttribute(t *testing.T) {
	t.Parallel()
	ecsdtest.Each(t, ecsdtest.Options{}, func(t *testing.T, s *ecsdtest.Server) {
		a := lcAccount(t, s, "attrs", "10000.00", "0.00")
		id := a.mustRun(t, lcZone("cn-hangzhou-h")).InstanceIdSets.InstanceIdSet[0]
		a.waitStatus(t, "Running", id)
		// A group of the instance's VPC (the default one, as no VpcId is given).
		sg, err := a.v2.CreateSecurityGroup(&ecs2.CreateSecurityGroupRequest{RegionId: dara.String("cn-hangzhou"), SecurityGroupName: dara.String("custom")})
		if err != nil {
			t.Fatal(err)
		}
		custom := dara.StringValue(sg.Body.SecurityGroupId)

		err = iaModify(a, id, func(r *ecs2.ModifyInstanceAttributeRequest) {
			r.InstanceName, r.Description, r.HostName = dara.String("web-1:blue_a.b"), dara.String("front end"), dara.String("web-1.example")
			r.Password, r.DeletionProtection = dara.String("Secr3t!pass"), dara.Bool(true)
			r.SecurityGroupIds = dara.StringSlice([]string{custom})
		})
		if err != nil {
			t.Fatalf("ModifyInstanceAttribute: %v", err)
		}
		i := iaDescribe(t, a, id)
		if dara.StringValue(i.InstanceName) != "web-1:blue_a.b" || dara.StringValue(i.Description) != "front end" || dara.StringValue(i.HostName) != "web-1.example" ||
			!dara.BoolValue(i.DeletionProtection) || len(i.SecurityGroupIds.SecurityGroupId) != 1 || dara.StringValue(i.SecurityGroupIds.SecurityGroupId[0]) != custom {
			t.Errorf("DescribeInstances after the change: %s %q %s protection=%v sg=%v", dara.StringValue(i.InstanceName), dara.StringValue(i.Description),
				dara.StringValue(i.HostName), dara.BoolValue(i.DeletionProtection), dara.StringSliceValue(i.SecurityGroupIds.SecurityGroupId))
		}
		attr, err := a.v2.DescribeInstanceAttribute(&ecs2.DescribeInstanceAttributeRequest{InstanceId: dara.String(id)})
		if err != nil || dara.StringValue(attr.Body.InstanceName) != "web-1:blue_a.b" || dara.StringValue(attr.Body.HostName) != "web-1.example" {
			t.Errorf("DescribeInstanceAttribute: %v %v", err, attr)
		}
		stored, err := s.Server.Store.InstanceGetByID(context.Background(), id)
		if err != nil {
			t.Fatal(err)
		}
		if stored.PasswordHash == "" || strings.Contains(stored.PasswordHash, "Secr3t") {
			t.Errorf("the password is kept as %q, want a hash", stored.PasswordHash)
		}
		// Attributes not named stay; an empty value is not sent as a value
		// (the wire treats it as absent, as ECS does).
		if err := iaModify(a, id, func(r *ecs2.ModifyInstanceAttributeRequest) {
			r.HostName, r.Description = dara.String("web-2"), dara.String("")
		}); err != nil {
			t.Fatal(err)
		}
		if i := iaDescribe(t, a, id); dara.StringValue(i.InstanceName) != "web-1:blue_a.b" || dara.StringValue(i.Description) != "front end" || dara.StringValue(i.HostName) != "web-2" {
			t.Errorf("after changing HostName: %s %q %s", dara.StringValue(i.InstanceName), dara.StringValue(i.Description), dara.StringValue(i.HostName))
		}

		// Release protection.
		_, err = a.v2.DeleteInstance(&ecs2.DeleteInstanceRequest{InstanceId: dara.String(id), Force: dara.Bool(true)})
		lcWantV2(t, "DeleteInstance with release protection", err, "InvalidOperation.DeletionProtection", 403)

		// Stopped-only attributes.
		ud := base64.StdEncoding.EncodeToString([]byte("#!/bin/sh\necho hi\n"))
		lcWantV2(t, "UserData while Running", iaModify(a, id, func(r *ecs2.ModifyInstanceAttributeRequest) { r.UserData = dara.String(ud) }), "IncorrectInstanceStatus", 403)
		lcWantV2(t, "queues while Running", iaModify(a, id, func(r *ecs2.ModifyInstanceAttributeRequest) { r.NetworkInterfaceQueueNumber = dara.Int32(2) }), "IncorrectInstanceStatus", 403)
		scStop(t, a, id)
		if err := iaModify(a, id, func(r *ecs2.ModifyInstanceAttributeRequest) {
			r.UserData, r.NetworkInterfaceQueueNumber = dara.String(ud), dara.Int32(2)
		}); err != nil {
			t.Fatalf("UserData and queues while Stopped: %v", err)
		}
		if stored, _ := s.Server.Store.InstanceGetByID(context.Background(), id); stored.UserData != ud || stored.EniQueueNumber != 2 {
			t.Errorf("stored UserData %q queues %d", stored.UserData, stored.EniQueueNumber)
		}
		big := base64.StdEncoding.EncodeToString(make([]byte, 16<<10+1))
		lcWantV2(t, "UserData over 16 KiB", iaModify(a, id, func(r *ecs2.ModifyInstanceAttributeRequest) { r.UserData = dara.String(big) }), "InvalidUserData.SizeExceeded", 400)
		lcWantV2(t, "64 queues", iaModify(a, id, func(r *ecs2.ModifyInstanceAttributeRequest) { r.NetworkInterfaceQueueNumber = dara.Int32(64) }), "InvalidOperation.MaxEniQueueNumberExceeded", 403)

		// Validation codes.
		for _, c := range []struct {
			what   string
			edit   func(*ecs2.ModifyInstanceAttributeRequest)
			code   string
			status int
		}{
			{"name starting with a digit", func(r *ecs2.ModifyInstanceAttributeRequest) { r.InstanceName = dara.String("1web") }, "InvalidInstanceName.Malformed", 400},
			{"name of one character", func(r *ecs2.ModifyInstanceAttributeRequest) { r.InstanceName = dara.String("w") }, "InvalidInstanceName.Malformed", 400},
			{"description with https://", func(r *ecs2.ModifyInstanceAttributeRequest) { r.Description = dara.String("https://x") }, "InvalidDescription.Malformed", 400},
			{"host name with ..", func(r *ecs2.ModifyInstanceAttributeRequest) { r.HostName = dara.String("a..b") }, "InvalidHostName.Malformed", 400},
			{"host name ending in -", func(r *ecs2.ModifyInstanceAttributeRequest) { r.HostName = dara.String("web-") }, "InvalidHostName.Malformed", 400},
			{"password of two kinds", func(r *ecs2.ModifyInstanceAttributeRequest) { r.Password = dara.String("alllowercase1") }, "InvalidPassword.Malformed", 400},
			{"short password", func(r *ecs2.ModifyInstanceAttributeRequest) { r.Password = dara.String("Ab1!") }, "InvalidPassword.Malformed", 400},
			{"UserData not Base64", func(r *ecs2.ModifyInstanceAttributeRequest) { r.UserData = dara.String("not base64!") }, "InvalidParameter", 400},
			{"CreditSpecification of g6", func(r *ecs2.ModifyInstanceAttributeRequest) { r.CreditSpecification = dara.String("Unlimited") }, "InvalidParameter.CreditSpecification", 400},
			{"Recyclable", func(r *ecs2.ModifyInstanceAttributeRequest) { r.Recyclable = dara.Bool(true) }, "InvalidParameter.RecycleBin", 400},
			{"EnableJumboFrame", func(r *ecs2.ModifyInstanceAttributeRequest) { r.EnableJumboFrame = dara.Bool(true) }, "InvalidParameter", 400},
			{"CpuOptions.Core", func(r *ecs2.ModifyInstanceAttributeRequest) {
				r.CpuOptions = &ecs2.ModifyInstanceAttributeRequestCpuOptions{Core: dara.Int32(1)}
			}, "InvalidParameter", 400},
			{"unknown security group", func(r *ecs2.ModifyInstanceAttributeRequest) { r.SecurityGroupIds = dara.StringSlice([]string{"bogus"}) }, "InvalidSecurityGroupId.NotFound", 404},
			{"security group twice", func(r *ecs2.ModifyInstanceAttributeRequest) {
				r.SecurityGroupIds = dara.StringSlice([]string{"sg-bp1a", "sg-bp1a"})
			}, "InvalidParameter", 400},
		} {
			lcWantV2(t, c.what, iaModify(a, id, c.edit), c.code, c.status)
		}
		lcWantV2(t, "unknown instance", iaModify(a, "i-bp1nonexistent00000", func(r *ecs2.ModifyInstanceAttributeRequest) { r.InstanceName = dara.String("web") }), "InvalidInstanceId.NotFound", 404)
		if i := iaDescribe(t, a, id); dara.StringValue(i.InstanceName) != "web-1:blue_a.b" {
			t.Errorf("refused calls changed the name to %s", dara.StringValue(i.InstanceName))
		}

		// Burstable types take CreditSpecification, read back.
		bid := a.mustRun(t, lcZone("cn-hangzhou-g"), lcType("ecs.t5-lc1m2.large")).InstanceIdSets.InstanceIdSet[0]
		if err := iaModify(a, bid, func(r *ecs2.ModifyInstanceAttributeRequest) { r.CreditSpecification = dara.String("Unlimited") }); err != nil {
			t.Fatalf("CreditSpecification of a t5: %v", err)
		}
		if i := iaDescribe(t, a, bid); dara.StringValue(i.CreditSpecification) != "Unlimited" {
			t.Errorf("CreditSpecification %q, want Unlimited", dara.StringValue(i.CreditSpecification))
		}

		// A security lock refuses every change.
		if st := s.Admin(t, "PATCH", "/_ecsd/v1/instances/"+bid, map[string]any{"LockReason": "security"}, nil); st != 200 {
			t.Fatalf("lock: HTTP %d", st)
		}
		lcWantV2(t, "locked instance", iaModify(a, bid, func(r *ecs2.ModifyInstanceAttributeRequest) { r.InstanceName = dara.String("web") }), "InstanceLockedForSecurity", 403)

		// The provider sends a ClientToken with each change (not in the
		// SDK's model): the same token and parameters replay, others are
		// refused.
		own := &lcActor{s: s, ID: s.AccountID, v1: s.SDKv1(t, s.AccessKeyID, s.AccessKeySecret), v2: s.SDKv2(t, s.AccessKeyID, s.AccessKeySecret)}
		oid := own.mustRun(t, lcZone("cn-hangzhou-h")).InstanceIdSets.InstanceIdSet[0]
		params := map[string]string{"Action": "ModifyInstanceAttribute", "RegionId": "cn-hangzhou", "InstanceId": oid, "InstanceName": "tf-name", "ClientToken": "tf-attr-0001"}
		for range 2 {
			if r := sendV1(t, s, "POST", params); r.Status != 200 {
				t.Errorf("ModifyInstanceAttribute with a ClientToken: HTTP %d %s", r.Status, r.Body)
			}
		}
		params["InstanceName"] = "tf-other"
		wantError(t, sendV1(t, s, "POST", params), 400, "IdempotenceParamNotMatch")
		if n := own.one(t, oid).InstanceName; n != "tf-name" {
			t.Errorf("after the token's replay and refusal: %q, want tf-name", n)
		}

		// Without release protection the instance goes.
		if err := iaModify(a, id, func(r *ecs2.ModifyInstanceAttributeRequest) { r.DeletionProtection = dara.Bool(false) }); err != nil {
			t.Fatal(err)
		}
		ctDelete(t, a, id)
	})
}
