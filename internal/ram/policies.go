package ram

import (
	"context"
	"errors"
	"regexp"
	"sort"

	"github.com/ecsd/ecsd/internal/apierr"
	"github.com/ecsd/ecsd/internal/ram/policy"
	"github.com/ecsd/ecsd/internal/rpc"
	"github.com/ecsd/ecsd/internal/store"
)

// Policy types.
const (
	System = "System"
	Custom = "Custom"
)

// RAM's limits.
const (
	maxPolicies       = 1500
	maxPolicyVersions = 5
	maxDescriptionLen = 1024
	maxPolicyNameLen  = 128
)

var policyNamePattern = regexp.MustCompile(`^[A-Za-z0-9-]+$`)

func checkPolicyName(name string) error {
	if len(name) < 1 || len(name) > maxPolicyNameLen {
		return apierr.InvalidParameterPolicyNameLength.New()
	}
	if !policyNamePattern.MatchString(name) {
		return apierr.InvalidParameterPolicyNameInvalidChars.New()
	}
	return nil
}

// checkDocument parses a policy document; MalformedPolicyDocument says what
// is wrong and where.
func checkDocument(doc string) error {
	_, err := policy.Parse(doc)
	var me *policy.MalformedError
	switch {
	case err == nil:
		return nil
	case errors.As(err, &me) && me.Kind == policy.KindLength:
		return apierr.InvalidParameterPolicyDocumentLength.Newf("The parameter - \"PolicyDocument\" beyond the length limit: at most %d characters.", policy.MaxDocumentLength)
	default:
		return apierr.MalformedPolicyDocument.Newf("The policy document is malformed: %v", err)
	}
}

func checkPolicyType(t string) error {
	if t != System && t != Custom {
		return apierr.InvalidParameterPolicyType.New()
	}
	return nil
}

// PolicyView is a policy as RAM reports it.
type PolicyView struct {
	PolicyName      string
	PolicyType      string
	Description     string
	DefaultVersion  string
	CreateDate      string
	UpdateDate      string `json:",omitempty" xml:",omitempty"`
	AttachDate      string `json:",omitempty" xml:",omitempty"`
	AttachmentCount int
}

// VersionView is a policy version.
type VersionView struct {
	VersionId        string
	IsDefaultVersion bool
	PolicyDocument   string
	CreateDate       string
}

func viewCustom(p *store.RAMPolicy) PolicyView {
	return PolicyView{
		PolicyName: p.PolicyName, PolicyType: Custom, Description: p.Description, DefaultVersion: p.DefaultVersion,
		CreateDate: rpc.FormatTimeSeconds(p.CreateDate), UpdateDate: rpc.FormatTimeSeconds(p.UpdateDate),
	}
}

func viewSystem(p policy.SystemPolicy) PolicyView {
	return PolicyView{PolicyName: p.Name, PolicyType: System, Description: p.Description, DefaultVersion: "v1", CreateDate: "2015-04-28T16:00:00Z"}
}

func systemPolicy(name string) (policy.SystemPolicy, bool) {
	for _, p := range policy.SystemPolicies() {
		if p.Name == name {
			return p, true
		}
	}
	return policy.SystemPolicy{}, false
}

func findCustom(ctx context.Context, q store.Q, accountID, name string) (*store.RAMPolicy, error) {
	p, err := q.RAMPolicyGet(ctx, accountID, name)
	if err == store.ErrNotFound {
		return nil, apierr.EntityNotExistPolicy.Newf("The policy does not exist: %s.", name)
	}
	return p, err
}

// CreatePolicyRequest is CreatePolicy's input.
type CreatePolicyRequest struct {
	PolicyName     string `param:"PolicyName,required"`
	PolicyDocument string `param:"PolicyDocument,required"`
	Description    string `param:"Description"`
}

// PolicyResponse answers actions that return one policy.
type PolicyResponse struct {
	rpc.Response
	Policy PolicyView
}

