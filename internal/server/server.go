// Package server wires ecsd together: store, migrations, clock, River, the
// RPC endpoint, the admin API, metrics and probes. cmd/ecsd and the tests
// start ecsd through it, so tests run exactly what users run.
package server

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/riverqueue/river"

	"github.com/ecsd/ecsd/internal/account"
	"github.com/ecsd/ecsd/internal/admin"
	"github.com/ecsd/ecsd/internal/auth"
	"github.com/ecsd/ecsd/internal/bss"
	"github.com/ecsd/ecsd/internal/calllog"
	"github.com/ecsd/ecsd/internal/catalog"
	"github.com/ecsd/ecsd/internal/clock"
	"github.com/ecsd/ecsd/internal/console"
	"github.com/ecsd/ecsd/internal/ecs"
	"github.com/ecsd/ecsd/internal/jobs"
	"github.com/ecsd/ecsd/internal/ram"
	"github.com/ecsd/ecsd/internal/rpc"
	"github.com/ecsd/ecsd/internal/state"
	"github.com/ecsd/ecsd/internal/store"
	"github.com/ecsd/ecsd/internal/vpc"
)

// Config is everything `ecsd serve` can be told.
type Config struct {
	Data            string // SQLite data directory
	DB              string // postgres:// URL; overrides Data
	CatalogFile     string // replaces the embedded catalog
	Clock           string // clock.ModeReal or clock.ModeManual
	ClockStart      time.Time
	ChangeDelay     time.Duration
	TransitionDelay time.Duration
	// UnpaidOrderTTL is how long an Unpaid order waits for payment before it
	// is cancelled (default 24 h).
	UnpaidOrderTTL time.Duration
	// ClientTokenTTL is how long ClientToken records are kept (default 24 h).
	ClientTokenTTL time.Duration
	// VCPUQuota is the default vCPUs per account and region (0: 2000).
	VCPUQuota int
	// MinChangeInterval is the least time between two spec changes of an
	// instance (0: no limit).
	MinChangeInterval time.Duration
	AdminToken        string
	// DefaultAccessKeyID and DefaultAccessKeySecret, if set, are the keys of
	// the default account created on first start.
	DefaultAccessKeyID     string
	DefaultAccessKeySecret string
	Throttle               rpc.ThrottleConfig
	// MaxConns is the store's pool size (0: the store's default).
	MaxConns int
	// RAMMode is ram.ModeEnforce (default) or ram.ModeLog.
	RAMMode string
	// CallLogMax and CallLogTTL bound the call log by count and age (0: the
	// calllog defaults); a negative CallLogMax turns the call log off.
	CallLogMax int
	CallLogTTL time.Duration
	Log        *slog.Logger
	// Out receives what is printed once on first start (the default
	// account's AccessKey, the generated admin token). Never the log.
	Out io.Writer
}

// DefaultThrottle is generous: it stops a runaway loop, not a test suite.
var DefaultThrottle = rpc.ThrottleConfig{ActionRate: 1000, ActionBurst: 2000, UserRate: 5000, UserBurst: 10000}

// Server is a running ecsd.
type Server struct {
	Store      *store.Store
	Catalog    *catalog.Catalog
	Clock      clock.Clock
	AdminToken string
	// DefaultAccount is set when this start created it.
	DefaultAccount *account.Created

	ECS *ecs.Service
	VPC *vpc.Service
	RAM *ram.Authorizer
	// State resets, exports and imports the whole state.
	State *state.Manager
	// Products are the RPC products served, with their action tables.
	Products []*rpc.Product

	cfg     Config
	runner  *jobs.Runner
	handler http.Handler
	http    *http.Server
	stop    context.CancelFunc // stops the timer loop
	stopped chan struct{}
	faults  faultSwitch
	// Calls writes the call log (nil when it is off).
	Calls     *calllog.Recorder
	callStore *store.Store // the call log's own SQLite file; nil on PostgreSQL
}

