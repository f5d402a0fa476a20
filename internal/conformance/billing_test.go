package conformance

import (
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	ecs2 "github.com/alibabacloud-go/ecs-20140526/v7/client"
	"github.com/alibabacloud-go/tea/dara"
	"github.com/aliyun/alibaba-cloud-sdk-go/sdk/requests"
	"github.com/aliyun/alibaba-cloud-sdk-go/services/bssopenapi"
	"github.com/aliyun/alibaba-cloud-sdk-go/services/ecs"

	"github.com/ecsd/ecsd/internal/ecsdtest"
)

// lcSetClock sets the manual clock (the due timers run before it returns).
func lcSetClock(t *testing.T, s *ecsdtest.Server, at string) {
	t.Helper()
	var out struct{ Now string }
	if st := s.Admin(t, "POST", "/_ecsd/v1/clock", map[string]string{"Set": at}, &out); st != 200 {
		t.Fatalf("set clock %s: HTTP %d", at, st)
	}
}

// lcAdvance advances the manual clock by a Go duration.
func lcAdvance(t *testing.T, s *ecsdtest.Server, d string) {
	t.Helper()
	var out struct{ Now string }
	if st := s.Admin(t, "POST", "/_ecsd/v1/clock", map[string]string{"Advance": d}, &out); st != 200 {
		t.Fatalf("advance clock %s: HTTP %d", d, st)
	}
}

func lcAutoRenew(r *ecs.RunInstancesRequest) { r.AutoRenew = requests.NewBoolean(true) }

func (a *lcActor) renew(id string, period int, token string) (*ecs.RenewInstanceResponse, error) {
	r := ecs.CreateRenewInstanceRequest()
	r.InstanceId = id
	r.Period = requests.NewInteger(period)
	r.PeriodUnit = "Month"
	r.ClientToken = token
	return a.v1.RenewInstance(r)
}

func (a *lcActor) renewalPrice(t *testing.T, id string, period int) float64 {
	t.Helper()
	r := ecs.CreateDescribeRenewalPriceRequest()
	r.RegionId = "cn-hangzhou"
	r.ResourceId = id
	r.Period = requests.NewInteger(period)
	r.PriceUnit = "Month"
	resp, err := a.v1.DescribeRenewalPrice(r)
	if err != nil {
		t.Fatalf("DescribeRenewalPrice %s %d: %v", id, period, err)
	}
	return resp.PriceInfo.Price.TradePrice
}

// orders returns the account's orders created since from (QueryOrders).
func (a *lcActor) orders(t *testing.T, from string, edit func(*bssopenapi.QueryOrdersRequest)) []bssopenapi.Order {
	t.Helper()
	r := bssopenapi.CreateQueryOrdersRequest()
	r.CreateTimeStart = from
	r.PageSize = requests.NewInteger(100)
	if edit != nil {
		edit(r)
	}
	resp, err := a.bss.QueryOrders(r)
	if err != nil {
		t.Fatalf("QueryOrders: %v", err)
	}
	if resp.Data.TotalCount != len(resp.Data.OrderList.Order) {
		t.Errorf("QueryOrders: TotalCount %d, %d orders", resp.Data.TotalCount, len(resp.Data.OrderList.Order))
	}
	return resp.Data.OrderList.Order
}