func createPolicy(ctx context.Context, env *rpc.Env, req *CreatePolicyRequest) (*PolicyResponse, error) {
	if err := checkPolicyName(req.PolicyName); err != nil {
		return nil, err
	}
	if len([]rune(req.Description)) > maxDescriptionLen {
		return nil, apierr.InvalidParameterDescriptionLength.New()
	}
	if err := checkDocument(req.PolicyDocument); err != nil {
		return nil, err
	}
	if _, ok := systemPolicy(req.PolicyName); ok {
		return nil, apierr.EntityAlreadyExistsPolicy.Newf("The policy does already EXIST: %s is a system policy.", req.PolicyName)
	}
	existing, err := env.Tx.RAMPolicyList(ctx, env.Caller.AccountID)
	if err != nil {
		return nil, err
	}
	if len(existing) >= maxPolicies {
		return nil, apierr.LimitExceededPolicy.New()
	}
	p := &store.RAMPolicy{
		AccountID: env.Caller.AccountID, PolicyName: req.PolicyName, Description: req.Description,
		Document: req.PolicyDocument, CreateDate: env.Now, UpdateDate: env.Now,
	}
	if err := env.Tx.RAMPolicyInsert(ctx, p); err != nil {
		if errors.Is(err, store.ErrConflict) {
			return nil, apierr.EntityAlreadyExistsPolicy.New()
		}
		return nil, err
	}
	return &PolicyResponse{Policy: viewCustom(p)}, nil
}

// GetPolicyRequest is GetPolicy's input.
type GetPolicyRequest struct {
	PolicyName string `param:"PolicyName,required"`
	PolicyType string `param:"PolicyType,required"`
}

// GetPolicyResponse is a policy with its default version.
type GetPolicyResponse struct {
	rpc.Response
	Policy               PolicyView
	DefaultPolicyVersion VersionView
}

func getPolicy(ctx context.Context, env *rpc.Env, req *GetPolicyRequest) (*GetPolicyResponse, error) {
	if err := checkPolicyType(req.PolicyType); err != nil {
		return nil, err
	}
	n, err := env.Q().RAMPolicyAttachmentCount(ctx, env.Caller.AccountID, req.PolicyType, req.PolicyName)
	if err != nil {
		return nil, err
	}
	if req.PolicyType == System {
		sp, ok := systemPolicy(req.PolicyName)
		if !ok {
			return nil, apierr.EntityNotExistPolicy.Newf("The policy does not exist: %s.", req.PolicyName)
		}
		v := viewSystem(sp)
		v.AttachmentCount = n
		return &GetPolicyResponse{Policy: v, DefaultPolicyVersion: VersionView{VersionId: "v1", IsDefaultVersion: true, PolicyDocument: sp.Document, CreateDate: v.CreateDate}}, nil
	}
	p, err := findCustom(ctx, env.Q(), env.Caller.AccountID, req.PolicyName)
	if err != nil {
		return nil, err
	}
	v := viewCustom(p)
	v.AttachmentCount = n
	versions, err := env.Q().RAMPolicyVersionList(ctx, env.Caller.AccountID, p.PolicyName)
	if err != nil {
		return nil, err
	}
	resp := &GetPolicyResponse{Policy: v}
	for _, ver := range versions {
		if ver.VersionID == p.DefaultVersion {
			resp.DefaultPolicyVersion = VersionView{VersionId: ver.VersionID, IsDefaultVersion: true, PolicyDocument: ver.Document, CreateDate: rpc.FormatTimeSeconds(ver.CreateDate)}
		}
	}
	return resp, nil
}

// ListPoliciesRequest is ListPolicies' input.
type ListPoliciesRequest struct {
	PolicyType string `param:"PolicyType"`
	Marker     string `param:"Marker"`
	MaxItems   *int   `param:"MaxItems"`
}

// ListPoliciesResponse is a page of policies.
type ListPoliciesResponse struct {
	rpc.Response
	IsTruncated bool
	Marker      string
	Policies    struct{ Policy []PolicyView }
}

func listPolicies(ctx context.Context, env *rpc.Env, req *ListPoliciesRequest) (*ListPoliciesResponse, error) {
	if req.PolicyType != "" {
		if err := checkPolicyType(req.PolicyType); err != nil {
			return nil, err
		}
	}
	var all []PolicyView
	if req.PolicyType != Custom {
		for _, sp := range policy.SystemPolicies() {
			all = append(all, viewSystem(sp))
		}
	}
	if req.PolicyType != System {
		custom, err := env.Q().RAMPolicyList(ctx, env.Caller.AccountID)
		if err != nil {
			return nil, err
		}
		for _, p := range custom {
			all = append(all, viewCustom(p))
		}
	}
	key := func(i int) string { return all[i].PolicyType + "/" + all[i].PolicyName }
	sort.Slice(all, func(i, j int) bool {
		return all[i].PolicyType+"/"+all[i].PolicyName < all[j].PolicyType+"/"+all[j].PolicyName
	})
	page, next, err := pageByMarker(len(all), key, req.Marker, req.MaxItems)
	if err != nil {
		return nil, err
	}
	resp := &ListPoliciesResponse{IsTruncated: next != "", Marker: next}
	resp.Policies.Policy = []PolicyView{}
	for _, i := range page {
		resp.Policies.Policy = append(resp.Policies.Policy, all[i])
	}
	return resp, nil
}

