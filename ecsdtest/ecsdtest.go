// Package ecsdtest runs a real ecsd inside a Go test: the same server that
// `ecsd serve` runs, on a free loopback port, with a store of its own (a
// temporary SQLite file, or a fresh schema of a PostgreSQL database) and a
// manual clock. Point an Alibaba Cloud SDK at Endpoint with the default
// AccessKey, and drive the server's state (accounts, balances, stock, the
// clock, faults, orders, reset, snapshots) through Admin.
//
//	srv := ecsdtest.New(t)
//	client, _ := ecs.NewClient(srv.OpenAPIConfig())
//	srv.Admin.AdvanceClock(ctx, 31*24*time.Hour)
package ecsdtest

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"sync"
	"testing"
	"time"

	openapi "github.com/alibabacloud-go/darabonba-openapi/v2/client"
	"github.com/alibabacloud-go/tea/dara"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"github.com/ecsd/ecsd/adminclient"
	"github.com/ecsd/ecsd/internal/account"
	"github.com/ecsd/ecsd/internal/clock"
	"github.com/ecsd/ecsd/internal/server"
	"github.com/ecsd/ecsd/internal/store"
)

// Option changes how the server starts.
type Option func(*settings)

type settings struct {
	cfg      server.Config
	postgres string // base DSN; empty: SQLite
	wrap     func(http.Handler) http.Handler
	edits    []func(*server.Config)
}

// WithDelays sets how long Pending, Starting and Stopping last
// (transition) and how long an accepted spec change takes to apply
// (change). Both are 0 by default: the states are still observable, and
// end as soon as their job runs.
func WithDelays(transition, change time.Duration) Option {
	return func(s *settings) { s.cfg.TransitionDelay, s.cfg.ChangeDelay = transition, change }
}

// WithPostgres stores the state in PostgreSQL instead of SQLite: in a
// fresh schema of the database at dsn, dropped when the server closes.
func WithPostgres(dsn string) Option {
	return func(s *settings) { s.postgres = dsn }
}

// WithCatalog replaces the embedded catalog with a catalog file (see
// `ecsd catalog dump`).
func WithCatalog(path string) Option {
	return func(s *settings) { s.cfg.CatalogFile = path }
}

// WithClockStart starts the manual clock at t (default: the wall clock's
// now). A reset puts the clock back there.
func WithClockStart(t time.Time) Option {
	return func(s *settings) { s.cfg.ClockStart = t }
}

// WithRealClock runs the domain on the wall clock instead of the manual
// clock; the clock calls of Admin then answer 409.
func WithRealClock() Option {
	return func(s *settings) { s.cfg.Clock = clock.ModeReal }
}

// WithAccessKey gives the default account these keys (default: generated
// ones). A reset recreates the account with the same keys.
func WithAccessKey(id, secret string) Option {
	return func(s *settings) { s.cfg.DefaultAccessKeyID, s.cfg.DefaultAccessKeySecret = id, secret }
}

// WithAdminToken sets the admin API's token (default: generated).
func WithAdminToken(token string) Option {
	return func(s *settings) { s.cfg.AdminToken = token }
}

// WithHandler wraps the server's HTTP handler, e.g. to record or alter
// what goes over the wire.
func WithHandler(wrap func(http.Handler) http.Handler) Option {
	return func(s *settings) { s.wrap = wrap }
}

// WithServerConfig edits the server's whole configuration last. Its type
// is internal to ecsd: this is for ecsd's own tests.
func WithServerConfig(edit func(*server.Config)) Option {
	return func(s *settings) { s.edits = append(s.edits, edit) }
}

// Server is a running ecsd.
type Server struct {
	// Endpoint is host:port, what the SDKs take as their endpoint.
	Endpoint string
	// URL is http://host:port.
	URL string
	// The default account and its AccessKey.
	AccountID       string
	AccessKeyID     string
	AccessKeySecret string
	// AdminToken is the admin API's bearer token.
	AdminToken string
	// Admin is a client of the admin API.
	Admin *adminclient.Client

	srv     *server.Server
	set     settings
	storage *storage
	stop    func() error
}

// storage is where a server keeps its state; it outlives restarts.
type storage struct {
	dsn     string
	release func() error
}

// New starts a server for the test and closes it, deleting its store, when
// the test ends.
func New(t testing.TB, opts ...Option) *Server {
	t.Helper()
	s, err := Start(opts...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Errorf("ecsdtest: close: %v", err)
		}
	})
	return s
}

// Start starts a server; Close stops it and deletes its store. New is the
// usual way in a test; Start suits examples and TestMain.
func Start(opts ...Option) (*Server, error) {
	set := settings{cfg: server.Config{
		Clock:                  clock.ModeManual,
		DefaultAccessKeyID:     account.NewAccessKeyID(),
		DefaultAccessKeySecret: account.NewAccessKeySecret(),
		Throttle:               server.DefaultThrottle,
	}}
	for _, o := range opts {
		o(&set)
	}
	if set.cfg.AdminToken == "" {
		set.cfg.AdminToken = account.NewAccessKeySecret()
	}
	st, err := newStorage(set.postgres)
	if err != nil {
		return nil, err
	}
	s, err := serve(set, st)
	if err != nil {
		return nil, errors.Join(err, st.release())
	}
	return s, nil
}

