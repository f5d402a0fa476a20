package rpc

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"runtime/debug"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/ecsd/ecsd/internal/apierr"
	"github.com/ecsd/ecsd/internal/auth"
	"github.com/ecsd/ecsd/internal/catalog"
	"github.com/ecsd/ecsd/internal/clock"
	"github.com/ecsd/ecsd/internal/store"
)

// Server is the RPC endpoint: one pipeline for every action of every product.
//
//	parse → authenticate → route → throttle → decode → authorize → handle → encode
type Server struct {
	Auth     *auth.Authenticator
	Throttle Throttler
	Store    *store.Store
	Catalog  *catalog.Catalog
	Clock    clock.Clock
	Log      *slog.Logger
	// Authorize decides whether a RAM user may call an action; nil allows
	// every caller. Main-account keys are never passed to it.
	Authorize func(ctx context.Context, q Authorization) error
	// Permit answers the permission checks a handler makes itself (price,
	// refund, PassRole) for RAM users; nil allows them.
	Permit func(ctx context.Context, q Authorization, action string, resources ...string) (bool, error)
	// Observe, if set, is told the outcome of every request.
	Observe func(action, code string, d time.Duration)
	// Calls, if set, is handed every request once it is answered.
	Calls Recorder

	products map[string]*routed
	// faultsArmed, if set, says whether any fault may be pending, so that
	// calls skip the lookup when none was ever injected.
	faultsArmed func() bool
}

// ArmFaults sets the check that decides whether the fault lookup runs.
func (s *Server) ArmFaults(armed func() bool) { s.faultsArmed = armed }

type routed struct {
	product *Product
	actions map[string]*Action
}

// Register adds a product; its Version selects it.
func (s *Server) Register(p *Product) {
	if s.products == nil {
		s.products = map[string]*routed{}
	}
	s.products[p.Version] = &routed{product: p, actions: p.index()}
}

// NewRequestID returns an upper-case UUID, as Alibaba Cloud's RequestIds are.
func NewRequestID() string { return strings.ToUpper(uuid.NewString()) }

func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	requestID := NewRequestID()
	action, product := "", ""
	f := formatJSON
	var req *Request
	var caller auth.Caller
	fail := func(err error) {
		e := apierr.As(err)
		s.logError(r.Context(), requestID, action, e)
		encodeError(w, f, product, r.Host, requestID, e)
		s.observe(action, e.Def.Code, start)
		s.record(&Call{Start: start, Duration: time.Since(start), RequestID: requestID, Caller: caller,
			Product: product, Action: action, Request: req, Status: e.Def.Status, Err: e})
	}
	defer func() {
		if p := recover(); p != nil {
			fail(apierr.InternalError.New().Wrap(fmt.Errorf("panic: %v\n%s", p, debug.Stack())))
		}
	}()

	req, err := ParseRequest(r)
	if err != nil {
		fail(err)
		return
	}
	if f, err = parseFormat(req.Params); err != nil {
		fail(err)
		return
	}
	authed, err := s.Auth.Authenticate(r.Context(), &auth.Input{
		Method: req.Method, Host: req.Host, Header: req.Header,
		Params: req.Params, Query: req.Query, Body: req.Body,
	})
	if err != nil {
		fail(err)
		return
	}
	caller = authed
	rt, a, err := s.route(req)
	if err != nil {
		fail(err)
		return
	}
	action, product = a.Name, rt.product.Name
	if s.Throttle != nil {
		if err := s.Throttle.Allow(caller.AccountID, a.Name); err != nil {
			fail(err)
			return
		}
	}
	now := s.Clock.Now()
	if !caller.IsMainAccount() && s.Authorize != nil {
		if err := s.Authorize(r.Context(), Authorization{Caller: caller, Product: rt.product, Action: a, Request: req, Now: now, Store: s.Store}); err != nil {
			fail(err)
			return
		}
	}
	if err := s.injectedFault(r.Context(), a.Name, caller.AccountID); err != nil {
		fail(err)
		return
	}
	env := &Env{
		RequestID: requestID, Caller: caller, Now: now,
		Store: s.Store, Catalog: s.Catalog, Clock: s.Clock, Log: s.Log,
	}
	authz := Authorization{Caller: caller, Product: rt.product, Action: a, Request: req, Now: now, Store: s.Store}
	env.Allowed = func(ctx context.Context, action string, resources ...string) (bool, error) {
		if caller.IsMainAccount() || s.Permit == nil {
			return true, nil
		}
		q := authz
		q.Tx = env.Tx
		return s.Permit(ctx, q, action, resources...)
	}
	var body any
	if a.Write {
		token, hash, terr := clientToken(a, req.Params)
		if terr != nil {
			fail(terr)
			return
		}
		err = s.Store.InTx(r.Context(), func(tx *store.Tx) error {
			env.Tx = tx
			if token != "" {
				replay, done, ierr := claimToken(r.Context(), tx, env, a.Name, token, hash)
				if ierr != nil || done {
					body = replay
					return ierr
				}
			}
			var herr error
			if body, herr = a.Handle(r.Context(), env, req.Params); herr != nil {
				return herr
			}
			if token != "" {
				return rememberToken(r.Context(), tx, env, a.Name, token, body)
			}
			return nil
		})
	} else {
		err = s.Store.Read(r.Context(), func(q store.Q) error {
			env.Read = &q
			var herr error
			body, herr = a.Handle(r.Context(), env, req.Params)
			return herr
		})
	}
	if err != nil {
		fail(s.callerGone(r.Context(), caller, err))
		return
	}
	status, answer := encodeSuccess(w, f, rt.product.Envelope, a.Name, requestID, body)
	s.observe(a.Name, "", start)
	s.record(&Call{Start: start, Duration: time.Since(start), RequestID: requestID, Caller: caller,
		Product: product, Action: action, Request: req, Status: status, Answer: answer, XML: f == formatXML})
}

