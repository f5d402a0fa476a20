package ecs

import (
	"context"

	"github.com/ecsd/ecsd/internal/rpc"
)

// ImportKeyPairRequest is ImportKeyPair's input.
type ImportKeyPairRequest struct {
	rpc.AccountDelegation
	RegionId        string     `param:"RegionId,required"`
	KeyPairName     string     `param:"KeyPairName,required"`
	PublicKeyBody   string     `param:"PublicKeyBody,required"`
	ResourceGroupId string     `param:"ResourceGroupId"`
	_               rpc.Refuse `refuse:"Tag" why:"key pairs carry no tags in ecsd"`
}

// ImportKeyPairResponse names the imported key pair.
type ImportKeyPairResponse struct {
	rpc.Response
	KeyPairName        string
	KeyPairFingerPrint string
}

// importKeyPair handles ImportKeyPair: the public key of a key pair made
// elsewhere, checked (InvalidPublicKeyBody.Malformed) and kept with the
// rules of addKeyPair.
func (s *Service) importKeyPair(ctx context.Context, env *rpc.Env, req *ImportKeyPairRequest) (*ImportKeyPairResponse, error) {
	k, err := s.addKeyPair(ctx, env, req.RegionId, req.KeyPairName, req.ResourceGroupId, req.PublicKeyBody)
	if err != nil {
		return nil, err
	}
	return &ImportKeyPairResponse{KeyPairName: k.Name, KeyPairFingerPrint: k.Fingerprint}, nil
}
