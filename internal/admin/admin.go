// Package admin is the operator's API under /_ecsd/v1/: accounts, balances,
// AccessKey status and the manual clock. JSON in and out, PascalCase fields,
// a bearer token on every call. Its contract is relied on by external test
// suites: add to it, never change it.
package admin

import (
	"context"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/ecsd/ecsd/internal/account"
	"github.com/ecsd/ecsd/internal/apierr"
	"github.com/ecsd/ecsd/internal/clock"
	"github.com/ecsd/ecsd/internal/money"
	"github.com/ecsd/ecsd/internal/rpc"
	"github.com/ecsd/ecsd/internal/store"
)

// API serves the admin endpoints.
type API struct {
	Token string
	Store *store.Store
	Clock clock.Clock
	Log   *slog.Logger
}

// Handler returns the routes, every one behind the token check.
func (a *API) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /_ecsd/v1/accounts", a.createAccount)
	mux.HandleFunc("GET /_ecsd/v1/accounts/{AccountId}", a.getAccount)
	mux.HandleFunc("PATCH /_ecsd/v1/accounts/{AccountId}", a.patchAccount)
	mux.HandleFunc("POST /_ecsd/v1/accounts/{AccountId}/balance", a.adjustBalance)
	mux.HandleFunc("PATCH /_ecsd/v1/accesskeys/{AccessKeyId}", a.patchAccessKey)
	mux.HandleFunc("GET /_ecsd/v1/clock", a.getClock)
	mux.HandleFunc("POST /_ecsd/v1/clock", a.moveClock)
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

func (a *API) authorized(r *http.Request) bool {
	got, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	return ok && a.Token != "" && subtle.ConstantTimeCompare([]byte(got), []byte(a.Token)) == 1
}

// Account is the admin view of an account.
type Account struct {
	AccountId      string
	Name           string
	Balance        string
	VoucherBalance string
	Currency       string
	CreatedAt      string
	AccessKeys     []AccessKey
}

// AccessKey is the admin view of a key (never its secret).
type AccessKey struct {
	AccessKeyId string
	UserName    string `json:",omitempty"`
	Status      string
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
	err = a.Store.InTx(r.Context(), func(tx *store.Tx) error {
		created, err = account.Create(r.Context(), tx, a.Clock.Now(), p)
		return err
	})
	if err != nil {
		writeError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{
		"AccountId": created.Account.ID, "AccessKeyId": created.Key.ID, "AccessKeySecret": created.Key.Secret,
	})
}

func (a *API) getAccount(w http.ResponseWriter, r *http.Request) {
	acc, err := a.Store.AccountGetByID(r.Context(), r.PathValue("AccountId"))
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
	var in struct{ Name *string }
	if err := decode(r, &in); err != nil {
		writeError(w, err)
		return
	}
	id := r.PathValue("AccountId")
	var acc *store.Account
	err := a.Store.InTx(r.Context(), func(tx *store.Tx) error {
		if in.Name != nil {
			if *in.Name == "" || len(*in.Name) > 64 {
				return apierr.InvalidParameter.Newf("Name must be 1 to 64 characters.")
			}
			if err := tx.AccountSetName(r.Context(), id, *in.Name); err != nil {
				return err
			}
		}
		var err error
		acc, err = tx.AccountGetByID(r.Context(), id)
		return err
	})
	a.writeAccount(w, r, acc, err)
}

func (a *API) adjustBalance(w http.ResponseWriter, r *http.Request) {
	var in struct{ Amount, Kind string }
	if err := decode(r, &in); err != nil {
		writeError(w, err)
		return
	}
	if in.Amount == "" {
		writeError(w, apierr.MissingParameter.New("Amount"))
		return
	}
	amt, err := amount("Amount", in.Amount)
	if err != nil {
		writeError(w, err)
		return
	}
	if in.Kind == "" {
		in.Kind = store.LedgerCash
	}
	var acc *store.Account
	err = a.Store.InTx(r.Context(), func(tx *store.Tx) error {
		acc, err = account.Adjust(r.Context(), tx, a.Clock.Now(), r.PathValue("AccountId"), in.Kind, amt)
		return err
	})
	a.writeAccount(w, r, acc, err)
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
	id := r.PathValue("AccessKeyId")
	err := a.Store.AccessKeySetStatus(r.Context(), id, in.Status)
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
	mode := clock.ModeReal
	if _, ok := a.Clock.(*clock.Manual); ok {
		mode = clock.ModeManual
	}
	writeJSON(w, http.StatusOK, map[string]string{"Now": a.Clock.Now().Format(time.RFC3339Nano), "Mode": mode})
}

func (a *API) moveClock(w http.ResponseWriter, r *http.Request) {
	m, ok := a.Clock.(*clock.Manual)
	if !ok {
		writeError(w, apierr.InvalidClockMode.New())
		return
	}
	var in struct{ Advance, Set string }
	if err := decode(r, &in); err != nil {
		writeError(w, err)
		return
	}
	var now time.Time
	switch {
	case in.Advance != "" && in.Set != "":
		writeError(w, apierr.InvalidParameter.Newf("Give Advance or Set, not both."))
		return
	case in.Advance != "":
		d, err := time.ParseDuration(in.Advance)
		if err != nil || d < 0 {
			writeError(w, apierr.InvalidParameter.Newf("Advance must be a non-negative Go duration such as \"90m\" or \"720h\"."))
			return
		}
		if now, err = m.Advance(r.Context(), d); err != nil {
			writeError(w, err)
			return
		}
	case in.Set != "":
		t, err := time.Parse(time.RFC3339, in.Set)
		if err != nil {
			writeError(w, apierr.InvalidParameter.Newf("Set must be an RFC 3339 time such as \"2026-01-01T00:00:00Z\"."))
			return
		}
		if err := m.Set(r.Context(), t); err != nil {
			writeError(w, err)
			return
		}
		now = t.UTC()
	default:
		writeError(w, apierr.MissingParameter.New("Advance or Set"))
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"Now": now.Format(time.RFC3339Nano)})
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
// in a field name does not pass silently.
func decode(r *http.Request, dst any) error {
	dec := json.NewDecoder(io.LimitReader(r.Body, 1<<20))
	dec.DisallowUnknownFields()
	if err := dec.Decode(dst); err != nil && !errors.Is(err, io.EOF) {
		return apierr.InvalidParameter.Newf("The request body is not valid JSON for this call: %v.", err)
	}
	return nil
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