// TestSubscriptionClock runs subscriptions on the manual clock: the end of
// the billing cycle (the 31st, 23:59:59 UTC+8), RenewInstance and
// DescribeRenewalPrice, expiry with and without AutoRenew, and what an
// expired instance may do.
func TestSubscriptionClock(t *testing.T) {
	t.Parallel()
	start := time.Date(2026, 1, 31, 2, 0, 0, 0, time.UTC) // Jan 31 10:00 UTC+8
	ecsdtest.Each(t, ecsdtest.Options{ManualClock: true, ClockStart: start}, func(t *testing.T, s *ecsdtest.Server) {
		const zone, typ = "cn-hangzhou-i", "ecs.g6.large"
		const since = "2026-01-01T00:00:00Z"
		rich := lcAccount(t, s, "rich", "10000.00", "0.00")
		poor := lcAccount(t, s, "poor", "300.00", "0.00")
		stock := lcStock(t, s, zone, typ)

		buy := func(a *lcActor, opts ...func(*ecs.RunInstancesRequest)) string {
			t.Helper()
			resp := a.mustRun(t, append([]func(*ecs.RunInstancesRequest){lcZone(zone), lcPrePaid(1, "Month")}, opts...)...)
			return lcCheckPurchase(t, "buy", resp, "300.00", 1)[0]
		}
		expires := func(a *lcActor, id, want string) {
			t.Helper()
			if got := a.one(t, id).ExpiredTime; got != want {
				t.Errorf("%s: ExpiredTime %q, want %q", id, got, want)
			}
		}
		plain := buy(rich)              // expires
		auto := buy(rich, lcAutoRenew)  // renews itself at expiry
		renewed := buy(rich)            // renewed by hand
		broke := buy(poor, lcAutoRenew) // AutoRenew without the balance
		rich.wantBalance(t, "9100.00", "0.00")
		poor.wantBalance(t, "0.00", "0.00")
		if got := lcStock(t, s, zone, typ); got != stock-4 {
			t.Errorf("stock %d after 4 purchases, want %d", got, stock-4)
		}
		rich.waitStatus(t, "Running", plain, auto, renewed)
		poor.waitStatus(t, "Running", broke)
		// Bought on Jan 31: the month clamps to Feb 28, the subscription
		// ends Mar 1 00:00 UTC+8.
		for _, id := range []string{plain, auto, renewed} {
			expires(rich, id, "2026-02-28T16:00Z")
		}
		expires(poor, broke, "2026-02-28T16:00Z")

		// 23:59:59 UTC+8 on the 31st is still the 31st; one second later
		// it is Feb 1 and the subscription runs to Mar 2 00:00 UTC+8.
		lcSetClock(t, s, "2026-01-31T15:59:59Z")
		last := buy(rich)
		lcSetClock(t, s, "2026-01-31T16:00:00Z")
		next := buy(rich)
		week := lcCheckPurchase(t, "a week", rich.mustRun(t, lcZone(zone), lcPrePaid(1, "Week")), "70.00", 1)[0]
		// A weekly subscription that renews itself renews by weeks.
		weekly := lcAccount(t, s, "weekly", "10000.00", "0.00")
		weeklyID := lcCheckPurchase(t, "a week, AutoRenew", weekly.mustRun(t, lcZone(zone), lcPrePaid(1, "Week"), lcAutoRenew,
			func(r *ecs.RunInstancesRequest) { r.AutoRenewPeriod = requests.NewInteger(1) }), "70.00", 1)[0]
		rich.wantBalance(t, "8430.00", "0.00")
		rich.waitStatus(t, "Running", last, next, week)
		// Its start is a job: wait for Running before the clock moves, or an
		// expiry may find it still Pending.
		weekly.waitStatus(t, "Running", weeklyID)
		expires(rich, last, "2026-02-28T16:00Z")
		expires(rich, next, "2026-03-01T16:00Z")
		expires(rich, week, "2026-02-08T16:00Z")

		// RenewInstance charges what DescribeRenewalPrice says and moves
		// ExpiredTime by whole months from the current end.
		balance := 8430.00
		for _, c := range []struct {
			period int
			price  string
			end    string
		}{{1, "300.00", "2026-03-31T16:00Z"}, {2, "600.00", "2026-05-31T16:00Z"}} {
			quote := rich.renewalPrice(t, renewed, c.period)
			lcPrice(t, "DescribeRenewalPrice", quote, c.price)
			resp, err := rich.renew(renewed, c.period, "")
			if err != nil {
				t.Fatalf("RenewInstance %d: %v", c.period, err)
			}
			if !lcOrderIDPattern.MatchString(resp.OrderId) {
				t.Errorf("RenewInstance OrderId %q", resp.OrderId)
			}
			balance -= quote
			rich.wantBalance(t, lcMoney(balance), "0.00")
			expires(rich, renewed, c.end)
		}
		renews := rich.orders(t, since, func(r *bssopenapi.QueryOrdersRequest) { r.OrderType = "Renew" })
		if len(renews) != 2 {
			t.Fatalf("%d Renew orders, want 2: %+v", len(renews), renews)
		}
		for _, o := range renews {
			if o.PaymentStatus != "Paid" || !strings.Contains(o.InstanceIDs, renewed) || (o.PretaxAmount != "300.00" && o.PretaxAmount != "600.00") {
				t.Errorf("Renew order %+v", o)
			}
		}
		if st := rich.one(t, renewed).Status; st != "Running" {
			t.Errorf("renewed instance is %s", st)
		}

		// Renewal errors.
		post := rich.mustRun(t, lcZone("cn-hangzhou-h")).InstanceIdSets.InstanceIdSet[0]
		_, err := rich.renew(post, 1, "")
		lcWantV1(t, "renew a PostPaid instance", err, "ChargeTypeViolation", 403)
		r := ecs.CreateDescribeRenewalPriceRequest()
		r.RegionId = "cn-hangzhou"
		r.ResourceId = post
		_, err = rich.v1.DescribeRenewalPrice(r)
		lcWantV1(t, "renewal price of a PostPaid instance", err, "ChargeTypeViolation", 403)
		_, err = rich.renew(renewed, 10, "")
		lcWantV1(t, "renew for 10 months", err, "InvalidPeriod", 400)
		rr := ecs.CreateRenewInstanceRequest()
		rr.InstanceId = renewed
		rr.Period = requests.NewInteger(1)
		rr.PeriodUnit = "Year"
		_, err = rich.v1.RenewInstance(rr)
		lcWantV1(t, "renew PeriodUnit Year", err, "InvalidPeriodUnit.ValueNotSupported", 400)
		_, err = rich.renew("i-bp"+strings.Repeat("1", 18), 1, "")
		lcWantV1(t, "renew an unknown instance", err, "InvalidInstanceId.NotFound", 404)
		_, err = poor.renew(broke, 1, "")
		lcWantV1(t, "renew without the balance", err, "InsufficientBalance", 403)
		expires(poor, broke, "2026-02-28T16:00Z")
		_, err = poor.renew(renewed, 1, "")
		lcWantV1(t, "renew another account's instance", err, "InvalidInstanceId.NotFound", 404)
		rich.wantBalance(t, lcMoney(balance), "0.00")

		// An unexpired subscription cannot be deleted.
		del := func(a *lcActor, id string) error {
			r := ecs.CreateDeleteInstanceRequest()
			r.InstanceId = id
			_, err := a.v1.DeleteInstance(r)
			return err
		}
		lcWantV1(t, "delete an unexpired subscription", del(rich, plain), "ChargeTypeViolation", 403)

		// Expiry: one second past Mar 1 00:00 UTC+8.
		lcSetClock(t, s, "2026-02-28T16:00:01Z")
		got := rich.describe(t, plain, auto, renewed, last, next, week)
		for id, want := range map[string]string{plain: "Stopped", last: "Stopped", week: "Stopped", auto: "Running", renewed: "Running", next: "Running"} {
			if got[id].Status != want {
				t.Errorf("after expiry %s is %q, want %s", id, got[id].Status, want)
			}
		}
		if got[plain].ExpiredTime != "2026-02-28T16:00Z" {
			t.Errorf("expired instance: ExpiredTime %q", got[plain].ExpiredTime)
		}
		// AutoRenew renewed one month from the old end and paid for it.
		if got[auto].ExpiredTime != "2026-03-31T16:00Z" {
			t.Errorf("auto-renewed instance: ExpiredTime %q, want 2026-03-31T16:00Z", got[auto].ExpiredTime)
		}
		balance -= 300
		rich.wantBalance(t, lcMoney(balance), "0.00")
		autoRenews := 0
		for _, o := range rich.orders(t, since, func(r *bssopenapi.QueryOrdersRequest) { r.OrderType = "Renew" }) {
			if strings.Contains(o.InstanceIDs, auto) {
				autoRenews++
				if o.PaymentStatus != "Paid" || o.PretaxAmount != "300.00" || o.CreateTime != "2026-02-28T16:00:00Z" {
					t.Errorf("auto-renew order %+v", o)
				}
			}
		}
		if autoRenews != 1 {
			t.Errorf("%d Renew orders for the auto-renewed instance, want 1", autoRenews)
		}
		// The weekly AutoRenew instance renewed on Feb 8, 15 and 22, a week
		// and 70.00 each time.
		if st := weekly.one(t, weeklyID); st.Status != "Running" || st.ExpiredTime != "2026-03-01T16:00Z" {
			t.Errorf("weekly AutoRenew: %s ExpiredTime %q, want Running until 2026-03-01T16:00Z", st.Status, st.ExpiredTime)
		}
		weekly.wantBalance(t, "9720.00", "0.00")
		if renews := weekly.orders(t, since, func(r *bssopenapi.QueryOrdersRequest) { r.OrderType = "Renew" }); len(renews) != 3 ||
			renews[0].PretaxAmount != "70.00" {
			var amounts []string
			for _, o := range renews {
				amounts = append(amounts, o.PretaxAmount+" "+o.Config)
			}
			t.Errorf("weekly AutoRenew: %d Renew orders %v, want 3 of 70.00", len(renews), amounts)
		}
		// AutoRenew without the balance: expired, nothing charged.
		if st := poor.one(t, broke).Status; st != "Stopped" {
			t.Errorf("AutoRenew without balance: %s is %s, want Stopped", broke, st)
		}
		poor.wantBalance(t, "0.00", "0.00")
		if n := len(poor.orders(t, since, func(r *bssopenapi.QueryOrdersRequest) { r.OrderType = "Renew" })); n != 0 {
			t.Errorf("%d Renew orders without balance", n)
		}

		start := func(a *lcActor, id string) error {
			r := ecs.CreateStartInstanceRequest()
			r.InstanceId = id
			_, err := a.v1.StartInstance(r)
			return err
		}
		lcWantV1(t, "start an expired instance", start(rich, plain), "InstanceExpired", 403)
		lcWantV1(t, "start an expired instance (AutoRenew, no balance)", start(poor, broke), "InstanceExpired", 403)
		_, err = rich.v2.StartInstance(&ecs2.StartInstanceRequest{InstanceId: dara.String(last)})
		lcWantV2(t, "start an expired instance", err, "InstanceExpired", 403)
		sr := ecs.CreateStopInstanceRequest()
		sr.InstanceId = plain
		_, err = rich.v1.StopInstance(sr)
		lcWantV1(t, "stop an expired instance", err, "InstanceExpiredOrInArrears", 403)
		rb := ecs.CreateRebootInstanceRequest()
		rb.InstanceId = plain
		_, err = rich.v1.RebootInstance(rb)
		lcWantV1(t, "reboot an expired instance", err, "InstanceExpiredOrInArrears", 403)

		// An expired instance can be deleted; its stock comes back.
		before := lcStock(t, s, zone, typ)
		if err := del(rich, plain); err != nil {
			t.Fatalf("delete an expired instance: %v", err)
		}
		if got := lcStock(t, s, zone, typ); got != before+1 {
			t.Errorf("stock %d after deleting an expired instance, want %d", got, before+1)
		}
		if _, ok := rich.describe(t, plain)[plain]; ok {
			t.Error("the deleted instance is still listed")
		}

		// Renewing an expired instance revives it: it can be started.
		if st := s.Admin(t, "POST", "/_ecsd/v1/accounts/"+poor.ID+"/balance", map[string]string{"Amount": "300.00"}, nil); st != 200 {
			t.Fatalf("top up: HTTP %d", st)
		}
		if _, err := poor.renew(broke, 1, ""); err != nil {
			t.Fatalf("renew an expired instance: %v", err)
		}
		poor.wantBalance(t, "0.00", "0.00")
		if err := start(poor, broke); err != nil {
			t.Errorf("start a renewed instance: %v", err)
		} else {
			poor.waitStatus(t, "Running", broke)
		}

		// The subscription bought one second after midnight ends exactly at
		// Mar 2 00:00 UTC+8: not before.
		lcSetClock(t, s, "2026-03-01T15:59:59Z")
		if st := rich.one(t, next).Status; st != "Running" {
			t.Errorf("one second before its end %s is %s", next, st)
		}
		lcSetClock(t, s, "2026-03-01T16:00:00Z")
		if st := rich.one(t, next).Status; st != "Stopped" {
			t.Errorf("at its end %s is %s, want Stopped", next, st)
		}

		// Renewing an instance that expired more than a period ago buys
		// time from now on: its ExpiredTime is in the future, and once
		// started it stays Running.
		lcSetClock(t, s, "2026-05-01T00:00:00Z")
		if _, err := rich.renew(last, 1, ""); err != nil {
			t.Fatalf("renew an instance expired two months ago: %v", err)
		}
		if end := lcParseMinute(t, rich.one(t, last).ExpiredTime); !end.After(time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC)) {
			t.Errorf("renewed on 2026-05-01 for a month, ExpiredTime %s is in the past", end.Format(time.RFC3339))
		}
		if err := start(rich, last); err != nil {
			t.Errorf("start the renewed instance: %v", err)
		}
		time.Sleep(300 * time.Millisecond)
		lcAdvance(t, s, "1m")
		if st := rich.one(t, last).Status; st != "Running" && st != "Starting" {
			t.Errorf("renewed and started, %s is %s a minute later", last, st)
		}
	})
}

