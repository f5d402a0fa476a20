package store

import (
	"context"
	"time"
)

// KeyPair is an SSH key pair: ecsd keeps its public half only.
type KeyPair struct {
	ID              string
	AccountID       string
	RegionID        string
	Name            string
	Fingerprint     string
	PublicKey       string // OpenSSH authorized_keys form
	ResourceGroupID string
	CreationTime    time.Time
}

const keyPairColumns = `id, account_id, region_id, name, fingerprint, public_key, resource_group_id, creation_time`

func scanKeyPair(row scanner) (*KeyPair, error) {
	var k KeyPair
	var created int64
	if err := row.Scan(&k.ID, &k.AccountID, &k.RegionID, &k.Name, &k.Fingerprint, &k.PublicKey, &k.ResourceGroupID, &created); err != nil {
		return nil, interpretError(err)
	}
	k.CreationTime = fromMicros(created)
	return &k, nil
}

// KeyPairInsert stores a key pair; ErrConflict when the account already
// has one of that name in the region.
func (q Q) KeyPairInsert(ctx context.Context, k *KeyPair) error {
	_, err := q.db.ExecContext(ctx, `INSERT INTO key_pairs (`+keyPairColumns+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
		k.ID, k.AccountID, k.RegionID, k.Name, k.Fingerprint, k.PublicKey, k.ResourceGroupID, micros(k.CreationTime))
	return interpretError(err)
}

// KeyPairGet returns the account's key pair of that name in the region, or
// ErrNotFound.
func (q Q) KeyPairGet(ctx context.Context, accountID, regionID, name string) (*KeyPair, error) {
	return scanKeyPair(q.db.QueryRowContext(ctx, `SELECT `+keyPairColumns+` FROM key_pairs
		WHERE account_id = $1 AND region_id = $2 AND name = $3`, accountID, regionID, name))
}

// KeyPairList returns the account's key pairs in the region, oldest first.
// A region holds at most a few hundred (the quota), so callers filter and
// page them in memory, the same way on both engines.
func (q Q) KeyPairList(ctx context.Context, accountID, regionID string) ([]*KeyPair, error) {
	return queryAll(ctx, q.db, scanKeyPair, `SELECT `+keyPairColumns+` FROM key_pairs
		WHERE account_id = $1 AND region_id = $2 ORDER BY creation_time, name`, accountID, regionID)
}

// KeyPairDelete removes the account's key pair of that name in the region,
// or returns ErrNotFound.
func (q Q) KeyPairDelete(ctx context.Context, accountID, regionID, name string) error {
	res, err := q.db.ExecContext(ctx, `DELETE FROM key_pairs WHERE account_id = $1 AND region_id = $2 AND name = $3`, accountID, regionID, name)
	return affectedOne(res, err)
}