// faultSwitch tells the pipeline whether to look for injected faults: on
// once this replica injected one, and refreshed from the store by the timer
// loop so that faults injected through another replica are seen within a
// tick. Without it every call would pay a query for a test-only feature.
type faultSwitch struct {
	on  atomic.Bool
	gen atomic.Uint64 // bumped by every local arm
}

func (f *faultSwitch) arm()        { f.gen.Add(1); f.on.Store(true) }
func (f *faultSwitch) armed() bool { return f.on.Load() }

// refresh sets the switch from a count of pending faults read after gen was
// taken; a local arm since then wins over a count that could predate it.
func (f *faultSwitch) refresh(gen uint64, pending bool) {
	if pending {
		f.on.Store(true)
		return
	}
	if f.gen.Load() == gen {
		f.on.CompareAndSwap(true, false)
	}
}

// New opens and migrates the store, bootstraps an empty one, and builds the
// handlers. It starts River but does not listen; call Serve.
func New(ctx context.Context, cfg Config) (*Server, error) {
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	if cfg.Out == nil {
		cfg.Out = io.Discard
	}
	s := &Server{cfg: cfg}
	var err error
	if s.Catalog, err = loadCatalog(cfg.CatalogFile); err != nil {
		return nil, err
	}
	dsn := cfg.DB
	if dsn == "" {
		dsn = cfg.Data
	}
	if dsn == "" {
		return nil, errors.New("no store: give --data DIR or --db postgres://...")
	}
	if s.Store, err = store.Open(ctx, dsn, store.Options{MaxConns: cfg.MaxConns}); err != nil {
		return nil, err
	}
	ok := false
	defer func() {
		if !ok {
			s.close()
		}
	}()
	if err := s.Store.Migrate(ctx); err != nil {
		return nil, err
	}
	if s.Clock, err = newClock(ctx, s.Store, cfg); err != nil {
		return nil, err
	}
	if err := s.bootstrap(ctx); err != nil {
		return nil, err
	}
	if err := s.seedStock(ctx); err != nil {
		return nil, err
	}
	if cfg.UnpaidOrderTTL <= 0 {
		cfg.UnpaidOrderTTL = 24 * time.Hour
	}
	if cfg.VCPUQuota <= 0 {
		cfg.VCPUQuota = 2000
	}
	s.ECS = &ecs.Service{
		Catalog: s.Catalog, TransitionDelay: cfg.TransitionDelay, ChangeDelay: cfg.ChangeDelay,
		UnpaidOrderTTL: cfg.UnpaidOrderTTL, DefaultVCPUQuota: cfg.VCPUQuota, MinChangeInterval: cfg.MinChangeInterval,
	}
	s.VPC = &vpc.Service{Catalog: s.Catalog, TransitionDelay: cfg.TransitionDelay}
	s.runner, err = jobs.New(ctx, s.Store, jobs.Config{
		Log: cfg.Log, Now: s.Clock.Now, TokenTTL: cfg.ClientTokenTTL,
		Register: func(w *river.Workers) {
			s.ECS.AddWorkers(w, s.Store, s.Clock.Now)
			s.VPC.AddWorkers(w, s.Store)
		},
	})
	if err != nil {
		return nil, err
	}
	s.ECS.Jobs = s.runner.Client
	s.State = &state.Manager{
		Store: s.Store, Jobs: s.runner.Client, Clock: s.Clock, Catalog: s.Catalog, ClockStart: cfg.ClockStart,
		DefaultAccessKeyID: cfg.DefaultAccessKeyID, DefaultAccessKeySecret: cfg.DefaultAccessKeySecret,
		// Faults may come with an imported state: look for them at once.
		Changed: s.faults.arm,
	}
	s.VPC.Jobs = s.runner.Client
	if err := s.runner.Start(ctx); err != nil {
		return nil, fmt.Errorf("start river: %w", err)
	}
	s.startTimers()
	if err := s.startCallLog(ctx); err != nil {
		return nil, err
	}
	s.handler = s.routes()
	// The http.Server exists before Serve, so that a Shutdown that comes
	// first (a signal at start-up) makes a later Serve return at once, and
	// Serve and Shutdown never race on the field.
	s.http = &http.Server{
		Handler:           s.handler,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(cfg.Log.Handler(), slog.LevelWarn),
	}
	ok = true
	return s, nil
}

