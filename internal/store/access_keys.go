package store

import (
	"context"
	"time"
)

// AccessKey statuses, as RAM spells them.
const (
	KeyActive   = "Active"
	KeyInactive = "Inactive"
)

// AccessKey is an AccessKey pair. UserName is empty for the main account's
// own keys.
type AccessKey struct {
	ID        string
	AccountID string
	UserName  string
	Secret    string
	Status    string
	CreatedAt time.Time
}

const accessKeyColumns = `id, account_id, user_name, secret, status, created_at`

func scanAccessKey(row scanner) (*AccessKey, error) {
	var k AccessKey
	var created int64
	if err := row.Scan(&k.ID, &k.AccountID, &k.UserName, &k.Secret, &k.Status, &created); err != nil {
		return nil, interpretError(err)
	}
	k.CreatedAt = fromMicros(created)
	return &k, nil
}

// AccessKeyInsert stores a key. Returns ErrConflict if the id is taken.
func (q Q) AccessKeyInsert(ctx context.Context, k *AccessKey) error {
	_, err := q.db.ExecContext(ctx,
		`INSERT INTO access_keys (`+accessKeyColumns+`) VALUES ($1, $2, $3, $4, $5, $6)`,
		k.ID, k.AccountID, k.UserName, k.Secret, k.Status, micros(k.CreatedAt))
	return interpretError(err)
}

// AccessKeyGetByID returns ErrNotFound if there is no such key.
func (q Q) AccessKeyGetByID(ctx context.Context, id string) (*AccessKey, error) {
	return scanAccessKey(q.db.QueryRowContext(ctx, `SELECT `+accessKeyColumns+` FROM access_keys WHERE id = $1`, id))
}

// AccessKeyListByAccount returns an account's keys, oldest first.
func (q Q) AccessKeyListByAccount(ctx context.Context, accountID string) ([]*AccessKey, error) {
	return queryAll(ctx, q.db, scanAccessKey, `SELECT `+accessKeyColumns+` FROM access_keys WHERE account_id = $1 ORDER BY created_at, id`, accountID)
}

// AccessKeySetStatus sets Active or Inactive. Returns ErrNotFound if there is
// no such key.
func (q Q) AccessKeySetStatus(ctx context.Context, id, status string) error {
	res, err := q.db.ExecContext(ctx, `UPDATE access_keys SET status = $2 WHERE id = $1`, id, status)
	return affectedOne(res, err)
}
