// Package bss is the billing API (BssOpenApi, 2017-12-14): balances and
// orders, in BSS's {Code, Message, RequestId, Success, Data} envelope.
package bss

import (
	"encoding/json"
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
// refund of a subscription turned pay-as-you-go, are Refund orders; a
// temporary upgrade is an Upgrade with its own sub-type.
func bssOrderType(t string) (typ, sub string) {
	switch t {
	case store.OrderDowngrade, store.OrderRefund:
		return "Refund", ""
	case store.OrderTempUpgrade:
		return "Upgrade", "TempUpgrade"
	}
	return t, ""
}

func viewOrder(o *store.Order, currency string) OrderView {
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
		Currency: currency, PaymentCurrency: currency, InstanceIDs: string(ids), Config: o.Config, Operator: o.AccountID,
	}
	return v
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
