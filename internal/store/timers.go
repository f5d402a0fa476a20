package store

import (
	"context"
	"time"
)

// Timer is work due at a time of the domain clock.
type Timer struct {
	ID      int64
	Kind    string
	Subject string // what it acts on, e.g. an instance or order id
	DueAt   time.Time
	Payload string // JSON
}

// TimerInsert schedules work.
func (q Q) TimerInsert(ctx context.Context, t *Timer) error {
	if t.Payload == "" {
		t.Payload = "{}"
	}
	err := q.db.QueryRowContext(ctx, `INSERT INTO timers (kind, subject, due_at, payload) VALUES ($1, $2, $3, $4) RETURNING id`,
		t.Kind, t.Subject, micros(t.DueAt), t.Payload).Scan(&t.ID)
	return interpretError(err)
}

// TimerListDue returns up to limit pending timers due at or before now, in
// due order (ties by id, so insertion order).
func (q Q) TimerListDue(ctx context.Context, now time.Time, limit int) ([]*Timer, error) {
	rows, err := q.db.QueryContext(ctx, `SELECT id, kind, subject, due_at, payload FROM timers
		WHERE done = FALSE AND due_at <= $1 ORDER BY due_at, id LIMIT $2`, micros(now), limit)
	if err != nil {
		return nil, interpretError(err)
	}
	defer rows.Close()
	var out []*Timer
	for rows.Next() {
		var t Timer
		var due int64
		if err := rows.Scan(&t.ID, &t.Kind, &t.Subject, &due, &t.Payload); err != nil {
			return nil, interpretError(err)
		}
		t.DueAt = fromMicros(due)
		out = append(out, &t)
	}
	return out, interpretError(rows.Err())
}

// TimerFinish marks a timer done, only if it is still pending: run it in the
// transaction of the timer's work, and only the first runner wins.
func (q Q) TimerFinish(ctx context.Context, id int64) (bool, error) {
	res, err := q.db.ExecContext(ctx, `UPDATE timers SET done = TRUE WHERE id = $1 AND done = FALSE`, id)
	if err != nil {
		return false, interpretError(err)
	}
	n, err := res.RowsAffected()
	return n == 1, interpretError(err)
}

// TimerCancel drops the pending timers of a kind for a subject.
func (q Q) TimerCancel(ctx context.Context, kind, subject string) error {
	_, err := q.db.ExecContext(ctx, `UPDATE timers SET done = TRUE WHERE kind = $1 AND subject = $2 AND done = FALSE`, kind, subject)
	return interpretError(err)
}
