package store

import (
	"context"
	"encoding/json"
	"fmt"
	"time"
)

// Account is a main account row. Balances are cents and always equal the sum
// of the account's ledger entries of that kind.
type Account struct {
	ID             string
	Name           string
	Currency       string
	CashBalance    int64
	VoucherBalance int64
	CreatedAt      time.Time
	Flags          AccountFlags
}

// AccountFlags are what real accounts carry from other products: overdue
// payments, a missing billing method, types the account may not use, and
// per-region vCPU quotas (a region not listed has the default quota).
type AccountFlags struct {
	OverduePayment  bool
	NoBillingMethod bool
	RestrictedTypes []string
	VCPUQuota       map[string]int
	// DowngradeQuota is how many downgrades a month the account may make;
	// RefundVCPUQuota how many vCPUs a month it may give back by them.
	DowngradeQuota  int
	RefundVCPUQuota int
	// DiskCapacityQuota is GiB per disk category in one zone.
	DiskCapacityQuota map[string]int
}

const accountColumns = `id, name, currency, cash_balance, voucher_balance, created_at,
	overdue_payment, no_billing_method, restricted_types, vcpu_quota, downgrade_quota, refund_vcpu_quota, disk_capacity_quota`

func scanAccount(row scanner) (*Account, error) {
	var a Account
	var created int64
	var restricted, quota, diskQuota string
	var downgrades, refundVCPU int64
	if err := row.Scan(&a.ID, &a.Name, &a.Currency, &a.CashBalance, &a.VoucherBalance, &created,
		&a.Flags.OverduePayment, &a.Flags.NoBillingMethod, &restricted, &quota, &downgrades, &refundVCPU, &diskQuota); err != nil {
		return nil, interpretError(err)
	}
	a.CreatedAt = fromMicros(created)
	a.Flags.DowngradeQuota, a.Flags.RefundVCPUQuota = int(downgrades), int(refundVCPU)
	if err := json.Unmarshal([]byte(restricted), &a.Flags.RestrictedTypes); err != nil {
		return nil, fmt.Errorf("account %s restricted_types: %w", a.ID, err)
	}
	if err := json.Unmarshal([]byte(quota), &a.Flags.VCPUQuota); err != nil {
		return nil, fmt.Errorf("account %s vcpu_quota: %w", a.ID, err)
	}
	if err := json.Unmarshal([]byte(diskQuota), &a.Flags.DiskCapacityQuota); err != nil {
		return nil, fmt.Errorf("account %s disk_capacity_quota: %w", a.ID, err)
	}
	return &a, nil
}

// AccountSetFlags replaces an account's flags.
func (q Q) AccountSetFlags(ctx context.Context, id string, f AccountFlags) error {
	if f.RestrictedTypes == nil {
		f.RestrictedTypes = []string{}
	}
	if f.VCPUQuota == nil {
		f.VCPUQuota = map[string]int{}
	}
	if f.DiskCapacityQuota == nil {
		f.DiskCapacityQuota = map[string]int{}
	}
	restricted, _ := json.Marshal(f.RestrictedTypes)
	quota, _ := json.Marshal(f.VCPUQuota)
	diskQuota, _ := json.Marshal(f.DiskCapacityQuota)
	res, err := q.db.ExecContext(ctx, `UPDATE accounts SET overdue_payment = $2, no_billing_method = $3, restricted_types = $4, vcpu_quota = $5,
		downgrade_quota = $6, refund_vcpu_quota = $7, disk_capacity_quota = $8 WHERE id = $1`,
		id, f.OverduePayment, f.NoBillingMethod, string(restricted), string(quota), f.DowngradeQuota, f.RefundVCPUQuota, string(diskQuota))
	return affectedOne(res, err)
}

// AccountInsert creates an account with zero balances (money arrives through
// LedgerEntryInsert). Returns ErrConflict if the id is taken.
func (q Q) AccountInsert(ctx context.Context, a *Account) error {
	_, err := q.db.ExecContext(ctx,
		`INSERT INTO accounts (id, name, currency, cash_balance, voucher_balance, created_at) VALUES ($1, $2, $3, 0, 0, $4)`,
		a.ID, a.Name, a.Currency, micros(a.CreatedAt))
	return interpretError(err)
}

// AccountGetByID returns ErrNotFound if there is no such account.
func (q Q) AccountGetByID(ctx context.Context, id string) (*Account, error) {
	return scanAccount(q.db.QueryRowContext(ctx, `SELECT `+accountColumns+` FROM accounts WHERE id = $1`, id))
}

// AccountList returns every account, oldest first.
func (q Q) AccountList(ctx context.Context) ([]*Account, error) {
	return queryAll(ctx, q.db, scanAccount, `SELECT `+accountColumns+` FROM accounts ORDER BY created_at, id`)
}

// AccountSetName renames an account. Returns ErrNotFound if it does not exist.
func (q Q) AccountSetName(ctx context.Context, id, name string) error {
	res, err := q.db.ExecContext(ctx, `UPDATE accounts SET name = $2 WHERE id = $1`, id, name)
	return affectedOne(res, err)
}

// Ledger entry kinds: cash and vouchers are separate balances.
const (
	LedgerCash    = "cash"
	LedgerVoucher = "voucher"
)

// LedgerEntry is one movement of money. Entries are never edited: a
// correction is a new entry.
type LedgerEntry struct {
	ID        int64
	AccountID string
	Kind      string // LedgerCash or LedgerVoucher
	Amount    int64  // cents; negative for a debit
	Reason    string
	OrderID   string
	CreatedAt time.Time
}

