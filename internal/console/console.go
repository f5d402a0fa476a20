// Package console is the operator's web console under /_ecsd/console/:
// server-rendered pages of accounts, instances, orders, stock, the clock,
// faults and the call log, signed in with the admin token. Its actions call
// the admin API's functions, so the console and the API cannot drift.
package console

import (
	"bytes"
	"crypto/subtle"
	"embed"
	"encoding/json"
	"errors"
	"html/template"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/ecsd/ecsd/internal/admin"
	"github.com/ecsd/ecsd/internal/apierr"
	"github.com/ecsd/ecsd/internal/calllog"
	"github.com/ecsd/ecsd/internal/money"
	"github.com/ecsd/ecsd/internal/store"
)

// Prefix is where the console lives.
const Prefix = "/_ecsd/console/"

//go:embed templates/*.html static/console.css
var files embed.FS

// Console serves the pages.
type Console struct {
	Admin *admin.API
	// Actions are the RPC actions, for the fault form.
	Actions []string
	Log     *slog.Logger
	// Refresh is how often a page with something in flight reloads itself.
	Refresh time.Duration

	key   []byte
	pages map[string]*template.Template
	css   []byte
}

// New builds a console on the admin API.
func New(a *admin.API, actions []string, log *slog.Logger) *Console {
	c := &Console{Admin: a, Actions: actions, Log: log, Refresh: time.Second, key: sessionKey(a.Token)}
	if c.Log == nil {
		c.Log = slog.New(slog.DiscardHandler)
	}
	c.css, _ = files.ReadFile("static/console.css")
	c.pages = map[string]*template.Template{}
	for _, name := range []string{"signin", "instances", "accounts", "account", "orders", "stock", "clock", "faults", "calls", "call", "error"} {
		c.pages[name] = template.Must(template.New("layout.html").Funcs(funcs).ParseFS(files, "templates/layout.html", "templates/"+name+".html"))
	}
	return c
}

var funcs = template.FuncMap{
	"money": func(cents int64) string { return money.Amount(cents).String() },
	"time": func(t time.Time) string {
		if t.IsZero() {
			return "—"
		}
		return t.UTC().Format("2006-01-02 15:04:05")
	},
	"join": strings.Join,
}

// Handler returns the routes. Every page but the sign-in needs a session;
// every POST also needs the session's CSRF token.
func (c *Console) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET "+Prefix+"console.css", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/css; charset=utf-8")
		w.Header().Set("Cache-Control", "max-age=300")
		_, _ = w.Write(c.css)
	})
	mux.HandleFunc("GET "+Prefix+"signin", func(w http.ResponseWriter, r *http.Request) {
		c.render(w, r, http.StatusOK, "signin", &page{Title: "Sign in"})
	})
	mux.HandleFunc("POST "+Prefix+"signin", c.signIn)
	mux.HandleFunc("GET "+Prefix+"{$}", c.signedIn(c.instances))
	mux.HandleFunc("GET "+Prefix+"accounts", c.signedIn(c.accounts))
	mux.HandleFunc("GET "+Prefix+"accounts/{AccountId}", c.signedIn(c.account))
	mux.HandleFunc("GET "+Prefix+"orders", c.signedIn(c.orders))
	mux.HandleFunc("GET "+Prefix+"stock", c.signedIn(c.stock))
	mux.HandleFunc("GET "+Prefix+"clock", c.signedIn(c.clock))
	mux.HandleFunc("GET "+Prefix+"faults", c.signedIn(c.faults))
	mux.HandleFunc("GET "+Prefix+"calls", c.signedIn(c.calls))
	mux.HandleFunc("GET "+Prefix+"calls/{CallId}", c.signedIn(c.call))
	mux.HandleFunc("POST "+Prefix+"signout", c.action(func(r *http.Request) (string, error) { return "", nil }))
	mux.HandleFunc("POST "+Prefix+"accounts/{AccountId}/balance", c.action(c.adjustBalance))
	mux.HandleFunc("POST "+Prefix+"orders/{OrderId}/pay", c.action(c.payOrder))
	mux.HandleFunc("POST "+Prefix+"orders/{OrderId}/cancel", c.action(c.cancelOrder))
	mux.HandleFunc("POST "+Prefix+"stock", c.action(c.setStock))
	mux.HandleFunc("POST "+Prefix+"clock", c.action(c.moveClock))
	mux.HandleFunc("POST "+Prefix+"faults", c.action(c.addFault))
	mux.HandleFunc(Prefix, func(w http.ResponseWriter, r *http.Request) {
		c.fail(w, r, http.StatusNotFound, "Not found", "There is no console page "+r.Method+" "+r.URL.Path+".")
	})
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("X-Frame-Options", "DENY")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("Content-Security-Policy", "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'")
		h.Set("Cache-Control", "no-store")
		mux.ServeHTTP(w, r)
	})
}

