package store_test

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ecsd/ecsd/internal/store"
	"github.com/ecsd/ecsd/internal/store/storetest"
)

func TestDowngradeCounts(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, open storetest.Opener) {
		st := open(t)
		ctx := context.Background()
		march := time.Date(2026, 2, 28, 16, 0, 0, 0, time.UTC) // 1 March, UTC+8
		april := time.Date(2026, 3, 31, 16, 0, 0, 0, time.UTC)
		a := &store.Account{ID: "1000000000000009", Name: "q", Currency: "CNY", CreatedAt: march}
		if err := st.AccountInsert(ctx, a); err != nil {
			t.Fatal(err)
		}
		add := func(month time.Time, vcpus, maxCount, maxVCPUs int) bool {
			t.Helper()
			ok, err := st.DowngradeCountAdd(ctx, a.ID, month, vcpus, maxCount, maxVCPUs)
			if err != nil {
				t.Fatal(err)
			}
			return ok
		}
		want := func(month time.Time, count, vcpus int) {
			t.Helper()
			n, v, err := st.DowngradeCount(ctx, a.ID, month)
			if err != nil || n != count || v != vcpus {
				t.Fatalf("count %d, %d vCPUs (%v); want %d, %d", n, v, err, count, vcpus)
			}
		}
		want(march, 0, 0)
		if add(march, 5, 3, 4) {
			t.Fatal("a first downgrade giving back 5 vCPUs passed a quota of 4")
		}
		want(march, 0, 0)
		if !add(march, 2, 3, 4) || !add(march, 2, 3, 4) {
			t.Fatal("two downgrades of 2 vCPUs refused within quotas of 3 and 4 vCPUs")
		}
		if add(march, 1, 3, 4) {
			t.Fatal("a downgrade passed the refunded-vCPU quota")
		}
		if !add(march, 0, 3, 4) {
			t.Fatal("a downgrade that gives no vCPU back was held to the vCPU quota")
		}
		if add(march, 0, 3, 4) {
			t.Fatal("a fourth downgrade passed a quota of 3")
		}
		want(march, 3, 4)
		want(april, 0, 0)

		// Concurrent downgrades take exactly the room left.
		var won atomic.Int32
		var wg sync.WaitGroup
		for range 8 {
			wg.Go(func() {
				err := st.InTx(ctx, func(tx *store.Tx) error {
					ok, err := tx.DowngradeCountAdd(ctx, a.ID, april, 1, 3, 100)
					if ok {
						won.Add(1)
					}
					return err
				})
				if err != nil {
					t.Error(err)
				}
			})
		}
		wg.Wait()
		if won.Load() != 3 {
			t.Fatalf("%d of 8 concurrent downgrades counted with a quota of 3", won.Load())
		}
		want(april, 3, 3)
	})
}

// The migration that adds downgrade_counts fills it from the paid
// downgrade orders already stored, by month in UTC+8.
func TestDowngradeCountsBackfill(t *testing.T) {
	t.Parallel()
	eachStoreAt(t, 7, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		a := &store.Account{ID: "1000000000000010", Name: "b", Currency: "CNY", CreatedAt: time.Unix(0, 0)}
		if err := st.AccountInsert(ctx, a); err != nil {
			t.Fatal(err)
		}
		orders := []struct {
			at            string
			typ, status   string
			refundedVCPUs int
		}{
			{"2026-02-28T15:59:59Z", store.OrderDowngrade, store.PaymentPaid, 2}, // February in UTC+8
			{"2026-02-28T16:00:00Z", store.OrderDowngrade, store.PaymentPaid, 4}, // March
			{"2026-03-15T00:00:00Z", store.OrderDowngrade, store.PaymentPaid, 0},
			{"2026-03-16T00:00:00Z", store.OrderUpgrade, store.PaymentPaid, 0},
			{"2026-03-17T00:00:00Z", store.OrderDowngrade, store.PaymentCancelled, 8},
		}
		for i, o := range orders {
			at, _ := time.Parse(time.RFC3339, o.at)
			if err := st.OrderInsert(ctx, &store.Order{
				ID: "20000000000000" + string(rune('0'+i)), AccountID: a.ID, Type: o.typ, PaymentStatus: o.status,
				RegionID: "cn-hangzhou", ChargeType: store.PrePaid, InstanceType: "ecs.g6.large", Quantity: 1,
				Config: "{}", CreatedAt: at, RefundedVCPU: o.refundedVCPUs,
			}); err != nil {
				t.Fatal(err)
			}
		}
		if err := st.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
		for _, m := range []struct {
			start        time.Time
			count, vcpus int
		}{
			{time.Date(2026, 1, 31, 16, 0, 0, 0, time.UTC), 1, 2},
			{time.Date(2026, 2, 28, 16, 0, 0, 0, time.UTC), 2, 4},
			{time.Date(2026, 3, 31, 16, 0, 0, 0, time.UTC), 0, 0},
		} {
			n, v, err := st.DowngradeCount(ctx, a.ID, m.start)
			if err != nil || n != m.count || v != m.vcpus {
				t.Errorf("month from %s: %d downgrades, %d vCPUs (%v); want %d, %d", m.start, n, v, err, m.count, m.vcpus)
			}
		}
	})
}
