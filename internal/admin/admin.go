// Package admin is the operator's API under /_ecsd/v1/: accounts, balances,
// AccessKey status and the manual clock. JSON in and out, PascalCase fields,
// a bearer token on every call. Its contract is relied on by external test
// suites: add to it, never change it.
package admin

import (
	"bytes"
	"context"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/ecsd/ecsd/adminclient"
	"github.com/ecsd/ecsd/internal/account"
	"github.com/ecsd/ecsd/internal/apierr"
	"github.com/ecsd/ecsd/internal/calllog"
	"github.com/ecsd/ecsd/internal/catalog"
	"github.com/ecsd/ecsd/internal/clock"
	"github.com/ecsd/ecsd/internal/ecs"
	"github.com/ecsd/ecsd/internal/money"
	"github.com/ecsd/ecsd/internal/rpc"
	"github.com/ecsd/ecsd/internal/state"
	"github.com/ecsd/ecsd/internal/store"
)

// API serves the admin endpoints. A handler that writes reads everything it
// needs from the pool (the manual clock's time included) before it opens its
// transaction, or reads it through the transaction: never the pool while a
// transaction holds a connection, which a small pool would deadlock on.
type API struct {
	Token   string
	Store   *store.Store
	Clock   clock.Clock
	Log     *slog.Logger
	Catalog *catalog.Catalog
	ECS     *ecs.Service
	// AfterClockMove runs the work due by the new time before the clock
	// call returns (ARCHITECTURE.md §7).
	AfterClockMove func(ctx context.Context) error
	// FaultsInjected is told when a fault is added, so the pipeline starts
	// looking for faults at once.
	FaultsInjected func()
	// State resets, exports and imports the whole state.
	State *state.Manager
	// Calls is this replica's call log writer (nil: no call log).
	Calls *calllog.Recorder
}

// Handler returns the routes, every one behind the token check.
func (a *API) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /_ecsd/v1/accounts", a.createAccount)
	mux.HandleFunc("GET /_ecsd/v1/accounts/{AccountId}", a.getAccount)
	mux.HandleFunc("PATCH /_ecsd/v1/accounts/{AccountId}", a.patchAccount)
	mux.HandleFunc("POST /_ecsd/v1/accounts/{AccountId}/balance", a.adjustBalance)
	mux.HandleFunc("PATCH /_ecsd/v1/accesskeys/{AccessKeyId}", a.patchAccessKey)
	mux.HandleFunc("PUT /_ecsd/v1/stock", a.putStock)
	mux.HandleFunc("GET /_ecsd/v1/stock", a.getStock)
	mux.HandleFunc("POST /_ecsd/v1/orders/{OrderId}/pay", a.payOrder)
	mux.HandleFunc("POST /_ecsd/v1/orders/{OrderId}/cancel", a.cancelOrder)
	mux.HandleFunc("PATCH /_ecsd/v1/instances/{InstanceId}", a.patchInstance)
	mux.HandleFunc("POST /_ecsd/v1/faults", a.addFault)
	mux.HandleFunc("GET /_ecsd/v1/clock", a.getClock)
	mux.HandleFunc("POST /_ecsd/v1/clock", a.moveClock)
	mux.HandleFunc("POST /_ecsd/v1/reset", a.reset)
	mux.HandleFunc("GET /_ecsd/v1/snapshot", a.getSnapshot)
	mux.HandleFunc("PUT /_ecsd/v1/snapshot", a.putSnapshot)
	mux.HandleFunc("GET /_ecsd/v1/calls", a.listCalls)
	mux.HandleFunc("GET /_ecsd/v1/calls/{CallId}", a.getCall)
	mux.HandleFunc("/_ecsd/v1/", func(w http.ResponseWriter, r *http.Request) {
		writeError(w, apierr.InvalidActionNotFound.Newf("No admin call %s %s.", r.Method, r.URL.Path))
	})
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !a.authorized(r) {
			writeError(w, apierr.Unauthorized.New())
			return
		}
		mux.ServeHTTP(w, r)
	})
}

// The wire types are the typed client's, so that the two cannot drift.
type (
	Account    = adminclient.Account
	AccessKey  = adminclient.AccessKey
	NewAccount = adminclient.NewAccount
	Stock      = adminclient.Stock
	Order      = adminclient.Order
	Fault      = adminclient.Fault
	Instance   = adminclient.Instance
)

func (a *API) authorized(r *http.Request) bool {
	got, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	return ok && a.Token != "" && subtle.ConstantTimeCompare([]byte(got), []byte(a.Token)) == 1
}

