package store

import (
	"context"
	"time"
)

// IdempotencyRecord is what a ClientToken remembers.
type IdempotencyRecord struct {
	AccountID   string
	Action      string
	ClientToken string
	ParamsHash  string
	Response    string // JSON of the business part of the answer
	CreatedAt   time.Time
}

// IdempotencyClaim inserts a record for (account, action, token) unless one
// exists, and reports whether it did. On PostgreSQL a concurrent claim of the
// same token waits for the first transaction and then sees its record; on
// SQLite writers are serialised. Either way one request wins.
func (q Q) IdempotencyClaim(ctx context.Context, r *IdempotencyRecord) (bool, error) {
	res, err := q.db.ExecContext(ctx, `INSERT INTO idempotency_records (account_id, action, client_token, params_hash, response, created_at)
		VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (account_id, action, client_token) DO NOTHING`,
		r.AccountID, r.Action, r.ClientToken, r.ParamsHash, r.Response, micros(r.CreatedAt))
	if err != nil {
		return false, interpretError(err)
	}
	n, err := res.RowsAffected()
	return n == 1, interpretError(err)
}

// IdempotencyGet returns a record or ErrNotFound.
func (q Q) IdempotencyGet(ctx context.Context, accountID, action, token string) (*IdempotencyRecord, error) {
	r := &IdempotencyRecord{AccountID: accountID, Action: action, ClientToken: token}
	var created int64
	err := q.db.QueryRowContext(ctx, `SELECT params_hash, response, created_at FROM idempotency_records
		WHERE account_id = $1 AND action = $2 AND client_token = $3`, accountID, action, token).Scan(&r.ParamsHash, &r.Response, &created)
	if err != nil {
		return nil, interpretError(err)
	}
	r.CreatedAt = fromMicros(created)
	return r, nil
}

// IdempotencySetResponse stores the answer of a claimed record.
func (q Q) IdempotencySetResponse(ctx context.Context, accountID, action, token, response string) error {
	res, err := q.db.ExecContext(ctx, `UPDATE idempotency_records SET response = $4 WHERE account_id = $1 AND action = $2 AND client_token = $3`,
		accountID, action, token, response)
	return affectedOne(res, err)
}

// IdempotencyDeleteBefore forgets records created before t.
func (q Q) IdempotencyDeleteBefore(ctx context.Context, t time.Time) (int64, error) {
	res, err := q.db.ExecContext(ctx, `DELETE FROM idempotency_records WHERE created_at < $1`, micros(t))
	if err != nil {
		return 0, interpretError(err)
	}
	n, err := res.RowsAffected()
	return n, interpretError(err)
}