// DeletePolicyRequest is DeletePolicy's input.
type DeletePolicyRequest struct {
	PolicyName string `param:"PolicyName,required"`
}

func deletePolicy(ctx context.Context, env *rpc.Env, req *DeletePolicyRequest) (*Empty, error) {
	if _, err := findCustom(ctx, env.Tx.Q, env.Caller.AccountID, req.PolicyName); err != nil {
		return nil, err
	}
	n, err := env.Tx.RAMPolicyAttachmentCount(ctx, env.Caller.AccountID, Custom, req.PolicyName)
	if err != nil {
		return nil, err
	}
	if n > 0 {
		return nil, apierr.DeleteConflictPolicyUser.New()
	}
	versions, err := env.Tx.RAMPolicyVersionList(ctx, env.Caller.AccountID, req.PolicyName)
	if err != nil {
		return nil, err
	}
	if len(versions) > 1 {
		return nil, apierr.DeleteConflictPolicyVersion.Newf("The policy CAN NOT have any non-default version while deleting the policy: %s has %d versions; delete the others with DeletePolicyVersion first.", req.PolicyName, len(versions))
	}
	return &Empty{}, env.Tx.RAMPolicyDelete(ctx, env.Caller.AccountID, req.PolicyName)
}

// ListPolicyVersionsRequest is ListPolicyVersions' input.
type ListPolicyVersionsRequest struct {
	PolicyType string `param:"PolicyType,required"`
	PolicyName string `param:"PolicyName,required"`
}

// ListPolicyVersionsResponse lists a policy's versions, oldest first.
type ListPolicyVersionsResponse struct {
	rpc.Response
	PolicyVersions struct{ PolicyVersion []VersionView }
}

func listPolicyVersions(ctx context.Context, env *rpc.Env, req *ListPolicyVersionsRequest) (*ListPolicyVersionsResponse, error) {
	versions, err := policyVersions(ctx, env, req.PolicyType, req.PolicyName)
	if err != nil {
		return nil, err
	}
	resp := &ListPolicyVersionsResponse{}
	resp.PolicyVersions.PolicyVersion = versions
	return resp, nil
}

// GetPolicyVersionRequest is GetPolicyVersion's input.
type GetPolicyVersionRequest struct {
	PolicyType string `param:"PolicyType,required"`
	PolicyName string `param:"PolicyName,required"`
	VersionId  string `param:"VersionId,required"`
}

// GetPolicyVersionResponse is one version of a policy.
type GetPolicyVersionResponse struct {
	rpc.Response
	PolicyVersion VersionView
}

func getPolicyVersion(ctx context.Context, env *rpc.Env, req *GetPolicyVersionRequest) (*GetPolicyVersionResponse, error) {
	versions, err := policyVersions(ctx, env, req.PolicyType, req.PolicyName)
	if err != nil {
		return nil, err
	}
	for _, v := range versions {
		if v.VersionId == req.VersionId {
			return &GetPolicyVersionResponse{PolicyVersion: v}, nil
		}
	}
	return nil, apierr.EntityNotExistPolicyVersion.Newf("The policy version does not exist: %s %s.", req.PolicyName, req.VersionId)
}

