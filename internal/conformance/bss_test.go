package conformance

import (
	"encoding/json"
	"slices"
	"testing"
	"time"

	"github.com/aliyun/alibaba-cloud-sdk-go/sdk/requests"
	"github.com/aliyun/alibaba-cloud-sdk-go/services/bssopenapi"
	"github.com/aliyun/alibaba-cloud-sdk-go/services/ecs"

	"github.com/ecsd/ecsd/internal/ecsdtest"
)

func lcNoAutoPay(r *ecs.RunInstancesRequest) { r.AutoPay = requests.NewBoolean(false) }

// lcAdminOrder is the admin API's answer to paying an order.
type lcAdminOrder struct {
	OrderId       string
	PaymentStatus string
	Amount        string
	VoucherPaid   string
	CashPaid      string
	InstanceIds   []string
}

func lcPay(t *testing.T, s *ecsdtest.Server, orderID string) (int, lcAdminOrder) {
	t.Helper()
	var out lcAdminOrder
	st := s.Admin(t, "POST", "/_ecsd/v1/orders/"+orderID+"/pay", nil, &out)
	return st, out
}

// orderByID finds an order in a list.
func lcOrderByID(list []bssopenapi.Order, id string) (bssopenapi.Order, bool) {
	for _, o := range list {
		if o.OrderId == id {
			return o, true
		}
	}
	return bssopenapi.Order{}, false
}

func (a *lcActor) cancelOrder(id string) (*bssopenapi.CancelOrderResponse, error) {
	r := bssopenapi.CreateCancelOrderRequest()
	r.OrderId = id
	return a.bss.CancelOrder(r)
}

func (a *lcActor) orderDetail(t *testing.T, id string) bssopenapi.Order {
	t.Helper()
	r := bssopenapi.CreateGetOrderDetailRequest()
	r.OrderId = id
	resp, err := a.bss.GetOrderDetail(r)
	if err != nil {
		t.Fatalf("GetOrderDetail %s: %v", id, err)
	}
	if !resp.Success || resp.Code == "" || len(resp.RequestId) != 36 {
		t.Errorf("GetOrderDetail envelope: Code %q Success %v RequestId %q", resp.Code, resp.Success, resp.RequestId)
	}
	if n := len(resp.Data.OrderList.Order); n != 1 {
		t.Fatalf("GetOrderDetail %s: %d orders", id, n)
	}
	return resp.Data.OrderList.Order[0]
}