// page is what every template gets.
type page struct {
	Title   string
	Nav     string
	CSRF    string
	Now     time.Time
	Mode    string
	Message string
	Error   string
	// Refresh, when not 0, makes the page reload itself after that many
	// seconds (something is in flight).
	Refresh int
	Data    any
}

func (c *Console) render(w http.ResponseWriter, r *http.Request, status int, name string, p *page) {
	if s := c.session(r); s != "" {
		p.CSRF = c.csrfToken(s)
	}
	p.Now, p.Mode = c.Admin.Clock.Now(), c.Admin.ClockMode()
	if p.Message == "" {
		p.Message = r.URL.Query().Get("msg")
	}
	var buf bytes.Buffer
	if err := c.pages[name].Execute(&buf, p); err != nil {
		c.Log.Error("console: render", "page", name, "err", err)
		http.Error(w, "the page could not be rendered", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

func (c *Console) fail(w http.ResponseWriter, r *http.Request, status int, title, msg string) {
	c.render(w, r, status, "error", &page{Title: title, Error: msg})
}

// failErr shows an error of the domain with its code and status.
func (c *Console) failErr(w http.ResponseWriter, r *http.Request, err error) {
	e := apierr.As(err)
	if e.Def.Status >= 500 {
		c.Log.Error("console", "path", r.URL.Path, "err", err)
	}
	c.fail(w, r, e.Def.Status, e.Def.Code, e.Message)
}

func (c *Console) signIn(w http.ResponseWriter, r *http.Request) {
	token := r.PostFormValue("token")
	if token == "" || subtle.ConstantTimeCompare([]byte(token), []byte(c.Admin.Token)) != 1 {
		c.render(w, r, http.StatusUnauthorized, "signin", &page{Title: "Sign in", Error: "That is not the admin token."})
		return
	}
	setSessionCookie(w, r, c.newSession(time.Now()), int(sessionTTL.Seconds()))
	http.Redirect(w, r, Prefix, http.StatusSeeOther)
}

// signedIn refuses a request without a valid session: 401 with the sign-in
// form.
func (c *Console) signedIn(h func(w http.ResponseWriter, r *http.Request) *page) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if c.session(r) == "" {
			c.render(w, r, http.StatusUnauthorized, "signin", &page{Title: "Sign in", Error: "Sign in with the admin token to use the console."})
			return
		}
		if p := h(w, r); p != nil {
			c.render(w, r, http.StatusOK, p.Nav, p)
		}
	}
}

// action runs a form's POST: a session and its CSRF token are required;
// on success it redirects (303) to the form's "next" page with a message.
func (c *Console) action(do func(r *http.Request) (string, error)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
		s := c.session(r)
		if s == "" {
			c.render(w, r, http.StatusUnauthorized, "signin", &page{Title: "Sign in", Error: "Your session has ended: sign in again."})
			return
		}
		if !c.validCSRF(s, r.PostFormValue(csrfField)) {
			c.fail(w, r, http.StatusForbidden, "Refused", "The form's security token is missing or wrong; reload the page and submit it again.")
			return
		}
		if strings.HasSuffix(r.URL.Path, "/signout") {
			setSessionCookie(w, r, "", -1)
			http.Redirect(w, r, Prefix+"signin", http.StatusSeeOther)
			return
		}
		msg, err := do(r)
		if err != nil {
			c.failErr(w, r, err)
			return
		}
		next := r.PostFormValue("next")
		if !strings.HasPrefix(next, Prefix) || strings.ContainsAny(next, "\\\r\n") {
			next = Prefix
		}
		u, _ := url.Parse(next)
		q := u.Query()
		q.Set("msg", msg)
		u.RawQuery = q.Encode()
		http.Redirect(w, r, u.String(), http.StatusSeeOther)
	}
}

