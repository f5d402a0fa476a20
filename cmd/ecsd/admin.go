package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"os"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/ecsd/ecsd/adminclient"
)

// Exit codes of `ecsd admin`, for scripts.
const (
	exitOK          = 0 // done
	exitServerError = 1 // the server answered with an error (the code is printed)
	exitUsage       = 2 // bad command line, or a file that cannot be read or written
	exitNoAnswer    = 3 // the server could not be reached or did not answer
)

// adminCmd is `ecsd admin`: every admin API call from the shell.
type adminCmd struct {
	Endpoint   string        `default:"127.0.0.1:8780" env:"ECSD_ENDPOINT" help:"The server: host:port or URL."`
	AdminToken string        `env:"ECSD_ADMIN_TOKEN" help:"Bearer token of the admin API."`
	JSON       bool          `name:"json" help:"Print the server's JSON answer instead of text."`
	Timeout    time.Duration `default:"60s" help:"How long to wait for an answer."`

	Accounts struct {
		Create accountsCreateCmd `cmd:"" help:"Create a main account with an AccessKey (its secret is shown only now)."`
		Get    accountsGetCmd    `cmd:"" help:"Show an account: balances, keys, flags and quotas."`
		Patch  accountsPatchCmd  `cmd:"" help:"Change an account's name, flags or quotas."`
	} `cmd:"" help:"Main accounts."`
	Balance    balanceCmd `cmd:"" help:"Add to (or, negative, take from) an account's cash or voucher balance."`
	Accesskeys struct {
		Status accessKeyStatusCmd `cmd:"" help:"Make an AccessKey Active or Inactive."`
	} `cmd:"" help:"AccessKeys."`
	Instances struct {
		Patch instancesPatchCmd `cmd:"" help:"Set an instance's state from other products (EIP, locks, ...)."`
	} `cmd:"" help:"Instances."`
	Stock struct {
		Get stockGetCmd `cmd:"" help:"Show a zone's stock of an instance type."`
		Set stockSetCmd `cmd:"" help:"Set a zone's stock of an instance type."`
	} `cmd:"" help:"Per-zone stock."`
	Clock struct {
		Get     clockGetCmd     `cmd:"" help:"Show the domain clock."`
		Advance clockAdvanceCmd `cmd:"" help:"Move the manual clock forward; work due by then runs first."`
		Set     clockSetCmd     `cmd:"" help:"Move the manual clock to a time."`
	} `cmd:"" help:"The domain clock."`
	Faults struct {
		Inject faultsInjectCmd `cmd:"" help:"Make the next calls of an action fail with a catalog code."`
	} `cmd:"" help:"Injected faults."`
	Orders struct {
		Pay ordersPayCmd `cmd:"" help:"Pay an Unpaid order from its account's balance."`
	} `cmd:"" help:"Orders."`
	Reset    resetCmd `cmd:"" help:"Bring the state back to a fresh start."`
	Snapshot struct {
		Save snapshotSaveCmd `cmd:"" help:"Save the whole state as a snapshot document."`
		Load snapshotLoadCmd `cmd:"" help:"Replace the whole state with a snapshot document."`
	} `cmd:"" help:"Snapshots of the whole state."`
}

// adminRun is what every admin subcommand gets: the client and where to
// print.
type adminRun struct {
	client *adminclient.Client
	ctx    context.Context
	json   bool
	out    io.Writer
}

// usageError is a command line that names no valid call.
type usageError struct{ error }

func usagef(format string, args ...any) error { return usageError{fmt.Errorf(format, args...)} }

func (c *adminCmd) run(out io.Writer) (*adminRun, context.CancelFunc, error) {
	if c.AdminToken == "" {
		return nil, nil, usagef("no admin token: set ECSD_ADMIN_TOKEN or give --admin-token")
	}
	ctx, cancel := context.WithTimeout(context.Background(), c.Timeout)
	return &adminRun{client: adminclient.New(c.Endpoint, c.AdminToken), ctx: ctx, json: c.JSON, out: out}, cancel, nil
}

// adminExitCode maps an error of an admin subcommand to its exit code.
func adminExitCode(err error) int {
	var se *adminclient.Error
	var ue usageError
	var ne net.Error
	var ue2 *url.Error
	switch {
	case err == nil:
		return exitOK
	case errors.As(err, &se):
		return exitServerError
	case errors.As(err, &ue):
		return exitUsage
	case errors.As(err, &ne), errors.As(err, &ue2), errors.Is(err, context.DeadlineExceeded):
		return exitNoAnswer
	}
	return exitServerError
}

