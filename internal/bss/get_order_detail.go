package bss

import (
	"context"
	"strings"

	"github.com/ecsd/ecsd/internal/apierr"
	"github.com/ecsd/ecsd/internal/rpc"
	"github.com/ecsd/ecsd/internal/store"
)

// GetOrderDetailRequest is GetOrderDetail's input.
type GetOrderDetailRequest struct {
	rpc.AccountDelegation
	OrderId string `param:"OrderId,required"`
}

// GetOrderDetailData is one order, in a list as BSS sends it.
type GetOrderDetailData struct {
	HostName   string
	PageNum    int
	PageSize   int
	TotalCount int
	OrderList  struct {
		Order []OrderView
	}
}

// getOrderDetail handles GetOrderDetail. Its doc spells payment statuses
// in lower case and "canceled" with one l, unlike QueryOrders.
func getOrderDetail(ctx context.Context, env *rpc.Env, req *GetOrderDetailRequest) (*GetOrderDetailData, error) {
	o, err := env.Q().OrderGet(ctx, env.Caller.AccountID, req.OrderId)
	if err == store.ErrNotFound {
		return nil, apierr.InvalidOrderIDNotFound.Newf("The specified OrderId %s does not exist.", req.OrderId)
	}
	if err != nil {
		return nil, err
	}
	acc, err := env.Q().AccountGetByID(ctx, env.Caller.AccountID)
	if err != nil {
		return nil, err
	}
	related, err := relatedOrders(ctx, env.Q(), []*store.Order{o})
	if err != nil {
		return nil, err
	}
	v := viewOrder(o, acc.Currency, related)
	v.OrderType = strings.ToLower(v.OrderType)
	v.PaymentStatus = strings.ToLower(strings.Replace(v.PaymentStatus, "Cancelled", "Canceled", 1))
	data := &GetOrderDetailData{HostName: "business.aliyuncs.com", PageNum: 1, PageSize: 1, TotalCount: 1}
	data.OrderList.Order = []OrderView{v}
	return data, nil
}
