package store_test

import (
	"slices"
	"testing"
	"time"

	"github.com/ecsd/ecsd/internal/store"
	"github.com/ecsd/ecsd/internal/store/storetest"
)

// TestEveryTableIsStateOrNot fails when a table of the schema is neither in
// store.StateTables (reset and snapshots cover it) nor in store.NotState
// (with the reason they leave it alone), so that a new table cannot be
// forgotten by resets and snapshots. It also fails on a listed table that
// no longer exists.
func TestEveryTableIsStateOrNot(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, open storetest.Opener) {
		st := open(t)
		names, err := st.TableNames(t.Context(), st.Dialect())
		if err != nil {
			t.Fatal(err)
		}
		if len(names) < 10 {
			t.Fatalf("only %d tables listed: %v", len(names), names)
		}
		for _, n := range names {
			_, state := store.StateTableNamed(n)
			reason, not := store.NotState[n]
			switch {
			case state && not:
				t.Errorf("table %s is both in store.StateTables and in store.NotState", n)
			case !state && !not:
				t.Errorf("table %s is neither in store.StateTables nor in store.NotState: add it to one (snapshots and resets must know about it)", n)
			case not && reason == "":
				t.Errorf("table %s is in store.NotState without a reason", n)
			}
		}
		for _, tb := range store.StateTables {
			if !slices.Contains(names, tb.Name) {
				t.Errorf("store.StateTables lists %s, which the schema does not have", tb.Name)
			}
		}
		t.Logf("tables: %v", names)
	})
}

// TestStateDeleteKeepsIdentitiesGoingUp: after the state is emptied, new
// timers get ids above every old one, so a timer loop that listed an old
// timer before a reset cannot finish a new timer of the same id.
func TestStateDeleteKeepsIdentitiesGoingUp(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, open storetest.Opener) {
		st := open(t)
		ctx := t.Context()
		old := &store.Timer{Kind: "k", Subject: "s", DueAt: time.Unix(100, 0)}
		if err := st.TimerInsert(ctx, old); err != nil {
			t.Fatal(err)
		}
		if err := st.InTx(ctx, func(tx *store.Tx) error { return tx.StateDelete(ctx) }); err != nil {
			t.Fatal(err)
		}
		if won, err := st.TimerFinish(ctx, old.ID); err != nil || won {
			t.Fatalf("finishing a timer of the emptied state: %v, %v; want nothing done", won, err)
		}
		fresh := &store.Timer{Kind: "k", Subject: "s", DueAt: time.Unix(100, 0)}
		if err := st.TimerInsert(ctx, fresh); err != nil {
			t.Fatal(err)
		}
		if fresh.ID <= old.ID {
			t.Errorf("timer id %d after the state was emptied, not above the old %d", fresh.ID, old.ID)
		}
	})
}