// print writes v: its JSON with --json, else one "Field  value" line per
// field (lists and maps on one line each).
func (r *adminRun) print(v any) error {
	if r.json {
		enc := json.NewEncoder(r.out)
		enc.SetIndent("", "  ")
		return enc.Encode(v)
	}
	tw := tabwriter.NewWriter(r.out, 0, 4, 2, ' ', 0)
	printFields(tw, reflect.Indirect(reflect.ValueOf(v)))
	return tw.Flush()
}

func printFields(w io.Writer, v reflect.Value) {
	if v.Kind() != reflect.Struct {
		fmt.Fprintln(w, human(v))
		return
	}
	for i := range v.NumField() {
		f, fv := v.Type().Field(i), v.Field(i)
		if f.Anonymous {
			printFields(w, fv)
			continue
		}
		fmt.Fprintf(w, "%s\t%s\n", f.Name, human(fv))
	}
}

// human renders a value on one line.
func human(v reflect.Value) string {
	switch v.Kind() {
	case reflect.Pointer:
		if v.IsNil() {
			return "-"
		}
		return human(v.Elem())
	case reflect.Slice:
		if v.Len() == 0 {
			return "-"
		}
		parts := make([]string, v.Len())
		for i := range parts {
			parts[i] = human(v.Index(i))
		}
		return strings.Join(parts, ", ")
	case reflect.Map:
		if v.Len() == 0 {
			return "-"
		}
		var parts []string
		for _, k := range v.MapKeys() {
			parts = append(parts, fmt.Sprintf("%v=%s", k, human(v.MapIndex(k))))
		}
		sort.Strings(parts)
		return strings.Join(parts, ", ")
	case reflect.Struct:
		var parts []string
		for i := range v.NumField() {
			if s := human(v.Field(i)); s != "" && s != "-" {
				parts = append(parts, s)
			}
		}
		return strings.Join(parts, " ")
	case reflect.String:
		if v.String() == "" {
			return "-"
		}
	}
	return fmt.Sprint(v.Interface())
}

type accountsCreateCmd struct {
	Name            string `arg:"" help:"Account name."`
	Balance         string `default:"0.00" help:"Opening cash balance, e.g. 1000.00."`
	VoucherBalance  string `default:"0.00" help:"Opening voucher balance."`
	AccessKeyID     string `name:"access-key-id" help:"The AccessKeyId to give it (default: generated)."`
	AccessKeySecret string `help:"The AccessKeySecret to give it (default: generated)."`
}

func (c *accountsCreateCmd) Run(r *adminRun) error {
	a, err := r.client.CreateAccount(r.ctx, adminclient.AccountCreate{
		Name: c.Name, Balance: c.Balance, VoucherBalance: c.VoucherBalance, AccessKeyId: c.AccessKeyID, AccessKeySecret: c.AccessKeySecret,
	})
	if err != nil {
		return err
	}
	return r.print(a)
}

type accountsGetCmd struct {
	AccountID string `arg:"" name:"account-id"`
}

func (c *accountsGetCmd) Run(r *adminRun) error {
	a, err := r.client.Account(r.ctx, c.AccountID)
	if err != nil {
		return err
	}
	return r.print(a)
}

type accountsPatchCmd struct {
	AccountID         string         `arg:"" name:"account-id"`
	Name              *string        `help:"New name."`
	OverduePayment    *bool          `help:"The account has an overdue payment (true or false)."`
	NoBillingMethod   *bool          `help:"The account has no billing method (true or false)."`
	RestrictedTypes   *[]string      `help:"Instance types the account may not use (comma-separated)."`
	VCPUQuota         map[string]int `name:"vcpu-quota" help:"vCPUs per region, e.g. cn-hangzhou=64 (repeat or separate with ;)."`
	DowngradeQuota    *int           `help:"Downgrades a month."`
	RefundVCPUQuota   *int           `name:"refund-vcpu-quota" help:"Refunded vCPUs a month."`
	DiskCapacityQuota map[string]int `help:"GiB per disk category and zone, e.g. cloud_essd=32768."`
}

