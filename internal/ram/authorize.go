package ram

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/ecsd/ecsd/internal/apierr"
	"github.com/ecsd/ecsd/internal/auth"
	"github.com/ecsd/ecsd/internal/ram/policy"
	"github.com/ecsd/ecsd/internal/rpc"
	"github.com/ecsd/ecsd/internal/store"
)

// Modes of the authorizer, as --ram-mode spells them.
const (
	ModeEnforce = "enforce"
	ModeLog     = "log"
)

// Authorizer evaluates a RAM user's policies. It reads the user's keys and
// attachments from the store on every call, so a deleted user, key or
// policy stops working at once on every replica.
type Authorizer struct {
	Store *store.Store
	Mode  string
	Log   *slog.Logger

	mu     sync.Mutex
	parsed map[string]*policy.Policy // documents are immutable per version
}

// Authorize is the pipeline's authorize stage for RAM users. A denial is
// the product's Denied error (Forbidden.RAM for ECS, NoPermission for RAM)
// with AccessDeniedDetail; in log mode it is only logged.
func (a *Authorizer) Authorize(ctx context.Context, q rpc.Authorization) error {
	resources, err := q.ResourcesOf(ctx)
	if err != nil {
		return err
	}
	req := policy.Request{Action: q.Action.RAM, Resources: resources, Context: requestContext(q)}
	dec, err := a.decide(ctx, a.Store.Q, q.Caller, req)
	if err != nil {
		return err
	}
	denied := q.Product.Denied
	if denied == nil {
		denied = apierr.ForbiddenRAM
	}
	return a.enforce(ctx, q.Caller, req, dec, denied)
}

// Permit reports whether a RAM user may do a RAM action on resources, for
// the permissions a handler checks itself (price, refund, PassRole). Main
// accounts are always allowed. In log mode a denial is logged and allowed.
func (a *Authorizer) Permit(ctx context.Context, q rpc.Authorization, action string, resources ...string) (bool, error) {
	c := q.Caller
	if c.IsMainAccount() {
		return true, nil
	}
	if len(resources) == 0 {
		resources = []string{"*"}
	}
	req := policy.Request{Action: action, Resources: resources, Context: requestContext(q)}
	// Inside a write action the pool may have no connection to spare: the
	// transaction holds it. Read through the transaction then.
	queries := a.Store.Q
	if q.Tx != nil {
		queries = q.Tx.Q
	}
	dec, err := a.decide(ctx, queries, c, req)
	if err != nil {
		return false, err
	}
	if err := a.enforce(ctx, c, req, dec, apierr.ForbiddenRAM); err != nil {
		return false, nil
	}
	return true, nil
}

func (a *Authorizer) enforce(ctx context.Context, c auth.Caller, req policy.Request, dec policy.Decision, denied *apierr.Def) error {
	attrs := []any{"account", c.AccountID, "user", c.UserName, "action", req.Action, "resources", req.Resources,
		"decision", string(dec.Effect), "reason", dec.Reason()}
	if dec.Effect == policy.Allow {
		a.Log.Debug("ram decision", attrs...)
		return nil
	}
	if a.Mode == ModeLog {
		a.Log.Warn("ram denial (log mode: allowed)", attrs...)
		return nil
	}
	a.Log.Info("ram denial", attrs...)
	noPerm := "ImplicitDeny"
	if dec.Effect == policy.ExplicitDeny {
		noPerm = "ExplicitDeny"
	}
	e := denied.New()
	e.Detail = map[string]any{
		"AuthAction":               req.Action,
		"AuthPrincipalType":        "SubUser",
		"AuthPrincipalOwnerId":     c.AccountID,
		"AuthPrincipalDisplayName": c.UserName,
		"NoPermissionType":         noPerm,
		"PolicyType":               "AccountLevelIdentityBasedPolicy",
		"EncodedDiagnosticMessage": "",
	}
	return e
}

// decide evaluates every policy attached to the caller.
func (a *Authorizer) decide(ctx context.Context, q store.Q, c auth.Caller, req policy.Request) (policy.Decision, error) {
	atts, err := q.RAMUserPolicyList(ctx, c.AccountID, c.UserName)
	if err != nil {
		return policy.Decision{}, err
	}
	docs, err := q.RAMUserPolicyDocuments(ctx, c.AccountID, c.UserName)
	if err != nil {
		return policy.Decision{}, err
	}
	var named []*policy.NamedPolicy
	for _, att := range atts {
		doc := docs[att.PolicyName]
		if att.PolicyType == System {
			sp, ok := systemPolicy(att.PolicyName)
			if !ok {
				continue
			}
			doc = sp.Document
		}
		p, err := a.parse(doc)
		if err != nil {
			// A stored document always parsed when it was written; one that
			// no longer does grants nothing.
			a.Log.Error("stored policy does not parse", "policy", att.PolicyName, "err", err)
			continue
		}
		named = append(named, &policy.NamedPolicy{Name: att.PolicyName, Type: att.PolicyType, Policy: p})
	}
	return policy.Evaluate(named, req), nil
}

func (a *Authorizer) parse(doc string) (*policy.Policy, error) {
	a.mu.Lock()
	p, ok := a.parsed[doc]
	a.mu.Unlock()
	if ok {
		return p, nil
	}
	p, err := policy.Parse(doc)
	if err != nil {
		return nil, err
	}
	a.mu.Lock()
	if a.parsed == nil || len(a.parsed) > 10000 {
		a.parsed = map[string]*policy.Policy{}
	}
	a.parsed[doc] = p
	a.mu.Unlock()
	return p, nil
}

// requestContext gives the common condition keys of a request.
func requestContext(q rpc.Authorization) map[string][]string {
	secure := "false"
	if q.Request.Secure {
		secure = "true"
	}
	return map[string][]string{
		"acs:SourceIp":        {q.Request.RemoteIP},
		"acs:CurrentTime":     {q.Now.UTC().Format(time.RFC3339)},
		"acs:SecureTransport": {secure},
		"acs:MFAPresent":      {"false"},
		"acs:UserAgent":       {q.Request.Header.Get("User-Agent")},
	}
}