// startCallLog starts the call log's writer. On PostgreSQL the log is a
// table of the shared database. On SQLite it is a database file of its own
// (calls/ in the data directory): the state's file has one writer, and the
// log's inserts and checkpoints would otherwise take turns with requests.
func (s *Server) startCallLog(ctx context.Context) error {
	if s.cfg.CallLogMax < 0 {
		return nil
	}
	st := s.Store
	if st.Dialect() == store.SQLite {
		var err error
		if st, err = store.Open(ctx, filepath.Join(s.cfg.Data, "calls"), store.Options{MaxConns: 2}); err != nil {
			return fmt.Errorf("call log: %w", err)
		}
		if err := st.Migrate(ctx); err != nil {
			st.Close()
			return fmt.Errorf("call log: %w", err)
		}
		s.callStore = st
	}
	s.Calls = calllog.New(st, calllog.Config{MaxCalls: s.cfg.CallLogMax, TTL: s.cfg.CallLogTTL, Log: s.cfg.Log})
	return nil
}

// seedStock gives every (zone, type) of the catalog its initial stock,
// unless the store already has a row for it (stock set through the admin
// API, or left by placed instances, stays).
func (s *Server) seedStock(ctx context.Context) error {
	return s.Store.InTx(ctx, func(tx *store.Tx) error { return state.SeedStock(ctx, tx, s.Catalog) })
}

// timerInterval is how often due timers are looked for: work due at T runs
// within about this long after T (ARCHITECTURE.md §7 asks for 250 ms).
const timerInterval = 100 * time.Millisecond

// analyzeInterval is how often the loop has PostgreSQL gather the
// statistics of tables that grew (store.AnalyzeGrown), whatever autovacuum
// does. Every replica does it; a table analyzed by one no longer qualifies.
const analyzeInterval = 10 * time.Second

// startTimers runs due domain timers in the background. Every replica runs
// the loop; each timer's compare-and-set lets one of them do it.
func (s *Server) startTimers() {
	ctx, cancel := context.WithCancel(context.Background())
	s.stop, s.stopped = cancel, make(chan struct{})
	go func() {
		defer close(s.stopped)
		t := time.NewTicker(timerInterval)
		defer t.Stop()
		var analyzed time.Time
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				if time.Since(analyzed) >= analyzeInterval {
					analyzed = time.Now()
					if _, err := s.Store.AnalyzeGrown(ctx); err != nil && ctx.Err() == nil {
						s.cfg.Log.Error("analyze", "err", err)
					}
				}
				if _, err := s.ECS.RunDueTimers(ctx, s.Store, s.Clock.Now(), s.cfg.Log); err != nil && ctx.Err() == nil {
					s.cfg.Log.Error("timers", "err", err)
				}
				gen := s.faults.gen.Load()
				if n, err := s.Store.FaultCount(ctx); err == nil {
					s.faults.refresh(gen, n > 0)
				}
			}
		}
	}()
}

// RunDueTimers does every timer due by the domain clock's now, before it
// returns; the admin API calls it after moving the manual clock.
func (s *Server) RunDueTimers(ctx context.Context) error {
	_, err := s.ECS.RunDueTimers(ctx, s.Store, s.Clock.Now(), s.cfg.Log)
	return err
}

