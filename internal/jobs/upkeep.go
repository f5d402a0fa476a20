package jobs

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"time"

	"github.com/google/uuid"
	"github.com/riverqueue/river/riverdriver"
	"github.com/riverqueue/river/rivertype"
)

// River's own upkeep (moving due scheduled jobs to available, rescuing jobs
// whose process died) runs only on its elected leader, every 5 s and every
// 30 s, and rescues a job after an hour by default. A delayed change would
// then apply up to seconds late, not at all while a dead leader's lease
// runs out, and a change whose job a killed process had picked up would
// wait an hour. So every process does both itself, often: each step is one
// compare-and-set in the database (River's own queries), so processes doing
// it together do each job once, and a job worked twice is harmless because
// every worker applies its work with a compare-and-set.
const (
	// JobTimeout cancels a job that runs this long. ecsd's jobs are one
	// short transaction each.
	JobTimeout = 3 * time.Second
	// RescueAfter is when a job still marked running belongs to a process
	// that is gone: a live one would have cancelled it at JobTimeout.
	RescueAfter = JobTimeout + time.Second

	scheduleInterval = 50 * time.Millisecond
	rescueInterval   = time.Second
	upkeepBatch      = 1000
)

// ClientID names this process to River (leadership, attempted_by): the
// host and pid say which process holds a job or the leadership.
func ClientID() string {
	host, _ := os.Hostname()
	return fmt.Sprintf("ecsd_%s_%d_%s", host, os.Getpid(), uuid.NewString()[:8])
}

func (r *Runner) upkeep(ctx context.Context) {
	defer close(r.stopped)
	sched := time.NewTicker(scheduleInterval)
	defer sched.Stop()
	var lastRescue time.Time
	for {
		if time.Since(lastRescue) >= rescueInterval {
			lastRescue = time.Now()
			if _, err := r.RescueStuck(ctx, time.Now().Add(-RescueAfter)); err != nil && ctx.Err() == nil {
				r.log.Error("rescue stuck jobs", "err", err)
			}
		}
		if _, err := r.ScheduleDue(ctx, time.Now()); err != nil && ctx.Err() == nil {
			r.log.Error("schedule due jobs", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-sched.C:
		}
	}
}

// retryPolicy retries a failed job soon: 100 ms, doubling up to 2 s.
// ecsd's jobs fail only when the store does (they are compare-and-sets
// that cannot fail on their data), and River's default (attempt⁴ seconds:
// 16 s for the second retry, 81 s for the third) would leave a paid change
// unapplied for minutes after the store came back.
type retryPolicy struct{}

func (retryPolicy) NextRetry(job *rivertype.JobRow) time.Time {
	d := 100 * time.Millisecond << min(max(len(job.Errors), 0), 5)
	return time.Now().Add(min(d, 2*time.Second))
}

func (r *Runner) stopUpkeep() {
	if r.stop != nil {
		r.stop()
		<-r.stopped
		r.stop = nil
	}
}

// ScheduleDue makes scheduled and retryable jobs due by now available to
// the workers of every process, and returns how many it moved. Jobs due
// within the next interval are moved too: workers still take a job only
// once its scheduled_at has passed.
func (r *Runner) ScheduleDue(ctx context.Context, now time.Time) (int, error) {
	horizon := now.Add(scheduleInterval)
	tx, err := r.exec.Begin(ctx)
	if err != nil {
		return 0, err
	}
	defer func() { _ = tx.Rollback(context.WithoutCancel(ctx)) }()
	res, err := tx.JobSchedule(ctx, &riverdriver.JobScheduleParams{Max: upkeepBatch, Now: &horizon})
	if err != nil {
		return 0, err
	}
	return len(res), tx.Commit(ctx)
}

// RescueStuck puts back the jobs marked running since before horizon
// (their process died holding them) to be run again at once, or discards
// those that used their last attempt, as River's rescuer does. It returns
// how many it rescued.
func (r *Runner) RescueStuck(ctx context.Context, horizon time.Time) (int, error) {
	stuck, err := r.exec.JobGetStuck(ctx, &riverdriver.JobGetStuckParams{Max: upkeepBatch, StuckHorizon: horizon})
	if err != nil || len(stuck) == 0 {
		return 0, err
	}
	p := &riverdriver.JobRescueManyParams{StuckHorizon: horizon}
	now := time.Now().UTC()
	for _, job := range stuck {
		msg, _ := json.Marshal(rivertype.AttemptError{At: now, Attempt: max(job.Attempt, 0), Error: "rescued: the process working it is gone"})
		state, finalized := rivertype.JobStateRetryable, (*time.Time)(nil)
		if job.Attempt >= job.MaxAttempts {
			state, finalized = rivertype.JobStateDiscarded, &now
		}
		p.ID = append(p.ID, job.ID)
		p.Error = append(p.Error, msg)
		p.FinalizedAt = append(p.FinalizedAt, finalized)
		p.ScheduledAt = append(p.ScheduledAt, now)
		p.State = append(p.State, string(state))
	}
	if _, err := r.exec.JobRescueMany(ctx, p); err != nil {
		return 0, err
	}
	return len(stuck), nil
}
