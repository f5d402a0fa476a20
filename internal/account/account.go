// Package account creates main accounts with their AccessKeys and moves
// their money. Every movement is a ledger entry; the balance columns follow
// the ledger in the same transaction.
package account

import (
	"context"
	"crypto/rand"
	"errors"
	"math/big"
	"time"

	"github.com/ecsd/ecsd/internal/apierr"
	"github.com/ecsd/ecsd/internal/money"
	"github.com/ecsd/ecsd/internal/store"
)

// DefaultCurrency is the currency of new accounts.
const DefaultCurrency = "CNY"

// CreateParams describes a new account. An empty AccessKeyID or secret gets a
// generated one.
type CreateParams struct {
	Name            string
	Balance         money.Amount
	VoucherBalance  money.Amount
	AccessKeyID     string
	AccessKeySecret string
	// AccountID, if set, is the account's id (a reset keeps the default
	// account's); empty gets a new one.
	AccountID string
}

// Created is a new account and its first AccessKey (the only time the secret
// is handed out).
type Created struct {
	Account *store.Account
	Key     *store.AccessKey
}

// Create makes an account, its first Active AccessKey and the ledger entries
// that fund it. Returns InvalidParameter for a bad name, a negative balance or
// an AccessKeyId that is taken or malformed.
func Create(ctx context.Context, tx *store.Tx, now time.Time, p CreateParams) (*Created, error) {
	if p.Name == "" || len(p.Name) > 64 {
		return nil, apierr.InvalidParameter.Newf("Name must be 1 to 64 characters.")
	}
	if p.Balance < 0 || p.VoucherBalance < 0 {
		return nil, apierr.InvalidParameter.Newf("Balance and VoucherBalance must not be negative.")
	}
	if p.AccessKeyID == "" {
		p.AccessKeyID = NewAccessKeyID()
	}
	if p.AccessKeySecret == "" {
		p.AccessKeySecret = NewAccessKeySecret()
	}
	if len(p.AccessKeyID) < 8 || len(p.AccessKeyID) > 64 || len(p.AccessKeySecret) < 8 || len(p.AccessKeySecret) > 128 {
		return nil, apierr.InvalidParameter.Newf("AccessKeyId must be 8 to 64 characters and AccessKeySecret 8 to 128.")
	}
	if p.AccountID == "" {
		p.AccountID = NewAccountID()
	}
	a := &store.Account{ID: p.AccountID, Name: p.Name, Currency: DefaultCurrency, CreatedAt: now}
	if err := tx.AccountInsert(ctx, a); err != nil {
		return nil, err
	}
	k := &store.AccessKey{ID: p.AccessKeyID, AccountID: a.ID, Secret: p.AccessKeySecret, Status: store.KeyActive, CreatedAt: now}
	if err := tx.AccessKeyInsert(ctx, k); err != nil {
		if errors.Is(err, store.ErrConflict) {
			return nil, apierr.InvalidParameter.Newf("The AccessKeyId %s is already in use.", p.AccessKeyID)
		}
		return nil, err
	}
	for _, fund := range []struct {
		kind   string
		amount money.Amount
	}{{store.LedgerCash, p.Balance}, {store.LedgerVoucher, p.VoucherBalance}} {
		if fund.amount == 0 {
			continue
		}
		if err := tx.LedgerEntryInsert(ctx, &store.LedgerEntry{AccountID: a.ID, Kind: fund.kind, Amount: int64(fund.amount), Reason: "initial balance", CreatedAt: now}, false); err != nil {
			return nil, err
		}
	}
	a.CashBalance, a.VoucherBalance = int64(p.Balance), int64(p.VoucherBalance)
	return &Created{Account: a, Key: k}, nil
}

// Adjust adds amount (negative to take away) to an account's cash or voucher
// balance, as an operator's adjustment. A debit larger than the balance is
// applied in full and leaves it negative, on purpose: that is how a test puts
// an account in arrears (purchases then fail with InsufficientBalance until
// it is credited). Customer payments, unlike this, never go below zero.
// Returns InvalidAccountId.NotFound or InvalidParameter for an unknown kind.
func Adjust(ctx context.Context, tx *store.Tx, now time.Time, accountID, kind string, amount money.Amount) (*store.Account, error) {
	if kind != store.LedgerCash && kind != store.LedgerVoucher {
		return nil, apierr.InvalidParameter.Newf("Kind must be %q or %q.", store.LedgerCash, store.LedgerVoucher)
	}
	err := tx.LedgerEntryInsert(ctx, &store.LedgerEntry{AccountID: accountID, Kind: kind, Amount: int64(amount), Reason: "admin adjustment", CreatedAt: now}, false)
	if errors.Is(err, store.ErrNotFound) {
		return nil, apierr.InvalidAccountIDNotFound.New()
	}
	if err != nil {
		return nil, err
	}
	return tx.AccountGetByID(ctx, accountID)
}

const (
	digitChars = "0123456789"
	alnumChars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
)

// NewAccountID returns a 16-digit account id that does not start with 0.
func NewAccountID() string { return randomFrom("123456789", 1) + randomFrom(digitChars, 15) }

// NewAccessKeyID returns "LTAI" and 20 letters and digits.
func NewAccessKeyID() string { return "LTAI" + randomFrom(alnumChars, 20) }

// NewAccessKeySecret returns 30 letters and digits.
func NewAccessKeySecret() string { return randomFrom(alnumChars, 30) }

func randomFrom(chars string, n int) string {
	b := make([]byte, n)
	max := big.NewInt(int64(len(chars)))
	for i := range b {
		k, err := rand.Int(rand.Reader, max)
		if err != nil {
			panic(err) // crypto/rand does not fail on supported platforms
		}
		b[i] = chars[k.Int64()]
	}
	return string(b)
}
