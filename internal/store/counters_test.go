package store_test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"pgregory.net/rapid"

	"github.com/ecsd/ecsd/internal/store"
	"github.com/ecsd/ecsd/internal/store/storetest"
)

// TestCountersFollowRows holds instance_counts and disk_capacity, which the
// quota checks and TotalCount read, to the rows they count: after any mix of
// purchases, type changes, changes in flight, zone moves and deletions,
// they answer what a scan of the rows answers.
func TestCountersFollowRows(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, open storetest.Opener) {
		st := open(t)
		ctx := context.Background()
		now := time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC)
		for _, id := range []string{"1000000000000011", "1000000000000012"} {
			if err := st.AccountInsert(ctx, &store.Account{ID: id, Name: id, Currency: "CNY", CreatedAt: now}); err != nil {
				t.Fatal(err)
			}
		}
		n := 0
		rapid.Check(t, func(rt *rapid.T) {
			var live []string
			for range rapid.IntRange(1, 30).Draw(rt, "ops") {
				op := rapid.IntRange(0, 4).Draw(rt, "op")
				if len(live) == 0 {
					op = 0
				}
				switch op {
				case 0: // a purchase with a system disk
					n++
					inst := &store.Instance{
						ID: fmt.Sprintf("i-bpcount%012d", n), AccountID: rapid.SampledFrom([]string{"1000000000000011", "1000000000000012"}).Draw(rt, "account"),
						RegionID: rapid.SampledFrom([]string{"cn-hangzhou", "cn-shanghai"}).Draw(rt, "region"), ZoneID: "z",
						InstanceType: rapid.SampledFrom([]string{"ecs.g6.large", "ecs.g6.xlarge"}).Draw(rt, "type"),
						Status:       store.StatusRunning, ChargeType: store.PostPaid, CreationTime: now.Add(time.Duration(n) * time.Second),
					}
					if err := st.InstanceInsert(ctx, inst); err != nil {
						rt.Fatal(err)
					}
					d := &store.Disk{ID: fmt.Sprintf("d-bpcount%012d", n), AccountID: inst.AccountID, InstanceID: inst.ID, RegionID: inst.RegionID,
						ZoneID: inst.ZoneID, Type: store.DiskSystem, Category: rapid.SampledFrom([]string{"cloud_essd", "cloud_efficiency"}).Draw(rt, "category"),
						Size: rapid.IntRange(20, 500).Draw(rt, "size"), Status: "In_use", CreationTime: now}
					if err := st.DiskInsert(ctx, d); err != nil {
						rt.Fatal(err)
					}
					live = append(live, inst.ID)
				case 1: // a change claimed, then applied
					id := rapid.SampledFrom(live).Draw(rt, "instance")
					n++
					o := &store.Order{ID: fmt.Sprintf("9%014d", n), AccountID: "1000000000000011", Type: store.OrderUpgrade,
						PaymentStatus: "Paid", InstanceType: "ecs.g6.2xlarge", Config: "{}", CreatedAt: now}
					inst, err := st.InstanceGetByID(ctx, id)
					if err != nil {
						rt.Fatal(err)
					}
					o.AccountID, o.RegionID = inst.AccountID, inst.RegionID
					if inst.InFlightOrderID != "" {
						if _, err := st.InstanceApplyChange(ctx, id, inst.InFlightOrderID, store.SpecChange{InstanceType: "ecs.g6.2xlarge", ZoneID: "z2", At: now}); err != nil {
							rt.Fatal(err)
						}
						if err := st.DiskMoveZone(ctx, id, "z2"); err != nil {
							rt.Fatal(err)
						}
						continue
					}
					if _, err := st.InstanceClaimChange(ctx, id, o.ID, inst.ChargeType); err != nil {
						rt.Fatal(err)
					}
					if err := st.OrderInsert(ctx, o); err != nil {
						rt.Fatal(err)
					}
				case 2: // a disk changes category
					id := rapid.SampledFrom(live).Draw(rt, "instance")
					if _, err := st.DB().ExecContext(ctx, `UPDATE disks SET category = 'cloud_auto', size = size + 10 WHERE instance_id = $1`, id); err != nil {
						rt.Fatal(err)
					}
				default: // a release
					k := rapid.IntRange(0, len(live)-1).Draw(rt, "release")
					if err := st.InstanceDelete(ctx, live[k]); err != nil {
						rt.Fatal(err)
					}
					live = slices.Delete(live, k, k+1)
				}
			}
			checkCounters(rt, st)
		})
	})
}

func checkCounters(t *rapid.T, st *store.Store) {
	ctx := context.Background()
	for _, acc := range []string{"1000000000000011", "1000000000000012"} {
		for _, region := range []string{"cn-hangzhou", "cn-shanghai"} {
			got, err := st.InstanceTypesInRegion(ctx, acc, region)
			if err != nil {
				t.Fatal(err)
			}
			var want []store.InstanceTypes
			rows, err := st.DB().QueryContext(ctx, `SELECT i.instance_type, COALESCE(o.instance_type, ''), COUNT(*) FROM instances i
				LEFT JOIN orders o ON o.id = i.in_flight_order_id
				WHERE i.account_id = $1 AND i.region_id = $2 GROUP BY 1, 2 ORDER BY 1, 2`, acc, region)
			if err != nil {
				t.Fatal(err)
			}
			total := 0
			for rows.Next() {
				var w store.InstanceTypes
				if err := rows.Scan(&w.Type, &w.Changing, &w.Count); err != nil {
					t.Fatal(err)
				}
				want = append(want, w)
				total += w.Count
			}
			rows.Close()
			if !slices.Equal(got, want) {
				t.Fatalf("%s %s: counters say %v, the rows %v", acc, region, got, want)
			}
			n, err := st.InstanceCountInRegion(ctx, acc, region)
			if err != nil || n != total {
				t.Fatalf("%s %s: count %d (%v), the rows %d", acc, region, n, err, total)
			}
		}
		for _, region := range []string{"cn-hangzhou", "cn-shanghai"} {
			_, got, err := st.DiskList(ctx, store.DiskFilter{AccountID: acc, RegionID: region, Limit: 1})
			var want int
			if err == nil {
				err = st.DB().QueryRowContext(ctx, `SELECT COUNT(*) FROM disks WHERE account_id = $1 AND region_id = $2`, acc, region).Scan(&want)
			}
			if err != nil || got != want {
				t.Fatalf("%s %s: %d disks (%v), the rows %d", acc, region, got, err, want)
			}
		}
		_, got, err := st.OrderList(ctx, store.OrderFilter{AccountID: acc, Limit: 1})
		var want int
		if err == nil {
			err = st.DB().QueryRowContext(ctx, `SELECT COUNT(*) FROM orders WHERE account_id = $1`, acc).Scan(&want)
		}
		if err != nil || got != want {
			t.Fatalf("%s: %d orders (%v), the rows %d", acc, got, err, want)
		}
		for _, zone := range []string{"z", "z2"} {
			for _, cat := range []string{"cloud_essd", "cloud_efficiency", "cloud_auto"} {
				got, err := st.DiskCapacityInZone(ctx, acc, zone, cat)
				if err != nil {
					t.Fatal(err)
				}
				var want int
				if err := st.DB().QueryRowContext(ctx, `SELECT COALESCE(SUM(size), 0) FROM disks WHERE account_id = $1 AND zone_id = $2 AND category = $3`,
					acc, zone, cat).Scan(&want); err != nil {
					t.Fatal(err)
				}
				if got != want {
					t.Fatalf("%s %s %s: capacity %d, the rows %d", acc, zone, cat, got, want)
				}
			}
		}
	}
}