// ---- pages ----

// instanceRow is an instance with what is in flight for it.
type instanceRow struct {
	*store.Instance
	Transition string // e.g. "Pending → Running"
	Change     *changeView
}

// changeView is a spec change in flight and how far it got.
type changeView struct {
	OrderID, From, To, Status string
	Step                      int // of 3: 1 ordered (Unpaid), 2 paid (applying), 3 applied
}

var transitions = map[string]string{
	store.StatusPending: "Running", store.StatusStarting: "Running", store.StatusStopping: "Stopped",
}

func (c *Console) instances(w http.ResponseWriter, r *http.Request) *page {
	ctx := r.Context()
	list, err := c.Admin.Store.InstanceListAll(ctx, r.URL.Query().Get("AccountId"), 500)
	if err != nil {
		c.failErr(w, r, err)
		return nil
	}
	p := &page{Title: "Instances", Nav: "instances"}
	rows := make([]instanceRow, 0, len(list))
	for _, inst := range list {
		row := instanceRow{Instance: inst}
		if to, ok := transitions[inst.Status]; ok {
			row.Transition = inst.Status + " → " + to
			p.Refresh = c.refreshSeconds()
		}
		if inst.InFlightOrderID != "" {
			o, err := c.Admin.Store.OrderGetByID(ctx, inst.InFlightOrderID)
			if err == nil {
				ch := &changeView{OrderID: o.ID, From: inst.InstanceType, To: o.InstanceType, Status: o.PaymentStatus, Step: 1}
				if o.PaymentStatus == store.PaymentPaid {
					ch.Step = 2
				}
				row.Change = ch
				p.Refresh = c.refreshSeconds()
			}
		}
		rows = append(rows, row)
	}
	p.Data = rows
	return p
}

func (c *Console) refreshSeconds() int {
	if s := int(c.Refresh.Seconds()); s > 0 {
		return s
	}
	return 1
}

type accountRow struct {
	*store.Account
	Keys int
}

func (c *Console) accounts(w http.ResponseWriter, r *http.Request) *page {
	list, err := c.Admin.Store.AccountList(r.Context())
	if err != nil {
		c.failErr(w, r, err)
		return nil
	}
	rows := make([]accountRow, 0, len(list))
	for _, a := range list {
		keys, err := c.Admin.Store.AccessKeyListByAccount(r.Context(), a.ID)
		if err != nil {
			c.failErr(w, r, err)
			return nil
		}
		rows = append(rows, accountRow{Account: a, Keys: len(keys)})
	}
	return &page{Title: "Accounts", Nav: "accounts", Data: rows}
}