func (a *API) accountView(ctx context.Context, q store.Q, acc *store.Account) (*Account, error) {
	keys, err := q.AccessKeyListByAccount(ctx, acc.ID)
	if err != nil {
		return nil, err
	}
	v := &Account{
		AccountId: acc.ID, Name: acc.Name, Currency: acc.Currency,
		Balance:        money.Amount(acc.CashBalance).String(),
		VoucherBalance: money.Amount(acc.VoucherBalance).String(),
		CreatedAt:      acc.CreatedAt.Format(time.RFC3339),
		AccessKeys:     []AccessKey{},
		OverduePayment: acc.Flags.OverduePayment, NoBillingMethod: acc.Flags.NoBillingMethod,
		RestrictedTypes: acc.Flags.RestrictedTypes, VCPUQuota: acc.Flags.VCPUQuota,
		DowngradeQuota: acc.Flags.DowngradeQuota, RefundVCPUQuota: acc.Flags.RefundVCPUQuota, DiskCapacityQuota: acc.Flags.DiskCapacityQuota,
	}
	for _, k := range keys {
		v.AccessKeys = append(v.AccessKeys, AccessKey{AccessKeyId: k.ID, UserName: k.UserName, Status: k.Status})
	}
	return v, nil
}

func (a *API) createAccount(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Name            string
		Balance         string
		VoucherBalance  string
		AccessKeyId     string
		AccessKeySecret string
	}
	if err := decode(r, &in); err != nil {
		writeError(w, err)
		return
	}
	p := account.CreateParams{Name: in.Name, AccessKeyID: in.AccessKeyId, AccessKeySecret: in.AccessKeySecret}
	var err error
	if p.Balance, err = amount("Balance", in.Balance); err != nil {
		writeError(w, err)
		return
	}
	if p.VoucherBalance, err = amount("VoucherBalance", in.VoucherBalance); err != nil {
		writeError(w, err)
		return
	}
	var created *account.Created
	now := a.Clock.Now() // before the transaction: the manual clock reads the pool
	err = a.Store.InTx(r.Context(), func(tx *store.Tx) error {
		created, err = account.Create(r.Context(), tx, now, p)
		return err
	})
	if err != nil {
		writeError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, NewAccount{AccountId: created.Account.ID, AccessKeyId: created.Key.ID, AccessKeySecret: created.Key.Secret})
}

func (a *API) getAccount(w http.ResponseWriter, r *http.Request) {
	id, err := pathValue(r, "AccountId")
	if err != nil {
		writeError(w, err)
		return
	}
	acc, err := a.Store.AccountGetByID(r.Context(), id)
	a.writeAccount(w, r, acc, err)
}

func (a *API) writeAccount(w http.ResponseWriter, r *http.Request, acc *store.Account, err error) {
	if errors.Is(err, store.ErrNotFound) {
		writeError(w, apierr.InvalidAccountIDNotFound.New())
		return
	}
	if err != nil {
		writeError(w, err)
		return
	}
	v, err := a.accountView(r.Context(), a.Store.Q, acc)
	if err != nil {
		writeError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, v)
}

