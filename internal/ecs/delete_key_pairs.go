package ecs

import (
	"context"
	"errors"

	"github.com/ecsd/ecsd/internal/apierr"
	"github.com/ecsd/ecsd/internal/rpc"
	"github.com/ecsd/ecsd/internal/store"
)

// DeleteKeyPairsRequest is DeleteKeyPairs' input.
type DeleteKeyPairsRequest struct {
	rpc.AccountDelegation
	RegionId     string   `param:"RegionId,required"`
	KeyPairNames []string `param:"KeyPairNames,json,required"`
}

// DeleteKeyPairsResponse is empty.
type DeleteKeyPairsResponse struct {
	rpc.Response
}

// deleteKeyPairs handles DeleteKeyPairs: at most 100 names
// (InvalidParameter), each a key pair of the caller in the region, or
// nothing is deleted (InvalidKeyPairName.NotFound naming the first that is
// not). Instances made with a deleted key pair keep its name.
func (s *Service) deleteKeyPairs(ctx context.Context, env *rpc.Env, req *DeleteKeyPairsRequest) (*DeleteKeyPairsResponse, error) {
	if _, err := s.region(req.RegionId); err != nil {
		return nil, err
	}
	if len(req.KeyPairNames) > 100 {
		return nil, apierr.InvalidParameter.Newf("The specified parameter KeyPairNames is not valid: at most 100 names are allowed, %d were given.", len(req.KeyPairNames))
	}
	done := map[string]bool{}
	for _, name := range req.KeyPairNames {
		if done[name] {
			continue // a name given twice is deleted once
		}
		done[name] = true
		err := env.Tx.KeyPairDelete(ctx, env.Caller.AccountID, req.RegionId, name)
		if errors.Is(err, store.ErrNotFound) {
			return nil, apierr.InvalidKeyPairNameNotFound.Newf("The specified KeyPairName %q does not exist in region %s; nothing was deleted.", name, req.RegionId)
		}
		if err != nil {
			return nil, err
		}
	}
	return &DeleteKeyPairsResponse{}, nil
}