func (c *accountsPatchCmd) Run(r *adminRun) error {
	p := adminclient.AccountPatch{
		Name: c.Name, OverduePayment: c.OverduePayment, NoBillingMethod: c.NoBillingMethod, RestrictedTypes: c.RestrictedTypes,
		DowngradeQuota: c.DowngradeQuota, RefundVCPUQuota: c.RefundVCPUQuota,
	}
	if c.VCPUQuota != nil {
		p.VCPUQuota = &c.VCPUQuota
	}
	if c.DiskCapacityQuota != nil {
		p.DiskCapacityQuota = &c.DiskCapacityQuota
	}
	if reflect.ValueOf(p).IsZero() {
		return usagef("nothing to change: give at least one of the flags (see --help)")
	}
	a, err := r.client.PatchAccount(r.ctx, c.AccountID, p)
	if err != nil {
		return err
	}
	return r.print(a)
}

type balanceCmd struct {
	AccountID string `arg:"" name:"account-id"`
	Amount    string `arg:"" help:"Amount such as 100.00; negative takes money away."`
	Kind      string `default:"cash" enum:"cash,voucher" help:"Which balance: cash or voucher."`
}

func (c *balanceCmd) Run(r *adminRun) error {
	a, err := r.client.AdjustBalance(r.ctx, c.AccountID, c.Amount, c.Kind)
	if err != nil {
		return err
	}
	return r.print(a)
}

type accessKeyStatusCmd struct {
	AccessKeyID string `arg:"" name:"access-key-id"`
	Status      string `arg:"" enum:"Active,Inactive" help:"Active or Inactive."`
}

func (c *accessKeyStatusCmd) Run(r *adminRun) error {
	k, err := r.client.SetAccessKeyStatus(r.ctx, c.AccessKeyID, c.Status)
	if err != nil {
		return err
	}
	return r.print(k)
}

type instancesPatchCmd struct {
	InstanceID                string  `arg:"" name:"instance-id"`
	EipAddress                *string `help:"An EIP bound to the instance (empty: none)."`
	StarterPackage            *bool   `help:"Bought as a starter package."`
	RenewDowngradePlanned     *bool   `help:"A renewal with a downgrade is planned."`
	VpcAdvancedNetworkFeature *bool   `help:"The VPC's advanced network feature is on."`
	SystemDiskDetached        *bool   `help:"The system disk is detached."`
	SystemDiskMissing         *bool   `help:"The system disk is missing."`
	NoPurchaseRecord          *bool   `help:"No purchase record."`
	ImageNotAuthorized        *bool   `help:"The image is no longer authorized."`
	LockReason                *string `help:"financial, security, Recycling, dedicatedhostfinancial, refunded, or empty."`
}

func (c *instancesPatchCmd) Run(r *adminRun) error {
	p := adminclient.InstancePatch{
		EipAddress: c.EipAddress, StarterPackage: c.StarterPackage, RenewDowngradePlanned: c.RenewDowngradePlanned,
		VpcAdvancedNetworkFeature: c.VpcAdvancedNetworkFeature, SystemDiskDetached: c.SystemDiskDetached,
		SystemDiskMissing: c.SystemDiskMissing, NoPurchaseRecord: c.NoPurchaseRecord, ImageNotAuthorized: c.ImageNotAuthorized,
		LockReason: c.LockReason,
	}
	if reflect.ValueOf(p).IsZero() {
		return usagef("nothing to change: give at least one of the flags (see --help)")
	}
	i, err := r.client.PatchInstance(r.ctx, c.InstanceID, p)
	if err != nil {
		return err
	}
	return r.print(i)
}

type stockGetCmd struct {
	ZoneID       string `arg:"" name:"zone-id"`
	InstanceType string `arg:"" name:"instance-type"`
}

func (c *stockGetCmd) Run(r *adminRun) error {
	n, err := r.client.Stock(r.ctx, c.ZoneID, c.InstanceType)
	if err != nil {
		return err
	}
	return r.print(adminclient.Stock{ZoneId: c.ZoneID, InstanceType: c.InstanceType, Available: &n})
}

type stockSetCmd struct {
	ZoneID       string `arg:"" name:"zone-id"`
	InstanceType string `arg:"" name:"instance-type"`
	Available    int    `arg:"" help:"How many more instances the zone can place."`
}

func (c *stockSetCmd) Run(r *adminRun) error {
	if err := r.client.SetStock(r.ctx, c.ZoneID, c.InstanceType, c.Available); err != nil {
		return err
	}
	return r.print(adminclient.Stock{ZoneId: c.ZoneID, InstanceType: c.InstanceType, Available: &c.Available})
}

