package store

import (
	"context"
	"database/sql"
	"strconv"
	"time"
)

// Order types and payment statuses, as BSS spells them.
const (
	OrderNew         = "New"
	OrderRenew       = "Renew"
	OrderUpgrade     = "Upgrade"
	OrderDowngrade   = "Downgrade"
	OrderTempUpgrade = "TempUpgrade"
	// OrderRefund gives back the rest of a subscription that became
	// pay-as-you-go; OrderConvert buys a subscription for a pay-as-you-go
	// instance.
	OrderRefund  = "Refund"
	OrderConvert = "Convert"

	PaymentUnpaid    = "Unpaid"
	PaymentPaid      = "Paid"
	PaymentCancelled = "Cancelled"
)

// Order is a purchase. Once paid it is never edited: refunds and corrections
// are new orders and ledger entries.
type Order struct {
	ID            string
	AccountID     string
	Type          string
	PaymentStatus string
	RegionID      string
	ChargeType    string
	InstanceType  string
	Quantity      int
	Amount        int64 // cents, list amount
	VoucherPaid   int64
	CashPaid      int64
	UsageStart    time.Time
	UsageEnd      time.Time
	Config        string // JSON
	CreatedAt     time.Time
	PaidAt        time.Time
	InstanceIDs   []string
	// RefundedVCPU is what a Downgrade order gave back, for the monthly quota.
	RefundedVCPU int
}

const orderColumns = `id, account_id, order_type, payment_status, region_id, charge_type, instance_type, quantity, amount,
	voucher_paid, cash_paid, usage_start, usage_end, config, created_at, paid_at, refunded_vcpu`

func scanOrder(row scanner) (*Order, error) {
	var o Order
	var qty, start, end, created, paid, refunded int64
	err := row.Scan(&o.ID, &o.AccountID, &o.Type, &o.PaymentStatus, &o.RegionID, &o.ChargeType, &o.InstanceType, &qty, &o.Amount,
		&o.VoucherPaid, &o.CashPaid, &start, &end, &o.Config, &created, &paid, &refunded)
	if err != nil {
		return nil, interpretError(err)
	}
	o.Quantity, o.RefundedVCPU = int(qty), int(refunded)
	if start != 0 {
		o.UsageStart = fromMicros(start)
	}
	if end != 0 {
		o.UsageEnd = fromMicros(end)
	}
	o.CreatedAt = fromMicros(created)
	if paid != 0 {
		o.PaidAt = fromMicros(paid)
	}
	return &o, nil
}

