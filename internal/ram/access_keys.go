package ram

import (
	"context"

	"github.com/ecsd/ecsd/internal/account"
	"github.com/ecsd/ecsd/internal/apierr"
	"github.com/ecsd/ecsd/internal/rpc"
	"github.com/ecsd/ecsd/internal/store"
)

// maxKeysPerUser is RAM's limit of AccessKeys per user.
const maxKeysPerUser = 2

// AccessKeyView is a key as RAM reports it; the secret only on creation.
type AccessKeyView struct {
	AccessKeyId     string
	AccessKeySecret string `json:",omitempty" xml:",omitempty"`
	Status          string
	CreateDate      string
}

// keyOwner resolves UserName: empty means the caller itself (a RAM user's
// own keys, or the main account's).
func keyOwner(ctx context.Context, q store.Q, env *rpc.Env, name string) (string, error) {
	if name == "" {
		return env.Caller.UserName, nil
	}
	if _, err := findUser(ctx, q, env.Caller.AccountID, name); err != nil {
		return "", err
	}
	return name, nil
}

// CreateAccessKeyRequest is CreateAccessKey's input.
type CreateAccessKeyRequest struct {
	UserName string `param:"UserName"`
}

// CreateAccessKeyResponse carries the new key and its secret.
type CreateAccessKeyResponse struct {
	rpc.Response
	AccessKey AccessKeyView
}

func createAccessKey(ctx context.Context, env *rpc.Env, req *CreateAccessKeyRequest) (*CreateAccessKeyResponse, error) {
	owner, err := keyOwner(ctx, env.Tx.Q, env, req.UserName)
	if err != nil {
		return nil, err
	}
	keys, err := env.Tx.AccessKeyListByUser(ctx, env.Caller.AccountID, owner)
	if err != nil {
		return nil, err
	}
	if len(keys) >= maxKeysPerUser {
		return nil, apierr.LimitExceededUserAccessKey.New()
	}
	k := &store.AccessKey{
		ID: account.NewAccessKeyID(), AccountID: env.Caller.AccountID, UserName: owner,
		Secret: account.NewAccessKeySecret(), Status: store.KeyActive, CreatedAt: env.Now,
	}
	if err := env.Tx.AccessKeyInsert(ctx, k); err != nil {
		return nil, err
	}
	return &CreateAccessKeyResponse{AccessKey: AccessKeyView{
		AccessKeyId: k.ID, AccessKeySecret: k.Secret, Status: k.Status, CreateDate: rpc.FormatTimeSeconds(k.CreatedAt),
	}}, nil
}

// ownedKey returns a key of the owner, or EntityNotExist.User.AccessKey.
func ownedKey(ctx context.Context, q store.Q, accountID, owner, id string) (*store.AccessKey, error) {
	k, err := q.AccessKeyGetByID(ctx, id)
	if err == store.ErrNotFound || (err == nil && (k.AccountID != accountID || k.UserName != owner)) {
		return nil, apierr.EntityNotExistUserAccessKey.Newf("The access key does not exist: %s.", id)
	}
	return k, err
}

// UpdateAccessKeyRequest is UpdateAccessKey's input.
type UpdateAccessKeyRequest struct {
	UserAccessKeyId string `param:"UserAccessKeyId,required"`
	Status          string `param:"Status,required"`
	UserName        string `param:"UserName"`
}

func updateAccessKey(ctx context.Context, env *rpc.Env, req *UpdateAccessKeyRequest) (*Empty, error) {
	if req.Status != store.KeyActive && req.Status != store.KeyInactive {
		return nil, apierr.InvalidParameterStatus.New()
	}
	owner, err := keyOwner(ctx, env.Tx.Q, env, req.UserName)
	if err != nil {
		return nil, err
	}
	if _, err := ownedKey(ctx, env.Tx.Q, env.Caller.AccountID, owner, req.UserAccessKeyId); err != nil {
		return nil, err
	}
	return &Empty{}, env.Tx.AccessKeySetStatus(ctx, req.UserAccessKeyId, req.Status)
}

// DeleteAccessKeyRequest is DeleteAccessKey's input.
type DeleteAccessKeyRequest struct {
	UserAccessKeyId string `param:"UserAccessKeyId,required"`
	UserName        string `param:"UserName"`
}

func deleteAccessKey(ctx context.Context, env *rpc.Env, req *DeleteAccessKeyRequest) (*Empty, error) {
	owner, err := keyOwner(ctx, env.Tx.Q, env, req.UserName)
	if err != nil {
		return nil, err
	}
	if _, err := ownedKey(ctx, env.Tx.Q, env.Caller.AccountID, owner, req.UserAccessKeyId); err != nil {
		return nil, err
	}
	return &Empty{}, env.Tx.AccessKeyDelete(ctx, req.UserAccessKeyId)
}

// ListAccessKeysRequest is ListAccessKeys' input.
type ListAccessKeysRequest struct {
	UserName string `param:"UserName"`
}

// ListAccessKeysResponse lists a user's keys.
type ListAccessKeysResponse struct {
	rpc.Response
	AccessKeys struct{ AccessKey []AccessKeyView }
}

func listAccessKeys(ctx context.Context, env *rpc.Env, req *ListAccessKeysRequest) (*ListAccessKeysResponse, error) {
	owner, err := keyOwner(ctx, env.Q(), env, req.UserName)
	if err != nil {
		return nil, err
	}
	keys, err := env.Q().AccessKeyListByUser(ctx, env.Caller.AccountID, owner)
	if err != nil {
		return nil, err
	}
	resp := &ListAccessKeysResponse{}
	resp.AccessKeys.AccessKey = []AccessKeyView{}
	for _, k := range keys {
		resp.AccessKeys.AccessKey = append(resp.AccessKeys.AccessKey, AccessKeyView{AccessKeyId: k.ID, Status: k.Status, CreateDate: rpc.FormatTimeSeconds(k.CreatedAt)})
	}
	return resp, nil
}