// callerGone answers a call whose AccessKey went away while it ran (a
// reset or a loaded snapshot replaced the state, and the handler found no
// account) as the call would be answered now: InvalidAccessKeyId.NotFound,
// not an internal error.
func (s *Server) callerGone(ctx context.Context, c auth.Caller, err error) error {
	if apierr.As(err).Def != apierr.InternalError {
		return err
	}
	k, kerr := s.Store.AccessKeyGetByID(ctx, c.AccessKeyID)
	if errors.Is(kerr, store.ErrNotFound) || (kerr == nil && k.AccountID != c.AccountID) {
		return apierr.InvalidAccessKeyIDNotFound.New()
	}
	return err
}

// route finds the product by Version and the action by name. An ACS3
// request carries both only in the x-acs-version and x-acs-action headers,
// which its signature must cover; an RPC v1 request signs its parameters
// and not its headers, so it is routed by parameters alone.
func (s *Server) route(req *Request) (*routed, *Action, error) {
	version, name := req.Params["Version"], req.Params["Action"]
	if strings.HasPrefix(req.Header.Get("Authorization"), "ACS3-") {
		if version == "" {
			version = req.Header.Get("x-acs-version")
		}
		if name == "" {
			name = req.Header.Get("x-acs-action")
		}
	}
	if version == "" {
		return nil, nil, apierr.MissingParameter.New("Version")
	}
	rt, ok := s.products[version]
	if !ok {
		return nil, nil, apierr.InvalidVersion.Newf("Specified parameter Version is not valid: %q.", version)
	}
	if name == "" {
		return nil, nil, apierr.MissingParameter.New("Action")
	}
	a, ok := rt.actions[name]
	if !ok {
		return nil, nil, apierr.InvalidActionNotFound.Newf("Specified api is not found, please check your url and method: %s %s is not an action of version %s.", req.Method, name, version)
	}
	return rt, a, nil
}

func (s *Server) logError(ctx context.Context, requestID, action string, e *apierr.Error) {
	if s.Log == nil {
		return
	}
	level := slog.LevelDebug
	if e.Def.Status >= 500 {
		level = slog.LevelError
	}
	attrs := []any{"request_id", requestID, "action", action, "code", e.Def.Code, "status", e.Def.Status}
	if e.Cause != nil {
		attrs = append(attrs, "cause", e.Cause.Error())
	}
	s.Log.Log(ctx, level, "rpc error", attrs...)
}

func (s *Server) observe(action, code string, start time.Time) {
	if s.Observe != nil {
		s.Observe(action, code, time.Since(start))
	}
}

// injectedFault returns the error of a fault injected for this call through
// the admin API, if any: server-side failures that cannot be reached from a
// client's state (InternalError, OrderCreationFailed, ...).
func (s *Server) injectedFault(ctx context.Context, action, accountID string) error {
	if s.faultsArmed != nil && !s.faultsArmed() {
		return nil
	}
	f, err := s.Store.FaultTake(ctx, action, accountID)
	if err != nil || f == nil {
		return err
	}
	d, ok := apierr.Lookup(f.Code, f.Status)
	if !ok {
		return apierr.InternalError.Newf("injected fault with unknown code %s", f.Code)
	}
	return d.Newf("%s (injected fault)", d.Message)
}
