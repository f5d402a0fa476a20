// Package ram is the RAM API (2015-05-01) — users, AccessKeys, policies and
// their attachments — and the authorizer that evaluates a RAM user's
// policies on every call (the policy language is in ram/policy).
package ram

import (
	"context"

	"github.com/ecsd/ecsd/internal/apierr"
	"github.com/ecsd/ecsd/internal/rpc"
)

// NewProduct returns RAM with its actions, sorted by name.
func NewProduct() *rpc.Product {
	// A RAM user's name and a policy's name are the lookup keys themselves;
	// a missing UserName means the caller itself, as the handlers read it.
	user := func(_ context.Context, r rpc.ResourceRequest) ([]string, error) {
		name := r.Params["UserName"]
		if name == "" {
			name = r.Caller.UserName
		}
		return []string{"acs:ram:*:" + r.Caller.AccountID + ":user/" + name}, nil
	}
	pol := func(_ context.Context, r rpc.ResourceRequest) ([]string, error) {
		return []string{"acs:ram:*:" + r.Caller.AccountID + ":policy/" + r.Params["PolicyName"]}, nil
	}
	return &rpc.Product{
		Name:    "Ram",
		Version: "2015-05-01",
		Denied:  apierr.NoPermission,
		Actions: []rpc.Action{
			{Name: "AttachPolicyToUser", RAM: "ram:AttachPolicyToUser", Handle: rpc.Bind(attachPolicyToUser), Write: true, Resources: user},
			{Name: "CreateAccessKey", RAM: "ram:CreateAccessKey", Handle: rpc.Bind(createAccessKey), Write: true, Resources: user},
			{Name: "CreatePolicy", RAM: "ram:CreatePolicy", Handle: rpc.Bind(createPolicy), Write: true, Resources: pol},
			{Name: "CreatePolicyVersion", RAM: "ram:CreatePolicyVersion", Handle: rpc.Bind(createPolicyVersion), Write: true, Resources: pol},
			{Name: "CreateUser", RAM: "ram:CreateUser", Handle: rpc.Bind(createUser), Write: true, Resources: user},
			{Name: "DeleteAccessKey", RAM: "ram:DeleteAccessKey", Handle: rpc.Bind(deleteAccessKey), Write: true, Resources: user},
			{Name: "DeletePolicy", RAM: "ram:DeletePolicy", Handle: rpc.Bind(deletePolicy), Write: true, Resources: pol},
			{Name: "DeletePolicyVersion", RAM: "ram:DeletePolicyVersion", Handle: rpc.Bind(deletePolicyVersion), Write: true, Resources: pol},
			{Name: "DeleteUser", RAM: "ram:DeleteUser", Handle: rpc.Bind(deleteUser), Write: true, Resources: user},
			{Name: "DetachPolicyFromUser", RAM: "ram:DetachPolicyFromUser", Handle: rpc.Bind(detachPolicyFromUser), Write: true, Resources: user},
			{Name: "GetPolicy", RAM: "ram:GetPolicy", Handle: rpc.Bind(getPolicy), Resources: pol},
			{Name: "GetPolicyVersion", RAM: "ram:GetPolicyVersion", Handle: rpc.Bind(getPolicyVersion), Resources: pol},
			{Name: "GetUser", RAM: "ram:GetUser", Handle: rpc.Bind(getUser), Resources: user},
			{Name: "ListAccessKeys", RAM: "ram:ListAccessKeys", Handle: rpc.Bind(listAccessKeys), Resources: user},
			{Name: "ListPolicies", RAM: "ram:ListPolicies", Handle: rpc.Bind(listPolicies)},
			{Name: "ListPoliciesForUser", RAM: "ram:ListPoliciesForUser", Handle: rpc.Bind(listPoliciesForUser), Resources: user},
			{Name: "ListPolicyVersions", RAM: "ram:ListPolicyVersions", Handle: rpc.Bind(listPolicyVersions), Resources: pol},
			{Name: "ListUsers", RAM: "ram:ListUsers", Handle: rpc.Bind(listUsers)},
			{Name: "SetDefaultPolicyVersion", RAM: "ram:SetDefaultPolicyVersion", Handle: rpc.Bind(setDefaultPolicyVersion), Write: true, Resources: pol},
			{Name: "UpdateAccessKey", RAM: "ram:UpdateAccessKey", Handle: rpc.Bind(updateAccessKey), Write: true, Resources: user},
			{Name: "UpdateUser", RAM: "ram:UpdateUser", Handle: rpc.Bind(updateUser), Write: true, Resources: user},
		},
	}
}
