package ecs

import (
	"context"
	"time"

	"github.com/riverqueue/river"

	"github.com/ecsd/ecsd/internal/store"
)

// TransitionArgs asks for an instance to move from one status to another:
// it ends Pending, Starting and Stopping after the transition delay.
type TransitionArgs struct {
	InstanceID string `json:"instance_id"`
	From       string `json:"from"`
	To         string `json:"to"`
}

func (TransitionArgs) Kind() string { return "instance_transition" }

// TransitionWorker completes transitions. River runs a job at least once;
// the status compare-and-set makes a second run a no-op.
type TransitionWorker struct {
	river.WorkerDefaults[TransitionArgs]
	Store *store.Store
	Now   func() time.Time
}

func (w *TransitionWorker) Work(ctx context.Context, job *river.Job[TransitionArgs]) error {
	a := job.Args
	// Read the clock before the transaction: the manual clock reads the
	// store, and a second connection taken inside a SQLite write
	// transaction can wait for the connections the waiting writers hold.
	now := w.Now()
	return w.Store.InTx(ctx, func(tx *store.Tx) error {
		_, err := tx.InstanceTransition(ctx, a.InstanceID, a.From, a.To, now)
		return err
	})
}

// SpecChangeWorker applies accepted spec changes; see applyChange.
type SpecChangeWorker struct {
	river.WorkerDefaults[SpecChangeArgs]
	Service *Service
	Store   *store.Store
	Now     func() time.Time
}

func (w *SpecChangeWorker) Work(ctx context.Context, job *river.Job[SpecChangeArgs]) error {
	now := w.Now() // before the transaction, as in TransitionWorker
	return w.Store.InTx(ctx, func(tx *store.Tx) error {
		return w.Service.applyChange(ctx, tx, job.Args, now)
	})
}

// AddWorkers registers the ECS workers with River.
func (s *Service) AddWorkers(workers *river.Workers, st *store.Store, now func() time.Time) {
	river.AddWorker(workers, &TransitionWorker{Store: st, Now: now})
	river.AddWorker(workers, &SpecChangeWorker{Service: s, Store: st, Now: now})
}