type clockGetCmd struct{}

func (c *clockGetCmd) Run(r *adminRun) error {
	v, err := r.client.Clock(r.ctx)
	if err != nil {
		return err
	}
	return r.print(v)
}

// clockNow is the answer of a clock move.
type clockNow struct{ Now string }

type clockAdvanceCmd struct {
	By time.Duration `arg:"" help:"A Go duration such as 90m or 720h."`
}

func (c *clockAdvanceCmd) Run(r *adminRun) error {
	now, err := r.client.AdvanceClock(r.ctx, c.By)
	if err != nil {
		return err
	}
	return r.print(clockNow{now.Format(time.RFC3339Nano)})
}

type clockSetCmd struct {
	Time string `arg:"" help:"An RFC 3339 time such as 2026-01-01T00:00:00Z."`
}

func (c *clockSetCmd) Run(r *adminRun) error {
	t, err := time.Parse(time.RFC3339, c.Time)
	if err != nil {
		return usagef("%q is not an RFC 3339 time such as 2026-01-01T00:00:00Z", c.Time)
	}
	now, err := r.client.SetClock(r.ctx, t)
	if err != nil {
		return err
	}
	return r.print(clockNow{now.Format(time.RFC3339Nano)})
}

type faultsInjectCmd struct {
	Action    string `arg:"" help:"The action to fail, e.g. ModifyPrepayInstanceSpec."`
	Code      string `arg:"" help:"An error code of the catalog, e.g. InternalError."`
	Status    int    `help:"The HTTP status, when the code has several."`
	Count     int    `default:"1" help:"How many calls fail."`
	AccountID string `name:"account-id" help:"Only calls of this account (default: anyone's)."`
}

func (c *faultsInjectCmd) Run(r *adminRun) error {
	f, err := r.client.InjectFault(r.ctx, adminclient.Fault{Action: c.Action, Code: c.Code, Status: c.Status, Count: c.Count, AccountId: c.AccountID})
	if err != nil {
		return err
	}
	return r.print(f)
}

type ordersPayCmd struct {
	OrderID string `arg:"" name:"order-id"`
}

func (c *ordersPayCmd) Run(r *adminRun) error {
	o, err := r.client.PayOrder(r.ctx, c.OrderID)
	if err != nil {
		return err
	}
	return r.print(o)
}

type resetCmd struct{}

func (c *resetCmd) Run(r *adminRun) error {
	a, err := r.client.Reset(r.ctx)
	if err != nil {
		return err
	}
	if !r.json {
		fmt.Fprintln(r.out, "The state is fresh. The default account:")
	}
	return r.print(a)
}

type snapshotSaveCmd struct {
	File string `arg:"" optional:"" default:"-" help:"Where to write the document (- or nothing: standard output)."`
}

func (c *snapshotSaveCmd) Run(r *adminRun) error {
	if c.File == "-" {
		return r.client.Snapshot(r.ctx, r.out)
	}
	tmp := c.File + ".part"
	f, err := os.Create(tmp)
	if err != nil {
		return usageError{err}
	}
	err = r.client.Snapshot(r.ctx, f)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, c.File)
	}
	if err != nil {
		os.Remove(tmp)
		return err
	}
	st, err := os.Stat(c.File)
	if err != nil {
		return usageError{err}
	}
	return r.print(struct {
		File  string
		Bytes int64
	}{c.File, st.Size()})
}

type snapshotLoadCmd struct {
	File string `arg:"" help:"The document to load (-: standard input)."`
}

func (c *snapshotLoadCmd) Run(r *adminRun, stdin io.Reader) error {
	in := stdin
	if c.File != "-" {
		f, err := os.Open(c.File)
		if err != nil {
			return usageError{err}
		}
		defer f.Close()
		in = f
	}
	sum, err := r.client.LoadSnapshot(r.ctx, in)
	if err != nil {
		return err
	}
	if r.json {
		return r.print(sum)
	}
	tables := make([]string, 0, len(sum.Rows))
	for t := range sum.Rows {
		tables = append(tables, t)
	}
	sort.Strings(tables)
	tw := tabwriter.NewWriter(r.out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "Loaded:")
	for _, t := range tables {
		fmt.Fprintf(tw, "  %s\t%s rows\n", t, strconv.Itoa(sum.Rows[t]))
	}
	fmt.Fprintf(tw, "  pending jobs\t%d\n", sum.Jobs)
	return tw.Flush()
}