// OrderInsert stores an order and links it to its instances.
func (q Q) OrderInsert(ctx context.Context, o *Order) error {
	_, err := q.db.ExecContext(ctx, `INSERT INTO orders (`+orderColumns+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)`,
		o.ID, o.AccountID, o.Type, o.PaymentStatus, o.RegionID, o.ChargeType, o.InstanceType, o.Quantity, o.Amount,
		o.VoucherPaid, o.CashPaid, optMicros(o.UsageStart), optMicros(o.UsageEnd), o.Config, micros(o.CreatedAt), optMicros(o.PaidAt), o.RefundedVCPU)
	if err != nil {
		return interpretError(err)
	}
	for _, id := range o.InstanceIDs {
		if _, err := q.db.ExecContext(ctx, `INSERT INTO order_instances (order_id, instance_id) VALUES ($1, $2)`, o.ID, id); err != nil {
			return interpretError(err)
		}
	}
	return nil
}

// OrderGet returns an account's order, or ErrNotFound.
func (q Q) OrderGet(ctx context.Context, accountID, id string) (*Order, error) {
	o, err := scanOrder(q.db.QueryRowContext(ctx, `SELECT `+orderColumns+` FROM orders WHERE id = $1 AND account_id = $2`, id, accountID))
	if err != nil {
		return nil, err
	}
	return o, q.orderInstances(ctx, []*Order{o})
}

// OrderGetByID returns an order of any account, or ErrNotFound.
func (q Q) OrderGetByID(ctx context.Context, id string) (*Order, error) {
	o, err := scanOrder(q.db.QueryRowContext(ctx, `SELECT `+orderColumns+` FROM orders WHERE id = $1`, id))
	if err != nil {
		return nil, err
	}
	return o, q.orderInstances(ctx, []*Order{o})
}

func (q Q) orderInstances(ctx context.Context, orders []*Order) error {
	scanID := func(r scanner) (*string, error) {
		var id string
		return &id, interpretError(r.Scan(&id))
	}
	for _, o := range orders {
		ids, err := queryAll(ctx, q.db, scanID, `SELECT instance_id FROM order_instances WHERE order_id = $1 ORDER BY instance_id`, o.ID)
		if err != nil {
			return err
		}
		o.InstanceIDs = nil
		for _, id := range ids {
			o.InstanceIDs = append(o.InstanceIDs, *id)
		}
	}
	return nil
}

// OrderFilter selects orders for OrderList.
type OrderFilter struct {
	AccountID     string
	CreatedFrom   time.Time // inclusive; zero: no bound
	CreatedTo     time.Time // exclusive; zero: no bound
	Type          string
	Types         []string // any of these types
	PaymentStatus string
	ChargeType    string
	InstanceID    string
	Offset        int
	Limit         int
}

// OrderList returns matching orders, newest first, and the total count.
func (q Q) OrderList(ctx context.Context, f OrderFilter) ([]*Order, int, error) {
	cond := "account_id = $1"
	args := []any{f.AccountID}
	add := func(expr string, v any) {
		args = append(args, v)
		cond += " AND " + expr + " $" + strconv.Itoa(len(args))
	}
	if !f.CreatedFrom.IsZero() {
		add("created_at >=", micros(f.CreatedFrom))
	}
	if !f.CreatedTo.IsZero() {
		add("created_at <", micros(f.CreatedTo))
	}
	if f.Type != "" {
		add("order_type =", f.Type)
	}
	if len(f.Types) > 0 {
		ph, more := inList(f.Types, len(args))
		args = append(args, more...)
		cond += " AND order_type IN (" + ph + ")"
	}
	if f.PaymentStatus != "" {
		add("payment_status =", f.PaymentStatus)
	}
	if f.ChargeType != "" {
		add("charge_type =", f.ChargeType)
	}
	if f.InstanceID != "" {
		add("id IN (SELECT order_id FROM order_instances WHERE instance_id =", f.InstanceID)
		cond += ")"
	}
	query := `SELECT ` + orderColumns + ` FROM orders WHERE ` + cond + ` ORDER BY created_at DESC, id DESC`
	pageArgs := args
	if f.Limit > 0 {
		pageArgs = append(args[:len(args):len(args)], f.Limit, f.Offset)
		query += " LIMIT $" + strconv.Itoa(len(pageArgs)-1) + " OFFSET $" + strconv.Itoa(len(pageArgs))
	}
	out, err := queryAll(ctx, q.db, scanOrder, query, pageArgs...)
	if err != nil {
		return nil, 0, err
	}
	var total int
	if len(args) == 1 {
		// Every order of the account: the count is kept in order_counts.
		var n int64
		err = q.db.QueryRowContext(ctx, `SELECT COALESCE(SUM(n), 0) FROM order_counts WHERE account_id = $1`, f.AccountID).Scan(&n)
		total, err = int(n), interpretError(err)
	} else {
		total, err = q.total(ctx, len(out), f.Offset == 0, f.Limit, `SELECT COUNT(*) FROM orders WHERE `+cond, args...)
	}
	if err != nil {
		return nil, 0, err
	}
	return out, total, q.orderInstances(ctx, out)
}

// OrderUnpaidOfInstance returns the Unpaid orders that name the instance,
// newest first. The literal matches the partial index orders_unpaid.
func (q Q) OrderUnpaidOfInstance(ctx context.Context, accountID, instanceID string) ([]*Order, error) {
	out, err := queryAll(ctx, q.db, scanOrder, `SELECT `+orderColumns+` FROM orders
		WHERE account_id = $1 AND payment_status = 'Unpaid'
		AND id IN (SELECT order_id FROM order_instances WHERE instance_id = $2)
		ORDER BY created_at DESC, id DESC`, accountID, instanceID)
	if err != nil {
		return nil, err
	}
	return out, q.orderInstances(ctx, out)
}

// OrderMarkPaid records the payment of an Unpaid order (compare-and-set:
// false if it was no longer Unpaid).
func (q Q) OrderMarkPaid(ctx context.Context, id string, voucherPaid, cashPaid int64, now time.Time) (bool, error) {
	res, err := q.db.ExecContext(ctx, `UPDATE orders SET payment_status = $2, voucher_paid = $3, cash_paid = $4, paid_at = $5
		WHERE id = $1 AND payment_status = $6`, id, PaymentPaid, voucherPaid, cashPaid, micros(now), PaymentUnpaid)
	if err != nil {
		return false, interpretError(err)
	}
	n, err := res.RowsAffected()
	return n == 1, interpretError(err)
}

// OrderCancel cancels an Unpaid order (false if it was no longer Unpaid).
func (q Q) OrderCancel(ctx context.Context, id string) (bool, error) {
	res, err := q.db.ExecContext(ctx, `UPDATE orders SET payment_status = $2 WHERE id = $1 AND payment_status = $3`, id, PaymentCancelled, PaymentUnpaid)
	if err != nil {
		return false, interpretError(err)
	}
	n, err := res.RowsAffected()
	return n == 1, interpretError(err)
}

// OrderPaidByType adds up, over the Paid orders of an instance, the
// voucher and cash paid for it (an order of several instances counts its
// share), by order type.
func (q Q) OrderPaidByType(ctx context.Context, instanceID string) (map[string][2]int64, error) {
	rows, err := q.db.QueryContext(ctx, `SELECT o.order_type, o.voucher_paid, o.cash_paid, o.quantity FROM orders o
		JOIN order_instances oi ON oi.order_id = o.id WHERE oi.instance_id = $1 AND o.payment_status = $2`, instanceID, PaymentPaid)
	if err != nil {
		return nil, interpretError(err)
	}
	defer rows.Close()
	out := map[string][2]int64{}
	for rows.Next() {
		var typ string
		var v, c, n int64
		if err := rows.Scan(&typ, &v, &c, &n); err != nil {
			return nil, interpretError(err)
		}
		if n < 1 {
			n = 1
		}
		cur := out[typ]
		cur[0] += v / n
		cur[1] += c / n
		out[typ] = cur
	}
	return out, interpretError(rows.Err())
}

// DowngradeCount returns how many downgrades an account has made in the
// month that starts at month, and how many vCPUs they gave back.
func (q Q) DowngradeCount(ctx context.Context, accountID string, month time.Time) (count, vcpus int, err error) {
	var n, v int64
	err = q.db.QueryRowContext(ctx, `SELECT downgrades, refunded_vcpus FROM downgrade_counts WHERE account_id = $1 AND month_start = $2`,
		accountID, micros(month)).Scan(&n, &v)
	if err == sql.ErrNoRows {
		return 0, 0, nil
	}
	return int(n), int(v), interpretError(err)
}

// DowngradeCountAdd counts one more downgrade of the month, giving back
// vcpus, only if the month's count stays within maxCount and its vCPUs
// within maxVCPUs (a downgrade that gives none back is not held to that):
// a compare-and-set, so that concurrent downgrades cannot
// together pass a quota. It returns false, counting nothing, when one would
// be passed.
func (q Q) DowngradeCountAdd(ctx context.Context, accountID string, month time.Time, vcpus, maxCount, maxVCPUs int) (bool, error) {
	res, err := q.db.ExecContext(ctx, `INSERT INTO downgrade_counts (account_id, month_start, downgrades, refunded_vcpus)
		SELECT $1, CAST($2 AS BIGINT), 1, CAST($3 AS BIGINT) WHERE 1 <= CAST($4 AS BIGINT) AND (CAST($3 AS BIGINT) = 0 OR CAST($3 AS BIGINT) <= CAST($5 AS BIGINT))
		ON CONFLICT (account_id, month_start) DO UPDATE SET downgrades = downgrade_counts.downgrades + 1,
			refunded_vcpus = downgrade_counts.refunded_vcpus + excluded.refunded_vcpus
		WHERE downgrade_counts.downgrades < $4 AND (excluded.refunded_vcpus = 0 OR downgrade_counts.refunded_vcpus + excluded.refunded_vcpus <= $5)`,
		accountID, micros(month), vcpus, maxCount, maxVCPUs)
	if err != nil {
		return false, interpretError(err)
	}
	n, err := res.RowsAffected()
	return n == 1, interpretError(err)
}

// OrderNewOfInstances is, for each of the instances, the id of the New
// order that bought it (the earliest, should there be several).
func (q Q) OrderNewOfInstances(ctx context.Context, instanceIDs []string) (map[string]string, error) {
	out := map[string]string{}
	if len(instanceIDs) == 0 {
		return out, nil
	}
	ph, args := inList(instanceIDs, 1)
	rows, err := q.db.QueryContext(ctx, `SELECT oi.instance_id, o.id FROM order_instances oi JOIN orders o ON o.id = oi.order_id
		WHERE oi.instance_id IN (`+ph+`) AND o.order_type = $1 ORDER BY o.created_at DESC, o.id DESC`, append([]any{OrderNew}, args...)...)
	if err != nil {
		return nil, interpretError(err)
	}
	defer rows.Close()
	for rows.Next() {
		var inst, id string
		if err := rows.Scan(&inst, &id); err != nil {
			return nil, interpretError(err)
		}
		out[inst] = id // the last row of an instance, its earliest order, wins
	}
	return out, interpretError(rows.Err())
}
