package conformance

import (
	"strings"
	"testing"

	"github.com/aliyun/alibaba-cloud-sdk-go/services/bssopenapi"

	"github.com/ecsd/ecsd/internal/ecsdtest"
)

// TestOrderRelationsAndConfigs: through Go SDK v1, on both stores, an
// order on an existing instance names the New order that bought it as its
// RelatedOrderId (a New order names none), OrderSubType tells product from
// refund sub-orders, and Config/OriginalConfig describe the instance after
// and before the order.
func TestOrderRelationsAndConfigs(t *testing.T) {
	t.Parallel()
	ecsdtest.Each(t, ecsdtest.Options{}, func(t *testing.T, s *ecsdtest.Server) {
		a := lcAccount(t, s, "orders", "100000.00", "0")
		since := "2000-01-01T00:00:00Z"
		up := a.mustRun(t, lcZone("cn-hangzhou-i"), lcPrePaid(1, "Month"))
		down := a.mustRun(t, lcZone("cn-hangzhou-i"), lcPrePaid(1, "Month"))
		upID, downID := up.InstanceIdSets.InstanceIdSet[0], down.InstanceIdSets.InstanceIdSet[0]
		a.waitStatus(t, "Running", upID, downID)
		upgrade := scAccept(t, a, scReq{InstanceId: upID, InstanceType: "ecs.g6.xlarge"})
		refund := dfString(ctChange(t, a, ctToPostPaid("", downID)).OrderId)
		// A pay-as-you-go instance turned subscription, then renewed.
		payg := a.mustRun(t, lcZone("cn-hangzhou-i"))
		paygID := payg.InstanceIdSets.InstanceIdSet[0]
		a.waitStatus(t, "Running", paygID)
		convert := dfString(ctChange(t, a, ctToPrePaid(1, true, paygID)).OrderId)
		renewed, err := a.renew(paygID, 1, "")
		if err != nil {
			t.Fatalf("RenewInstance: %v", err)
		}

		byID := map[string]bssopenapi.Order{}
		for _, o := range a.orders(t, since, nil) {
			byID[o.OrderId] = o
		}
		check := func(name string, o bssopenapi.Order, typ, sub, related string, config, original []string) {
			t.Helper()
			if o.OrderType != typ || o.OrderSubType != sub || o.RelatedOrderId != related {
				t.Errorf("%s: %s/%s related %q, want %s/%s related %q", name, o.OrderType, o.OrderSubType, o.RelatedOrderId, typ, sub, related)
			}
			for _, want := range config {
				if !strings.Contains(o.Config, want) {
					t.Errorf("%s: Config %q lacks %q", name, o.Config, want)
				}
			}
			for _, want := range original {
				if !strings.Contains(o.OriginalConfig, want) {
					t.Errorf("%s: OriginalConfig %q lacks %q", name, o.OriginalConfig, want)
				}
			}
		}
		newCfg := []string{"InstanceType:ecs.g6.large;", "Region:cn-hangzhou;", "ZoneId:cn-hangzhou-i;", "ChargeType:PrePaid;", "Period:1;", "PeriodUnit:Month;"}
		check("New", byID[up.OrderId], "New", "ProductSubOrder", "", newCfg, newCfg)
		check("Upgrade", byID[upgrade], "Upgrade", "ProductSubOrder", up.OrderId,
			[]string{"InstanceType:ecs.g6.xlarge;", "ZoneId:cn-hangzhou-i;"}, []string{"InstanceType:ecs.g6.large;", "ZoneId:cn-hangzhou-i;"})
		check("Refund", byID[refund], "Refund", "RefundSubOrder", down.OrderId, []string{"ChargeType:PostPaid;"}, []string{"ChargeType:PrePaid;"})
		check("Convert", byID[convert], "Convert", "ProductSubOrder", payg.OrderId, []string{"ChargeType:PrePaid;", "Period:1;"}, []string{"ChargeType:PostPaid;"})
		renewCfg := []string{"InstanceType:ecs.g6.large;", "Period:1;"}
		check("Renew", byID[renewed.OrderId], "Renew", "ProductSubOrder", payg.OrderId, renewCfg, renewCfg)
		if strings.Contains(byID[upgrade].Config, "ecs.g6.large;") || strings.Contains(byID[upgrade].OriginalConfig, "ecs.g6.xlarge") {
			t.Errorf("Upgrade: Config %q and OriginalConfig %q mix the types", byID[upgrade].Config, byID[upgrade].OriginalConfig)
		}
		// GetOrderDetail says the same, in its own spelling of the type.
		d := a.orderDetail(t, upgrade)
		if d.OrderType != "upgrade" || d.RelatedOrderId != up.OrderId || d.Config != byID[upgrade].Config || d.OriginalConfig != byID[upgrade].OriginalConfig || d.OrderSubType != "ProductSubOrder" {
			t.Errorf("GetOrderDetail %s: %s related %q Config %q OriginalConfig %q sub %q", upgrade, d.OrderType, d.RelatedOrderId, d.Config, d.OriginalConfig, d.OrderSubType)
		}
		if d := a.orderDetail(t, refund); d.RelatedOrderId != down.OrderId || d.OrderSubType != "RefundSubOrder" {
			t.Errorf("GetOrderDetail %s: related %q sub %q", refund, d.RelatedOrderId, d.OrderSubType)
		}
	})
}

func dfString(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}