func loadCatalog(path string) (*catalog.Catalog, error) {
	if path == "" {
		return catalog.Default(), nil
	}
	c, err := catalog.Load(path)
	if err != nil {
		return nil, fmt.Errorf("catalog %s: %w", path, err)
	}
	return c, nil
}

func newClock(ctx context.Context, st *store.Store, cfg Config) (clock.Clock, error) {
	switch cfg.Clock {
	case "", clock.ModeReal:
		return clock.Real{}, nil
	case clock.ModeManual:
		start := cfg.ClockStart
		if start.IsZero() {
			start = time.Now().UTC()
		}
		return clock.NewManual(ctx, st, start)
	default:
		return nil, fmt.Errorf("--clock must be %q or %q, not %q", clock.ModeReal, clock.ModeManual, cfg.Clock)
	}
}

// bootstrap makes sure the admin token exists and, on an empty store,
// creates the default account. A settings row decides which replica does
// it, so replicas starting together create one account between them.
func (s *Server) bootstrap(ctx context.Context) error {
	s.AdminToken = s.cfg.AdminToken
	if s.AdminToken == "" {
		token := randomHex(24)
		won, err := s.Store.SettingInsert(ctx, "admin.token", token)
		if err != nil {
			return err
		}
		if !won {
			if token, err = s.Store.SettingGet(ctx, "admin.token"); err != nil {
				return err
			}
		}
		s.AdminToken = token
		if won {
			where := "in the store's settings"
			if s.cfg.DB == "" {
				path := filepath.Join(s.cfg.Data, "admin-token")
				if err := os.WriteFile(path, []byte(token+"\n"), 0o600); err != nil {
					return err
				}
				where = "in " + path
			}
			fmt.Fprintf(s.cfg.Out, "ecsd: admin token (kept %s; printed only now):\n  %s\n", where, token)
		}
	}
	now := s.Clock.Now() // before the transaction: the manual clock reads the pool
	return s.Store.InTx(ctx, func(tx *store.Tx) error {
		created, err := state.CreateDefault(ctx, tx, now, s.cfg.DefaultAccessKeyID, s.cfg.DefaultAccessKeySecret)
		if err != nil || created == nil {
			return err
		}
		s.DefaultAccount = created
		fmt.Fprintf(s.cfg.Out, "ecsd: created the default account %s with a balance of %s CNY (printed only now):\n  AccessKeyId:     %s\n  AccessKeySecret: %s\n",
			created.Account.ID, state.DefaultBalance, created.Key.ID, created.Key.Secret)
		return nil
	})
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

func (s *Server) routes() http.Handler {
	reg := prometheus.NewRegistry()
	requests := prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "ecsd_rpc_requests_total", Help: "RPC requests by action and error code (empty code: success).",
	}, []string{"action", "code"})
	latency := prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name: "ecsd_rpc_request_duration_seconds", Help: "RPC request latency by action.",
		Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1},
	}, []string{"action"})
	reg.MustRegister(requests, latency, prometheus.NewGoCollector())
	if rec := s.Calls; rec != nil {
		reg.MustRegister(prometheus.NewCounterFunc(prometheus.CounterOpts{
			Name: "ecsd_call_log_dropped_total", Help: "Calls left out of the call log because its buffer was full.",
		}, func() float64 { return float64(rec.Dropped()) }))
	}

	rpcServer := &rpc.Server{
		Auth:     &auth.Authenticator{Store: s.Store, WallNow: time.Now},
		Throttle: s.throttler(),
		Store:    s.Store,
		Catalog:  s.Catalog,
		Clock:    s.Clock,
		Log:      s.cfg.Log,
		Observe: func(action, code string, d time.Duration) {
			requests.WithLabelValues(action, code).Inc()
			latency.WithLabelValues(action).Observe(d.Seconds())
		},
	}
	if s.Calls != nil {
		rpcServer.Calls = s.Calls
	}
	mode := s.cfg.RAMMode
	if mode == "" {
		mode = ram.ModeEnforce
	}
	s.RAM = &ram.Authorizer{Store: s.Store, Mode: mode, Log: s.cfg.Log}
	rpcServer.Authorize = s.RAM.Authorize
	rpcServer.Permit = s.RAM.Permit
	rpcServer.ArmFaults(s.faults.armed)
	products := []*rpc.Product{ecs.NewProduct(s.ECS), ram.NewProduct(), bss.NewProduct(s.ECS), vpc.NewProduct(s.VPC)}
	s.Products = products
	var actions []string
	for _, p := range products {
		rpcServer.Register(p)
		actions = append(actions, p.ActionNames()...)
	}
	adminAPI := &admin.API{
		Token: s.AdminToken, Store: s.Store, Clock: s.Clock, Log: s.cfg.Log,
		Catalog: s.Catalog, ECS: s.ECS, AfterClockMove: s.RunDueTimers, FaultsInjected: s.faults.arm,
		State: s.State,
		Calls: s.Calls,
	}

	mux := http.NewServeMux()
	mux.Handle("/{$}", rpcServer)
	mux.Handle("/_ecsd/v1/", adminAPI.Handler())
	mux.Handle(console.Prefix, console.New(adminAPI, actions, s.cfg.Log).Handler())
	mux.Handle("GET /metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{}))
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) { _, _ = io.WriteString(w, "ok\n") })
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
		defer cancel()
		// Ready means a write can commit: a SQLite file on a full disk or
		// read-only still opens and answers a ping.
		if err := s.Store.CheckWrite(ctx); err != nil {
			s.cfg.Log.Warn("not ready", "err", err)
			http.Error(w, "store cannot commit a write", http.StatusServiceUnavailable)
			return
		}
		_, _ = io.WriteString(w, "ok\n")
	})
	return mux
}

