package conformance

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"

	sdkerrors "github.com/aliyun/alibaba-cloud-sdk-go/sdk/errors"
	"github.com/aliyun/alibaba-cloud-sdk-go/sdk/requests"
	"github.com/aliyun/alibaba-cloud-sdk-go/services/bssopenapi"
	"github.com/aliyun/alibaba-cloud-sdk-go/services/ecs"

	"github.com/ecsd/ecsd/internal/ecsdtest"
	"github.com/ecsd/ecsd/internal/invariant"
	"github.com/ecsd/ecsd/internal/money"
	"github.com/ecsd/ecsd/internal/store"
)

// lcLedger checks that the account's balances equal the sums of its ledger
// and returns the cash balance and the number of ledger entries.
func lcLedger(t *testing.T, s *ecsdtest.Server, accountID string) (cash int64, entries int) {
	t.Helper()
	ctx := context.Background()
	st := s.Server.Store
	violations, err := invariant.Ledger(ctx, st.Q, accountID)
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range violations {
		t.Error(v)
	}
	acc, err := st.AccountGetByID(ctx, accountID)
	if err != nil {
		t.Fatal(err)
	}
	if err := st.DB().QueryRowContext(ctx, `SELECT COUNT(*) FROM ledger_entries WHERE account_id = $1`, accountID).Scan(&entries); err != nil {
		t.Fatal(err)
	}
	return acc.CashBalance, entries
}

