package clock_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/ecsd/ecsd/internal/clock"
	"github.com/ecsd/ecsd/internal/store/storetest"
)

// TestManualAdvanceIsCompareAndSet: two manual clocks on one store, as two
// replicas hold them, advancing at once on both stores: every advance
// counts, none overwrites another.
func TestManualAdvanceIsCompareAndSet(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, open storetest.Opener) {
		st := open(t)
		ctx := context.Background()
		start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
		a, err := clock.NewManual(ctx, st, start)
		if err != nil {
			t.Fatal(err)
		}
		b, err := clock.NewManual(ctx, st, start.Add(time.Hour)) // the first start wins
		if err != nil {
			t.Fatal(err)
		}
		if !b.Now().Equal(start) {
			t.Fatalf("second replica starts at %v, want the stored %v", b.Now(), start)
		}
		const perWorker, workers = 10, 4
		var wg sync.WaitGroup
		errs := make(chan error, workers)
		for w := range workers {
			c := a
			if w%2 == 1 {
				c = b
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				for range perWorker {
					if _, err := c.Advance(ctx, time.Minute); err != nil {
						errs <- err
						return
					}
				}
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Fatal(err)
		}
		want := start.Add(perWorker * workers * time.Minute)
		if got := a.Now(); !got.Equal(want) {
			t.Errorf("after %d advances of a minute the clock is %v, want %v (lost %v)", perWorker*workers, got, want, want.Sub(got))
		}
	})
}