// throttler keeps the limits in process on SQLite (one process serves the
// file) and shares them through the database on PostgreSQL, where several
// replicas may serve one account.
func (s *Server) throttler() rpc.Throttler {
	if s.Store.Dialect() == store.Postgres {
		return rpc.NewSharedThrottler(s.cfg.Throttle, s.Store)
	}
	return rpc.NewLocalThrottler(s.cfg.Throttle)
}

// Jobs is the River client of this server's jobs.
func (s *Server) Jobs() *river.Client[*sql.Tx] { return s.runner.Client }

// Handler is the whole HTTP surface.
func (s *Server) Handler() http.Handler { return s.handler }

// Serve answers requests on ln until Shutdown.
func (s *Server) Serve(ln net.Listener) error {
	err := s.http.Serve(ln)
	if errors.Is(err, http.ErrServerClosed) {
		return nil
	}
	return err
}

// Shutdown lets in-flight requests finish, stops River (running jobs finish
// or are put back) and closes the store.
func (s *Server) Shutdown(ctx context.Context) error {
	var errs []error
	if s.http != nil {
		errs = append(errs, s.http.Shutdown(ctx))
	}
	if s.stop != nil {
		s.stop()
		<-s.stopped
		s.stop = nil
	}
	// After the HTTP server: every answered call is in the buffer, and
	// Close writes them all before the store closes.
	if s.Calls != nil {
		s.Calls.Close()
		s.Calls = nil
	}
	if s.callStore != nil {
		errs = append(errs, s.callStore.Close())
		s.callStore = nil
	}
	if s.runner != nil {
		errs = append(errs, s.runner.Stop(ctx))
		s.runner = nil
	}
	errs = append(errs, s.Store.Close())
	return errors.Join(errs...)
}

func (s *Server) close() {
	if s.stop != nil {
		s.stop()
		<-s.stopped
	}
	if s.Calls != nil {
		s.Calls.Close()
	}
	if s.callStore != nil {
		s.callStore.Close()
	}
	if s.runner != nil {
		s.runner.Close()
	}
	if s.Store != nil {
		s.Store.Close()
	}
}
