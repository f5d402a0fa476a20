package store

import (
	"context"
	"database/sql"
	"time"
)

// Reads across every account, for the operator's console. Each is bounded
// by limit: the console shows the newest rows, not the whole store.

// LedgerList returns an account's ledger entries, newest first.
func (q Q) LedgerList(ctx context.Context, accountID string, limit int) ([]*LedgerEntry, error) {
	return queryAll(ctx, q.db, func(r scanner) (*LedgerEntry, error) {
		var e LedgerEntry
		var order sql.NullString
		var at int64
		if err := r.Scan(&e.ID, &e.AccountID, &e.Kind, &e.Amount, &e.Reason, &order, &at); err != nil {
			return nil, interpretError(err)
		}
		e.OrderID, e.CreatedAt = order.String, fromMicros(at)
		return &e, nil
	}, `SELECT id, account_id, kind, amount, reason, order_id, created_at FROM ledger_entries
		WHERE account_id = $1 ORDER BY id DESC LIMIT $2`, accountID, limit)
}

// InstanceListAll returns the instances of every account (of one, if
// accountID is set), newest first.
func (q Q) InstanceListAll(ctx context.Context, accountID string, limit int) ([]*Instance, error) {
	return queryAll(ctx, q.db, scanInstance, `SELECT `+instanceColumns+` FROM instances
		WHERE ($1 = '' OR account_id = $1) ORDER BY creation_time DESC, id DESC LIMIT $2`, accountID, limit)
}

// OrderListAll returns the orders of every account (of one, if accountID
// is set; of one payment status, if status is set), newest first.
func (q Q) OrderListAll(ctx context.Context, accountID, status string, limit int) ([]*Order, error) {
	out, err := queryAll(ctx, q.db, scanOrder, `SELECT `+orderColumns+` FROM orders
		WHERE ($1 = '' OR account_id = $1) AND ($2 = '' OR payment_status = $2)
		ORDER BY created_at DESC, id DESC LIMIT $3`, accountID, status, limit)
	if err != nil {
		return nil, err
	}
	return out, q.orderInstances(ctx, out)
}

// Stock is a zone's stock of one instance type.
type Stock struct {
	ZoneID       string
	InstanceType string
	Available    int
}

// StockList returns the stock of a zone (of every zone, if zoneID is
// empty), by zone then type, each summed over its shards.
func (q Q) StockList(ctx context.Context, zoneID string) ([]*Stock, error) {
	return queryAll(ctx, q.db, func(r scanner) (*Stock, error) {
		var s Stock
		var n int64
		if err := r.Scan(&s.ZoneID, &s.InstanceType, &n); err != nil {
			return nil, interpretError(err)
		}
		s.Available = int(n)
		return &s, nil
	}, `SELECT zone_id, instance_type, SUM(available) FROM stock WHERE ($1 = '' OR zone_id = $1)
		GROUP BY zone_id, instance_type ORDER BY zone_id, instance_type`, zoneID)
}

// FaultList returns the faults with uses left, oldest first.
func (q Q) FaultList(ctx context.Context) ([]*Fault, error) {
	return queryAll(ctx, q.db, func(r scanner) (*Fault, error) {
		var f Fault
		var status, remaining, at int64
		if err := r.Scan(&f.ID, &f.Action, &f.AccountID, &f.Code, &status, &remaining, &at); err != nil {
			return nil, interpretError(err)
		}
		f.Status, f.Remaining, f.CreatedAt = int(status), int(remaining), time.UnixMicro(at).UTC()
		return &f, nil
	}, `SELECT id, action, account_id, code, status, remaining, created_at FROM faults WHERE remaining > 0 ORDER BY id`)
}