// policyVersions returns the versions of a system policy (one, v1) or of
// the caller's custom policy, oldest first.
func policyVersions(ctx context.Context, env *rpc.Env, policyType, name string) ([]VersionView, error) {
	if err := checkPolicyType(policyType); err != nil {
		return nil, err
	}
	if policyType == System {
		sp, ok := systemPolicy(name)
		if !ok {
			return nil, apierr.EntityNotExistPolicy.Newf("The policy does not exist: %s.", name)
		}
		v := viewSystem(sp)
		return []VersionView{{VersionId: "v1", IsDefaultVersion: true, PolicyDocument: sp.Document, CreateDate: v.CreateDate}}, nil
	}
	p, err := findCustom(ctx, env.Q(), env.Caller.AccountID, name)
	if err != nil {
		return nil, err
	}
	versions, err := env.Q().RAMPolicyVersionList(ctx, env.Caller.AccountID, name)
	if err != nil {
		return nil, err
	}
	out := make([]VersionView, 0, len(versions))
	for _, v := range versions {
		out = append(out, VersionView{VersionId: v.VersionID, IsDefaultVersion: v.VersionID == p.DefaultVersion, PolicyDocument: v.Document, CreateDate: rpc.FormatTimeSeconds(v.CreateDate)})
	}
	return out, nil
}

// DeletePolicyVersionRequest is DeletePolicyVersion's input.
type DeletePolicyVersionRequest struct {
	PolicyName string `param:"PolicyName,required"`
	VersionId  string `param:"VersionId,required"`
}

// deletePolicyVersion removes a non-default version of a custom policy;
// the default one goes only with the policy (DeletePolicy).
func deletePolicyVersion(ctx context.Context, env *rpc.Env, req *DeletePolicyVersionRequest) (*Empty, error) {
	p, err := findCustom(ctx, env.Tx.Q, env.Caller.AccountID, req.PolicyName)
	if err != nil {
		return nil, err
	}
	if req.VersionId == p.DefaultVersion {
		return nil, apierr.DeleteConflictPolicyVersionDefault.Newf("You cannot delete the default policy version: %s is the default of %s.", req.VersionId, req.PolicyName)
	}
	err = env.Tx.RAMPolicyVersionDelete(ctx, env.Caller.AccountID, req.PolicyName, req.VersionId)
	if errors.Is(err, store.ErrNotFound) {
		return nil, apierr.EntityNotExistPolicyVersion.Newf("The policy version does not exist: %s %s.", req.PolicyName, req.VersionId)
	}
	return &Empty{}, err
}

// CreatePolicyVersionRequest is CreatePolicyVersion's input.
type CreatePolicyVersionRequest struct {
	PolicyName     string `param:"PolicyName,required"`
	PolicyDocument string `param:"PolicyDocument,required"`
	SetAsDefault   bool   `param:"SetAsDefault"`
	RotateStrategy string `param:"RotateStrategy"`
}

// CreatePolicyVersionResponse is the new version.
type CreatePolicyVersionResponse struct {
	rpc.Response
	PolicyVersion VersionView
}

func createPolicyVersion(ctx context.Context, env *rpc.Env, req *CreatePolicyVersionRequest) (*CreatePolicyVersionResponse, error) {
	switch req.RotateStrategy {
	case "", "None", "DeleteOldestNonDefaultVersionWhenLimitExceeded":
	default:
		return nil, apierr.InvalidParameter.Newf("The parameter - \"RotateStrategy\" must be None or DeleteOldestNonDefaultVersionWhenLimitExceeded.")
	}
	if err := checkDocument(req.PolicyDocument); err != nil {
		return nil, err
	}
	if _, err := findCustom(ctx, env.Tx.Q, env.Caller.AccountID, req.PolicyName); err != nil {
		return nil, err
	}
	versions, err := env.Tx.RAMPolicyVersionList(ctx, env.Caller.AccountID, req.PolicyName)
	if err != nil {
		return nil, err
	}
	if len(versions) >= maxPolicyVersions {
		return nil, apierr.LimitExceededPolicyVersion.New()
	}
	id, err := env.Tx.RAMPolicyVersionInsert(ctx, env.Caller.AccountID, req.PolicyName, req.PolicyDocument, req.SetAsDefault, env.Now)
	if err != nil {
		return nil, err
	}
	return &CreatePolicyVersionResponse{PolicyVersion: VersionView{
		VersionId: id, IsDefaultVersion: req.SetAsDefault, PolicyDocument: req.PolicyDocument, CreateDate: rpc.FormatTimeSeconds(env.Now),
	}}, nil
}

// SetDefaultPolicyVersionRequest is SetDefaultPolicyVersion's input.
type SetDefaultPolicyVersionRequest struct {
	PolicyName string `param:"PolicyName,required"`
	VersionId  string `param:"VersionId,required"`
}