// TestUnpaidOrders buys subscriptions with AutoPay=false: the order waits
// Unpaid with its instance Pending, and is paid (admin API), cancelled
// (BSS CancelOrder) or cancelled by itself after 24 hours.
func TestUnpaidOrders(t *testing.T) {
	t.Parallel()
	start := time.Date(2026, 3, 10, 1, 0, 0, 0, time.UTC)
	ecsdtest.Each(t, ecsdtest.Options{ManualClock: true, ClockStart: start}, func(t *testing.T, s *ecsdtest.Server) {
		const zone, typ = "cn-hangzhou-h", "ecs.g6.large"
		const since = "2026-03-01T00:00:00Z"
		a := lcAccount(t, s, "unpaid", "10000.00", "0.00")
		stranger := lcAccount(t, s, "stranger", "10000.00", "0.00")
		stock := lcStock(t, s, zone, typ)

		// An unpaid order: no charge, the stock is held, the instance waits.
		resp := a.mustRun(t, lcZone(zone), lcPrePaid(1, "Month"), lcNoAutoPay)
		paid := resp.OrderId
		paidIDs := lcCheckPurchase(t, "AutoPay=false", resp, "300.00", 1)
		a.wantBalance(t, "10000.00", "0.00")
		if got := lcStock(t, s, zone, typ); got != stock-1 {
			t.Errorf("stock %d with an unpaid order, want %d", got, stock-1)
		}
		unpaid := a.orders(t, since, func(r *bssopenapi.QueryOrdersRequest) { r.PaymentStatus = "Unpaid" })
		if o, ok := lcOrderByID(unpaid, paid); !ok || o.PaymentStatus != "Unpaid" || o.OrderType != "New" || o.PretaxAmount != "300.00" || o.PaymentTime != "" {
			t.Errorf("QueryOrders Unpaid: %+v", unpaid)
		}
		if d := a.orderDetail(t, paid); d.PaymentStatus != "unpaid" || d.OrderType != "new" {
			t.Errorf("GetOrderDetail of an unpaid order: PaymentStatus %q OrderType %q, want unpaid and new", d.PaymentStatus, d.OrderType)
		}
		time.Sleep(400 * time.Millisecond) // a transition job, if one were queued, would have run
		if st := a.one(t, paidIDs[0]).Status; st != "Pending" {
			t.Errorf("instance of an unpaid order is %s, want Pending", st)
		}
		_, err := a.renew(paidIDs[0], 1, "")
		lcWantV1(t, "renew with an unpaid order", err, "Instance.UnPaidOrder", 403)
		sr := ecs.CreateStartInstanceRequest()
		sr.InstanceId = paidIDs[0]
		_, err = a.v1.StartInstance(sr)
		lcWantV1(t, "start a Pending instance", err, "IncorrectInstanceStatus", 403)

		// Pay it: charged, Paid, the instance starts.
		st, o := lcPay(t, s, paid)
		if st != 200 || o.PaymentStatus != "Paid" || o.CashPaid != "300.00" || o.Amount != "300.00" || !slices.Equal(o.InstanceIds, paidIDs) {
			t.Errorf("pay: HTTP %d %+v", st, o)
		}
		a.wantBalance(t, "9700.00", "0.00")
		a.waitStatus(t, "Running", paidIDs...)
		if o, ok := lcOrderByID(a.orders(t, since, func(r *bssopenapi.QueryOrdersRequest) { r.PaymentStatus = "Paid" }), paid); !ok || o.PaymentTime != "2026-03-10T01:00:00Z" {
			t.Errorf("QueryOrders Paid: %+v (found %v)", o, ok)
		}
		if st, _ := lcPay(t, s, paid); st < 400 || st >= 500 {
			t.Errorf("paying a Paid order again: HTTP %d, want 4xx", st)
		}
		a.wantBalance(t, "9700.00", "0.00")
		_, err = a.cancelOrder(paid)
		lcWantV1(t, "cancel a Paid order", err, "InvalidParameter", 400)
		a.waitStatus(t, "Running", paidIDs...)

		// Cancel another: its instances go, the stock comes back.
		resp = a.mustRun(t, lcZone(zone), lcPrePaid(1, "Month"), lcAmount(2), lcNoAutoPay)
		cancelled, cancelledIDs := resp.OrderId, resp.InstanceIdSets.InstanceIdSet
		if got := lcStock(t, s, zone, typ); got != stock-3 {
			t.Errorf("stock %d, want %d", got, stock-3)
		}
		_, err = stranger.cancelOrder(cancelled)
		lcWantV1(t, "cancel another account's order", err, "InvalidOrderId.NotFound", 404)
		c, err := a.cancelOrder(cancelled)
		if err != nil {
			t.Fatalf("CancelOrder: %v", err)
		}
		if !c.Success || c.Code == "" || c.Message == "" || len(c.RequestId) != 36 {
			t.Errorf("CancelOrder envelope %+v", c)
		}
		if got := a.describe(t, cancelledIDs...); len(got) != 0 {
			t.Errorf("instances of a cancelled order are still listed: %v", got)
		}
		if got := lcStock(t, s, zone, typ); got != stock-1 {
			t.Errorf("stock %d after cancelling, want %d", got, stock-1)
		}
		if o, ok := lcOrderByID(a.orders(t, since, func(r *bssopenapi.QueryOrdersRequest) { r.PaymentStatus = "Cancelled" }), cancelled); !ok || o.PaymentStatus != "Cancelled" {
			t.Errorf("QueryOrders Cancelled: %+v (found %v)", o, ok)
		}
		if d := a.orderDetail(t, cancelled); d.PaymentStatus != "canceled" {
			t.Errorf("GetOrderDetail of a cancelled order: PaymentStatus %q, want canceled", d.PaymentStatus)
		}
		_, err = a.cancelOrder(cancelled)
		lcWantV1(t, "cancel a Cancelled order", err, "InvalidParameter", 400)
		if st, _ := lcPay(t, s, cancelled); st < 400 || st >= 500 {
			t.Errorf("paying a Cancelled order: HTTP %d, want 4xx", st)
		}
		_, err = a.cancelOrder("200000000000000")
		lcWantV1(t, "cancel an unknown order", err, "InvalidOrderId.NotFound", 404)
		a.wantBalance(t, "9700.00", "0.00")

		// Paying needs the balance; a failed payment leaves the order Unpaid.
		poor := lcAccount(t, s, "poor", "100.00", "0.00")
		resp = poor.mustRun(t, lcZone(zone), lcPrePaid(1, "Month"), lcNoAutoPay)
		poorOrder := resp.OrderId
		var perr struct{ Code string }
		if st := s.Admin(t, "POST", "/_ecsd/v1/orders/"+poorOrder+"/pay", nil, &perr); st != 403 || perr.Code != "InsufficientBalance" {
			t.Errorf("paying without the balance: HTTP %d %q, want 403 InsufficientBalance", st, perr.Code)
		}
		poor.wantBalance(t, "100.00", "0.00")
		if d := poor.orderDetail(t, poorOrder); d.PaymentStatus != "unpaid" {
			t.Errorf("after a failed payment the order is %q", d.PaymentStatus)
		}

		// Unpaid for 24 hours: cancelled by itself.
		resp = a.mustRun(t, lcZone(zone), lcPrePaid(1, "Month"), lcNoAutoPay)
		expiring, expiringIDs := resp.OrderId, resp.InstanceIdSets.InstanceIdSet
		held := lcStock(t, s, zone, typ)
		lcAdvance(t, s, "23h")
		if d := a.orderDetail(t, expiring); d.PaymentStatus != "unpaid" {
			t.Errorf("after 23 h the order is %q, want unpaid", d.PaymentStatus)
		}
		lcAdvance(t, s, "2h")
		if d := a.orderDetail(t, expiring); d.PaymentStatus != "canceled" {
			t.Errorf("after 25 h the order is %q, want canceled", d.PaymentStatus)
		}
		if o, ok := lcOrderByID(a.orders(t, since, nil), expiring); !ok || o.PaymentStatus != "Cancelled" {
			t.Errorf("QueryOrders after 25 h: %+v (found %v)", o, ok)
		}
		if got := a.describe(t, expiringIDs...); len(got) != 0 {
			t.Errorf("instances of an expired unpaid order are still listed: %v", got)
		}
		if got := lcStock(t, s, zone, typ); got != held+2 { // this order's and the poor account's
			t.Errorf("stock %d after the unpaid orders lapsed, want %d", got, held+2)
		}
		if d := poor.orderDetail(t, poorOrder); d.PaymentStatus != "canceled" {
			t.Errorf("the poor account's unpaid order is %q after 25 h", d.PaymentStatus)
		}
		// The paid order is untouched.
		if d := a.orderDetail(t, paid); d.PaymentStatus != "paid" {
			t.Errorf("the paid order is %q after 25 h", d.PaymentStatus)
		}
		if st := a.one(t, paidIDs[0]).Status; st != "Running" {
			t.Errorf("the paid instance is %s after 25 h", st)
		}
		a.wantBalance(t, "9700.00", "0.00")
	})
}