func (c *Console) account(w http.ResponseWriter, r *http.Request) *page {
	ctx := r.Context()
	acc, err := c.Admin.Store.AccountGetByID(ctx, r.PathValue("AccountId"))
	if errors.Is(err, store.ErrNotFound) {
		err = apierr.InvalidAccountIDNotFound.New()
	}
	if err != nil {
		c.failErr(w, r, err)
		return nil
	}
	ledger, err := c.Admin.Store.LedgerList(ctx, acc.ID, 200)
	if err != nil {
		c.failErr(w, r, err)
		return nil
	}
	keys, err := c.Admin.Store.AccessKeyListByAccount(ctx, acc.ID)
	if err != nil {
		c.failErr(w, r, err)
		return nil
	}
	return &page{Title: "Account " + acc.Name, Nav: "account", Data: map[string]any{"Account": acc, "Ledger": ledger, "Keys": keys}}
}

func (c *Console) orders(w http.ResponseWriter, r *http.Request) *page {
	q := r.URL.Query()
	status := q.Get("Status")
	switch status {
	case "", store.PaymentUnpaid, store.PaymentPaid, store.PaymentCancelled:
	default:
		c.fail(w, r, http.StatusBadRequest, "InvalidParameter", "Status must be Unpaid, Paid or Cancelled.")
		return nil
	}
	list, err := c.Admin.Store.OrderListAll(r.Context(), q.Get("AccountId"), status, 300)
	if err != nil {
		c.failErr(w, r, err)
		return nil
	}
	p := &page{Title: "Orders", Nav: "orders", Data: map[string]any{"Orders": list, "Status": status, "AccountId": q.Get("AccountId")}}
	for _, o := range list {
		if o.PaymentStatus == store.PaymentUnpaid {
			// An Unpaid order is cancelled after its time, or paid through
			// another replica: keep the page current.
			p.Refresh = 5
		}
	}
	return p
}

func (c *Console) stock(w http.ResponseWriter, r *http.Request) *page {
	zone := r.URL.Query().Get("ZoneId")
	var zones []string
	for _, reg := range c.Admin.Catalog.Regions() {
		for _, z := range reg.Zones {
			zones = append(zones, z.ZoneId)
		}
	}
	if zone == "" && len(zones) > 0 {
		zone = zones[0]
	}
	list, err := c.Admin.Store.StockList(r.Context(), zone)
	if err != nil {
		c.failErr(w, r, err)
		return nil
	}
	return &page{Title: "Stock", Nav: "stock", Data: map[string]any{"Zone": zone, "Zones": zones, "Stock": list}}
}

func (c *Console) clock(w http.ResponseWriter, r *http.Request) *page {
	return &page{Title: "Clock", Nav: "clock"}
}

func (c *Console) faults(w http.ResponseWriter, r *http.Request) *page {
	list, err := c.Admin.Store.FaultList(r.Context())
	if err != nil {
		c.failErr(w, r, err)
		return nil
	}
	return &page{Title: "Faults", Nav: "faults", Data: map[string]any{"Faults": list, "Actions": c.Actions}}
}

func (c *Console) calls(w http.ResponseWriter, r *http.Request) *page {
	q := r.URL.Query()
	// Empty form fields are no filter.
	for k, v := range q {
		if len(v) == 1 && v[0] == "" {
			q.Del(k)
		}
	}
	delete(q, "msg")
	f, err := calllog.ParseFilter(q)
	if err != nil {
		c.failErr(w, r, err)
		return nil
	}
	pg := &calllog.Page{Calls: []calllog.Entry{}}
	if c.Admin.Calls != nil {
		pg, err = c.Admin.Calls.List(r.Context(), f)
	}
	if err != nil {
		c.failErr(w, r, err)
		return nil
	}
	next := ""
	if pg.NextToken != "" {
		nq := url.Values{}
		for k, v := range q {
			nq[k] = v
		}
		nq.Set("NextToken", pg.NextToken)
		next = Prefix + "calls?" + nq.Encode()
	}
	return &page{Title: "Calls", Nav: "calls", Data: map[string]any{"Page": pg, "Filter": q, "Next": next}}
}

