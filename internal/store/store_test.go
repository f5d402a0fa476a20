package store_test

import (
	"context"
	"errors"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ecsd/ecsd/internal/store"
	"github.com/ecsd/ecsd/internal/store/storetest"
)

func TestStore(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, open storetest.Opener) {
		st := open(t)
		ctx := context.Background()
		now := time.Date(2026, 1, 31, 12, 0, 0, 0, time.UTC)

		t.Run("accounts and keys", func(t *testing.T) {
			a := &store.Account{ID: "1000000000000001", Name: "alice", Currency: "CNY", CreatedAt: now}
			if err := st.AccountInsert(ctx, a); err != nil {
				t.Fatal(err)
			}
			if err := st.AccountInsert(ctx, a); !errors.Is(err, store.ErrConflict) {
				t.Fatalf("duplicate insert: got %v, want ErrConflict", err)
			}
			got, err := st.AccountGetByID(ctx, a.ID)
			if err != nil || got.Name != "alice" || !got.CreatedAt.Equal(now) {
				t.Fatalf("got %+v, %v", got, err)
			}
			if _, err := st.AccountGetByID(ctx, "nope"); !errors.Is(err, store.ErrNotFound) {
				t.Fatalf("got %v, want ErrNotFound", err)
			}
			k := &store.AccessKey{ID: "LTAIaaaaaaaaaaaaaaaaaaaa", AccountID: a.ID, Secret: "s", Status: store.KeyActive, CreatedAt: now}
			if err := st.AccessKeyInsert(ctx, k); err != nil {
				t.Fatal(err)
			}
			if err := st.AccessKeySetStatus(ctx, k.ID, store.KeyInactive); err != nil {
				t.Fatal(err)
			}
			gk, err := st.AccessKeyGetByID(ctx, k.ID)
			if err != nil || gk.Status != store.KeyInactive || gk.AccountID != a.ID {
				t.Fatalf("got %+v, %v", gk, err)
			}
			if err := st.AccessKeySetStatus(ctx, "LTAInope", store.KeyInactive); !errors.Is(err, store.ErrNotFound) {
				t.Fatalf("got %v", err)
			}
		})

		// A batch of 100 goes in chunks of 64, 32 and 4: every row once,
		// in order.
		t.Run("call log batches", func(t *testing.T) {
			before, err := st.CallCount(ctx)
			if err != nil {
				t.Fatal(err)
			}
			calls := make([]*store.Call, 100)
			for i := range calls {
				calls[i] = &store.Call{At: now, RequestID: "batch-" + strconv.Itoa(i), Action: "DescribeRegions", HTTPStatus: 200, Params: "{}", Answer: "{}"}
			}
			if err := st.CallInsert(ctx, calls); err != nil {
				t.Fatal(err)
			}
			got, err := st.CallList(ctx, store.CallFilter{Action: "DescribeRegions", Limit: 200})
			if err != nil {
				t.Fatal(err)
			}
			if n, _ := st.CallCount(ctx); n != before+100 || len(got) != 100 {
				t.Fatalf("%d calls listed, %d in the log; want 100 and %d", len(got), n, before+100)
			}
			for i, c := range got { // newest first
				if want := "batch-" + strconv.Itoa(99-i); c.RequestID != want {
					t.Fatalf("call %d is %s, want %s", i, c.RequestID, want)
				}
			}
		})

		t.Run("ledger keeps balance equal to its sum", func(t *testing.T) {
			a := &store.Account{ID: "1000000000000002", Name: "bob", Currency: "CNY", CreatedAt: now}
			if err := st.AccountInsert(ctx, a); err != nil {
				t.Fatal(err)
			}
			if err := st.LedgerEntryInsert(ctx, &store.LedgerEntry{AccountID: a.ID, Kind: store.LedgerCash, Amount: 1000, Reason: "top-up", CreatedAt: now}, false); err != nil {
				t.Fatal(err)
			}
			// 16 concurrent debits of 100 against 1000: exactly 10 pass.
			var wg sync.WaitGroup
			var mu sync.Mutex
			ok, short := 0, 0
			for range 16 {
				wg.Go(func() {
					err := st.InTx(ctx, func(tx *store.Tx) error {
						return tx.LedgerEntryInsert(ctx, &store.LedgerEntry{AccountID: a.ID, Kind: store.LedgerCash, Amount: -100, Reason: "debit", CreatedAt: now}, true)
					})
					mu.Lock()
					defer mu.Unlock()
					switch {
					case err == nil:
						ok++
					case errors.Is(err, store.ErrInsufficient):
						short++
					default:
						t.Error(err)
					}
				})
			}
			wg.Wait()
			if ok != 10 || short != 6 {
				t.Fatalf("ok=%d short=%d, want 10 and 6", ok, short)
			}
			got, _ := st.AccountGetByID(ctx, a.ID)
			sum, err := st.LedgerSum(ctx, a.ID, store.LedgerCash)
			if err != nil || got.CashBalance != 0 || sum != 0 {
				t.Fatalf("balance %d, ledger sum %d, %v", got.CashBalance, sum, err)
			}
		})

		t.Run("a failed transaction leaves nothing", func(t *testing.T) {
			boom := errors.New("boom")
			err := st.InTx(ctx, func(tx *store.Tx) error {
				if err := tx.AccountInsert(ctx, &store.Account{ID: "1000000000000003", Name: "c", Currency: "CNY", CreatedAt: now}); err != nil {
					return err
				}
				return boom
			})
			if !errors.Is(err, boom) {
				t.Fatal(err)
			}
			if _, err := st.AccountGetByID(ctx, "1000000000000003"); !errors.Is(err, store.ErrNotFound) {
				t.Fatalf("rolled-back account is visible: %v", err)
			}
		})

		t.Run("nonces", func(t *testing.T) {
			exp := now.Add(15 * time.Minute)
			used, err := st.NonceUse(ctx, "k", "n1", now, exp)
			if err != nil || !used {
				t.Fatalf("first use: %v %v", used, err)
			}
			used, err = st.NonceUse(ctx, "k", "n1", now.Add(time.Minute), exp)
			if err != nil || used {
				t.Fatalf("replay accepted: %v %v", used, err)
			}
			if used, _ := st.NonceUse(ctx, "k2", "n1", now, exp); !used {
				t.Fatal("same nonce under another key must be accepted")
			}
			// After expiry the nonce may be used again.
			if used, _ := st.NonceUse(ctx, "k", "n1", exp.Add(time.Second), exp.Add(time.Hour)); !used {
				t.Fatal("expired nonce refused")
			}
			n, err := st.NonceDeleteExpired(ctx, exp.Add(time.Minute))
			if err != nil || n != 1 {
				t.Fatalf("deleted %d, %v; want 1 (k2/n1)", n, err)
			}
		})

		// Requests that arrive together share a statement: of many
		// requests with the same nonce, sent at once, exactly one is
		// fresh, and every distinct nonce is fresh once.
		t.Run("nonces at once", func(t *testing.T) {
			exp := now.Add(15 * time.Minute)
			const senders, nonces = 16, 50
			fresh := make([]atomic.Int32, nonces)
			var wg sync.WaitGroup
			for range senders {
				wg.Go(func() {
					for i := range nonces {
						ok, err := st.NonceUse(ctx, "kb", "batch-"+strconv.Itoa(i), now, exp)
						if err != nil {
							t.Error(err)
							return
						}
						if ok {
							fresh[i].Add(1)
						}
					}
				})
			}
			wg.Wait()
			for i := range fresh {
				if n := fresh[i].Load(); n != 1 {
					t.Fatalf("nonce %d was fresh for %d of %d requests", i, n, senders)
				}
			}
		})

		t.Run("settings", func(t *testing.T) {
			won, err := st.SettingInsert(ctx, "x", "1")
			if err != nil || !won {
				t.Fatal(won, err)
			}
			if won, _ := st.SettingInsert(ctx, "x", "2"); won {
				t.Fatal("second insert won")
			}
			if err := st.SettingPut(ctx, "x", "3"); err != nil {
				t.Fatal(err)
			}
			if v, _ := st.SettingGet(ctx, "x"); v != "3" {
				t.Fatalf("got %q", v)
			}
			if _, err := st.SettingGet(ctx, "y"); !errors.Is(err, store.ErrNotFound) {
				t.Fatal(err)
			}
		})

		t.Run("opposite stock moves at once neither deadlock nor lose stock", func(t *testing.T) {
			const zone, small, big, start = "cn-test-a", "ecs.t.small", "ecs.t.big", 1000
			for _, typ := range []string{small, big} {
				if err := setStock(st, zone, typ, start); err != nil {
					t.Fatal(err)
				}
			}
			// Upgrades (small -> big) and downgrades (big -> small) in
			// concurrent transactions: each locks both stock rows.
			const workers, moves = 8, 25
			var wg sync.WaitGroup
			errs := make(chan error, workers*moves)
			for w := range workers {
				from, to := small, big
				if w%2 == 1 {
					from, to = big, small
				}
				wg.Go(func() {
					for range moves {
						errs <- st.InTx(ctx, func(tx *store.Tx) error {
							ok, err := tx.StockMove(ctx, zone, from, zone, to, 1)
							if err == nil && !ok {
								err = errors.New("stock short")
							}
							return err
						})
					}
				})
			}
			wg.Wait()
			close(errs)
			for err := range errs {
				if err != nil {
					t.Fatalf("stock move: %v", err)
				}
			}
			a, err := st.StockGet(ctx, zone, small)
			if err != nil {
				t.Fatal(err)
			}
			b, err := st.StockGet(ctx, zone, big)
			if err != nil {
				t.Fatal(err)
			}
			if a != start || b != start {
				t.Fatalf("stock after as many moves each way: %d and %d, want %d each", a, b, start)
			}
		})

		t.Run("a stock move gives back even when short, and creates the old type's row", func(t *testing.T) {
			const zone, from, to, never = "cn-test-b", "ecs.t.from", "ecs.t.to", "ecs.t.never"
			if err := setStock(st, zone, from, 5); err != nil {
				t.Fatal(err)
			}
			if err := setStock(st, zone, to, 0); err != nil {
				t.Fatal(err)
			}
			move := func(f, t string) (ok bool, err error) {
				err = st.InTx(ctx, func(tx *store.Tx) error {
					ok, err = tx.StockMove(ctx, zone, f, zone, t, 1)
					return err
				})
				return ok, err
			}
			level := func(typ string) int {
				n, err := st.StockGet(ctx, zone, typ)
				if err != nil {
					t.Fatal(err)
				}
				return n
			}
			if ok, err := move(from, to); err != nil || ok {
				t.Fatalf("move to a type with none left: %v, %v; want false", ok, err)
			}
			if level(from) != 6 || level(to) != 0 {
				t.Fatalf("after a short move: %d and %d, want 6 (given back) and 0", level(from), level(to))
			}
			if ok, err := move(never, from); err != nil || !ok {
				t.Fatalf("move from a type never stocked: %v, %v; want true", ok, err)
			}
			if level(never) != 1 || level(from) != 5 {
				t.Fatalf("after a move from an unstocked type: %d and %d, want 1 and 5", level(never), level(from))
			}
		})

		// The stock is spread over shards: a take larger than any one of
		// them is served from several, and concurrent takes never take
		// more than there is.
		t.Run("stock takes across shards", func(t *testing.T) {
			const zone, typ = "cn-test-c", "ecs.t.shards"
			if err := setStock(st, zone, typ, 20); err != nil {
				t.Fatal(err)
			}
			take := func(n int) (ok bool, err error) {
				err = st.InTx(ctx, func(tx *store.Tx) error {
					ok, err = tx.StockTake(ctx, zone, typ, n)
					return err
				})
				return ok, err
			}
			if ok, err := take(11); err != nil || !ok {
				t.Fatalf("take 11 of 20 spread over shards: %v, %v", ok, err)
			}
			if n, err := st.StockGet(ctx, zone, typ); err != nil || n != 9 {
				t.Fatalf("left: %d, %v; want 9", n, err)
			}
			var wg sync.WaitGroup
			var took atomic.Int32
			for range 16 {
				wg.Go(func() {
					ok, err := take(1)
					if err != nil {
						t.Error(err)
					}
					if ok {
						took.Add(1)
					}
				})
			}
			wg.Wait()
			if n, _ := st.StockGet(ctx, zone, typ); took.Load() != 9 || n != 0 {
				t.Fatalf("16 concurrent takes of 1 from 9: %d took, %d left; want 9 and 0", took.Load(), n)
			}
			if ok, err := take(1); err != nil || ok {
				t.Fatalf("take from none left: %v, %v; want false", ok, err)
			}
			err := st.InTx(ctx, func(tx *store.Tx) error {
				_, err := tx.StockTake(ctx, zone, "ecs.t.unknown", 1)
				return err
			})
			if !errors.Is(err, store.ErrNotFound) {
				t.Fatalf("take of a type never stocked: %v, want ErrNotFound", err)
			}
		})

		t.Run("a debit split decided beforehand is taken only while it still holds", func(t *testing.T) {
			a := &store.Account{ID: "1000000000000077", Name: "split", Currency: "CNY", CreatedAt: now}
			if err := st.AccountInsert(ctx, a); err != nil {
				t.Fatal(err)
			}
			for kind, amt := range map[string]int64{store.LedgerVoucher: 100, store.LedgerCash: 1000} {
				if err := st.LedgerEntryInsert(ctx, &store.LedgerEntry{AccountID: a.ID, Kind: kind, Amount: amt, Reason: "top-up", CreatedAt: now}, false); err != nil {
					t.Fatal(err)
				}
			}
			debit := func(voucher, cash int64) bool {
				var ok bool
				err := st.InTx(ctx, func(tx *store.Tx) (err error) {
					ok, err = tx.LedgerDebitSplit(ctx, a.ID, "", "payment", voucher, cash, now)
					return err
				})
				if err != nil {
					t.Fatal(err)
				}
				return ok
			}
			balances := func() (int64, int64) {
				got, err := st.AccountGetByID(ctx, a.ID)
				if err != nil {
					t.Fatal(err)
				}
				v, err := st.LedgerSum(ctx, a.ID, store.LedgerVoucher)
				if err != nil {
					t.Fatal(err)
				}
				c, err := st.LedgerSum(ctx, a.ID, store.LedgerCash)
				if err != nil {
					t.Fatal(err)
				}
				if v != got.VoucherBalance || c != got.CashBalance {
					t.Fatalf("ledger sums %d/%d, balances %d/%d", v, c, got.VoucherBalance, got.CashBalance)
				}
				return v, c
			}
			if !debit(100, 200) {
				t.Fatal("the split the balances give was refused")
			}
			if v, c := balances(); v != 0 || c != 800 {
				t.Fatalf("after paying 300: vouchers %d cash %d, want 0 and 800", v, c)
			}
			// The same split again: the vouchers are gone, so it no longer holds.
			if debit(100, 200) {
				t.Fatal("a stale split was taken")
			}
			if debit(0, 900) {
				t.Fatal("a debit beyond the cash balance was taken")
			}
			if v, c := balances(); v != 0 || c != 800 {
				t.Fatalf("after two refused debits: vouchers %d cash %d, want 0 and 800", v, c)
			}
		})

		t.Run("migrate twice is a no-op", func(t *testing.T) {
			if err := st.Migrate(ctx); err != nil {
				t.Fatal(err)
			}
		})
	})
}

// setStock sets a zone's stock of a type, as the admin API does.
func setStock(st *store.Store, zone, typ string, n int) error {
	ctx := context.Background()
	return st.InTx(ctx, func(tx *store.Tx) error { return tx.StockSet(ctx, zone, typ, n) })
}
