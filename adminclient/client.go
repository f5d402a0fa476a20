// Package adminclient is a typed Go client of ecsd's admin API
// (/_ecsd/v1/...): accounts and balances, AccessKeys, instance flags,
// stock, orders, the manual clock, injected faults, reset and snapshots.
// The `ecsd admin` command and the ecsdtest kit use it; so can any Go
// program that drives an ecsd.
package adminclient

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// Client calls one ecsd's admin API with its bearer token.
type Client struct {
	// URL is the server's base URL, e.g. http://127.0.0.1:8780.
	URL   string
	Token string
	// HTTP is the client used (nil: http.DefaultClient).
	HTTP *http.Client
}

// New returns a client of the server at endpoint: a URL, or host:port.
func New(endpoint, token string) *Client {
	if !strings.Contains(endpoint, "://") {
		endpoint = "http://" + endpoint
	}
	return &Client{URL: strings.TrimRight(endpoint, "/"), Token: token}
}

// Error is an error answer of the server.
type Error struct {
	Status    int // HTTP status
	Code      string
	Message   string
	RequestId string
}

func (e *Error) Error() string {
	return fmt.Sprintf("ecsd admin API: %d %s: %s", e.Status, e.Code, e.Message)
}

// IsCode reports whether err is an error answer with the code.
func IsCode(err error, code string) bool {
	var e *Error
	return errors.As(err, &e) && e.Code == code
}

// Do sends a call: in (if not nil) as the JSON body, the JSON answer
// decoded into out (if not nil). An error answer is an *Error; a server
// that cannot be reached is the transport's error.
func (c *Client) Do(ctx context.Context, method, path string, in, out any) error {
	var body io.Reader
	if in != nil {
		if r, ok := in.(io.Reader); ok {
			body = r
		} else {
			b, err := json.Marshal(in)
			if err != nil {
				return err
			}
			body = bytes.NewReader(b)
		}
	}
	resp, err := c.send(ctx, method, path, body)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if w, ok := out.(io.Writer); ok {
		_, err = io.Copy(w, resp.Body)
		return err
	}
	if out == nil {
		_, err = io.Copy(io.Discard, resp.Body)
		return err
	}
	if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
		return fmt.Errorf("ecsd admin API: %s %s: decode the answer: %w", method, path, err)
	}
	return nil
}