// lcMoney formats an amount as a two-decimal string.
func lcMoney(v float64) string { return fmt.Sprintf("%.2f", v) }

// TestClientToken checks ClientToken idempotency of RunInstances and
// RenewInstance, including 16 concurrent duplicates.
func TestClientToken(t *testing.T) {
	t.Parallel()
	ecsdtest.Each(t, ecsdtest.Options{}, func(t *testing.T, s *ecsdtest.Server) {
		const zone = "cn-hangzhou-h"
		t.Run("RunInstances", func(t *testing.T) {
			t.Parallel()
			a := lcAccount(t, s, "token", "10000.00", "0.00")
			token := func(tok string) func(*ecs.RunInstancesRequest) {
				return func(r *ecs.RunInstancesRequest) { r.ClientToken = tok }
			}
			first := a.mustRun(t, lcZone(zone), lcPrePaid(1, "Month"), token("run-token-1"))
			again := a.mustRun(t, lcZone(zone), lcPrePaid(1, "Month"), token("run-token-1"))
			if again.OrderId != first.OrderId || !slices.Equal(again.InstanceIdSets.InstanceIdSet, first.InstanceIdSets.InstanceIdSet) || again.TradePrice != first.TradePrice {
				t.Errorf("replay: %+v, first answer %+v", again, first)
			}
			if again.RequestId == first.RequestId || len(again.RequestId) != 36 {
				t.Errorf("replay RequestId %q, first %q: want a fresh one", again.RequestId, first.RequestId)
			}
			a.wantBalance(t, "9700.00", "0.00")
			if n := a.count(t, nil); n != 1 {
				t.Errorf("%d instances after a replay, want 1", n)
			}
			if n := len(a.orders(t, "", nil)); n != 1 {
				t.Errorf("%d orders after a replay, want 1", n)
			}
			_, err := a.run(lcZone(zone), lcPrePaid(1, "Month"), lcAmount(2), token("run-token-1"))
			lcWantV1(t, "same token, Amount 2", err, "IdempotenceParamNotMatch", 400)
			_, err = a.run(lcZone(zone), lcPrePaid(2, "Month"), token("run-token-1"))
			lcWantV1(t, "same token, Period 2", err, "IdempotenceParamNotMatch", 400)
			_, err = a.run(lcZone(zone), lcPrePaid(1, "Month"), token(strings.Repeat("a", 65)))
			lcWantV1(t, "65-character token", err, "InvalidClientToken.ValueNotSupported", 400)
			a.wantBalance(t, "9700.00", "0.00")
			// Tokens are case-sensitive, and 64 characters are allowed.
			upper := a.mustRun(t, lcZone(zone), lcPrePaid(1, "Month"), token("RUN-TOKEN-1"))
			if upper.OrderId == first.OrderId {
				t.Error("a token differing in case replayed the first answer")
			}
			long := a.mustRun(t, lcZone(zone), token(strings.Repeat("b", 64)))
			longAgain := a.mustRun(t, lcZone(zone), token(strings.Repeat("b", 64)))
			if !slices.Equal(long.InstanceIdSets.InstanceIdSet, longAgain.InstanceIdSets.InstanceIdSet) {
				t.Errorf("64-character token: %v then %v", long.InstanceIdSets.InstanceIdSet, longAgain.InstanceIdSets.InstanceIdSet)
			}
			a.wantBalance(t, "9400.00", "0.00")
			// A request that failed kept nothing, its token included: the
			// same request succeeds once it can.
			poor := lcAccount(t, s, "token-poor", "100.00", "0.00")
			_, err = poor.run(lcZone(zone), lcPrePaid(1, "Month"), token("retry-me"))
			lcWantV1(t, "token: beyond the balance", err, "InsufficientBalance", 403)
			if st := s.Admin(t, "POST", "/_ecsd/v1/accounts/"+poor.ID+"/balance", map[string]string{"Amount": "200.00"}, nil); st != 200 {
				t.Fatalf("top up: HTTP %d", st)
			}
			if _, err := poor.run(lcZone(zone), lcPrePaid(1, "Month"), token("retry-me")); err != nil {
				t.Errorf("retry of a failed request with its token: %v", err)
			}
			poor.wantBalance(t, "0.00", "0.00")
			// Another account's token space is its own.
			b := lcAccount(t, s, "token-b", "1000.00", "0.00")
			other := b.mustRun(t, lcZone(zone), lcPrePaid(1, "Month"), token("run-token-1"))
			if other.OrderId == first.OrderId {
				t.Error("another account's request with the same token replayed the first account's answer")
			}
			b.wantBalance(t, "700.00", "0.00")

			// Go SDK v2 replays too.
			req := &ecs2.RunInstancesRequest{}
			req.SetRegionId("cn-hangzhou").SetZoneId(zone).SetImageId(lcImage).SetInstanceType("ecs.g6.large").
				SetInstanceChargeType("PrePaid").SetPeriod(1).SetPeriodUnit("Month").SetClientToken("v2-token")
			r1, err := a.v2.RunInstances(req)
			if err != nil {
				t.Fatal(err)
			}
			r2, err := a.v2.RunInstances(req)
			if err != nil {
				t.Fatal(err)
			}
			if dara.StringValue(r1.Body.OrderId) == "" || dara.StringValue(r1.Body.OrderId) != dara.StringValue(r2.Body.OrderId) ||
				dara.StringValue(r1.Body.RequestId) == dara.StringValue(r2.Body.RequestId) {
				t.Errorf("v2 replay: OrderId %q then %q, RequestId %q then %q", dara.StringValue(r1.Body.OrderId), dara.StringValue(r2.Body.OrderId),
					dara.StringValue(r1.Body.RequestId), dara.StringValue(r2.Body.RequestId))
			}
			a.wantBalance(t, "9100.00", "0.00")
			req.SetPeriod(3)
			_, err = a.v2.RunInstances(req)
			lcWantV2(t, "same token, Period 3", err, "IdempotenceParamNotMatch", 400)
		})

		t.Run("RenewInstance", func(t *testing.T) {
			t.Parallel()
			a := lcAccount(t, s, "renew-token", "10000.00", "0.00")
			id := a.mustRun(t, lcZone(zone), lcPrePaid(1, "Month")).InstanceIdSets.InstanceIdSet[0]
			a.waitStatus(t, "Running", id)
			end := lcParseMinute(t, a.one(t, id).ExpiredTime)
			first, err := a.renew(id, 1, "renew-token")
			if err != nil {
				t.Fatal(err)
			}
			again, err := a.renew(id, 1, "renew-token")
			if err != nil {
				t.Fatal(err)
			}
			if again.OrderId != first.OrderId || again.RequestId == first.RequestId {
				t.Errorf("renew replay: OrderId %q then %q, RequestId %q then %q", first.OrderId, again.OrderId, first.RequestId, again.RequestId)
			}
			a.wantBalance(t, "9400.00", "0.00")
			moved := lcParseMinute(t, a.one(t, id).ExpiredTime)
			if d := moved.Sub(end); d < 27*24*time.Hour || d > 32*24*time.Hour {
				t.Errorf("ExpiredTime moved from %s to %s: want one month, once", end, moved)
			}
			_, err = a.renew(id, 2, "renew-token")
			lcWantV1(t, "renew: same token, Period 2", err, "IdempotenceParamNotMatch", 400)
			_, err = a.renew(id, 1, strings.Repeat("r", 65))
			lcWantV1(t, "renew: 65-character token", err, "InvalidClientToken.ValueNotSupported", 400)
			a.wantBalance(t, "9400.00", "0.00")
			if n := len(a.orders(t, "", func(r *bssopenapi.QueryOrdersRequest) { r.OrderType = "Renew" })); n != 1 {
				t.Errorf("%d Renew orders, want 1", n)
			}
		})

		t.Run("Concurrent", func(t *testing.T) {
			t.Parallel()
			a := lcAccount(t, s, "concurrent-token", "10000.00", "0.00")
			const n = 16
			var wg sync.WaitGroup
			answers := make([]*ecs.RunInstancesResponse, n)
			errs := make([]error, n)
			for k := range n {
				buyer := a.fork(t)
				wg.Add(1)
				go func() {
					defer wg.Done()
					answers[k], errs[k] = buyer.run(lcZone(zone), lcPrePaid(1, "Month"), lcAmount(2), func(r *ecs.RunInstancesRequest) { r.ClientToken = "one-token-for-all" })
				}()
			}
			wg.Wait()
			order := ""
			var ids []string
			for k := range n {
				if errs[k] != nil {
					t.Errorf("concurrent duplicate %d: %v", k, errs[k])
					continue
				}
				if order == "" {
					order, ids = answers[k].OrderId, answers[k].InstanceIdSets.InstanceIdSet
				}
				if answers[k].OrderId != order || !slices.Equal(answers[k].InstanceIdSets.InstanceIdSet, ids) {
					t.Errorf("concurrent duplicate %d: OrderId %q ids %v, another answer %q %v", k, answers[k].OrderId, answers[k].InstanceIdSets.InstanceIdSet, order, ids)
				}
			}
			if orders := a.orders(t, "", nil); len(orders) != 1 {
				t.Errorf("%d orders after 16 concurrent duplicates, want 1", len(orders))
			}
			a.wantBalance(t, "9400.00", "0.00")
			if c := a.count(t, nil); c != 2 {
				t.Errorf("%d instances after 16 concurrent duplicates of Amount 2, want 2", c)
			}
		})
	})
}
