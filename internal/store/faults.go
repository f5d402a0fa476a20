package store

import (
	"context"
	"time"
)

// Fault is an injected failure: the next Remaining calls of Action (by
// AccountID, or by anyone when it is empty) fail with Code and Status.
type Fault struct {
	ID        int64
	Action    string
	AccountID string
	Code      string
	Status    int
	Remaining int
	CreatedAt time.Time
}

// FaultInsert stores a fault.
func (q Q) FaultInsert(ctx context.Context, f *Fault) error {
	err := q.db.QueryRowContext(ctx, `INSERT INTO faults (action, account_id, code, status, remaining, created_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
		f.Action, f.AccountID, f.Code, f.Status, f.Remaining, micros(f.CreatedAt)).Scan(&f.ID)
	return interpretError(err)
}

// FaultTake consumes one use of the oldest fault that matches a call, with
// a compare-and-set on its count so replicas share it. It returns nil when
// none matches.
func (q Q) FaultTake(ctx context.Context, action, accountID string) (*Fault, error) {
	for range 5 {
		var f Fault
		var status, remaining int64
		err := q.db.QueryRowContext(ctx, `SELECT id, action, account_id, code, status, remaining FROM faults
			WHERE action = $1 AND (account_id = '' OR account_id = $2) AND remaining > 0 ORDER BY id LIMIT 1`, action, accountID).
			Scan(&f.ID, &f.Action, &f.AccountID, &f.Code, &status, &remaining)
		if err != nil {
			if err := interpretError(err); err == ErrNotFound {
				return nil, nil
			}
			return nil, interpretError(err)
		}
		res, err := q.db.ExecContext(ctx, `UPDATE faults SET remaining = remaining - 1 WHERE id = $1 AND remaining = $2`, f.ID, remaining)
		if err != nil {
			return nil, interpretError(err)
		}
		if n, _ := res.RowsAffected(); n == 1 {
			f.Status, f.Remaining = int(status), int(remaining-1)
			return &f, nil
		}
	}
	return nil, nil
}

// FaultCount reports whether any fault is pending at all, so that the
// pipeline skips the lookup when none is.
func (q Q) FaultCount(ctx context.Context) (int, error) {
	var n int
	err := q.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM faults WHERE remaining > 0`).Scan(&n)
	return n, interpretError(err)
}