// TestBSS checks QueryAccountBalance, QueryOrders (filters, time window,
// paging) and GetOrderDetail through the BSS Go SDK, and the BSS envelope.
func TestBSS(t *testing.T) {
	t.Parallel()
	t0 := time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC)
	ecsdtest.Each(t, ecsdtest.Options{ManualClock: true, ClockStart: t0}, func(t *testing.T, s *ecsdtest.Server) {
		const zone = "cn-hangzhou-h"
		a := lcAccount(t, s, "bss", "10000.00", "0.00")
		b := lcAccount(t, s, "bss-other", "10000.00", "0.00")

		balance := func(c *lcActor) bssopenapi.Data {
			t.Helper()
			resp, err := c.bss.QueryAccountBalance(bssopenapi.CreateQueryAccountBalanceRequest())
			if err != nil {
				t.Fatalf("QueryAccountBalance: %v", err)
			}
			if !resp.Success || resp.Code == "" || resp.Message == "" || len(resp.RequestId) != 36 {
				t.Errorf("QueryAccountBalance envelope: Code %q Message %q Success %v RequestId %q", resp.Code, resp.Message, resp.Success, resp.RequestId)
			}
			return resp.Data
		}
		if d := balance(a); d.AvailableAmount != "10000.00" || d.Currency != "CNY" {
			t.Errorf("QueryAccountBalance %+v", d)
		}

		first := a.mustRun(t, lcZone(zone), lcPrePaid(1, "Month"))
		if d := balance(a); d.AvailableAmount != "9700.00" || d.AvailableCashAmount != "9700.00" {
			t.Errorf("after a 300.00 purchase: AvailableAmount %q AvailableCashAmount %q, want 9700.00", d.AvailableAmount, d.AvailableCashAmount)
		}
		a.waitStatus(t, "Running", first.InstanceIdSets.InstanceIdSet...)
		lcAdvance(t, s, "2h")
		second := a.mustRun(t, lcZone(zone), lcPrePaid(1, "Month"), lcAmount(2))
		renewal, err := a.renew(first.InstanceIdSets.InstanceIdSet[0], 1, "")
		if err != nil {
			t.Fatal(err)
		}
		a.mustRun(t, lcZone(zone)) // pay-as-you-go: no order
		unpaid := a.mustRun(t, lcZone(zone), lcPrePaid(1, "Month"), lcNoAutoPay)
		b.mustRun(t, lcZone(zone), lcPrePaid(1, "Month"))
		if d := balance(a); d.AvailableAmount != "8800.00" {
			t.Errorf("AvailableAmount %q, want 8800.00", d.AvailableAmount)
		}

		query := func(edit func(*bssopenapi.QueryOrdersRequest)) *bssopenapi.QueryOrdersResponse {
			t.Helper()
			r := bssopenapi.CreateQueryOrdersRequest()
			if edit != nil {
				edit(r)
			}
			resp, err := a.bss.QueryOrders(r)
			if err != nil {
				t.Fatalf("QueryOrders: %v", err)
			}
			if !resp.Success || resp.Code == "" || resp.Message == "" || len(resp.RequestId) != 36 {
				t.Errorf("QueryOrders envelope: Code %q Message %q Success %v RequestId %q", resp.Code, resp.Message, resp.Success, resp.RequestId)
			}
			return resp
		}
		idsOf := func(resp *bssopenapi.QueryOrdersResponse) []string {
			var ids []string
			for _, o := range resp.Data.OrderList.Order {
				ids = append(ids, o.OrderId)
			}
			slices.Sort(ids)
			return ids
		}
		sorted := func(ids ...string) []string { return slices.Sorted(slices.Values(ids)) }
		window := func(from, to string) func(*bssopenapi.QueryOrdersRequest) {
			return func(r *bssopenapi.QueryOrdersRequest) { r.CreateTimeStart, r.CreateTimeEnd = from, to }
		}
		all := sorted(first.OrderId, second.OrderId, renewal.OrderId, unpaid.OrderId)
		cases := []struct {
			name string
			edit func(*bssopenapi.QueryOrdersRequest)
			want []string
		}{
			{"default window (the last hour)", nil, sorted(second.OrderId, renewal.OrderId, unpaid.OrderId)},
			{"a day", window("2026-03-31T00:00:00Z", "2026-04-02T00:00:00Z"), all},
			{"the first hour", window("2026-03-31T23:59:00Z", "2026-04-01T01:00:00Z"), sorted(first.OrderId)},
			{"end inclusive to the second", window("2026-03-31T00:00:00Z", "2026-04-01T00:00:00Z"), sorted(first.OrderId)},
			{"from 1h on", window("2026-04-01T01:00:00Z", ""), sorted(second.OrderId, renewal.OrderId, unpaid.OrderId)},
			{"before", window("2026-03-01T00:00:00Z", "2026-03-31T23:59:59Z"), nil},
			{"New", func(r *bssopenapi.QueryOrdersRequest) {
				r.CreateTimeStart, r.OrderType = "2026-03-31T00:00:00Z", "New"
			}, sorted(first.OrderId, second.OrderId, unpaid.OrderId)},
			{"Renew", func(r *bssopenapi.QueryOrdersRequest) {
				r.CreateTimeStart, r.OrderType = "2026-03-31T00:00:00Z", "Renew"
			}, sorted(renewal.OrderId)},
			{"Paid", func(r *bssopenapi.QueryOrdersRequest) {
				r.CreateTimeStart, r.PaymentStatus = "2026-03-31T00:00:00Z", "Paid"
			}, sorted(first.OrderId, second.OrderId, renewal.OrderId)},
			{"Unpaid", func(r *bssopenapi.QueryOrdersRequest) {
				r.CreateTimeStart, r.PaymentStatus = "2026-03-31T00:00:00Z", "Unpaid"
			}, sorted(unpaid.OrderId)},
			{"Cancelled", func(r *bssopenapi.QueryOrdersRequest) {
				r.CreateTimeStart, r.PaymentStatus = "2026-03-31T00:00:00Z", "Cancelled"
			}, nil},
			{"Subscription", func(r *bssopenapi.QueryOrdersRequest) {
				r.CreateTimeStart, r.SubscriptionType = "2026-03-31T00:00:00Z", "Subscription"
			}, all},
		}
		for _, c := range cases {
			resp := query(c.edit)
			if got := idsOf(resp); !slices.Equal(got, c.want) || resp.Data.TotalCount != len(c.want) {
				t.Errorf("QueryOrders %s: TotalCount %d %v, want %v", c.name, resp.Data.TotalCount, got, c.want)
			}
		}

		// Fields of one order.
		resp := query(window("2026-03-31T00:00:00Z", "2026-04-01T00:30:00Z"))
		if len(resp.Data.OrderList.Order) == 1 {
			o := resp.Data.OrderList.Order[0]
			if o.OrderId != first.OrderId || o.OrderType != "New" || o.PaymentStatus != "Paid" || o.SubscriptionType != "Subscription" ||
				o.ProductCode != "ecs" || o.CreateTime != "2026-04-01T00:00:00Z" || o.PaymentTime != "2026-04-01T00:00:00Z" ||
				o.PretaxAmount != "300.00" || o.PretaxGrossAmount != "300.00" || o.Currency != "CNY" {
				t.Errorf("order %+v", o)
			}
		}

		// Paging.
		seen := map[string]int{}
		for page := 1; page <= 3; page++ {
			resp := query(func(r *bssopenapi.QueryOrdersRequest) {
				r.CreateTimeStart = "2026-03-31T00:00:00Z"
				r.PageNum = requests.NewInteger(page)
				r.PageSize = requests.NewInteger(3)
			})
			want := []int{3, 1, 0}[page-1]
			if len(resp.Data.OrderList.Order) != want || resp.Data.TotalCount != 4 || resp.Data.PageNum != page || resp.Data.PageSize != 3 {
				t.Errorf("page %d: %d orders TotalCount %d PageNum %d PageSize %d, want %d of 4", page, len(resp.Data.OrderList.Order), resp.Data.TotalCount, resp.Data.PageNum, resp.Data.PageSize, want)
			}
			for _, o := range resp.Data.OrderList.Order {
				seen[o.OrderId]++
			}
		}
		for _, id := range all {
			if seen[id] != 1 {
				t.Errorf("order %s on %d pages", id, seen[id])
			}
		}

		r := bssopenapi.CreateQueryOrdersRequest()
		r.PaymentStatus = "Settled"
		_, err = a.bss.QueryOrders(r)
		lcWantV1(t, "QueryOrders PaymentStatus Settled", err, "InvalidParameter", 400)

		// GetOrderDetail: lower-case statuses and the instance ids.
		d := a.orderDetail(t, second.OrderId)
		var ids []string
		if err := json.Unmarshal([]byte(d.InstanceIDs), &ids); err != nil {
			t.Errorf("InstanceIDs %q is not a JSON array: %v", d.InstanceIDs, err)
		}
		if !slices.Equal(sorted(ids...), sorted(second.InstanceIdSets.InstanceIdSet...)) || d.PaymentStatus != "paid" || d.OrderType != "new" ||
			d.Quantity != "2" || d.PretaxAmount != "600.00" || d.Region != "cn-hangzhou" || d.CreateTime != "2026-04-01T02:00:00Z" {
			t.Errorf("GetOrderDetail %+v", d)
		}
		if d := a.orderDetail(t, renewal.OrderId); d.OrderType != "renew" || d.PaymentStatus != "paid" || d.InstanceIDs != `["`+first.InstanceIdSets.InstanceIdSet[0]+`"]` {
			t.Errorf("GetOrderDetail of the renewal %+v", d)
		}
		if d := a.orderDetail(t, unpaid.OrderId); d.PaymentStatus != "unpaid" {
			t.Errorf("GetOrderDetail of the unpaid order: %q", d.PaymentStatus)
		}
		gr := bssopenapi.CreateGetOrderDetailRequest()
		gr.OrderId = "299999999999999"
		_, err = a.bss.GetOrderDetail(gr)
		lcWantV1(t, "GetOrderDetail of an unknown order", err, "InvalidOrderId.NotFound", 404)
		gr.OrderId = first.OrderId
		_, err = b.bss.GetOrderDetail(gr)
		lcWantV1(t, "GetOrderDetail of another account's order", err, "InvalidOrderId.NotFound", 404)
		// The other account sees only its own order.
		if n := len(b.orders(t, "2026-03-31T00:00:00Z", nil)); n != 1 {
			t.Errorf("the other account sees %d orders, want 1", n)
		}
	})
}