// LedgerEntryInsert records e and moves the account's balance of that kind by
// e.Amount in the same statement sequence. With floor set, a debit that would
// take the balance below zero returns ErrInsufficient, and the transaction
// must be rolled back; without it (an operator's adjustment), the balance may
// go negative. The entry is written first and the balance last, so that the
// account row's lock, which the update takes, is held as briefly as it can be.
func (q Q) LedgerEntryInsert(ctx context.Context, e *LedgerEntry, floor bool) error {
	var orderID any
	if e.OrderID != "" {
		orderID = e.OrderID
	}
	err := q.db.QueryRowContext(ctx,
		`INSERT INTO ledger_entries (account_id, kind, amount, reason, order_id, created_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
		e.AccountID, e.Kind, e.Amount, e.Reason, orderID, micros(e.CreatedAt)).Scan(&e.ID)
	if isForeignKeyViolation(err) {
		return ErrNotFound // no such account
	}
	if err != nil {
		return interpretError(err)
	}
	col := "cash_balance"
	if e.Kind == LedgerVoucher {
		col = "voucher_balance"
	}
	// Compare-and-set on the balance: concurrent debits cannot both pass.
	query := `UPDATE accounts SET ` + col + ` = ` + col + ` + $2 WHERE id = $1`
	if floor {
		query += ` AND ` + col + ` + $2 >= 0`
	}
	res, err := q.db.ExecContext(ctx, query, e.AccountID, e.Amount)
	if err := affectedOne(res, err); err != nil {
		if err == ErrNotFound && floor {
			// The entry's insert found the account: only the floor held
			// the update back.
			return ErrInsufficient
		}
		return err
	}
	return nil
}

// LedgerDebitSplit takes a payment of voucher+cash for an order in one
// statement on the account row, having written its ledger entries (of the
// non-zero parts) first, so that the account's lock is held from that
// statement to the commit and no longer. The split was decided from an
// unlocked read; the statement debits only if it is still the one the
// balances give now (vouchers first: min(max(vouchers, 0), total)), the
// cash covers the rest and the account has no overdue payment. False: it
// changed nothing (the entries are deleted again), and the caller decides
// under the account's lock instead.
func (q Q) LedgerDebitSplit(ctx context.Context, accountID, orderID, reason string, voucher, cash int64, at time.Time) (bool, error) {
	var ids []int64
	for _, e := range []struct {
		kind string
		amt  int64
	}{{LedgerVoucher, voucher}, {LedgerCash, cash}} {
		if e.amt == 0 {
			continue
		}
		var id int64
		err := q.db.QueryRowContext(ctx,
			`INSERT INTO ledger_entries (account_id, kind, amount, reason, order_id, created_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
			accountID, e.kind, -e.amt, reason, orderID, micros(at)).Scan(&id)
		if isForeignKeyViolation(err) {
			return false, ErrNotFound
		}
		if err != nil {
			return false, interpretError(err)
		}
		ids = append(ids, id)
	}
	res, err := q.db.ExecContext(ctx, `UPDATE accounts SET voucher_balance = voucher_balance - $2, cash_balance = cash_balance - $3
		WHERE id = $1 AND NOT overdue_payment AND cash_balance >= $3
		  AND CASE WHEN voucher_balance <= 0 THEN 0 WHEN voucher_balance >= $4 THEN $4 ELSE voucher_balance END = $2`,
		accountID, voucher, cash, voucher+cash)
	if err := affectedOne(res, err); err != ErrNotFound {
		return err == nil, err
	}
	for _, id := range ids {
		if _, err := q.db.ExecContext(ctx, `DELETE FROM ledger_entries WHERE id = $1`, id); err != nil {
			return false, interpretError(err)
		}
	}
	return false, nil
}

// LedgerSum returns the sum of an account's entries of one kind.
func (q Q) LedgerSum(ctx context.Context, accountID, kind string) (int64, error) {
	var sum int64
	err := q.db.QueryRowContext(ctx,
		`SELECT COALESCE(SUM(amount), 0) FROM ledger_entries WHERE account_id = $1 AND kind = $2`, accountID, kind).Scan(&sum)
	return sum, interpretError(err)
}

// AccountLock takes the account row's write lock for the rest of the
// transaction (a no-op update: PostgreSQL locks the row, SQLite's immediate
// transactions already hold the database), so that balances read after it
// cannot change before the transaction ends. It updates a plain column, not
// the key: rewriting the key makes SQLite check every table that refers to
// accounts.
func (q Q) AccountLock(ctx context.Context, id string) (*Account, error) {
	return scanAccount(q.db.QueryRowContext(ctx,
		`UPDATE accounts SET cash_balance = cash_balance WHERE id = $1 RETURNING `+accountColumns, id))
}

// LedgerSumsByOrder returns, for each order of the account that moved
// money, the sum of its ledger entries (both kinds).
func (q Q) LedgerSumsByOrder(ctx context.Context, accountID string) (map[string]int64, error) {
	rows, err := q.db.QueryContext(ctx,
		`SELECT order_id, SUM(amount) FROM ledger_entries WHERE account_id = $1 AND order_id IS NOT NULL GROUP BY order_id`, accountID)
	if err != nil {
		return nil, interpretError(err)
	}
	defer rows.Close()
	out := map[string]int64{}
	for rows.Next() {
		var id string
		var sum int64
		if err := rows.Scan(&id, &sum); err != nil {
			return nil, interpretError(err)
		}
		out[id] = sum
	}
	return out, interpretError(rows.Err())
}