func (a *API) patchAccount(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Name              *string
		OverduePayment    *bool
		NoBillingMethod   *bool
		RestrictedTypes   *[]string
		VCPUQuota         *map[string]int
		DowngradeQuota    *int
		RefundVCPUQuota   *int
		DiskCapacityQuota *map[string]int
	}
	if err := decode(r, &in); err != nil {
		writeError(w, err)
		return
	}
	id, err := pathValue(r, "AccountId")
	if err != nil {
		writeError(w, err)
		return
	}
	var acc *store.Account
	err = a.Store.InTx(r.Context(), func(tx *store.Tx) error {
		cur, err := tx.AccountGetByID(r.Context(), id)
		if err != nil {
			return err
		}
		if in.Name != nil {
			if *in.Name == "" || len(*in.Name) > 64 {
				return apierr.InvalidParameter.Newf("Name must be 1 to 64 characters.")
			}
			if err := tx.AccountSetName(r.Context(), id, *in.Name); err != nil {
				return err
			}
		}
		f := cur.Flags
		if in.OverduePayment != nil {
			f.OverduePayment = *in.OverduePayment
		}
		if in.NoBillingMethod != nil {
			f.NoBillingMethod = *in.NoBillingMethod
		}
		if in.RestrictedTypes != nil {
			for _, t := range *in.RestrictedTypes {
				if _, ok := a.Catalog.Type(t); !ok {
					return apierr.InvalidParameter.Newf("RestrictedTypes: %q is not an instance type of the catalog.", t)
				}
			}
			f.RestrictedTypes = *in.RestrictedTypes
		}
		if in.VCPUQuota != nil {
			for region, n := range *in.VCPUQuota {
				if _, ok := a.Catalog.Region(region); !ok || n < 0 {
					return apierr.InvalidParameter.Newf("VCPUQuota: %q is not a region of the catalog, or %d is negative.", region, n)
				}
			}
			f.VCPUQuota = *in.VCPUQuota
		}
		if in.DowngradeQuota != nil {
			if *in.DowngradeQuota < 0 {
				return apierr.InvalidParameter.Newf("DowngradeQuota must not be negative.")
			}
			f.DowngradeQuota = *in.DowngradeQuota
		}
		if in.RefundVCPUQuota != nil {
			if *in.RefundVCPUQuota < 0 {
				return apierr.InvalidParameter.Newf("RefundVCPUQuota must not be negative.")
			}
			f.RefundVCPUQuota = *in.RefundVCPUQuota
		}
		if in.DiskCapacityQuota != nil {
			f.DiskCapacityQuota = *in.DiskCapacityQuota
		}
		if err := tx.AccountSetFlags(r.Context(), id, f); err != nil {
			return err
		}
		acc, err = tx.AccountGetByID(r.Context(), id)
		return err
	})
	a.writeAccount(w, r, acc, err)
}

func (a *API) putStock(w http.ResponseWriter, r *http.Request) {
	var in Stock
	if err := decode(r, &in); err != nil {
		writeError(w, err)
		return
	}
	if err := a.SetStock(r.Context(), in); err != nil {
		writeError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, in)
}

// SetStock sets a zone's stock of a type.
func (a *API) SetStock(ctx context.Context, in Stock) error {
	if err := a.checkStock(in); err != nil {
		return err
	}
	if in.Available == nil || *in.Available < 0 {
		return apierr.InvalidParameter.Newf("Available must be a number of instances, 0 or more.")
	}
	return a.Store.InTx(ctx, func(tx *store.Tx) error { return tx.StockSet(ctx, in.ZoneId, in.InstanceType, *in.Available) })
}

func (a *API) getStock(w http.ResponseWriter, r *http.Request) {
	in := Stock{ZoneId: r.URL.Query().Get("ZoneId"), InstanceType: r.URL.Query().Get("InstanceType")}
	for field, v := range map[string]string{"ZoneId": in.ZoneId, "InstanceType": in.InstanceType} {
		if err := checkText(field, v); err != nil {
			writeError(w, err)
			return
		}
	}
	if err := a.checkStock(in); err != nil {
		writeError(w, err)
		return
	}
	n, err := a.Store.StockGet(r.Context(), in.ZoneId, in.InstanceType)
	if errors.Is(err, store.ErrNotFound) {
		n, err = 0, nil
	}
	if err != nil {
		writeError(w, err)
		return
	}
	in.Available = &n
	writeJSON(w, http.StatusOK, in)
}

func (a *API) checkStock(in Stock) error {
	if _, ok := a.Catalog.Zone(in.ZoneId); !ok {
		return apierr.InvalidZoneIDNotFound.Newf("The specified zone %q does not exist.", in.ZoneId)
	}
	if _, ok := a.Catalog.Type(in.InstanceType); !ok {
		return apierr.InvalidInstanceTypeValueNotSupported.Newf("The specified InstanceType %q does not exist.", in.InstanceType)
	}
	return nil
}

func (a *API) payOrder(w http.ResponseWriter, r *http.Request) {
	id, err := pathValue(r, "OrderId")
	if err != nil {
		writeError(w, err)
		return
	}
	o, err := a.PayOrder(r.Context(), id)
	a.writeOrder(w, o, err)
}

func (a *API) cancelOrder(w http.ResponseWriter, r *http.Request) {
	id, err := pathValue(r, "OrderId")
	if err != nil {
		writeError(w, err)
		return
	}
	o, err := a.CancelOrder(r.Context(), id)
	a.writeOrder(w, o, err)
}

func (a *API) writeOrder(w http.ResponseWriter, o *store.Order, err error) {
	if err != nil {
		writeError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, Order{
		OrderId: o.ID, AccountId: o.AccountID, OrderType: o.Type, PaymentStatus: o.PaymentStatus,
		Amount: money.Amount(o.Amount).String(), VoucherPaid: money.Amount(o.VoucherPaid).String(),
		CashPaid: money.Amount(o.CashPaid).String(), InstanceIds: o.InstanceIDs,
	})
}