func (c *Console) call(w http.ResponseWriter, r *http.Request) *page {
	if c.Admin.Calls == nil {
		c.failErr(w, r, apierr.InvalidCallIDNotFound.New())
		return nil
	}
	e, err := c.Admin.Calls.Get(r.Context(), r.PathValue("CallId"))
	if err != nil {
		c.failErr(w, r, err)
		return nil
	}
	return &page{Title: "Call " + e.Action, Nav: "call", Data: map[string]any{
		"Call": e, "Parameters": indent(e.Parameters), "Answer": indent(e.Answer),
	}}
}

func indent(raw json.RawMessage) string {
	var buf bytes.Buffer
	if json.Indent(&buf, raw, "", "  ") != nil {
		return string(raw)
	}
	return buf.String()
}

// ---- actions: each calls the admin API's function ----

func (c *Console) adjustBalance(r *http.Request) (string, error) {
	acc, err := c.Admin.AdjustBalance(r.Context(), r.PathValue("AccountId"), r.PostFormValue("Amount"), r.PostFormValue("Kind"))
	if err != nil {
		return "", err
	}
	return "Balance of " + acc.Name + " is now " + money.Amount(acc.CashBalance).String() + " cash, " + money.Amount(acc.VoucherBalance).String() + " voucher.", nil
}

func (c *Console) payOrder(r *http.Request) (string, error) {
	o, err := c.Admin.PayOrder(r.Context(), r.PathValue("OrderId"))
	if err != nil {
		return "", err
	}
	return "Order " + o.ID + " paid (" + money.Amount(o.Amount).String() + ").", nil
}

func (c *Console) cancelOrder(r *http.Request) (string, error) {
	o, err := c.Admin.CancelOrder(r.Context(), r.PathValue("OrderId"))
	if err != nil {
		return "", err
	}
	return "Order " + o.ID + " cancelled.", nil
}

func (c *Console) setStock(r *http.Request) (string, error) {
	n, err := strconv.Atoi(strings.TrimSpace(r.PostFormValue("Available")))
	if err != nil {
		return "", apierr.InvalidParameter.Newf("Available must be a number of instances, 0 or more.")
	}
	in := admin.Stock{ZoneId: r.PostFormValue("ZoneId"), InstanceType: r.PostFormValue("InstanceType"), Available: &n}
	if err := c.Admin.SetStock(r.Context(), in); err != nil {
		return "", err
	}
	return "Stock of " + in.InstanceType + " in " + in.ZoneId + " set to " + strconv.Itoa(n) + ".", nil
}

func (c *Console) moveClock(r *http.Request) (string, error) {
	now, err := c.Admin.MoveClock(r.Context(), strings.TrimSpace(r.PostFormValue("Advance")), strings.TrimSpace(r.PostFormValue("Set")))
	if err != nil {
		return "", err
	}
	return "The clock is now " + now.Format(time.RFC3339) + ".", nil
}

func (c *Console) addFault(r *http.Request) (string, error) {
	f := admin.Fault{Action: strings.TrimSpace(r.PostFormValue("Action")), Code: strings.TrimSpace(r.PostFormValue("Code")), AccountId: strings.TrimSpace(r.PostFormValue("AccountId"))}
	var err error
	if s := strings.TrimSpace(r.PostFormValue("Status")); s != "" {
		if f.Status, err = strconv.Atoi(s); err != nil {
			return "", apierr.InvalidParameter.Newf("Status must be an HTTP status such as 500, or empty.")
		}
	}
	if s := strings.TrimSpace(r.PostFormValue("Count")); s != "" {
		if f.Count, err = strconv.Atoi(s); err != nil {
			return "", apierr.InvalidParameter.Newf("Count must be 1 to 10000.")
		}
	}
	out, err := c.Admin.AddFault(r.Context(), f)
	if err != nil {
		return "", err
	}
	return "Armed: the next " + strconv.Itoa(out.Count) + " " + out.Action + " calls fail with " + out.Code + ".", nil
}
