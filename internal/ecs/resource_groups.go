package ecs

import (
	"context"
	"errors"
	"time"

	"github.com/ecsd/ecsd/internal/apierr"
	"github.com/ecsd/ecsd/internal/store"
)

// Resource groups: each account has a default one, as real accounts do,
// made on first need in the transaction of the call that needs it (a
// partial unique index keeps it single when replicas make it together).
// Resources created without a ResourceGroupId join it.

// resourceGroupOf returns the id of the group a new resource joins: the
// one named, which must be the account's (InvalidResourceGroup.NotFound),
// else the account's default group.
func resourceGroupOf(ctx context.Context, tx *store.Tx, accountID, id string, now time.Time) (string, error) {
	if id == "" {
		g, err := defaultResourceGroup(ctx, tx, accountID, now)
		if err != nil {
			return "", err
		}
		return g.ID, nil
	}
	g, err := tx.ResourceGroupGet(ctx, accountID, id)
	if errors.Is(err, store.ErrNotFound) {
		return "", apierr.InvalidResourceGroupNotFound.Newf("The specified ResourceGroupId %q does not exist in this account.", id)
	}
	if err != nil {
		return "", err
	}
	return g.ID, nil
}

// defaultResourceGroup returns the account's default resource group,
// creating it if it does not exist.
func defaultResourceGroup(ctx context.Context, tx *store.Tx, accountID string, now time.Time) (*store.ResourceGroup, error) {
	g, err := tx.ResourceGroupGetDefault(ctx, accountID)
	if !errors.Is(err, store.ErrNotFound) {
		return g, err
	}
	g = &store.ResourceGroup{ID: "rg-acfm" + randomChars(11), AccountID: accountID, Name: "default", DisplayName: "default resource group", IsDefault: true, CreationTime: now}
	if err := tx.ResourceGroupInsertDefault(ctx, g); err != nil {
		return nil, err
	}
	return tx.ResourceGroupGetDefault(ctx, accountID)
}
