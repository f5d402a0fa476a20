package store

import (
	"context"
	"database/sql"
	"errors"
)

// ErrInsufficient is returned when a debit would take a balance below zero.
var ErrInsufficient = errors.New("store: insufficient balance")

// SettingGet returns a server-wide setting, or ErrNotFound.
func (q Q) SettingGet(ctx context.Context, name string) (string, error) {
	var v string
	err := q.db.QueryRowContext(ctx, `SELECT value FROM settings WHERE name = $1`, name).Scan(&v)
	return v, interpretError(err)
}

// SettingPut sets a setting, replacing any value.
func (q Q) SettingPut(ctx context.Context, name, value string) error {
	_, err := q.db.ExecContext(ctx,
		`INSERT INTO settings (name, value) VALUES ($1, $2) ON CONFLICT (name) DO UPDATE SET value = excluded.value`, name, value)
	return interpretError(err)
}

// SettingInsert sets a setting only if it is not set yet and reports whether
// it did: the first replica to start wins, the others read its value.
func (q Q) SettingInsert(ctx context.Context, name, value string) (bool, error) {
	res, err := q.db.ExecContext(ctx,
		`INSERT INTO settings (name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING`, name, value)
	if err != nil {
		return false, interpretError(err)
	}
	n, err := res.RowsAffected()
	return n == 1, interpretError(err)
}

// SettingSwap sets a setting to value only if it still holds old, and
// reports whether it did: a compare-and-set, so that two replicas that read
// the same value cannot both write what they computed from it.
func (q Q) SettingSwap(ctx context.Context, name, old, value string) (bool, error) {
	res, err := q.db.ExecContext(ctx, `UPDATE settings SET value = $3 WHERE name = $1 AND value = $2`, name, old, value)
	if err := affectedOne(res, err); err != nil {
		if errors.Is(err, ErrNotFound) {
			return false, nil
		}
		return false, err
	}
	return true, nil
}

func affectedOne(res sql.Result, err error) error {
	if err != nil {
		return interpretError(err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return interpretError(err)
	}
	if n == 0 {
		return ErrNotFound
	}
	return nil
}
