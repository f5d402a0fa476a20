package conformance

import (
	"fmt"
	"testing"

	ecs2 "github.com/alibabacloud-go/ecs-20140526/v7/client"
	"github.com/alibabacloud-go/tea/dara"

	"github.com/ecsd/ecsd/internal/ecsdtest"
)

// TestRAMInstanceWrites checks the RAM actions and ARNs of
// ModifyInstanceAttribute, ModifyInstanceChargeType, ModifyInstanceSpec
// and the tag actions through Go SDK v2 with a RAM user's keys, on each
// store: a policy on one instance allows that one only, and a Deny on the
// instance's region holds even when the request names no region (the ARN
// is checked as stored).
func TestRAMInstanceWrites(t *testing.T) {
	t.Parallel()
	ecsdtest.Each(t, ecsdtest.Options{}, func(t *testing.T, s *ecsdtest.Server) {
		main := ramMainAccount(t, s, "ram-writes")
		allowed, other := main.runInstance(t), main.runInstance(t)
		main.waitStatus(t, "Running", allowed, other)
		acct := main.accountID
		main.createPolicy(t, "one-instance", fmt.Sprintf(`{"Version":"1","Statement":[
			{"Effect":"Allow","Action":["ecs:ModifyInstanceAttribute","ecs:ModifyInstanceChargeType","ecs:ModifyInstanceSpec","ecs:TagResources","ecs:UntagResources"],
			 "Resource":["acs:ecs:*:%s:instance/%s"]},
			{"Effect":"Allow","Action":"ecs:ListTagResources","Resource":"*"}]}`, acct, allowed))
		u := main.user(t, "writer", "one-instance")
		v2 := s.SDKv2(t, u.keyID, u.secret)

		name := func(id string) error {
			_, err := v2.ModifyInstanceAttribute(&ecs2.ModifyInstanceAttributeRequest{InstanceId: dara.String(id), InstanceName: dara.String("named")})
			return err
		}
		if err := name(allowed); err != nil {
			t.Errorf("ModifyInstanceAttribute on the allowed instance: %v", err)
		}
		lcWantV2(t, "ModifyInstanceAttribute on another instance", name(other), "Forbidden.RAM", 403)
		_, err := v2.ModifyInstanceChargeType(&ecs2.ModifyInstanceChargeTypeRequest{RegionId: dara.String("cn-hangzhou"), InstanceIds: ctIDs(allowed, other),
			InstanceChargeType: dara.String("PrePaid"), Period: dara.Int32(1), DryRun: dara.Bool(true)})
		lcWantV2(t, "ModifyInstanceChargeType naming another instance", err, "Forbidden.RAM", 403)
		_, err = v2.ModifyInstanceChargeType(&ecs2.ModifyInstanceChargeTypeRequest{RegionId: dara.String("cn-hangzhou"), InstanceIds: ctIDs(allowed),
			InstanceChargeType: dara.String("PrePaid"), Period: dara.Int32(1), DryRun: dara.Bool(true)})
		lcWantV2(t, "ModifyInstanceChargeType on the allowed instance (dry run)", err, "DryRunOperation", 400)
		// The money permissions of the spec change: the price for an order
		// left unpaid, the refund for a refund.
		_, err = v2.ModifyInstanceChargeType(&ecs2.ModifyInstanceChargeTypeRequest{RegionId: dara.String("cn-hangzhou"), InstanceIds: ctIDs(allowed),
			InstanceChargeType: dara.String("PrePaid"), Period: dara.Int32(1), AutoPay: dara.Bool(false)})
		lcWantV2(t, "ModifyInstanceChargeType AutoPay=false without bss:GetSubscriptionPrice", err, "NoPermission.Price", 400)
		mainV2 := &lcActor{s: s, ID: acct, v2: s.SDKv2(t, main.keyID, main.secret)}
		ctChange(t, mainV2, ctToPrePaid(1, true, allowed))
		_, err = v2.ModifyInstanceChargeType(ctToPostPaid("", allowed))
		lcWantV2(t, "ModifyInstanceChargeType to PostPaid without bss:RefundInstance", err, "NoPermission.Refund", 400)
		main.createPolicy(t, "refunds", `{"Version":"1","Statement":[{"Effect":"Allow","Action":"bss:RefundInstance","Resource":"*"}]}`)
		main.attach(t, "writer", "Custom", "refunds")
		if _, err := v2.ModifyInstanceChargeType(ctToPostPaid("", allowed)); err != nil {
			t.Errorf("ModifyInstanceChargeType to PostPaid with bss:RefundInstance: %v", err)
		}
		_, err = v2.ModifyInstanceSpec(&ecs2.ModifyInstanceSpecRequest{InstanceId: dara.String(other), InstanceType: dara.String("ecs.g6.xlarge")})
		lcWantV2(t, "ModifyInstanceSpec on another instance", err, "Forbidden.RAM", 403)
		_, err = v2.ModifyInstanceSpec(&ecs2.ModifyInstanceSpecRequest{InstanceId: dara.String(allowed), InstanceType: dara.String("ecs.g6.xlarge")})
		lcWantV2(t, "ModifyInstanceSpec on the allowed, Running instance", err, "InvalidInstanceStatus.NotStopped", 400)
		tag := func(ids ...string) error {
			_, err := v2.TagResources(&ecs2.TagResourcesRequest{RegionId: dara.String("cn-hangzhou"), ResourceType: dara.String("instance"),
				ResourceId: dara.StringSlice(ids), Tag: tgTags("team", "a")})
			return err
		}
		if err := tag(allowed); err != nil {
			t.Errorf("TagResources on the allowed instance: %v", err)
		}
		lcWantV2(t, "TagResources naming another instance", tag(allowed, other), "Forbidden.RAM", 403)
		lc := &lcActor{s: s, ID: acct, v2: v2}
		if rows := tgList(t, lc, &ecs2.ListTagResourcesRequest{ResourceType: dara.String("instance")}); len(rows) != 1 {
			t.Errorf("ListTagResources as the user: %v", rows)
		}

		// A Deny on the instance's region, with a request that names none.
		main.createPolicy(t, "no-hangzhou", fmt.Sprintf(`{"Version":"1","Statement":[
			{"Effect":"Allow","Action":"ecs:ModifyInstanceAttribute","Resource":"acs:ecs:*:%s:instance/*"},
			{"Effect":"Deny","Action":"ecs:ModifyInstanceAttribute","Resource":"acs:ecs:cn-hangzhou:%s:instance/*"}]}`, acct, acct))
		d := main.user(t, "denied", "no-hangzhou")
		dv2 := s.SDKv2(t, d.keyID, d.secret)
		_, err = dv2.ModifyInstanceAttribute(&ecs2.ModifyInstanceAttributeRequest{InstanceId: dara.String(allowed), InstanceName: dara.String("renamed")})
		lcWantV2(t, "ModifyInstanceAttribute denied in the instance's region", err, "Forbidden.RAM", 403)
		if i := main.fresh(t); i != nil {
			got, err := i.describeInstances(allowed)
			ramOK(t, "DescribeInstances", err)
			if got[allowed].InstanceName != "named" {
				t.Errorf("a denied call renamed the instance to %q", got[allowed].InstanceName)
			}
		}
	})
}
