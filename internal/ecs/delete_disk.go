package ecs

import (
	"context"
	"errors"

	"github.com/ecsd/ecsd/internal/apierr"
	"github.com/ecsd/ecsd/internal/rpc"
	"github.com/ecsd/ecsd/internal/store"
)

// DeleteDiskRequest is DeleteDisk's input; the disk is found by its id.
type DeleteDiskRequest struct {
	rpc.AccountDelegation
	DiskId string `param:"DiskId,required"`
}

// DeleteDiskResponse is DeleteDisk's answer.
type DeleteDiskResponse struct {
	rpc.Response
}

// deleteDisk handles DeleteDisk: it releases a disk attached to no instance,
// the data disk an instance released with DeleteWithInstance=false left
// behind. The rules, in order:
//
//	the disk is the caller's                  → InvalidDiskId.NotFound
//	it is Available (attached to no instance) → IncorrectDiskStatus
func (s *Service) deleteDisk(ctx context.Context, env *rpc.Env, req *DeleteDiskRequest) (*DeleteDiskResponse, error) {
	notFound := apierr.InvalidDiskIdNotFound.Newf("The specified disk does not exist: the account has no disk %q.", req.DiskId)
	d, err := env.Tx.DiskGetOwned(ctx, env.Caller.AccountID, req.DiskId)
	if errors.Is(err, store.ErrNotFound) {
		return nil, notFound
	} else if err != nil {
		return nil, err
	}
	if d.InstanceID != "" {
		return nil, apierr.IncorrectDiskStatus.Newf("The current disk status does not support this operation: %s is attached to %s (%s); it is released with its instance.", d.ID, d.InstanceID, d.Status)
	}
	if err := env.Tx.DiskDelete(ctx, d.ID); errors.Is(err, store.ErrNotFound) {
		return nil, notFound
	} else if err != nil {
		return nil, err
	}
	return &DeleteDiskResponse{}, nil
}
