package bss

import (
	"context"

	"github.com/ecsd/ecsd/internal/money"
	"github.com/ecsd/ecsd/internal/rpc"
)

// QueryAccountBalanceRequest has no parameters.
type QueryAccountBalanceRequest struct{}

// QueryAccountBalanceData is the balance; amounts are strings.
type QueryAccountBalanceData struct {
	AvailableAmount     string
	AvailableCashAmount string
	CreditAmount        string
	MybankCreditAmount  string
	QuotaLimit          string
	Currency            string
}

// queryAccountBalance handles QueryAccountBalance. Vouchers are not part of
// the available amount, as in BSS.
func queryAccountBalance(ctx context.Context, env *rpc.Env, _ *QueryAccountBalanceRequest) (*QueryAccountBalanceData, error) {
	acc, err := env.Q().AccountGetByID(ctx, env.Caller.AccountID)
	if err != nil {
		return nil, err
	}
	cash := money.Amount(acc.CashBalance).String()
	return &QueryAccountBalanceData{
		AvailableAmount: cash, AvailableCashAmount: cash, CreditAmount: "0.00", MybankCreditAmount: "0.00",
		QuotaLimit: "0.00", Currency: acc.Currency,
	}, nil
}
