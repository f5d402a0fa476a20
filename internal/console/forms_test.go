package console_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	ecs2 "github.com/alibabacloud-go/ecs-20140526/v7/client"
	"github.com/alibabacloud-go/tea/dara"

	"github.com/ecsd/ecsd/internal/ecsdtest"
)

// The console's forms over plain HTTP on both stores: each does what the
// admin API does, and a bad input changes nothing.
func TestConsoleForms(t *testing.T) {
	ecsdtest.Each(t, ecsdtest.Options{}, func(t *testing.T, s *ecsdtest.Server) {
		base := s.URL + "/_ecsd/console/"
		resp, err := noRedirect.PostForm(base+"signin", url.Values{"token": {s.AdminToken}})
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		var session *http.Cookie
		for _, c := range resp.Cookies() {
			session = c
		}
		if resp.StatusCode != http.StatusSeeOther || session == nil {
			t.Fatalf("sign in: %d", resp.StatusCode)
		}
		if resp, err := noRedirect.PostForm(base+"signin", url.Values{"token": {"wrong"}}); err != nil || resp.StatusCode != http.StatusUnauthorized || len(resp.Cookies()) != 0 {
			t.Fatalf("sign in with a wrong token: %v %v", resp.StatusCode, err)
		}
		csrf := regexp.MustCompile(`name="csrf" value="([^"]+)"`).FindStringSubmatch(getBody(t, base+"faults", session))[1]
		form := func(path string, v url.Values) int {
			v.Set("csrf", csrf)
			return post(t, base+path, session, v)
		}

		// Faults: armed through the console, seen by the next call.
		if st := form("faults", url.Values{"Action": {"DescribeRegions"}, "Code": {"InternalError"}, "Count": {"1"}}); st != http.StatusSeeOther {
			t.Fatalf("arm a fault: %d", st)
		}
		if page := getBody(t, base+"faults", session); !strings.Contains(page, "<td>DescribeRegions</td><td>InternalError</td>") {
			t.Errorf("the faults page does not show the armed fault")
		}
		v2 := s.SDKv2(t, s.AccessKeyID, s.AccessKeySecret)
		if _, err := v2.DescribeRegions(&ecs2.DescribeRegionsRequest{}); err == nil || !strings.Contains(err.Error(), "InternalError") {
			t.Errorf("DescribeRegions after arming InternalError: %v", err)
		}
		if st := form("faults", url.Values{"Action": {"DescribeRegions"}, "Code": {"NoSuchCode"}}); st != http.StatusBadRequest {
			t.Errorf("arm an unknown code: %d, want 400", st)
		}

		// Balance: a ledger entry; a bad amount changes nothing.
		if st := form("accounts/"+s.AccountID+"/balance", url.Values{"Amount": {"-12.34"}, "Kind": {"cash"}, "next": {"/_ecsd/console/accounts/" + s.AccountID}}); st != http.StatusSeeOther {
			t.Fatalf("adjust: %d", st)
		}
		if st := form("accounts/"+s.AccountID+"/balance", url.Values{"Amount": {"12.345"}}); st != http.StatusBadRequest {
			t.Errorf("adjust by 12.345: %d, want 400", st)
		}
		page := getBody(t, base+"accounts/"+s.AccountID, session)
		if !strings.Contains(page, `id="cash">9987.66 CNY`) || !strings.Contains(page, `<td class="num neg">-12.34</td><td>admin adjustment</td>`) {
			t.Errorf("account page after -12.34: %s", page)
		}

		// Orders: an Unpaid purchase cancelled from the console releases
		// its instance; cancelling it again is refused.
		req := &ecs2.RunInstancesRequest{}
		req.SetRegionId("cn-hangzhou").SetZoneId(zone).SetImageId(image).SetInstanceType("ecs.g6.large").
			SetInstanceChargeType("PrePaid").SetPeriod(1).SetPeriodUnit("Month").SetAutoPay(false)
		bought, err := v2.RunInstances(req)
		if err != nil {
			t.Fatal(err)
		}
		order := dara.StringValue(bought.Body.OrderId)
		if page := getBody(t, base+"orders?Status=Unpaid", session); !strings.Contains(page, `id="order-`+order+`"`) {
			t.Fatalf("order %s not listed as Unpaid", order)
		}
		if st := form("orders/"+order+"/cancel", url.Values{}); st != http.StatusSeeOther {
			t.Fatalf("cancel: %d", st)
		}
		if st := form("orders/"+order+"/cancel", url.Values{}); st != http.StatusBadRequest {
			t.Errorf("cancel twice: %d, want 400", st)
		}
		if st := form("orders/"+order+"/pay", url.Values{}); st != http.StatusBadRequest {
			t.Errorf("pay a cancelled order: %d, want 400", st)
		}
		if st := form("orders/999999999999999/pay", url.Values{}); st != http.StatusNotFound {
			t.Errorf("pay an unknown order: %d, want 404", st)
		}
		if page := getBody(t, base+"orders?Status=Cancelled", session); !strings.Contains(page, `id="order-`+order+`"`) {
			t.Errorf("order %s not listed as Cancelled", order)
		}
		if page := getBody(t, base, session); strings.Contains(page, dara.StringValue(bought.Body.InstanceIdSets.InstanceIdSet[0])) {
			t.Errorf("the cancelled purchase's instance is still listed")
		}

		// Stock: a negative number is refused.
		if st := form("stock", url.Values{"ZoneId": {zone}, "InstanceType": {"ecs.g6.large"}, "Available": {"-1"}}); st != http.StatusBadRequest {
			t.Errorf("stock -1: %d, want 400", st)
		}
		// The clock of a real-clock server cannot be moved: 409.
		if st := form("clock", url.Values{"Advance": {"1h"}}); st != http.StatusConflict {
			t.Errorf("advance a real clock: %d, want 409", st)
		}
	})
}