// PayOrder pays an Unpaid order of any account from its balance, in one
// transaction.
func (a *API) PayOrder(ctx context.Context, orderID string) (*store.Order, error) {
	var o *store.Order
	now := a.Clock.Now() // before the transaction: the manual clock reads the pool
	err := a.Store.InTx(ctx, func(tx *store.Tx) error {
		var err error
		o, err = a.ECS.PayOrder(ctx, tx, now, orderID)
		return err
	})
	return o, err
}

// CancelOrder cancels an Unpaid order of any account, as BSS CancelOrder
// does for its owner.
func (a *API) CancelOrder(ctx context.Context, orderID string) (*store.Order, error) {
	var o *store.Order
	err := a.Store.InTx(ctx, func(tx *store.Tx) error {
		cur, err := tx.OrderGetByID(ctx, orderID)
		if errors.Is(err, store.ErrNotFound) {
			return apierr.InvalidOrderIDNotFound.New()
		}
		if err != nil {
			return err
		}
		if err := a.ECS.CancelOrder(ctx, tx, cur.AccountID, orderID); err != nil {
			return err
		}
		o, err = tx.OrderGetByID(ctx, orderID)
		return err
	})
	return o, err
}

func (a *API) adjustBalance(w http.ResponseWriter, r *http.Request) {
	var in struct{ Amount, Kind string }
	if err := decode(r, &in); err != nil {
		writeError(w, err)
		return
	}
	id, err := pathValue(r, "AccountId")
	if err != nil {
		writeError(w, err)
		return
	}
	acc, err := a.AdjustBalance(r.Context(), id, in.Amount, in.Kind)
	a.writeAccount(w, r, acc, err)
}

// AdjustBalance moves an account's cash (kind "" or "cash") or voucher
// balance by amount, such as "100.00" or "-5.00", with a ledger entry.
func (a *API) AdjustBalance(ctx context.Context, accountID, amountText, kind string) (*store.Account, error) {
	if amountText == "" {
		return nil, apierr.MissingParameter.New("Amount")
	}
	amt, err := amount("Amount", amountText)
	if err != nil {
		return nil, err
	}
	if kind == "" {
		kind = store.LedgerCash
	}
	var acc *store.Account
	now := a.Clock.Now() // before the transaction: the manual clock reads the pool
	err = a.Store.InTx(ctx, func(tx *store.Tx) error {
		acc, err = account.Adjust(ctx, tx, now, accountID, kind, amt)
		return err
	})
	return acc, err
}

func (a *API) patchAccessKey(w http.ResponseWriter, r *http.Request) {
	var in struct{ Status string }
	if err := decode(r, &in); err != nil {
		writeError(w, err)
		return
	}
	if in.Status != store.KeyActive && in.Status != store.KeyInactive {
		writeError(w, apierr.InvalidParameter.Newf("Status must be Active or Inactive."))
		return
	}
	id, err := pathValue(r, "AccessKeyId")
	if err != nil {
		writeError(w, err)
		return
	}
	err = a.Store.AccessKeySetStatus(r.Context(), id, in.Status)
	if errors.Is(err, store.ErrNotFound) {
		writeError(w, apierr.InvalidAccessKeyIDNotFound.New())
		return
	}
	if err != nil {
		writeError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, AccessKey{AccessKeyId: id, Status: in.Status})
}

func (a *API) getClock(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, map[string]string{"Now": a.Clock.Now().Format(time.RFC3339Nano), "Mode": a.ClockMode()})
}

func (a *API) moveClock(w http.ResponseWriter, r *http.Request) {
	var in struct{ Advance, Set string }
	if err := decode(r, &in); err != nil {
		writeError(w, err)
		return
	}
	now, err := a.MoveClock(r.Context(), in.Advance, in.Set)
	if err != nil {
		writeError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"Now": now.Format(time.RFC3339Nano)})
}

// ClockMode is clock.ModeManual or clock.ModeReal.
func (a *API) ClockMode() string {
	if _, ok := a.Clock.(*clock.Manual); ok {
		return clock.ModeManual
	}
	return clock.ModeReal
}

