// Package bss is the billing API (BssOpenApi, 2017-12-14): balances and
// orders, in BSS's {Code, Message, RequestId, Success, Data} envelope.
package bss

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/ecsd/ecsd/internal/ecs"
	"github.com/ecsd/ecsd/internal/money"
	"github.com/ecsd/ecsd/internal/rpc"
	"github.com/ecsd/ecsd/internal/store"
)

// NewProduct returns BSS with its actions, sorted by name. Cancelling an
// order undoes what waited for it, which is ECS's business.
func NewProduct(svc *ecs.Service) *rpc.Product {
	h := &handlers{ecs: svc}
	return &rpc.Product{
		Name:     "BssOpenApi",
		Version:  "2017-12-14",
		Envelope: rpc.BSS,
		Actions: []rpc.Action{
			{Name: "CancelOrder", RAM: "bss:CancelOrder", Handle: rpc.Bind(h.cancelOrder), Write: true},
			{Name: "GetOrderDetail", RAM: "bss:GetOrderDetail", Handle: rpc.Bind(getOrderDetail)},
			{Name: "QueryAccountBalance", RAM: "bss:QueryAccountBalance", Handle: rpc.Bind(queryAccountBalance)},
			{Name: "QueryAvailableInstances", RAM: "bss:QueryAvailableInstances", Handle: rpc.Bind(queryAvailableInstances)},
			{Name: "QueryOrders", RAM: "bss:QueryOrders", Handle: rpc.Bind(queryOrders)},
		},
	}
}

type handlers struct {
	ecs *ecs.Service
}

// OrderView is an order as QueryOrders and GetOrderDetail report it.
type OrderView struct {
	OrderId           string
	RelatedOrderId    string
	SubOrderId        string
	OrderType         string
	OrderSubType      string
	PaymentStatus     string
	SubscriptionType  string
	ProductCode       string
	ProductType       string
	CommodityCode     string
	Region            string
	Quantity          string
	CreateTime        string
	PaymentTime       string
	UsageStartTime    string
	UsageEndTime      string
	PretaxGrossAmount string
	PretaxAmount      string
	PretaxAmountLocal string
	AfterTaxAmount    string
	Tax               string
	Currency          string
	PaymentCurrency   string
	InstanceIDs       string
	Config            string
	OriginalConfig    string
	Operator          string
}

// bssOrderType maps ecsd's order types onto BSS's: a downgrade, and the
// refund of a subscription turned pay-as-you-go, are Refund orders (of
// sub-type RefundSubOrder); a temporary upgrade is an Upgrade.
func bssOrderType(t string) (typ, sub string) {
	switch t {
	case store.OrderDowngrade, store.OrderRefund:
		return "Refund", "RefundSubOrder"
	case store.OrderTempUpgrade:
		return "Upgrade", "ProductSubOrder"
	}
	return t, "ProductSubOrder"
}

// viewOrder renders an order; related is, by instance, the New order that
// bought it, which an order on an existing instance names as its
// RelatedOrderId.
func viewOrder(o *store.Order, currency string, related map[string]string) OrderView {
	typ, sub := bssOrderType(o.Type)
	ids, _ := json.Marshal(o.InstanceIDs)
	if o.InstanceIDs == nil {
		ids = []byte("[]")
	}
	v := OrderView{
		OrderId: o.ID, SubOrderId: o.ID, OrderType: typ, OrderSubType: sub, PaymentStatus: o.PaymentStatus,
		SubscriptionType: subscriptionType(o.ChargeType), ProductCode: "ecs", ProductType: "ecs", CommodityCode: "ecs",
		Region: o.RegionID, Quantity: itoa(o.Quantity), CreateTime: timeString(o.CreatedAt),
		PaymentTime: timeString(o.PaidAt), UsageStartTime: timeString(o.UsageStart), UsageEndTime: timeString(o.UsageEnd),
		PretaxGrossAmount: money.Amount(o.Amount).String(), PretaxAmount: money.Amount(o.Amount).String(),
		PretaxAmountLocal: money.Amount(o.Amount).String(), AfterTaxAmount: money.Amount(o.Amount).String(), Tax: "0.00",
		Currency: currency, PaymentCurrency: currency, InstanceIDs: string(ids), Operator: o.AccountID,
	}
	v.Config, v.OriginalConfig = orderConfigs(o)
	if o.Type != store.OrderNew && len(o.InstanceIDs) > 0 {
		v.RelatedOrderId = related[o.InstanceIDs[0]]
	}
	return v
}

// relatedOrders reads the New orders of the instances the orders act on.
func relatedOrders(ctx context.Context, q store.Q, orders []*store.Order) (map[string]string, error) {
	var ids []string
	for _, o := range orders {
		if o.Type != store.OrderNew && len(o.InstanceIDs) > 0 {
			ids = append(ids, o.InstanceIDs[0])
		}
	}
	return q.OrderNewOfInstances(ctx, ids)
}

// orderConfigs renders what an order buys (Config) and what the instance
// had before it (OriginalConfig), in BSS's Module:[Key:Value;...] form:
// for a change of type the type and zone before and after, for a change
// of charge type the charge type before and after, and for a purchase or
// a renewal the same configuration twice.
func orderConfigs(o *store.Order) (config, original string) {
	var c map[string]any
	_ = json.Unmarshal([]byte(o.Config), &c) // an order without a config has only its columns
	str := func(k string) string {
		if v, ok := c[k]; ok {
			return fmt.Sprint(v)
		}
		return ""
	}
	render := func(kv ...string) string {
		var b strings.Builder
		b.WriteString("InstanceType:[")
		for i := 0; i+1 < len(kv); i += 2 {
			if kv[i+1] != "" {
				b.WriteString(kv[i] + ":" + kv[i+1] + ";")
			}
		}
		return b.String() + "]"
	}
	switch o.Type {
	case store.OrderUpgrade, store.OrderDowngrade, store.OrderTempUpgrade:
		return render("InstanceType", str("To"), "Region", o.RegionID, "ZoneId", str("ZoneId"), "EndTime", str("EndTime")),
			render("InstanceType", str("From"), "Region", o.RegionID, "ZoneId", str("FromZoneId"))
	case store.OrderConvert:
		return render("InstanceType", o.InstanceType, "Region", o.RegionID, "ChargeType", store.PrePaid, "Period", str("Period"), "PeriodUnit", str("PeriodUnit")),
			render("InstanceType", o.InstanceType, "Region", o.RegionID, "ChargeType", store.PostPaid)
	case store.OrderRefund:
		return render("InstanceType", o.InstanceType, "Region", o.RegionID, "ChargeType", store.PostPaid),
			render("InstanceType", o.InstanceType, "Region", o.RegionID, "ChargeType", store.PrePaid)
	}
	config = render("InstanceType", o.InstanceType, "Region", o.RegionID, "ZoneId", str("ZoneId"), "ImageId", str("ImageId"),
		"ChargeType", o.ChargeType, "Period", str("Period"), "PeriodUnit", str("PeriodUnit"))
	return config, config
}

func subscriptionType(chargeType string) string {
	if chargeType == store.PostPaid {
		return "PayAsYouGo"
	}
	return "Subscription"
}

func itoa(n int) string {
	b, _ := json.Marshal(n)
	return string(b)
}

func timeString(t time.Time) string { return rpc.FormatTimeSeconds(t) }
