package store

import (
	"context"
	"time"
)

// NonceUse records a signature nonce for a key until expires. It returns
// false if the nonce was already recorded and has not expired: the primary
// key decides, so replicas sharing the database agree.
func (q Q) NonceUse(ctx context.Context, accessKeyID, nonce string, now, expires time.Time) (bool, error) {
	res, err := q.db.ExecContext(ctx,
		`INSERT INTO nonces (access_key_id, nonce, expires_at) VALUES ($1, $2, $3)
		 ON CONFLICT (access_key_id, nonce) DO UPDATE SET expires_at = excluded.expires_at
		 WHERE nonces.expires_at <= $4`,
		accessKeyID, nonce, micros(expires), micros(now))
	if err != nil {
		return false, interpretError(err)
	}
	n, err := res.RowsAffected()
	return n == 1, interpretError(err)
}

// NonceDeleteExpired removes nonces that expired before now and returns how
// many it removed.
func (q Q) NonceDeleteExpired(ctx context.Context, now time.Time) (int64, error) {
	res, err := q.db.ExecContext(ctx, `DELETE FROM nonces WHERE expires_at <= $1`, micros(now))
	if err != nil {
		return 0, interpretError(err)
	}
	n, err := res.RowsAffected()
	return n, interpretError(err)
}