// send makes the request and turns an error status into an *Error.
func (c *Client) send(ctx context.Context, method, path string, body io.Reader) (*http.Response, error) {
	req, err := http.NewRequestWithContext(ctx, method, c.URL+path, body)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Authorization", "Bearer "+c.Token)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	hc := c.HTTP
	if hc == nil {
		hc = http.DefaultClient
	}
	resp, err := hc.Do(req)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode < 400 {
		return resp, nil
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	e := &Error{Status: resp.StatusCode}
	if json.Unmarshal(raw, e) != nil || e.Code == "" {
		e.Message = strings.TrimSpace(string(raw))
	}
	return nil, e
}

// Account is an account as the admin API shows it.
type Account struct {
	AccountId      string
	Name           string
	Balance        string
	VoucherBalance string
	Currency       string
	CreatedAt      string
	AccessKeys     []AccessKey
	// Flags that real accounts carry.
	OverduePayment    bool
	NoBillingMethod   bool
	RestrictedTypes   []string
	VCPUQuota         map[string]int
	DowngradeQuota    int
	RefundVCPUQuota   int
	DiskCapacityQuota map[string]int
}

// AccessKey is a key as the admin API shows it (never its secret).
type AccessKey struct {
	AccessKeyId string
	UserName    string `json:",omitempty"`
	Status      string
}

// NewAccount is a created account with its first AccessKey: the only time
// the secret is shown.
type NewAccount struct {
	AccountId       string
	AccessKeyId     string
	AccessKeySecret string
}

// AccountCreate describes an account to create. Empty keys are generated.
type AccountCreate struct {
	Name            string
	Balance         string `json:",omitempty"` // e.g. "1000.00"
	VoucherBalance  string `json:",omitempty"`
	AccessKeyId     string `json:",omitempty"`
	AccessKeySecret string `json:",omitempty"`
}

// AccountPatch changes an account's name, flags and quotas; nil fields
// stay as they are.
type AccountPatch struct {
	Name              *string         `json:",omitempty"`
	OverduePayment    *bool           `json:",omitempty"`
	NoBillingMethod   *bool           `json:",omitempty"`
	RestrictedTypes   *[]string       `json:",omitempty"`
	VCPUQuota         *map[string]int `json:",omitempty"`
	DowngradeQuota    *int            `json:",omitempty"`
	RefundVCPUQuota   *int            `json:",omitempty"`
	DiskCapacityQuota *map[string]int `json:",omitempty"`
}

// Balance kinds for AdjustBalance.
const (
	Cash    = "cash"
	Voucher = "voucher"
)

// Stock is a zone's stock of one instance type.
type Stock struct {
	ZoneId       string
	InstanceType string
	Available    *int `json:",omitempty"`
}

// Order is an order as the admin API shows it after payment.
type Order struct {
	OrderId       string
	AccountId     string
	OrderType     string
	PaymentStatus string
	Amount        string
	VoucherPaid   string
	CashPaid      string
	InstanceIds   []string
}

// Fault is an injected failure: the next Count calls of Action (by
// AccountId, or by anyone) fail with Code (and Status, when the code has
// several).
type Fault struct {
	Action    string
	Code      string
	Status    int `json:",omitempty"`
	Count     int
	AccountId string `json:",omitempty"`
}

// InstanceFlags is an instance's state from other products.
type InstanceFlags struct {
	EipAddress                string `json:",omitempty"`
	StarterPackage            bool   `json:",omitempty"`
	RenewDowngradePlanned     bool   `json:",omitempty"`
	VpcAdvancedNetworkFeature bool   `json:",omitempty"`
	SystemDiskDetached        bool   `json:",omitempty"`
	SystemDiskMissing         bool   `json:",omitempty"`
	NoPurchaseRecord          bool   `json:",omitempty"`
	ImageNotAuthorized        bool   `json:",omitempty"`
}

// Instance is the answer to PatchInstance.
type Instance struct {
	InstanceId string
	InstanceFlags
	LockReason string
}

// InstancePatch sets an instance's flags; nil fields stay as they are.
type InstancePatch struct {
	EipAddress                *string `json:",omitempty"`
	StarterPackage            *bool   `json:",omitempty"`
	RenewDowngradePlanned     *bool   `json:",omitempty"`
	VpcAdvancedNetworkFeature *bool   `json:",omitempty"`
	SystemDiskDetached        *bool   `json:",omitempty"`
	SystemDiskMissing         *bool   `json:",omitempty"`
	NoPurchaseRecord          *bool   `json:",omitempty"`
	ImageNotAuthorized        *bool   `json:",omitempty"`
	LockReason                *string `json:",omitempty"`
}

// Clock is the domain clock: its time and mode ("real" or "manual").
type Clock struct {
	Now  string
	Mode string
}

// SnapshotLoaded is what a loaded snapshot held: rows per table and the
// pending jobs re-created.
type SnapshotLoaded struct {
	Rows map[string]int
	Jobs int
}

func p(format string, args ...any) string {
	for i, a := range args {
		if s, ok := a.(string); ok {
			args[i] = url.PathEscape(s)
		}
	}
	return fmt.Sprintf(format, args...)
}

// CreateAccount creates a main account and its first AccessKey.
func (c *Client) CreateAccount(ctx context.Context, in AccountCreate) (*NewAccount, error) {
	var out NewAccount
	return &out, c.Do(ctx, "POST", "/_ecsd/v1/accounts", in, &out)
}

// Account returns an account.
func (c *Client) Account(ctx context.Context, id string) (*Account, error) {
	var out Account
	return &out, c.Do(ctx, "GET", p("/_ecsd/v1/accounts/%s", id), nil, &out)
}

// PatchAccount changes an account's name, flags or quotas.
func (c *Client) PatchAccount(ctx context.Context, id string, in AccountPatch) (*Account, error) {
	var out Account
	return &out, c.Do(ctx, "PATCH", p("/_ecsd/v1/accounts/%s", id), in, &out)
}

// AdjustBalance adds amount (e.g. "100.00"; negative takes it away) to the
// account's Cash or Voucher balance.
func (c *Client) AdjustBalance(ctx context.Context, id, amount, kind string) (*Account, error) {
	var out Account
	in := struct{ Amount, Kind string }{amount, kind}
	return &out, c.Do(ctx, "POST", p("/_ecsd/v1/accounts/%s/balance", id), in, &out)
}

// SetAccessKeyStatus makes an AccessKey Active or Inactive.
func (c *Client) SetAccessKeyStatus(ctx context.Context, id, status string) (*AccessKey, error) {
	var out AccessKey
	return &out, c.Do(ctx, "PATCH", p("/_ecsd/v1/accesskeys/%s", id), map[string]string{"Status": status}, &out)
}

// PatchInstance sets an instance's state from other products.
func (c *Client) PatchInstance(ctx context.Context, id string, in InstancePatch) (*Instance, error) {
	var out Instance
	return &out, c.Do(ctx, "PATCH", p("/_ecsd/v1/instances/%s", id), in, &out)
}

// InjectFault makes the next calls of an action fail with a catalog code.
func (c *Client) InjectFault(ctx context.Context, f Fault) (*Fault, error) {
	var out Fault
	return &out, c.Do(ctx, "POST", "/_ecsd/v1/faults", f, &out)
}

// SetStock sets how many more instances of a type a zone can place.
func (c *Client) SetStock(ctx context.Context, zone, instanceType string, available int) error {
	return c.Do(ctx, "PUT", "/_ecsd/v1/stock", Stock{ZoneId: zone, InstanceType: instanceType, Available: &available}, nil)
}

// Stock returns how many more instances of a type a zone can place.
func (c *Client) Stock(ctx context.Context, zone, instanceType string) (int, error) {
	var out Stock
	q := url.Values{"ZoneId": {zone}, "InstanceType": {instanceType}}
	if err := c.Do(ctx, "GET", "/_ecsd/v1/stock?"+q.Encode(), nil, &out); err != nil {
		return 0, err
	}
	if out.Available == nil {
		return 0, errors.New("ecsd admin API: the stock answer has no Available")
	}
	return *out.Available, nil
}

// PayOrder pays an Unpaid order from its account's balance.
func (c *Client) PayOrder(ctx context.Context, id string) (*Order, error) {
	var out Order
	return &out, c.Do(ctx, "POST", p("/_ecsd/v1/orders/%s/pay", id), nil, &out)
}

// Clock returns the domain clock.
func (c *Client) Clock(ctx context.Context) (*Clock, error) {
	var out Clock
	return &out, c.Do(ctx, "GET", "/_ecsd/v1/clock", nil, &out)
}

// AdvanceClock moves a manual clock forward by d and returns the new time,
// after the work due by then has run.
func (c *Client) AdvanceClock(ctx context.Context, d time.Duration) (time.Time, error) {
	return c.moveClock(ctx, map[string]string{"Advance": d.String()})
}

// SetClock moves a manual clock to t (backwards too).
func (c *Client) SetClock(ctx context.Context, t time.Time) (time.Time, error) {
	return c.moveClock(ctx, map[string]string{"Set": t.UTC().Format(time.RFC3339)})
}

func (c *Client) moveClock(ctx context.Context, in map[string]string) (time.Time, error) {
	var out struct{ Now string }
	if err := c.Do(ctx, "POST", "/_ecsd/v1/clock", in, &out); err != nil {
		return time.Time{}, err
	}
	return time.Parse(time.RFC3339Nano, out.Now)
}

// Reset brings the server's state back to a fresh start and returns the
// new default account.
func (c *Client) Reset(ctx context.Context) (*NewAccount, error) {
	var out NewAccount
	return &out, c.Do(ctx, "POST", "/_ecsd/v1/reset", nil, &out)
}

// Snapshot writes the whole state, as a snapshot document, to w.
func (c *Client) Snapshot(ctx context.Context, w io.Writer) error {
	return c.Do(ctx, "GET", "/_ecsd/v1/snapshot", nil, w)
}

// LoadSnapshot replaces the whole state with a snapshot document.
func (c *Client) LoadSnapshot(ctx context.Context, doc io.Reader) (*SnapshotLoaded, error) {
	var out SnapshotLoaded
	return &out, c.Do(ctx, "PUT", "/_ecsd/v1/snapshot", doc, &out)
}