// MoveClock advances the manual clock by a Go duration ("90m") or sets it
// to an RFC 3339 time (one of the two), then runs the work due by the new
// time before it returns.
func (a *API) MoveClock(ctx context.Context, advance, set string) (time.Time, error) {
	m, ok := a.Clock.(*clock.Manual)
	if !ok {
		return time.Time{}, apierr.InvalidClockMode.New()
	}
	var now time.Time
	switch {
	case advance != "" && set != "":
		return now, apierr.InvalidParameter.Newf("Give Advance or Set, not both.")
	case advance != "":
		d, err := time.ParseDuration(advance)
		if err != nil || d < 0 {
			return now, apierr.InvalidParameter.Newf("Advance must be a non-negative Go duration such as \"90m\" or \"720h\".")
		}
		if now, err = m.Advance(ctx, d); err != nil {
			return now, err
		}
	case set != "":
		t, err := time.Parse(time.RFC3339, set)
		if err != nil {
			return now, apierr.InvalidParameter.Newf("Set must be an RFC 3339 time such as \"2026-01-01T00:00:00Z\".")
		}
		if err := m.Set(ctx, t); err != nil {
			return now, err
		}
		now = t.UTC()
	default:
		return now, apierr.MissingParameter.New("Advance or Set")
	}
	if a.AfterClockMove != nil {
		if err := a.AfterClockMove(ctx); err != nil {
			return now, err
		}
	}
	return now, nil
}

func amount(field, s string) (money.Amount, error) {
	if s == "" {
		return 0, nil
	}
	v, err := money.Parse(s)
	if err != nil {
		return 0, apierr.InvalidParameter.Newf("%s must be a decimal string with at most two decimals, such as \"100.00\".", field)
	}
	return v, nil
}

