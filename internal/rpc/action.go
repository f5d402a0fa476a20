// Package rpc is the Alibaba Cloud RPC wire: parameters, the action
// registry, decoding into typed requests, the request pipeline and the JSON
// and XML encodings. Products (ECS, RAM, BSS) register their actions here;
// their domain code never sees HTTP.
package rpc

import (
	"context"
	"github.com/ecsd/ecsd/internal/apierr"
	"log/slog"
	"sort"
	"time"

	"github.com/ecsd/ecsd/internal/auth"
	"github.com/ecsd/ecsd/internal/catalog"
	"github.com/ecsd/ecsd/internal/clock"
	"github.com/ecsd/ecsd/internal/store"
)

// Handler runs one action: it decodes params, calls the domain and returns
// the response body (a pointer to a struct that embeds Response).
type Handler func(ctx context.Context, env *Env, params map[string]string) (any, error)

// Action is one row of a product's action table.
type Action struct {
	Name string
	// RAM is the RAM action the caller needs, e.g. "ecs:DescribeRegions".
	RAM    string
	Handle Handler
	// Write actions run inside one transaction (Env.Tx); read actions run
	// on the pool, so that reads do not queue behind SQLite's writer.
	Write bool
	// Idempotent write actions honour ClientToken: the same token and
	// parameters give the same answer once, in the change's transaction.
	Idempotent bool
	// Resources resolves the ARNs the call touches, for RAM; nil means the
	// action has no resource-level permission ("*").
	Resources ResourceFunc
}

// ResourceFunc returns the ARNs of the resources a call touches, as they are
// stored: their real region, account and id. A parameter that the handler's
// lookup does not require (RegionId beside an InstanceId) must never shape
// the ARN, or leaving it out or changing it would slip past a Deny scoped to
// a region. The pipeline calls it before the handler, outside any
// transaction, so it reads the pool. When the parameters name nothing the
// caller owns, it returns the ARN the request names: the handler then
// answers NotFound whatever RAM decides.
type ResourceFunc func(ctx context.Context, r ResourceRequest) ([]string, error)

// ResourceRequest is what a ResourceFunc reads.
type ResourceRequest struct {
	Caller auth.Caller
	Params map[string]string
	Q      store.Q // the pool's queries
}

// Authorization is what the authorize stage decides on.
type Authorization struct {
	Caller  auth.Caller
	Product *Product
	Action  *Action
	Request *Request
	Now     time.Time
	// Store resolves the action's resources.
	Store *store.Store
	// Tx, when set, is the write transaction a handler's own permission
	// check runs in: such a check reads through it, never the pool.
	Tx *store.Tx
}

// ResourcesOf resolves the ARNs a call touches.
func (q Authorization) ResourcesOf(ctx context.Context) ([]string, error) {
	if q.Action.Resources == nil {
		return []string{"*"}, nil
	}
	return q.Action.Resources(ctx, ResourceRequest{Caller: q.Caller, Params: q.Request.Params, Q: q.Store.Q})
}

// Envelope is how a product wraps a success body.
type Envelope int

const (
	// Flat is ECS and RAM: {"RequestId":…, fields…}.
	Flat Envelope = iota
	// BSS is {"Code","Message","RequestId","Success","Data":{fields…}}.
	BSS
)

// Product is an API product, selected by Version.
type Product struct {
	Name     string // "Ecs", as in the error Recommend link
	Version  string // "2014-05-26"
	Envelope Envelope
	Actions  []Action
	// Denied is the error a RAM denial gets: Forbidden.RAM for ECS,
	// NoPermission for RAM.
	Denied *apierr.Def
}

func (p *Product) index() map[string]*Action {
	m := make(map[string]*Action, len(p.Actions))
	for i := range p.Actions {
		m[p.Actions[i].Name] = &p.Actions[i]
	}
	return m
}

// ActionNames lists a product's actions, sorted.
func (p *Product) ActionNames() []string {
	var out []string
	for _, a := range p.Actions {
		out = append(out, a.Name)
	}
	sort.Strings(out)
	return out
}

// Env is what a handler gets besides its parameters.
type Env struct {
	RequestID string
	Caller    auth.Caller
	// Now is the domain clock, read once per request.
	Now   time.Time
	Store *store.Store
	Tx    *store.Tx // set for Write actions
	// Read is the queries of a read action (Store.Read): one snapshot.
	Read    *store.Q
	Catalog *catalog.Catalog
	Clock   clock.Clock
	Log     *slog.Logger
	// Allowed checks a RAM permission that a handler needs beyond its own
	// action (price, refund, PassRole); main accounts always have it.
	Allowed func(ctx context.Context, action string, resources ...string) (bool, error)
}

// Q returns the transaction's queries for a write action, else the pool's.
func (e *Env) Q() store.Q {
	if e.Tx != nil {
		return e.Tx.Q
	}
	if e.Read != nil {
		return *e.Read
	}
	return e.Store.Q
}

// Response is embedded in every response body; the pipeline fills it.
type Response struct {
	RequestId string //nolint:revive // the wire name
}

func (r *Response) setRequestID(id string) { r.RequestId = id }

type requestIDSetter interface{ setRequestID(string) }