func newStorage(postgres string) (*storage, error) {
	if postgres != "" {
		dsn, drop, err := store.NewPostgresSchema(context.Background(), postgres)
		if err != nil {
			return nil, fmt.Errorf("ecsdtest: %w", err)
		}
		return &storage{dsn: dsn, release: sync.OnceValue(drop)}, nil
	}
	dir, err := os.MkdirTemp("", "ecsdtest-")
	if err != nil {
		return nil, err
	}
	return &storage{dsn: dir, release: sync.OnceValue(func() error { return os.RemoveAll(dir) })}, nil
}

// serve runs the server on a loopback port.
func serve(set settings, st *storage) (*Server, error) {
	cfg := set.cfg
	if set.postgres != "" {
		cfg.DB = st.dsn
	} else {
		cfg.Data = st.dsn
	}
	for _, edit := range set.edits {
		edit(&cfg)
	}
	srv, err := server.New(context.Background(), cfg)
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		_ = srv.Shutdown(context.Background())
		return nil, err
	}
	h := srv.Handler()
	if set.wrap != nil {
		h = set.wrap(h)
	}
	// The same limits as the server's own http.Server.
	hs := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          log.New(io.Discard, "", 0),
	}
	done := make(chan error, 1)
	go func() {
		err := hs.Serve(ln)
		if errors.Is(err, http.ErrServerClosed) {
			err = nil
		}
		done <- err
	}()
	s := &Server{
		Endpoint:        ln.Addr().String(),
		URL:             "http://" + ln.Addr().String(),
		AccessKeyID:     cfg.DefaultAccessKeyID,
		AccessKeySecret: cfg.DefaultAccessKeySecret,
		AdminToken:      srv.AdminToken,
		Admin:           adminclient.New(ln.Addr().String(), srv.AdminToken),
		srv:             srv,
		set:             set,
		storage:         st,
	}
	if srv.DefaultAccount != nil {
		s.AccountID = srv.DefaultAccount.Account.ID
	}
	s.stop = sync.OnceValue(func() error {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		return errors.Join(hs.Shutdown(ctx), srv.Shutdown(ctx), <-done)
	})
	return s, nil
}

// Close stops the server (in-flight requests finish, jobs stop) and
// deletes its store.
func (s *Server) Close() error {
	return errors.Join(s.stop(), s.storage.release())
}

// Restart stops the server and starts a new one on the same store and
// settings, as a restarted process would: jobs and timers left in the
// store are the new server's to run. The old *Server must not be used
// after; the new one is closed when the test ends.
func (s *Server) Restart(t testing.TB) *Server {
	t.Helper()
	if err := s.stop(); err != nil {
		t.Fatalf("ecsdtest: stop before restart: %v", err)
	}
	n, err := serve(s.set, s.storage)
	if err != nil {
		t.Fatal(err)
	}
	n.AccountID = s.AccountID
	t.Cleanup(func() {
		if err := n.Close(); err != nil {
			t.Errorf("ecsdtest: close: %v", err)
		}
	})
	return n
}

// Reset brings the state back to a fresh start (POST /_ecsd/v1/reset):
// the default account is new, with the same AccessKey.
func (s *Server) Reset(t testing.TB) {
	t.Helper()
	a, err := s.Admin.Reset(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	s.AccountID = a.AccountId
}

// OpenAPIConfig is the configuration of a Go SDK v2 client (ecs, bss,
// ram: github.com/alibabacloud-go/...) for the default AccessKey, pointed
// at the server, in region cn-hangzhou.
func (s *Server) OpenAPIConfig() *openapi.Config {
	return &openapi.Config{
		AccessKeyId:     dara.String(s.AccessKeyID),
		AccessKeySecret: dara.String(s.AccessKeySecret),
		RegionId:        dara.String("cn-hangzhou"),
		Endpoint:        dara.String(s.Endpoint),
		Protocol:        dara.String("HTTP"),
	}
}

// Settle waits until the work in flight has run: no job is left pending
// or running (instances leaving Pending, Starting or Stopping; accepted
// spec changes), or until ctx ends. Jobs scheduled later than now (a
// change delay) are waited for too.
func (s *Server) Settle(ctx context.Context) error {
	params := river.NewJobListParams().First(1).States(pendingJobStates...)
	for {
		res, err := s.srv.Jobs().JobList(ctx, params)
		if err != nil {
			return err
		}
		if len(res.Jobs) == 0 {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("ecsdtest: work still in flight: %w", ctx.Err())
		case <-time.After(10 * time.Millisecond):
		}
	}
}

// Internals is the running server. Its type is internal to ecsd: this is
// for ecsd's own tests.
func (s *Server) Internals() *server.Server { return s.srv }

var pendingJobStates = []rivertype.JobState{
	rivertype.JobStateAvailable, rivertype.JobStatePending, rivertype.JobStateRetryable,
	rivertype.JobStateRunning, rivertype.JobStateScheduled,
}
