package ecs

import (
	"context"

	"github.com/ecsd/ecsd/internal/rpc"
)

// CreateKeyPairRequest is CreateKeyPair's input.
type CreateKeyPairRequest struct {
	rpc.AccountDelegation
	RegionId        string     `param:"RegionId,required"`
	KeyPairName     string     `param:"KeyPairName,required"`
	ResourceGroupId string     `param:"ResourceGroupId"`
	_               rpc.Refuse `refuse:"Tag" why:"key pairs carry no tags in ecsd"`
}

// CreateKeyPairResponse holds the private key: the only time it is told.
type CreateKeyPairResponse struct {
	rpc.Response
	KeyPairId          string
	KeyPairName        string
	KeyPairFingerPrint string
	PrivateKeyBody     string
}

// createKeyPair handles CreateKeyPair: a new 2048-bit RSA key pair, of
// which ecsd keeps the public key (the rules of addKeyPair).
func (s *Service) createKeyPair(ctx context.Context, env *rpc.Env, req *CreateKeyPairRequest) (*CreateKeyPairResponse, error) {
	private, public, err := newRSAKeyPair()
	if err != nil {
		return nil, err
	}
	k, err := s.addKeyPair(ctx, env, req.RegionId, req.KeyPairName, req.ResourceGroupId, public)
	if err != nil {
		return nil, err
	}
	return &CreateKeyPairResponse{KeyPairId: k.ID, KeyPairName: k.Name, KeyPairFingerPrint: k.Fingerprint, PrivateKeyBody: private}, nil
}
