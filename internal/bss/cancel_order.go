package bss

import (
	"context"

	"github.com/ecsd/ecsd/internal/rpc"
)

// CancelOrderRequest is CancelOrder's input.
type CancelOrderRequest struct {
	rpc.AccountDelegation
	OrderId string `param:"OrderId,required"`
}

// CancelOrderData names the cancelled order.
type CancelOrderData struct {
	HostId  string
	OrderId string
}

// cancelOrder handles CancelOrder: Unpaid orders only; what waited for the
// order is undone (the instances of a New order are released).
func (h *handlers) cancelOrder(ctx context.Context, env *rpc.Env, req *CancelOrderRequest) (*CancelOrderData, error) {
	if err := h.ecs.CancelOrder(ctx, env.Tx, env.Caller.AccountID, req.OrderId); err != nil {
		return nil, err
	}
	return &CancelOrderData{HostId: "business.aliyuncs.com", OrderId: req.OrderId}, nil
}