func setDefaultPolicyVersion(ctx context.Context, env *rpc.Env, req *SetDefaultPolicyVersionRequest) (*Empty, error) {
	if _, err := findCustom(ctx, env.Tx.Q, env.Caller.AccountID, req.PolicyName); err != nil {
		return nil, err
	}
	err := env.Tx.RAMPolicySetDefault(ctx, env.Caller.AccountID, req.PolicyName, req.VersionId, env.Now)
	if err == store.ErrNotFound {
		return nil, apierr.EntityNotExistPolicyVersion.Newf("The policy version does not exist: %s %s.", req.PolicyName, req.VersionId)
	}
	return &Empty{}, err
}

// AttachPolicyToUserRequest is AttachPolicyToUser's and DetachPolicyFromUser's input.
type AttachPolicyToUserRequest struct {
	PolicyType string `param:"PolicyType,required"`
	PolicyName string `param:"PolicyName,required"`
	UserName   string `param:"UserName,required"`
}

func (req *AttachPolicyToUserRequest) check(ctx context.Context, env *rpc.Env) error {
	if err := checkPolicyType(req.PolicyType); err != nil {
		return err
	}
	if _, err := findUser(ctx, env.Tx.Q, env.Caller.AccountID, req.UserName); err != nil {
		return err
	}
	if req.PolicyType == System {
		if _, ok := systemPolicy(req.PolicyName); !ok {
			return apierr.EntityNotExistPolicy.Newf("The policy does not exist: %s.", req.PolicyName)
		}
		return nil
	}
	_, err := findCustom(ctx, env.Tx.Q, env.Caller.AccountID, req.PolicyName)
	return err
}

func attachPolicyToUser(ctx context.Context, env *rpc.Env, req *AttachPolicyToUserRequest) (*Empty, error) {
	if err := req.check(ctx, env); err != nil {
		return nil, err
	}
	err := env.Tx.RAMUserPolicyAttach(ctx, env.Caller.AccountID, req.UserName, req.PolicyType, req.PolicyName, env.Now)
	if errors.Is(err, store.ErrConflict) {
		return nil, apierr.EntityAlreadyExistsUserPolicy.New()
	}
	return &Empty{}, err
}

func detachPolicyFromUser(ctx context.Context, env *rpc.Env, req *AttachPolicyToUserRequest) (*Empty, error) {
	if err := req.check(ctx, env); err != nil {
		return nil, err
	}
	err := env.Tx.RAMUserPolicyDetach(ctx, env.Caller.AccountID, req.UserName, req.PolicyType, req.PolicyName)
	if err == store.ErrNotFound {
		return nil, apierr.EntityNotExistUserPolicy.New()
	}
	return &Empty{}, err
}

// ListPoliciesForUserRequest is ListPoliciesForUser's input.
type ListPoliciesForUserRequest struct {
	UserName string `param:"UserName,required"`
}

// ListPoliciesForUserResponse lists a user's policies.
type ListPoliciesForUserResponse struct {
	rpc.Response
	Policies struct{ Policy []PolicyView }
}

func listPoliciesForUser(ctx context.Context, env *rpc.Env, req *ListPoliciesForUserRequest) (*ListPoliciesForUserResponse, error) {
	if _, err := findUser(ctx, env.Q(), env.Caller.AccountID, req.UserName); err != nil {
		return nil, err
	}
	atts, err := env.Q().RAMUserPolicyList(ctx, env.Caller.AccountID, req.UserName)
	if err != nil {
		return nil, err
	}
	resp := &ListPoliciesForUserResponse{}
	resp.Policies.Policy = []PolicyView{}
	for _, a := range atts {
		v := PolicyView{PolicyName: a.PolicyName, PolicyType: a.PolicyType, DefaultVersion: "v1", AttachDate: rpc.FormatTimeSeconds(a.AttachDate)}
		if a.PolicyType == System {
			if sp, ok := systemPolicy(a.PolicyName); ok {
				v.Description = sp.Description
			}
		} else if p, err := env.Q().RAMPolicyGet(ctx, env.Caller.AccountID, a.PolicyName); err == nil {
			v.Description, v.DefaultVersion, v.CreateDate = p.Description, p.DefaultVersion, rpc.FormatTimeSeconds(p.CreateDate)
		}
		resp.Policies.Policy = append(resp.Policies.Policy, v)
	}
	return resp, nil
}
