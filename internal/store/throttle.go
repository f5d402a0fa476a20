package store

import (
	"context"
	"errors"
	"time"
)

// ThrottleTake takes up to want whole tokens from the shared bucket key,
// which refills at rate tokens a second up to burst and starts full. It
// returns how many it granted and how many tokens (possibly a fraction)
// are left. Each step is one statement, so replicas taking from one bucket
// at once each see the other's take. PostgreSQL only: on SQLite one
// process serves the store and throttles in process.
func (s *Store) ThrottleTake(ctx context.Context, key string, rate float64, burst, want int, now time.Time) (granted int, left float64, err error) {
	if s.dialect != Postgres {
		return 0, 0, errors.New("store: shared throttling needs PostgreSQL")
	}
	us := now.UnixMicro()
	if _, err := s.db.ExecContext(ctx, `INSERT INTO throttle_buckets (key, tokens, at) VALUES ($1, $2, $3) ON CONFLICT (key) DO NOTHING`,
		key, float64(burst), us); err != nil {
		return 0, 0, interpretError(err)
	}
	// avail is the bucket refilled up to now, never back in time: another
	// replica may have counted a little later.
	const avail = `LEAST($3::float8, tokens + GREATEST($4::bigint - at, 0) * $2::float8 / 1000000.0)`
	var g int64
	err = s.db.QueryRowContext(ctx, `UPDATE throttle_buckets SET
			last_granted = LEAST($5, FLOOR(`+avail+`)),
			tokens = `+avail+` - LEAST($5, FLOOR(`+avail+`)),
			at = GREATEST(at, $4)
		WHERE key = $1 RETURNING last_granted, tokens`, key, rate, float64(burst), us, want).Scan(&g, &left)
	return int(g), left, interpretError(err)
}

// ThrottleDeleteIdle deletes buckets untouched since before: refilled,
// they would be full, as a new bucket starts.
func (q Q) ThrottleDeleteIdle(ctx context.Context, before time.Time) (int64, error) {
	res, err := q.db.ExecContext(ctx, `DELETE FROM throttle_buckets WHERE at < $1`, before.UnixMicro())
	if err != nil {
		return 0, interpretError(err)
	}
	n, err := res.RowsAffected()
	return n, interpretError(err)
}
