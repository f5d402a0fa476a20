// Package invariant checks, from the store, what must hold whatever
// happened to the processes that wrote it: money, orders, changes and
// stock agree with each other. The crash harness and the concurrency tests
// run it after their load.
package invariant

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"

	"github.com/ecsd/ecsd/internal/store"
)

// Ledger checks that the account's balances equal the sums of its ledger
// and are not negative.
func Ledger(ctx context.Context, q store.Q, accountID string) ([]string, error) {
	acc, err := q.AccountGetByID(ctx, accountID)
	if err != nil {
		return nil, err
	}
	cash, err := q.LedgerSum(ctx, accountID, store.LedgerCash)
	if err != nil {
		return nil, err
	}
	voucher, err := q.LedgerSum(ctx, accountID, store.LedgerVoucher)
	if err != nil {
		return nil, err
	}
	var v []string
	if acc.CashBalance != cash || acc.VoucherBalance != voucher {
		v = append(v, fmt.Sprintf("account %s: cash %d voucher %d, ledger sums %d and %d", accountID, acc.CashBalance, acc.VoucherBalance, cash, voucher))
	}
	if acc.CashBalance < 0 || acc.VoucherBalance < 0 {
		v = append(v, fmt.Sprintf("account %s: negative balance (cash %d, voucher %d)", accountID, acc.CashBalance, acc.VoucherBalance))
	}
	return v, nil
}

// Account is what Check verifies of one account.
type Account struct {
	ID string
	// Accepted are the OrderIds the clients were answered with. The store
	// must hold exactly these orders of the account: none lost, none
	// committed behind an error.
	Accepted map[string]bool
	// Stock is the stock each "zone/type" had before the account's first
	// purchase; the account must be the only one to place instances there.
	Stock map[string]int
}

// Report is what Check found.
type Report struct {
	Orders, Changes, Instances int
	Violations                 []string
}

// Check verifies, after the writers have settled: the balances equal the
// ledger; the account's orders are exactly the accepted ones, each Paid
// and moving exactly its price through the ledger; no instance has a
// change in flight or is between two states; each instance has the type
// its latest change asked for; and the stock plus the placed instances
// equal the stock before.
func Check(ctx context.Context, st *store.Store, a Account) (*Report, error) {
	r := &Report{}
	bad := func(format string, args ...any) { r.Violations = append(r.Violations, fmt.Sprintf(format, args...)) }
	v, err := Ledger(ctx, st.Q, a.ID)
	if err != nil {
		return nil, err
	}
	r.Violations = append(r.Violations, v...)

	orders, _, err := st.OrderList(ctx, store.OrderFilter{AccountID: a.ID, Limit: 1 << 30})
	if err != nil {
		return nil, err
	}
	sums, err := st.LedgerSumsByOrder(ctx, a.ID)
	if err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	type change struct {
		at    int64
		to    string
		order string
	}
	last := map[string]change{}
	for _, o := range orders {
		r.Orders++
		if seen[o.ID] {
			bad("order %s is stored twice", o.ID)
		}
		seen[o.ID] = true
		if !a.Accepted[o.ID] {
			bad("order %s (%s) is stored but no client was answered with it", o.ID, o.Type)
		}
		if o.PaymentStatus != store.PaymentPaid {
			bad("order %s is %s", o.ID, o.PaymentStatus)
			continue
		}
		if got, want := sums[o.ID], -(o.CashPaid + o.VoucherPaid); got != want {
			bad("order %s (%s): the ledger moved %d, the order says %d", o.ID, o.Type, got, want)
		}
		switch o.Type {
		case store.OrderUpgrade, store.OrderDowngrade, store.OrderTempUpgrade:
			r.Changes++
			var cfg struct{ To string }
			if err := json.Unmarshal([]byte(o.Config), &cfg); err != nil {
				return nil, fmt.Errorf("order %s config: %w", o.ID, err)
			}
			for _, id := range o.InstanceIDs {
				c := change{at: o.CreatedAt.UnixMicro(), to: cfg.To, order: o.ID}
				if p, ok := last[id]; !ok || c.at > p.at || (c.at == p.at && c.order > p.order) {
					last[id] = c
				}
			}
		}
	}
	var missing []string
	for id := range a.Accepted {
		if !seen[id] {
			missing = append(missing, id)
		}
	}
	sort.Strings(missing)
	for _, id := range missing {
		bad("accepted order %s is not in the store", id)
	}

	instances, _, err := st.InstanceList(ctx, store.InstanceFilter{AccountID: a.ID, Limit: 1 << 30})
	if err != nil {
		return nil, err
	}
	placed := map[string]int{}
	for _, inst := range instances {
		r.Instances++
		placed[inst.ZoneID+"/"+inst.InstanceType]++
		if inst.InFlightOrderID != "" {
			bad("instance %s: change %s still in flight", inst.ID, inst.InFlightOrderID)
		}
		if inst.Status != store.StatusRunning && inst.Status != store.StatusStopped {
			bad("instance %s is %s", inst.ID, inst.Status)
		}
		if c, ok := last[inst.ID]; ok && inst.InstanceType != c.to {
			bad("instance %s is %s; its latest change %s asked for %s", inst.ID, inst.InstanceType, c.order, c.to)
		}
	}
	for key, before := range a.Stock {
		var zone, typ string
		for i := range key {
			if key[i] == '/' {
				zone, typ = key[:i], key[i+1:]
				break
			}
		}
		left, err := st.StockGet(ctx, zone, typ)
		if err != nil {
			return nil, err
		}
		if left+placed[key] != before {
			bad("stock %s: %d left and %d placed, %d before", key, left, placed[key], before)
		}
	}
	return r, nil
}
