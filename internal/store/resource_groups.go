package store

import (
	"context"
	"time"
)

// ResourceGroup is a resource group of an account (groups are not
// regional). Each account has a default one, made on first need.
type ResourceGroup struct {
	ID           string
	AccountID    string
	Name         string
	DisplayName  string
	IsDefault    bool
	CreationTime time.Time
}

const resourceGroupColumns = `id, account_id, name, display_name, is_default, creation_time`

func scanResourceGroup(row scanner) (*ResourceGroup, error) {
	var g ResourceGroup
	var created int64
	if err := row.Scan(&g.ID, &g.AccountID, &g.Name, &g.DisplayName, &g.IsDefault, &created); err != nil {
		return nil, interpretError(err)
	}
	g.CreationTime = fromMicros(created)
	return &g, nil
}

// ResourceGroupGet returns the account's resource group, or ErrNotFound
// (also when another account owns it).
func (q Q) ResourceGroupGet(ctx context.Context, accountID, id string) (*ResourceGroup, error) {
	return scanResourceGroup(q.db.QueryRowContext(ctx, `SELECT `+resourceGroupColumns+` FROM resource_groups
		WHERE id = $1 AND account_id = $2`, id, accountID))
}

// ResourceGroupGetDefault returns the account's default resource group, or
// ErrNotFound before it is made.
func (q Q) ResourceGroupGetDefault(ctx context.Context, accountID string) (*ResourceGroup, error) {
	return scanResourceGroup(q.db.QueryRowContext(ctx, `SELECT `+resourceGroupColumns+` FROM resource_groups
		WHERE account_id = $1 AND is_default`, accountID))
}

// ResourceGroupInsertDefault stores the account's default resource group
// unless it has one (a concurrent creator's wins).
func (q Q) ResourceGroupInsertDefault(ctx context.Context, g *ResourceGroup) error {
	_, err := q.db.ExecContext(ctx, `INSERT INTO resource_groups (`+resourceGroupColumns+`) VALUES ($1, $2, $3, $4, TRUE, $5)
		ON CONFLICT (account_id) WHERE is_default DO NOTHING`, g.ID, g.AccountID, g.Name, g.DisplayName, micros(g.CreationTime))
	return interpretError(err)
}
