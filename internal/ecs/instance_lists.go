package ecs

import (
	"context"
	"strings"

	"github.com/ecsd/ecsd/internal/apierr"
	"github.com/ecsd/ecsd/internal/rpc"
	"github.com/ecsd/ecsd/internal/store"
)

// maxListedInstances is how many instance ids one call may name.
const maxListedInstances = 100

// listedInstances returns the caller's instances among ids, in the order
// asked, for the Describe actions that take a list: ids that name none of
// the caller's instances in the region are left out, as DescribeInstances
// leaves them out. No ids lists every instance of the region.
func listedInstances(ctx context.Context, env *rpc.Env, regionID, param string, ids []string) ([]*store.Instance, error) {
	if len(ids) > maxListedInstances {
		return nil, apierr.InvalidParameter.Newf("The specified parameter %s is not valid: at most %d instance ids are allowed.", param, maxListedInstances)
	}
	f := store.InstanceFilter{AccountID: env.Caller.AccountID, RegionID: regionID}
	if len(ids) > 0 {
		f.IDs = ids
	}
	list, _, err := env.Q().InstanceList(ctx, f)
	if err != nil || len(ids) == 0 {
		return list, err
	}
	byID := make(map[string]*store.Instance, len(list))
	for _, i := range list {
		byID[i.ID] = i
	}
	out := make([]*store.Instance, 0, len(list))
	for _, id := range ids {
		if i, ok := byID[id]; ok {
			out = append(out, i)
			delete(byID, id)
		}
	}
	return out, nil
}

// ownedInstances returns every instance ids names, for the Modify actions
// that take a list: each must be the caller's (InvalidInstanceId.NotFound).
func ownedInstances(ctx context.Context, env *rpc.Env, regionID, param string, ids []string) ([]*store.Instance, error) {
	if len(ids) == 0 {
		return nil, apierr.MissingParameter.New(param)
	}
	if len(ids) > maxListedInstances {
		return nil, apierr.InvalidParameter.Newf("The specified parameter %s is not valid: at most %d instance ids are allowed.", param, maxListedInstances)
	}
	out := make([]*store.Instance, 0, len(ids))
	for _, id := range ids {
		inst, err := ownInstance(ctx, env.Q(), env.Caller, regionID, id)
		if err != nil {
			return nil, err
		}
		out = append(out, inst)
	}
	return out, nil
}

// commaList splits a comma-separated list of ids, dropping blanks.
func commaList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// paginate cuts a page out of a list already read whole.
func paginate[T any](list []T, page, size int) []T {
	from := min((page-1)*size, len(list))
	return list[from:min(from+size, len(list))]
}
