package ecs

import (
	"context"

	"github.com/ecsd/ecsd/internal/rpc"
	"github.com/ecsd/ecsd/internal/store"
)

// ModifyInstanceMetadataOptionsRequest is ModifyInstanceMetadataOptions'
// input.
type ModifyInstanceMetadataOptionsRequest struct {
	rpc.AccountDelegation
	RegionId                string     `param:"RegionId"`
	InstanceId              string     `param:"InstanceId,required"`
	HttpEndpoint            string     `param:"HttpEndpoint"`
	HttpTokens              string     `param:"HttpTokens"`
	HttpPutResponseHopLimit *int       `param:"HttpPutResponseHopLimit"`
	_                       rpc.Refuse `refuse:"InstanceMetadataTags=disabled" why:"instance tags are not served through the metadata service"`
}

// ModifyInstanceMetadataOptionsResponse is empty.
type ModifyInstanceMetadataOptionsResponse struct {
	rpc.Response
}

// modifyInstanceMetadataOptions handles ModifyInstanceMetadataOptions: the
// options given change, the others stay; the same checks as RunInstances'
// (metadataOptions). DescribeInstances reads them back as MetadataOptions.
func (s *Service) modifyInstanceMetadataOptions(ctx context.Context, env *rpc.Env, req *ModifyInstanceMetadataOptionsRequest) (*ModifyInstanceMetadataOptionsResponse, error) {
	inst, err := ownInstance(ctx, env.Tx.Q, env.Caller, req.RegionId, req.InstanceId)
	if err != nil {
		return nil, err
	}
	if err := allowedOn(ctx, env, "ecs:ModifyInstanceMetadataOptions", inst.AccountID, inst.RegionID, "instance/"+inst.ID); err != nil {
		return nil, err
	}
	if _, err := metadataOptions(inst.Metadata, req.HttpEndpoint, req.HttpTokens, req.HttpPutResponseHopLimit); err != nil {
		return nil, err
	}
	// Only the options given are written, so that concurrent changes of
	// different options both stay.
	set := store.MetadataOptions{HttpEndpoint: req.HttpEndpoint, HttpTokens: req.HttpTokens}
	if req.HttpPutResponseHopLimit != nil {
		set.HopLimit = *req.HttpPutResponseHopLimit
	}
	return &ModifyInstanceMetadataOptionsResponse{}, env.Tx.InstanceSetMetadataOptions(ctx, inst.ID, set)
}
