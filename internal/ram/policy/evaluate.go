package policy

import (
	"fmt"
	"strings"
)

// Request is what one API call asks for.
type Request struct {
	// Action is <ram-code>:<action-name>, e.g. ecs:StopInstance.
	Action string
	// Resources are the ARNs the call touches, e.g.
	// acs:ecs:cn-hangzhou:123456789012****:instance/i-001. Every one must be
	// covered. With none, the request's resource is "*", which only a
	// statement whose Resource matches the string "*" (Resource "*") covers.
	Resources []string
	// Context holds the condition keys of the request: acs:SourceIp,
	// acs:CurrentTime (ISO 8601, e.g. 2026-01-02T03:04:05Z),
	// acs:SecureTransport and acs:MFAPresent ("true"/"false"),
	// acs:UserAgent, and service keys such as ecs:tag/<key>.
	Context map[string][]string
}

// PolicyType is how a policy is attached: a system policy that Alibaba Cloud
// defines, or a custom policy of the account (AttachPolicyToUser's
// PolicyType). It is a plain string so that stored values need no conversion.
type PolicyType = string

const (
	PolicyTypeSystem PolicyType = "System"
	PolicyTypeCustom PolicyType = "Custom"
)

// NamedPolicy is a policy attached to the caller.
type NamedPolicy struct {
	Name   string
	Type   PolicyType
	Policy *Policy
}

// DecisionEffect is the outcome of an evaluation. Its two deny values are
// the NoPermissionType of an AccessDeniedDetail.
type DecisionEffect string

const (
	Allow        DecisionEffect = "Allow"
	ExplicitDeny DecisionEffect = "ExplicitDeny"
	ImplicitDeny DecisionEffect = "ImplicitDeny"
)

// AccessDeniedPolicyType is the PolicyType an AccessDeniedDetail carries for
// the policies Evaluate sees: ecsd attaches policies to identities at account
// scope only (spec/alibaba-api.md §7.1 lists the other values, for control,
// session, resource-group and trust policies).
const AccessDeniedPolicyType = "AccountLevelIdentityBasedPolicy"

// Decision is the outcome of Evaluate and, unless it is ImplicitDeny, the
// statement that decided it: the first matching Deny, or else the first
// matching Allow, in the order the policies and their statements were given.
type Decision struct {
	Effect     DecisionEffect
	PolicyName string
	PolicyType PolicyType
	Statement  int // index in the policy's Statement array; -1 for ImplicitDeny
}

// Allowed reports whether the request may proceed.
func (d Decision) Allowed() bool { return d.Effect == Allow }

// Reason says which statement decided, for a log line.
func (d Decision) Reason() string {
	switch d.Effect {
	case Allow:
		return fmt.Sprintf("allowed by Statement[%d] of %s policy %q", d.Statement, d.PolicyType, d.PolicyName)
	case ExplicitDeny:
		return fmt.Sprintf("denied by Statement[%d] of %s policy %q", d.Statement, d.PolicyType, d.PolicyName)
	}
	return "no statement of the attached policies allows the request"
}

// String renders the decision as its effect and reason.
func (d Decision) String() string {
	return string(d.Effect) + ": " + d.Reason()
}

// Evaluate decides a request against the policies attached to the caller, as
// RAM does for one policy type (spec/alibaba-api.md §9.2): a matching Deny
// statement anywhere gives ExplicitDeny; otherwise a matching Allow statement
// gives Allow; otherwise ImplicitDeny. A statement matches when
//
//   - the action matches one of its Action patterns (or none of its NotAction
//     patterns), without regard to case;
//   - every resource of the request matches one of its Resource patterns,
//     case-sensitively;
//   - every condition holds (values of a key ORed, keys and operators ANDed; a
//     key missing from the request fails a condition unless its operator is a
//     negated one: StringNotEquals, StringNotEqualsIgnoreCase, StringNotLike,
//     NumericNotEquals, DateNotEquals, NotIpAddress).
//
// Nil policies are skipped.
func Evaluate(policies []*NamedPolicy, req Request) Decision {
	action := []rune(strings.ToLower(req.Action))
	resources := make([][]rune, 0, max(len(req.Resources), 1))
	for _, r := range req.Resources {
		resources = append(resources, []rune(r))
	}
	if len(resources) == 0 {
		resources = append(resources, []rune("*"))
	}
	allow := Decision{Effect: ImplicitDeny, Statement: -1}
	for _, np := range policies {
		if np == nil || np.Policy == nil {
			continue
		}
		for i := range np.Policy.statements {
			st := &np.Policy.statements[i]
			if st.Effect != EffectDeny && (allow.Effect == Allow || st.Effect != EffectAllow) {
				continue // nothing this statement could change
			}
			if !st.matches(action, resources, req.Context) {
				continue
			}
			d := Decision{Effect: Allow, PolicyName: np.Name, PolicyType: np.Type, Statement: i}
			if st.Effect == EffectDeny {
				d.Effect = ExplicitDeny
				return d
			}
			allow = d
		}
	}
	return allow
}

// matches reports whether the statement applies to the request, whatever its
// effect.
func (st *Statement) matches(action []rune, resources [][]rune, ctx map[string][]string) bool {
	hit := false
	for _, p := range st.actions {
		if p.match(action) {
			hit = true
			break
		}
	}
	if hit == (st.NotAction != nil) {
		return false
	}
	for _, r := range resources {
		covered := false
		for _, p := range st.resources {
			if p.match(r) {
				covered = true
				break
			}
		}
		if !covered {
			return false
		}
	}
	for _, c := range st.conds {
		if !c.holds(ctx) {
			return false
		}
	}
	return true
}
