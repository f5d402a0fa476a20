package billing

import (
	"context"
	"crypto/rand"
	"fmt"
	"math/big"
	"time"

	"github.com/ecsd/ecsd/internal/apierr"
	"github.com/ecsd/ecsd/internal/money"
	"github.com/ecsd/ecsd/internal/store"
)

// Payment is how an order was paid: vouchers first, then cash.
type Payment struct {
	Voucher money.Amount
	Cash    money.Amount
}

// Pay takes amount from the account for an order, vouchers first and then
// cash, as two ledger entries in tx, holding the account row's lock until
// tx ends. It returns Account.Arrearage when the account has an overdue
// payment and InsufficientBalance (403) when vouchers and cash together fall
// short, having taken nothing; both are read under the account's lock.
//
// The split is first decided from an unlocked read and taken by one
// statement that checks it still holds (store.LedgerDebitSplit), so that
// the account's lock, which every order of the account needs, is taken as
// late as possible; only when the balances moved meanwhile, or the read
// foresees a refusal, is it decided again under the lock.
func Pay(ctx context.Context, tx *store.Tx, now time.Time, accountID, orderID string, amount money.Amount) (Payment, error) {
	if acc, err := tx.AccountGetByID(ctx, accountID); err != nil {
		return Payment{}, err
	} else if p := split(acc, amount); !acc.Flags.OverduePayment && money.Amount(acc.CashBalance) >= p.Cash {
		ok, err := tx.LedgerDebitSplit(ctx, accountID, orderID, "payment", int64(p.Voucher), int64(p.Cash), now)
		if err != nil || ok {
			return p, err
		}
	}
	acc, err := tx.AccountLock(ctx, accountID)
	if err != nil {
		return Payment{}, err
	}
	if acc.Flags.OverduePayment {
		return Payment{}, apierr.AccountArrearage.New()
	}
	p := split(acc, amount)
	if money.Amount(acc.CashBalance) < p.Cash {
		return Payment{}, apierr.InsufficientBalance.Newf("Your account does not have enough balance: the order costs %s %s, vouchers cover %s and the cash balance is %s.",
			amount, acc.Currency, p.Voucher, money.Amount(acc.CashBalance))
	}
	for _, e := range []struct {
		kind string
		amt  money.Amount
	}{{store.LedgerVoucher, p.Voucher}, {store.LedgerCash, p.Cash}} {
		if e.amt == 0 {
			continue
		}
		err := tx.LedgerEntryInsert(ctx, &store.LedgerEntry{AccountID: accountID, Kind: e.kind, Amount: -int64(e.amt), Reason: "payment", OrderID: orderID, CreatedAt: now}, true)
		if err == store.ErrInsufficient {
			return Payment{}, apierr.InsufficientBalance.New()
		}
		if err != nil {
			return Payment{}, err
		}
	}
	return p, nil
}

// split is how amount is paid from the account's balances: vouchers first.
func split(acc *store.Account, amount money.Amount) Payment {
	v := min(money.Amount(max(acc.VoucherBalance, 0)), amount)
	return Payment{Voucher: v, Cash: amount - v}
}

// Refund gives amount back to the account's cash balance for an order.
// Vouchers are never refunded. Like Pay, it holds the account row's lock
// until tx ends: it updates the row, also when amount is 0.
func Refund(ctx context.Context, tx *store.Tx, now time.Time, accountID, orderID string, amount money.Amount) error {
	if amount <= 0 {
		_, err := tx.AccountLock(ctx, accountID)
		return err
	}
	return tx.LedgerEntryInsert(ctx, &store.LedgerEntry{AccountID: accountID, Kind: store.LedgerCash, Amount: int64(amount), Reason: "refund", OrderID: orderID, CreatedAt: now}, false)
}

// NewOrderID returns a 15-digit order id, as Alibaba's look.
func NewOrderID() string {
	n, err := rand.Int(rand.Reader, big.NewInt(1e14))
	if err != nil {
		panic(err) // crypto/rand does not fail on supported platforms
	}
	return fmt.Sprintf("2%014d", n)
}
