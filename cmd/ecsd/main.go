// Command ecsd is a self-hosted, wire-compatible Alibaba Cloud ECS control
// plane for subscription instances. This file holds flags and wiring only.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/alecthomas/kong"

	"github.com/ecsd/ecsd/adminclient"
	"github.com/ecsd/ecsd/internal/catalog"
	"github.com/ecsd/ecsd/internal/rpc"
	"github.com/ecsd/ecsd/internal/server"
	"github.com/ecsd/ecsd/internal/store"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

type storeFlags struct {
	Data string `default:"./ecsd-data" env:"ECSD_DATA" help:"Directory of the embedded SQLite store."`
	DB   string `env:"ECSD_DB" help:"PostgreSQL URL (postgres://...); replaces the SQLite store."`
}

func (f storeFlags) dsn() string {
	if f.DB != "" {
		return f.DB
	}
	return f.Data
}

type serveCmd struct {
	storeFlags
	Addr              string        `default:"127.0.0.1:8780" env:"ECSD_ADDR" help:"Address to listen on."`
	Catalog           string        `env:"ECSD_CATALOG" type:"existingfile" help:"Catalog JSON file replacing the embedded one (see 'ecsd catalog dump')."`
	Clock             string        `default:"real" enum:"real,manual" env:"ECSD_CLOCK" help:"Domain clock: real, or manual (moved only through the admin API)."`
	ClockStart        string        `env:"ECSD_CLOCK_START" help:"Start time of the manual clock (RFC 3339); default now."`
	ChangeDelay       time.Duration `default:"5s" env:"ECSD_CHANGE_DELAY" help:"How long an accepted spec change takes to apply."`
	TransitionDelay   time.Duration `default:"2s" env:"ECSD_TRANSITION_DELAY" help:"How long Starting and Stopping last."`
	UnpaidOrderTTL    time.Duration `default:"24h" env:"ECSD_UNPAID_ORDER_TTL" help:"How long an Unpaid order waits for payment before it is cancelled."`
	ClientTokenTTL    time.Duration `default:"24h" env:"ECSD_CLIENT_TOKEN_TTL" help:"How long a ClientToken is remembered."`
	MinChangeInterval time.Duration `default:"0s" env:"ECSD_MIN_CHANGE_INTERVAL" help:"Least time between two spec changes of an instance (the user guide's 5m; 0: no limit); closer: Throttling (403)."`
	VCPUQuota         int           `default:"2000" env:"ECSD_VCPU_QUOTA" help:"Default vCPUs per account and region (accounts can get their own through the admin API)."`
	AdminToken        string        `env:"ECSD_ADMIN_TOKEN" help:"Bearer token of the admin API; default: generated on first start and kept in the store."`
	ThrottleAction    float64       `default:"1000" env:"ECSD_THROTTLE_ACTION_RATE" help:"Calls per second one account may make of one action (0: no limit); over it: Throttling."`
	ThrottleUser      float64       `default:"5000" env:"ECSD_THROTTLE_USER_RATE" help:"Calls per second one account may make in all (0: no limit); over it: Throttling.User."`
	RAMMode           string        `default:"enforce" enum:"enforce,log" env:"ECSD_RAM_MODE" help:"RAM authorization: enforce, or log denials and let the call through."`
	CallLogMax        int           `default:"100000" env:"ECSD_CALL_LOG_MAX" help:"Calls the call log keeps, newest first (0: no call log)."`
	CallLogTTL        time.Duration `default:"168h" env:"ECSD_CALL_LOG_TTL" help:"How long the call log keeps a call."`
	LogLevel          string        `default:"info" enum:"debug,info,warn,error" env:"ECSD_LOG_LEVEL" help:"Log level."`
	Pprof             string        `env:"ECSD_PPROF" help:"Loopback address to serve Go's profiles on (/debug/pprof/), for measuring; default: none."`
}