// lcAllOrders counts the account's orders of any time and status.
func lcAllOrders(t *testing.T, s *ecsdtest.Server, accountID string) []*store.Order {
	t.Helper()
	orders, _, err := s.Server.Store.OrderList(context.Background(), store.OrderFilter{AccountID: accountID, Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	return orders
}

// TestConcurrentPurchasesInvariants has 16 goroutines of several accounts
// buy from one zone's limited stock of one type at once, some subscriptions
// and some pay-as-you-go, some beyond their balance. Afterwards the stock is
// the capacity minus the instances that exist, and every balance is the sum
// of its ledger and of what its paid orders cost.
func TestConcurrentPurchasesInvariants(t *testing.T) {
	t.Parallel()
	ecsdtest.Each(t, ecsdtest.Options{}, func(t *testing.T, s *ecsdtest.Server) {
		const zone, typ, capacity = "cn-hangzhou-h", "ecs.g6.large", 40
		const workers, perWorker = 16, 5
		lcSetStock(t, s, zone, typ, capacity)
		initial := []string{"1500.00", "900.00", "200.00", "100000.00"}
		accounts := make([]*lcActor, len(initial))
		for k, b := range initial {
			accounts[k] = lcAccount(t, s, fmt.Sprintf("buyer-%d", k), b, "0.00")
		}

		type result struct {
			account int
			prepaid bool
			ids     []string
			price   float64
			order   string
		}
		var mu sync.Mutex
		var results []result
		failures := map[string]int{}
		var wg sync.WaitGroup
		for w := range workers {
			acc := w % len(accounts)
			buyer := accounts[acc].fork(t)
			wg.Add(1)
			go func() {
				defer wg.Done()
				for k := range perWorker {
					amount := 1 + (w+k)%3
					prepaid := (w+k)%2 == 0
					opts := []func(*ecs.RunInstancesRequest){lcZone(zone), lcType(typ), lcAmount(amount)}
					if prepaid {
						opts = append(opts, lcPrePaid(1, "Month"))
					}
					resp, err := buyer.run(opts...)
					mu.Lock()
					if err != nil {
						var se *sdkerrors.ServerError
						if errors.As(err, &se) {
							failures[se.ErrorCode()]++
						} else {
							failures[err.Error()]++
						}
					} else {
						results = append(results, result{acc, prepaid, resp.InstanceIdSets.InstanceIdSet, resp.TradePrice, resp.OrderId})
					}
					mu.Unlock()
				}
			}()
		}
		wg.Wait()
		for code, n := range failures {
			if code != "InsufficientBalance" && code != "OperationDenied.NoStock" {
				t.Errorf("%d purchases failed with %s", n, code)
			}
		}
		if failures["OperationDenied.NoStock"] == 0 {
			t.Errorf("no purchase ran out of stock (failures %v): the test does not test the limit", failures)
		}
		if failures["InsufficientBalance"] == 0 {
			t.Errorf("no purchase ran out of balance (failures %v): the test does not test balances", failures)
		}

		// Stock = capacity − instances that exist, never negative.
		placed := 0
		for _, a := range accounts {
			placed += a.count(t, func(r *ecs.DescribeInstancesRequest) { r.ZoneId = zone; r.InstanceType = typ })
		}
		bought := 0
		for _, r := range results {
			bought += len(r.ids)
		}
		stock := lcStock(t, s, zone, typ)
		if stock < 0 || stock != capacity-placed || placed != bought {
			t.Errorf("stock %d, %d instances listed, %d bought: want stock = %d − listed = %d − bought", stock, placed, bought, capacity, capacity)
		}
		t.Logf("%d purchases succeeded (%d instances), failures %v, stock left %d", len(results), bought, failures, stock)

		// Balances: the ledger, and what the paid orders cost.
		for k, a := range accounts {
			cash, _ := lcLedger(t, s, a.ID)
			start, err := money.Parse(initial[k])
			if err != nil {
				t.Fatal(err)
			}
			var spent money.Amount
			paidOrders := 0
			for _, r := range results {
				if r.account == k && r.prepaid {
					spent += money.Amount(int64(r.price*100 + 0.5))
					paidOrders++
				}
			}
			if money.Amount(cash) != start-spent {
				t.Errorf("account %d: cash %s, want %s − %s", k, money.Amount(cash), start, spent)
			}
			orders := lcAllOrders(t, s, a.ID)
			var paid money.Amount
			for _, o := range orders {
				if o.PaymentStatus != store.PaymentPaid {
					t.Errorf("account %d: order %s is %s", k, o.ID, o.PaymentStatus)
				}
				paid += money.Amount(o.CashPaid + o.VoucherPaid)
			}
			if len(orders) != paidOrders || paid != spent {
				t.Errorf("account %d: %d orders paying %s, want %d paying %s", k, len(orders), paid, paidOrders, spent)
			}
		}
	})
}

// TestConcurrentQuota has 8 goroutines of one account buy at once against
// a regional vCPU quota that fits 2 instances: the quota holds.
func TestConcurrentQuota(t *testing.T) {
	t.Parallel()
	ecsdtest.Each(t, ecsdtest.Options{}, func(t *testing.T, s *ecsdtest.Server) {
		a := lcAccount(t, s, "quota", "10000.00", "0.00")
		a.patch(t, map[string]any{"VCPUQuota": map[string]int{"cn-hangzhou": 4}})
		const n = 8
		var wg sync.WaitGroup
		errs := make([]error, n)
		for k := range n {
			buyer := a.fork(t)
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, errs[k] = buyer.run(lcZone("cn-hangzhou-i"))
			}()
		}
		wg.Wait()
		ok := 0
		for _, err := range errs {
			var se *sdkerrors.ServerError
			switch {
			case err == nil:
				ok++
			case errors.As(err, &se) && se.ErrorCode() == "QuotaExceed.ElasticQuota":
			default:
				t.Errorf("purchase failed with %v", err)
			}
		}
		if c := a.count(t, nil); c > 2 || c != ok {
			t.Errorf("%d purchases succeeded and %d instances (%d vCPUs) exist with a quota of 4 vCPUs", ok, c, 2*c)
		}
	})
}

// TestFailedPurchaseLeavesNoTrace checks that a refused RunInstances leaves
// nothing behind: no order, ledger entry, stock change or instance.
func TestFailedPurchaseLeavesNoTrace(t *testing.T) {
	t.Parallel()
	ecsdtest.Each(t, ecsdtest.Options{}, func(t *testing.T, s *ecsdtest.Server) {
		const zone, typ = "cn-hangzhou-j", "ecs.g6.large"
		a := lcAccount(t, s, "traceless", "500.00", "100.00")
		type snapshot struct {
			stock, entries, orders, instances int
			cash                              int64
			account                           lcAdminAccount
		}
		snap := func() snapshot {
			t.Helper()
			var sn snapshot
			sn.stock = lcStock(t, s, zone, typ)
			sn.cash, sn.entries = lcLedger(t, s, a.ID)
			sn.orders = len(lcAllOrders(t, s, a.ID))
			sn.instances = a.count(t, nil)
			sn.account = a.account(t)
			return sn
		}
		before := snap()
		if before.account.Balance != "500.00" || before.account.VoucherBalance != "100.00" {
			t.Fatalf("account %+v", before.account)
		}

		// 3 × 300.00 = 900.00 > 600.00 in vouchers and cash: the voucher
		// part would be payable alone, and must not be kept either.
		_, err := a.run(lcZone(zone), lcType(typ), lcPrePaid(1, "Month"), lcAmount(3))
		lcWantV1(t, "beyond the balance", err, "InsufficientBalance", 403)
		if after := snap(); after != before {
			t.Errorf("InsufficientBalance left a trace: %+v, before %+v", after, before)
		}
		q := bssopenapi.CreateQueryOrdersRequest()
		resp, err := a.bss.QueryOrders(q)
		if err != nil {
			t.Fatal(err)
		}
		if resp.Data.TotalCount != 0 {
			t.Errorf("QueryOrders lists %d orders after InsufficientBalance", resp.Data.TotalCount)
		}

		// No stock: nothing charged, nothing placed.
		lcSetStock(t, s, zone, typ, 1)
		before = snap()
		_, err = a.run(lcZone(zone), lcType(typ), lcPrePaid(1, "Month"), lcAmount(2))
		lcWantV1(t, "beyond the stock", err, "OperationDenied.NoStock", 403)
		if after := snap(); after != before {
			t.Errorf("NoStock left a trace: %+v, before %+v", after, before)
		}

		// A purchase that fits still works afterwards (the checks above can
		// fail only if something was kept).
		if _, err := a.run(lcZone(zone), lcType(typ), lcPrePaid(1, "Month"), func(r *ecs.RunInstancesRequest) { r.Amount = requests.NewInteger(1) }); err != nil {
			t.Fatal(err)
		}
		after := snap()
		if after.stock != 0 || after.orders != 1 || after.instances != 1 || after.account.Balance != "300.00" || after.account.VoucherBalance != "0.00" || after.entries != before.entries+2 {
			t.Errorf("after a purchase: %+v", after)
		}
	})
}