// decode reads a JSON body strictly: unknown fields are an error, so a typo
// in a field name does not pass silently. Text the store cannot hold (a NUL
// byte, invalid UTF-8) is refused in every field, naming the field, as the
// RPC side refuses it in every parameter.
func decode(r *http.Request, dst any) error {
	body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	if err != nil {
		return apierr.InvalidParameter.Newf("The request body could not be read: %v.", err)
	}
	if err := checkJSONText(body); err != nil {
		return err
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(dst); err != nil && !errors.Is(err, io.EOF) {
		return apierr.InvalidParameter.Newf("The request body is not valid JSON for this call: %v.", err)
	}
	return nil
}

// checkJSONText checks every string of a JSON object, keys included, at any
// depth, and names the top-level field that holds a bad one. encoding/json
// would silently turn invalid UTF-8 into U+FFFD, so the raw bytes are checked.
func checkJSONText(body []byte) error {
	var fields map[string]json.RawMessage
	if json.Unmarshal(body, &fields) != nil {
		return nil // not an object: the strict decode says so
	}
	for name, raw := range fields {
		if !utf8.Valid(raw) {
			return textError(name, "is not valid UTF-8")
		}
		if err := checkText(name, name); err != nil {
			return err
		}
		var v any
		if err := json.Unmarshal(raw, &v); err != nil {
			continue
		}
		if err := walkText(name, v); err != nil {
			return err
		}
	}
	return nil
}

func walkText(field string, v any) error {
	switch v := v.(type) {
	case string:
		return checkText(field, v)
	case []any:
		for _, e := range v {
			if err := walkText(field, e); err != nil {
				return err
			}
		}
	case map[string]any:
		for k, e := range v {
			if err := checkText(field, k); err != nil {
				return err
			}
			if err := walkText(field, e); err != nil {
				return err
			}
		}
	}
	return nil
}

// checkText refuses a value no field holds and PostgreSQL text refuses.
func checkText(field, s string) error {
	if !utf8.ValidString(s) {
		return textError(field, "is not valid UTF-8")
	}
	if strings.IndexByte(s, 0) >= 0 {
		return textError(field, "contains a NUL character")
	}
	return nil
}

func textError(field, what string) error {
	return apierr.InvalidParameter.Newf("The field %q %s.", strings.ToValidUTF8(field, "?"), what)
}

// pathValue returns a path segment such as {AccountId}, refusing text no id
// holds before it reaches the store.
func pathValue(r *http.Request, name string) (string, error) {
	v := r.PathValue(name)
	return v, checkText(name, v)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json;charset=utf-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func writeError(w http.ResponseWriter, err error) {
	e := apierr.As(err)
	writeJSON(w, e.Def.Status, map[string]string{"RequestId": rpc.NewRequestID(), "Code": e.Def.Code, "Message": e.Message})
}

func (a *API) patchInstance(w http.ResponseWriter, r *http.Request) {
	var in struct {
		EipAddress                *string
		StarterPackage            *bool
		RenewDowngradePlanned     *bool
		VpcAdvancedNetworkFeature *bool
		SystemDiskDetached        *bool
		SystemDiskMissing         *bool
		NoPurchaseRecord          *bool
		ImageNotAuthorized        *bool
		LockReason                *string
	}
	if err := decode(r, &in); err != nil {
		writeError(w, err)
		return
	}
	id, err := pathValue(r, "InstanceId")
	if err != nil {
		writeError(w, err)
		return
	}
	var out Instance
	err = a.Store.InTx(r.Context(), func(tx *store.Tx) error {
		inst, err := tx.InstanceGetByID(r.Context(), id)
		if errors.Is(err, store.ErrNotFound) {
			return apierr.InvalidInstanceIdNotFound.New()
		}
		if err != nil {
			return err
		}
		f, lock := inst.Flags, inst.LockReason
		setStr := func(dst *string, v *string) {
			if v != nil {
				*dst = *v
			}
		}
		setBool := func(dst *bool, v *bool) {
			if v != nil {
				*dst = *v
			}
		}
		setStr(&f.EipAddress, in.EipAddress)
		setBool(&f.StarterPackage, in.StarterPackage)
		setBool(&f.RenewDowngradePlanned, in.RenewDowngradePlanned)
		setBool(&f.VpcAdvancedNetworkFeature, in.VpcAdvancedNetworkFeature)
		setBool(&f.SystemDiskDetached, in.SystemDiskDetached)
		setBool(&f.SystemDiskMissing, in.SystemDiskMissing)
		setBool(&f.NoPurchaseRecord, in.NoPurchaseRecord)
		setBool(&f.ImageNotAuthorized, in.ImageNotAuthorized)
		setStr(&lock, in.LockReason)
		switch lock {
		case "", "financial", "security", "Recycling", "dedicatedhostfinancial", "refunded":
		default:
			return apierr.InvalidParameter.Newf("LockReason must be empty or one of financial, security, Recycling, dedicatedhostfinancial, refunded.")
		}
		out = Instance{InstanceId: id, InstanceFlags: adminclient.InstanceFlags(f), LockReason: lock}
		return tx.InstanceSetFlags(r.Context(), id, f, lock)
	})
	if err != nil {
		writeError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, out)
}

func (a *API) addFault(w http.ResponseWriter, r *http.Request) {
	var in Fault
	if err := decode(r, &in); err != nil {
		writeError(w, err)
		return
	}
	out, err := a.AddFault(r.Context(), in)
	if err != nil {
		writeError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, out)
}

// AddFault arms a fault: the next Count calls of Action fail with Code.
func (a *API) AddFault(ctx context.Context, in Fault) (Fault, error) {
	if in.Count == 0 {
		in.Count = 1
	}
	d, ok := apierr.Lookup(in.Code, in.Status)
	switch {
	case in.Action == "":
		return in, apierr.MissingParameter.New("Action")
	case !ok:
		return in, apierr.InvalidParameter.Newf("Code %q (status %d) is not in the error catalog.", in.Code, in.Status)
	case in.Count < 1 || in.Count > 10000:
		return in, apierr.InvalidParameter.Newf("Count must be 1 to 10000.")
	}
	in.Status = d.Status
	err := a.Store.FaultInsert(ctx, &store.Fault{Action: in.Action, AccountID: in.AccountId, Code: d.Code, Status: d.Status, Remaining: in.Count, CreatedAt: a.Clock.Now()})
	if err != nil {
		return in, err
	}
	if a.FaultsInjected != nil {
		a.FaultsInjected()
	}
	return in, nil
}

func (a *API) reset(w http.ResponseWriter, r *http.Request) {
	created, err := a.State.Reset(r.Context())
	if err != nil {
		writeError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, NewAccount{AccountId: created.Account.ID, AccessKeyId: created.Key.ID, AccessKeySecret: created.Key.Secret})
}

func (a *API) getSnapshot(w http.ResponseWriter, r *http.Request) {
	doc, err := a.State.Export(r.Context())
	if err != nil {
		writeError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, doc)
}

func (a *API) putSnapshot(w http.ResponseWriter, r *http.Request) {
	sum, err := a.State.Import(r.Context(), r.Body)
	var bad *state.Error
	if errors.As(err, &bad) {
		writeError(w, apierr.InvalidSnapshot.Newf("The snapshot cannot be loaded (nothing was changed): at %s: %s.", bad.Where, bad.What))
		return
	}
	if err != nil {
		writeError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, sum)
}
