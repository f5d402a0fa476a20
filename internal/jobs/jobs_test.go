package jobs_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver"

	"github.com/ecsd/ecsd/internal/jobs"
	"github.com/ecsd/ecsd/internal/store"
	"github.com/ecsd/ecsd/internal/store/storetest"
)

type probeArgs struct{ N int }

func (probeArgs) Kind() string { return "probe" }

// probeWorker reports each run; with hold set, a run waits for it to be
// closed (or its context to end) and reports its context's error.
type probeWorker struct {
	river.WorkerDefaults[probeArgs]
	hold    chan struct{}
	started chan struct{}
	done    chan error
}

func (w *probeWorker) Work(ctx context.Context, job *river.Job[probeArgs]) error {
	if w.started != nil {
		w.started <- struct{}{}
	}
	var err error
	if w.hold != nil {
		select {
		case <-w.hold:
		case <-ctx.Done():
		}
		err = ctx.Err()
	}
	w.done <- err
	return err
}

func newRunner(t *testing.T, st *store.Store, w *probeWorker) *jobs.Runner {
	t.Helper()
	r, err := jobs.New(context.Background(), st, jobs.Config{Register: func(ws *river.Workers) { river.AddWorker(ws, w) }})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(r.Close)
	return r
}

func waitRun(t *testing.T, w *probeWorker, within time.Duration, what string) error {
	t.Helper()
	select {
	case err := <-w.done:
		return err
	case <-time.After(within):
		t.Fatalf("%s: the job did not run within %s", what, within)
		return nil
	}
}

// A job that a killed process had picked up (marked running, never
// finished) is run again by the next process within seconds, not after
// River's default hour.
func TestAbandonedJobIsRescued(t *testing.T) {
	storetest.Each(t, func(t *testing.T, open storetest.Opener) {
		st := open(t)
		w := &probeWorker{done: make(chan error, 4)}
		r := newRunner(t, st, w)
		ctx := context.Background()
		// The dead process took it a minute ago.
		past := time.Now().Add(-time.Minute)
		if _, err := r.Client.Insert(ctx, probeArgs{N: 1}, &river.InsertOpts{ScheduledAt: past.Add(-time.Minute)}); err != nil {
			t.Fatal(err)
		}
		if _, err := r.ScheduleDue(ctx, time.Now()); err != nil {
			t.Fatal(err)
		}
		taken, err := r.Client.Driver().GetExecutor().JobGetAvailable(ctx, &riverdriver.JobGetAvailableParams{
			ClientID: "ecsd_dead_1", MaxAttemptedBy: 100, MaxToLock: 10, Now: &past, Queue: river.QueueDefault,
		})
		if err != nil || len(taken.Jobs) != 1 {
			t.Fatalf("marking the job running: %v", err)
		}
		if err := r.Start(ctx); err != nil {
			t.Fatal(err)
		}
		defer r.Stop(ctx)
		if err := waitRun(t, w, 15*time.Second, "abandoned job"); err != nil {
			t.Fatal(err)
		}
	})
}

// Delayed work runs when due even while another process, gone, still
// holds River's leadership (its maintenance, which schedules due jobs, runs
// only on the leader).
func TestDueJobRunsWithoutLeader(t *testing.T) {
	storetest.Each(t, func(t *testing.T, open storetest.Opener) {
		st := open(t)
		w := &probeWorker{done: make(chan error, 4)}
		r := newRunner(t, st, w)
		ctx := context.Background()
		now := time.Now()
		expires := now.Add(10 * time.Minute)
		if _, err := r.Client.Driver().GetExecutor().LeaderInsert(ctx, &riverdriver.LeaderInsertParams{
			ElectedAt: &now, ExpiresAt: &expires, LeaderID: "ecsd_dead_1", Now: &now, TTL: 10 * time.Minute,
		}); err != nil {
			t.Fatal(err)
		}
		if _, err := r.Client.Insert(ctx, probeArgs{N: 2}, &river.InsertOpts{ScheduledAt: now.Add(300 * time.Millisecond)}); err != nil {
			t.Fatal(err)
		}
		if err := r.Start(ctx); err != nil {
			t.Fatal(err)
		}
		defer r.Stop(ctx)
		if err := waitRun(t, w, 15*time.Second, "delayed job"); err != nil {
			t.Fatal(err)
		}
	})
}

// A signal cancels the context the runner was started with; a job running
// then is not cancelled: Stop lets it finish.
func TestStopLetsRunningJobFinish(t *testing.T) {
	storetest.Each(t, func(t *testing.T, open storetest.Opener) {
		st := open(t)
		w := &probeWorker{hold: make(chan struct{}), started: make(chan struct{}, 1), done: make(chan error, 4)}
		r := newRunner(t, st, w)
		sigCtx, signal := context.WithCancel(context.Background())
		if err := r.Start(sigCtx); err != nil {
			t.Fatal(err)
		}
		res, err := r.Client.Insert(context.Background(), probeArgs{N: 3}, nil)
		if err != nil {
			t.Fatal(err)
		}
		select {
		case <-w.started:
		case <-time.After(15 * time.Second):
			t.Fatal("the job did not start")
		}
		signal()
		stopped := make(chan error, 1)
		go func() {
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			stopped <- r.Stop(ctx)
		}()
		time.Sleep(200 * time.Millisecond)
		close(w.hold)
		if err := waitRun(t, w, 15*time.Second, "held job"); err != nil {
			t.Errorf("the running job saw %v; want it to finish", err)
		}
		if err := <-stopped; err != nil && !errors.Is(err, context.Canceled) {
			t.Errorf("Stop: %v", err)
		}
		job, err := r.Client.Driver().GetExecutor().JobGetByID(context.Background(), &riverdriver.JobGetByIDParams{ID: res.Job.ID})
		if err != nil {
			t.Fatal(err)
		}
		if job.State != "completed" {
			t.Errorf("job state %s after Stop, want completed", job.State)
		}
	})
}

// On SQLite one process serves the file, so a job marked running when a
// process starts was left by the previous one, killed: it is put back at
// start, not RescueAfter later.
func TestSQLiteRestartRescuesAtOnce(t *testing.T) {
	st := storetest.OpenSQLite(t)
	w := &probeWorker{done: make(chan error, 4)}
	r := newRunner(t, st, w)
	ctx := context.Background()
	res, err := r.Client.Insert(ctx, probeArgs{N: 4}, nil)
	if err != nil {
		t.Fatal(err)
	}
	exec := r.Client.Driver().GetExecutor()
	if taken, err := exec.JobGetAvailable(ctx, &riverdriver.JobGetAvailableParams{
		ClientID: "ecsd_dead_1", MaxAttemptedBy: 100, MaxToLock: 10, Queue: river.QueueDefault,
	}); err != nil || len(taken.Jobs) != 1 {
		t.Fatalf("marking the job running: %v", err)
	}
	if err := r.Start(ctx); err != nil {
		t.Fatal(err)
	}
	defer r.Stop(ctx)
	job, err := exec.JobGetByID(ctx, &riverdriver.JobGetByIDParams{ID: res.Job.ID})
	if err != nil {
		t.Fatal(err)
	}
	if job.State == "running" && len(job.AttemptedBy) == 1 {
		t.Errorf("the dead process's job is still running after Start (attempted by %v)", job.AttemptedBy)
	}
	if err := waitRun(t, w, 15*time.Second, "the previous process's job"); err != nil {
		t.Fatal(err)
	}
}