func (c *serveCmd) Run() error {
	var level slog.Level
	_ = level.UnmarshalText([]byte(c.LogLevel))
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level}))

	cfg := server.Config{
		CatalogFile: c.Catalog, Clock: c.Clock,
		ChangeDelay: c.ChangeDelay, TransitionDelay: c.TransitionDelay,
		UnpaidOrderTTL: c.UnpaidOrderTTL, ClientTokenTTL: c.ClientTokenTTL, VCPUQuota: c.VCPUQuota,
		MinChangeInterval:      c.MinChangeInterval,
		AdminToken:             c.AdminToken,
		DefaultAccessKeyID:     os.Getenv("ECSD_DEFAULT_ACCESS_KEY_ID"),
		DefaultAccessKeySecret: os.Getenv("ECSD_DEFAULT_ACCESS_KEY_SECRET"),
		Throttle: rpc.ThrottleConfig{
			ActionRate: c.ThrottleAction, ActionBurst: int(2 * c.ThrottleAction),
			UserRate: c.ThrottleUser, UserBurst: int(2 * c.ThrottleUser),
		},
		RAMMode: c.RAMMode,
		Log:     log, Out: os.Stdout,
		CallLogMax: c.CallLogMax, CallLogTTL: c.CallLogTTL,
	}
	if c.CallLogMax == 0 {
		cfg.CallLogMax = -1 // off
	}
	if c.CallLogMax < 0 || c.CallLogTTL <= 0 {
		return errors.New("--call-log-max must be 0 or more and --call-log-ttl more than 0")
	}
	if c.DB != "" {
		cfg.DB = c.DB
	} else {
		cfg.Data = c.Data
	}
	if c.ClockStart != "" {
		t, err := time.Parse(time.RFC3339, c.ClockStart)
		if err != nil {
			return fmt.Errorf("--clock-start: %w", err)
		}
		cfg.ClockStart = t
	}

	if c.Pprof != "" {
		if err := servePprof(c.Pprof, log); err != nil {
			return err
		}
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	srv, err := server.New(ctx, cfg)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", c.Addr)
	if err != nil {
		_ = srv.Shutdown(context.Background())
		return err
	}
	log.Info("ecsd serving", "addr", ln.Addr().String(), "store", storeKind(c.storeFlags), "clock", c.Clock, "version", version)
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		_ = srv.Shutdown(context.Background())
		return err
	case <-ctx.Done():
	}
	log.Info("ecsd shutting down: finishing in-flight requests and jobs")
	sctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	return srv.Shutdown(sctx)
}

func storeKind(f storeFlags) string {
	if f.DB != "" {
		return "postgres"
	}
	return "sqlite:" + f.Data
}

type migrateCmd struct {
	storeFlags
}

func (c *migrateCmd) Run() error {
	ctx := context.Background()
	st, err := store.Open(ctx, c.dsn(), store.Options{})
	if err != nil {
		return err
	}
	defer st.Close()
	if err := st.Migrate(ctx); err != nil {
		return err
	}
	status, err := st.MigrationStatus(ctx)
	if err != nil {
		return err
	}
	for _, m := range status {
		fmt.Printf("%-8s %s\n", m.State, m.Source.Path)
	}
	return nil
}

type versionCmd struct{}

func (versionCmd) Run() error {
	fmt.Println("ecsd", version)
	return nil
}

type catalogDumpCmd struct {
	Catalog string `type:"existingfile" help:"Catalog file to print instead of the embedded one."`
}

func (c *catalogDumpCmd) Run() error {
	cat := catalog.Default()
	if c.Catalog != "" {
		var err error
		if cat, err = catalog.Load(c.Catalog); err != nil {
			return err
		}
	}
	b, err := cat.Dump()
	if err != nil {
		return err
	}
	_, err = os.Stdout.Write(append(b, '\n'))
	return err
}

// cli is the command line.
type cli struct {
	Serve   serveCmd   `cmd:"" help:"Run the API server."`
	Migrate migrateCmd `cmd:"" help:"Apply pending schema migrations and list them."`
	Version versionCmd `cmd:"" help:"Print the version."`
	Catalog struct {
		Dump catalogDumpCmd `cmd:"" help:"Print the catalog as one JSON file, to edit and pass to --catalog."`
	} `cmd:"" help:"Catalog tools."`
	Admin adminCmd `cmd:"" help:"Call the admin API of a running server (exit codes: 0 ok, 1 the server answered an error, 2 usage, 3 no answer)."`
}

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

// exitCode carries kong's exit (after --help) out of the parser.
type exitCode int

// run runs the command line and returns the process's exit code.
func run(args []string, stdin io.Reader, stdout, stderr io.Writer) (code int) {
	defer func() {
		if p := recover(); p != nil {
			c, ok := p.(exitCode)
			if !ok {
				panic(p)
			}
			code = int(c)
		}
	}()
	var c cli
	k, err := kong.New(&c, kong.Name("ecsd"),
		kong.Description("A self-hosted, wire-compatible Alibaba Cloud ECS control plane for subscription instances."),
		kong.Writers(stdout, stderr), kong.Exit(func(code int) { panic(exitCode(code)) }))
	if err != nil {
		panic(err)
	}
	kctx, err := k.Parse(args)
	if err != nil {
		fmt.Fprintf(stderr, "ecsd: %v (see ecsd --help)\n", err)
		return exitUsage
	}
	admin := strings.HasPrefix(kctx.Command(), "admin ")
	if admin {
		r, cancel, err := c.Admin.run(stdout)
		if err != nil {
			fmt.Fprintln(stderr, "ecsd:", err)
			return exitUsage
		}
		defer cancel()
		kctx.Bind(r)
	}
	kctx.BindTo(stdin, (*io.Reader)(nil))
	err = kctx.Run()
	switch {
	case err == nil, errors.Is(err, context.Canceled) && !admin:
		return exitOK
	case admin:
		var answer *adminclient.Error
		if errors.As(err, &answer) {
			fmt.Fprintf(stderr, "ecsd: %s (HTTP %d): %s\n", answer.Code, answer.Status, answer.Message)
		} else {
			fmt.Fprintln(stderr, "ecsd:", err)
		}
		return adminExitCode(err)
	}
	fmt.Fprintln(stderr, "ecsd:", err)
	return 1
}
