package bss

import (
	"context"
	"time"

	"github.com/ecsd/ecsd/internal/apierr"
	"github.com/ecsd/ecsd/internal/rpc"
	"github.com/ecsd/ecsd/internal/store"
)

// QueryOrdersRequest is QueryOrders' input (spec/alibaba-api.md §10.1).
type QueryOrdersRequest struct {
	rpc.AccountDelegation
	CreateTimeStart  string `param:"CreateTimeStart"`
	CreateTimeEnd    string `param:"CreateTimeEnd"`
	PageNum          *int   `param:"PageNum"`
	PageSize         *int   `param:"PageSize"`
	ProductCode      string `param:"ProductCode"`
	ProductType      string `param:"ProductType"`
	SubscriptionType string `param:"SubscriptionType"`
	PaymentStatus    string `param:"PaymentStatus"`
	OrderType        string `param:"OrderType"`
}

// QueryOrdersData is a page of orders.
type QueryOrdersData struct {
	HostName   string
	PageNum    int
	PageSize   int
	TotalCount int
	OrderList  struct {
		Order []OrderView
	}
}

// queryOrders handles QueryOrders. Without CreateTimeStart and
// CreateTimeEnd the window is the last hour, as documented.
func queryOrders(ctx context.Context, env *rpc.Env, req *QueryOrdersRequest) (*QueryOrdersData, error) {
	f := store.OrderFilter{AccountID: env.Caller.AccountID}
	var err error
	if f.CreatedFrom, err = optTime("CreateTimeStart", req.CreateTimeStart); err != nil {
		return nil, err
	}
	if f.CreatedTo, err = optTime("CreateTimeEnd", req.CreateTimeEnd); err != nil {
		return nil, err
	}
	if f.CreatedFrom.IsZero() && f.CreatedTo.IsZero() {
		f.CreatedFrom = env.Now.Add(-time.Hour)
	}
	if !f.CreatedTo.IsZero() {
		f.CreatedTo = f.CreatedTo.Add(time.Second) // the end is inclusive to the second
	}
	switch req.SubscriptionType {
	case "":
	case "Subscription":
		f.ChargeType = store.PrePaid
	case "PayAsYouGo":
		f.ChargeType = store.PostPaid
	default:
		return nil, apierr.InvalidParameter.Newf("The specified SubscriptionType %q is not valid; use Subscription or PayAsYouGo.", req.SubscriptionType)
	}
	switch req.PaymentStatus {
	case "", store.PaymentUnpaid, store.PaymentPaid, store.PaymentCancelled:
		f.PaymentStatus = req.PaymentStatus
	default:
		return nil, apierr.InvalidParameter.Newf("The specified PaymentStatus %q is not valid; use Unpaid, Paid or Cancelled.", req.PaymentStatus)
	}
	switch req.OrderType {
	case "", store.OrderNew, store.OrderRenew, store.OrderUpgrade, store.OrderConvert:
		f.Type = req.OrderType
	case "Refund":
		f.Types = []string{store.OrderDowngrade, store.OrderRefund}
	default:
		return nil, apierr.InvalidParameter.Newf("The specified OrderType %q is not valid; use New, Renew, Upgrade, Convert or Refund.", req.OrderType)
	}
	page, err := rpc.Paging("PageNum", req.PageNum, req.PageSize, 20, 300)
	if err != nil {
		return nil, err
	}
	f.Offset, f.Limit = page.Offset(), page.Size
	data := &QueryOrdersData{HostName: "business.aliyuncs.com", PageNum: page.Number, PageSize: page.Size}
	data.OrderList.Order = []OrderView{}
	if req.ProductCode != "" && req.ProductCode != "ecs" {
		return data, nil // ecsd sells only ECS
	}
	orders, total, err := env.Q().OrderList(ctx, f)
	if err != nil {
		return nil, err
	}
	acc, err := env.Q().AccountGetByID(ctx, env.Caller.AccountID)
	if err != nil {
		return nil, err
	}
	related, err := relatedOrders(ctx, env.Q(), orders)
	if err != nil {
		return nil, err
	}
	data.TotalCount = total
	for _, o := range orders {
		data.OrderList.Order = append(data.OrderList.Order, viewOrder(o, acc.Currency, related))
	}
	return data, nil
}

func optTime(name, s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	t, err := rpc.ParseTime(s)
	if err != nil {
		return time.Time{}, apierr.InvalidParameter.Newf("The specified %s %q is not valid: use yyyy-MM-ddTHH:mm:ssZ in UTC.", name, s)
	}
	return t, nil
}

// pageParams reads BSS's PageNum (from 1) and PageSize (1 to 300, 20 by
// default).
func pageParams(num, size *int) (int, int, error) {
	n, sz := 1, 20
	if num != nil {
		n = *num
	}
	if size != nil {
		sz = *size
	}
	if n < 1 || sz < 1 || sz > 300 {
		return 0, 0, apierr.InvalidParameter.Newf("PageNum starts at 1 and PageSize is 1 to 300.")
	}
	return n, sz, nil
}
