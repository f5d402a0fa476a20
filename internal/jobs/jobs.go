// Package jobs runs ecsd's durable background work on River, over the same
// database as the business data, so a job is inserted in the transaction of
// the change that causes it.
package jobs

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver"
	"github.com/riverqueue/river/riverdriver/riverdatabasesql"
	"github.com/riverqueue/river/riverdriver/riversqlite"

	"github.com/ecsd/ecsd/internal/store"
)

// Runner owns the River client.
type Runner struct {
	Client   *river.Client[*sql.Tx]
	listener *pgxpool.Pool
	exec     riverdriver.Executor
	log      *slog.Logger
	stop     context.CancelFunc // ends the upkeep loop
	stopped  chan struct{}
	// soleProcess: no other process works these jobs (SQLite: one
	// process serves the file), so a job running at start was left by a
	// dead process and is rescued at once.
	soleProcess bool
}

// Config tunes the runner.
type Config struct {
	Log *slog.Logger
	// MaxWorkers is the number of jobs worked at once by this process
	// (default: 1000 on SQLite, 100 on PostgreSQL).
	MaxWorkers int
	// Register adds the domain's workers.
	Register func(*river.Workers)
	// Now is the domain clock, for the retention of ClientToken records.
	Now func() time.Time
	// TokenTTL is how long ClientToken records are kept (at least 24 h).
	TokenTTL time.Duration
}

// New builds a River client over the store and registers every worker.
// It does not start working; call Start.
func New(ctx context.Context, st *store.Store, cfg Config) (*Runner, error) {
	r := &Runner{}
	var driver riverdriver.Driver[*sql.Tx]
	if st.Dialect() == store.Postgres {
		// LISTEN/NOTIFY needs a pgx pool of its own; jobs still go through
		// database/sql so that River's transactions are *sql.Tx.
		pool, err := pgxpool.New(ctx, st.DSN())
		if err != nil {
			return nil, fmt.Errorf("river listener: %w", err)
		}
		r.listener = pool
		driver = riverdatabasesql.NewWithPgxListener(st.DB(), pool)
	} else {
		driver = riversqlite.New(st.DB())
		r.soleProcess = true
	}
	workers := river.NewWorkers()
	river.AddWorker(workers, &NonceCleanupWorker{Store: st})
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.TokenTTL <= 0 {
		cfg.TokenTTL = 24 * time.Hour
	}
	river.AddWorker(workers, &TokenCleanupWorker{Store: st, Now: cfg.Now, TTL: cfg.TokenTTL})
	if cfg.Register != nil {
		cfg.Register(workers)
	}
	if cfg.MaxWorkers <= 0 {
		cfg.MaxWorkers = 100
		if st.Dialect() == store.SQLite {
			// A SQLite job spends most of its time waiting its turn for
			// the one write connection behind the requests' writes (a
			// purchase of 100 instances holds it for tens of
			// milliseconds), and holds a worker while it waits: with 100
			// workers, instances were started at 140/s while purchases
			// made 1,300/s. A job itself takes a fraction of a
			// millisecond of the writer, so more workers let the jobs
			// keep up. 1,000 is also what one rescue batch puts back at
			// start. PostgreSQL keeps 100: there jobs take connections
			// from the requests' pool.
			cfg.MaxWorkers = 1000
		}
	}
	logger := cfg.Log
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	client, err := river.NewClient(driver, &river.Config{
		ID:                   ClientID(),
		Logger:               logger,
		JobTimeout:           JobTimeout,
		RescueStuckJobsAfter: RescueAfter,
		RetryPolicy:          retryPolicy{},
		Queues:               map[string]river.QueueConfig{river.QueueDefault: {MaxWorkers: cfg.MaxWorkers}},
		Workers:              workers,
		FetchCooldown:        25 * time.Millisecond,
		FetchPollInterval:    50 * time.Millisecond,
		PeriodicJobs: []*river.PeriodicJob{
			river.NewPeriodicJob(river.PeriodicInterval(time.Minute),
				func() (river.JobArgs, *river.InsertOpts) { return NonceCleanupArgs{}, nil },
				&river.PeriodicJobOpts{RunOnStart: true}),
			river.NewPeriodicJob(river.PeriodicInterval(10*time.Minute),
				func() (river.JobArgs, *river.InsertOpts) { return TokenCleanupArgs{}, nil },
				&river.PeriodicJobOpts{RunOnStart: true}),
		},
	})
	if err != nil {
		r.Close()
		return nil, err
	}
	r.Client = client
	r.exec = driver.GetExecutor()
	r.log = logger
	return r, nil
}

// Start begins working jobs. River runs until Stop, not until ctx ends:
// the jobs it works get contexts derived from the one Start is given, and
// a signal that cancels ctx must let them finish (Stop decides when they
// are cut short).
func (r *Runner) Start(ctx context.Context) error {
	if r.soleProcess {
		if _, err := r.RescueStuck(ctx, time.Now().Add(time.Second)); err != nil {
			return fmt.Errorf("rescue the jobs of the previous process: %w", err)
		}
	}
	if err := r.Client.Start(context.WithoutCancel(ctx)); err != nil {
		return err
	}
	uctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	r.stop, r.stopped = cancel, make(chan struct{})
	go r.upkeep(uctx)
	return nil
}

// Stop waits for running jobs to finish until ctx ends, then cancels them
// (River puts an interrupted job back to be run again).
func (r *Runner) Stop(ctx context.Context) error {
	r.stopUpkeep()
	err := r.Client.Stop(ctx)
	if err != nil {
		cctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		err = r.Client.StopAndCancel(cctx)
	}
	r.Close()
	return err
}

// Close releases the listener pool.
func (r *Runner) Close() {
	r.stopUpkeep()
	if r.listener != nil {
		r.listener.Close()
		r.listener = nil
	}
}

// NonceCleanupArgs asks for expired signature nonces to be deleted.
type NonceCleanupArgs struct{}

func (NonceCleanupArgs) Kind() string { return "nonce_cleanup" }

// NonceCleanupWorker deletes nonces whose replay window has passed, and
// idle throttling buckets. Both follow the wall clock, as authentication
// and throttling do.
type NonceCleanupWorker struct {
	river.WorkerDefaults[NonceCleanupArgs]
	Store *store.Store
}

func (w *NonceCleanupWorker) Work(ctx context.Context, job *river.Job[NonceCleanupArgs]) error {
	if _, err := w.Store.NonceDeleteExpired(ctx, time.Now()); err != nil {
		return err
	}
	// Throttling buckets idle for an hour are full again: forget them.
	_, err := w.Store.ThrottleDeleteIdle(ctx, time.Now().Add(-time.Hour))
	return err
}

// TokenCleanupArgs asks for expired ClientToken records to be deleted.
type TokenCleanupArgs struct{}

func (TokenCleanupArgs) Kind() string { return "client_token_cleanup" }

// TokenCleanupWorker forgets ClientTokens older than the retention, on the
// domain clock (advancing a manual clock by a day expires them).
type TokenCleanupWorker struct {
	river.WorkerDefaults[TokenCleanupArgs]
	Store *store.Store
	Now   func() time.Time
	TTL   time.Duration
}

func (w *TokenCleanupWorker) Work(ctx context.Context, job *river.Job[TokenCleanupArgs]) error {
	_, err := w.Store.IdempotencyDeleteBefore(ctx, w.Now().Add(-w.TTL))
	return err
}
