package conformance

import (
	"strings"
	"testing"

	"github.com/ecsd/ecsd/internal/ecsdtest"
)

// TestAdminRefusesUnstorableText: a NUL byte or invalid UTF-8 in any admin
// field — body, nested list or map, path segment or query — is a 400
// InvalidParameter naming the field, on both stores (PostgreSQL text
// cannot hold a NUL, which used to surface as a 500).
func TestAdminRefusesUnstorableText(t *testing.T) {
	t.Parallel()
	ecsdtest.Each(t, ecsdtest.Options{ManualClock: true}, func(t *testing.T, s *ecsdtest.Server) {
		a := s.NewAccount(t, "dora", "10.00")
		acct := "/_ecsd/v1/accounts/" + a.AccountId
		for _, tc := range []struct {
			method, path, body, field string
		}{
			{"POST", "/_ecsd/v1/accounts", `{"Name":"a\u0000b","Balance":"1.00"}`, "Name"},
			{"POST", "/_ecsd/v1/accounts", "{\"Name\":\"a\xff\xfeb\",\"Balance\":\"1.00\"}", "Name"},
			{"POST", "/_ecsd/v1/accounts", `{"Name":"x","AccessKeyId":"LTAI\u0000","AccessKeySecret":"s"}`, "AccessKeyId"},
			{"POST", "/_ecsd/v1/accounts", `{"Name":"x","AccessKeySecret":"sec\u0000ret"}`, "AccessKeySecret"},
			{"PATCH", acct, `{"Name":"nul\u0000name"}`, "Name"},
			{"PATCH", acct, "{\"Name\":\"\xc3\x28\"}", "Name"},
			{"PATCH", acct, `{"RestrictedTypes":["ecs.g6.large","\u0000"]}`, "RestrictedTypes"},
			{"PATCH", acct, `{"VCPUQuota":{"cn-hangzhou\u0000":4}}`, "VCPUQuota"},
			{"POST", acct + "/balance", `{"Amount":"1.00","Kind":"cash\u0000"}`, "Kind"},
			{"POST", acct + "/balance", `{"Amount":"1.0\u00000"}`, "Amount"},
			{"POST", "/_ecsd/v1/faults", `{"Action":"Run\u0000Instances","Code":"InternalError"}`, "Action"},
			{"POST", "/_ecsd/v1/faults", `{"Action":"RunInstances","Code":"InternalError","AccountId":"1\u00002"}`, "AccountId"},
			{"PUT", "/_ecsd/v1/stock", `{"ZoneId":"cn-hangzhou-h\u0000","InstanceType":"ecs.g6.large","Available":1}`, "ZoneId"},
			{"POST", "/_ecsd/v1/clock", `{"Set":"2026\u0000"}`, "Set"},
			{"PATCH", "/_ecsd/v1/instances/i-bp1aaaaaaaaaaaaaaaa1", `{"EipAddress":"1.2.3.4\u0000"}`, "EipAddress"},
			{"PATCH", "/_ecsd/v1/instances/i-bp1aaaaaaaaaaaaaaaa1", `{"LockReason":"\u0000"}`, "LockReason"},
			{"PATCH", "/_ecsd/v1/accesskeys/" + a.AccessKeyId, `{"Status":"Active\u0000"}`, "Status"},
			{"GET", "/_ecsd/v1/accounts/12%00", "", "AccountId"},
			{"GET", "/_ecsd/v1/accounts/%ff%fe", "", "AccountId"},
			{"PATCH", "/_ecsd/v1/accounts/1%00", `{"Name":"x"}`, "AccountId"},
			{"POST", "/_ecsd/v1/accounts/1%00/balance", `{"Amount":"1.00"}`, "AccountId"},
			{"PATCH", "/_ecsd/v1/accesskeys/LTAI%00", `{"Status":"Active"}`, "AccessKeyId"},
			{"POST", "/_ecsd/v1/orders/o%00/pay", "", "OrderId"},
			{"PATCH", "/_ecsd/v1/instances/i-%00", `{}`, "InstanceId"},
			{"GET", "/_ecsd/v1/stock?ZoneId=cn-hangzhou-h%00&InstanceType=ecs.g6.large", "", "ZoneId"},
		} {
			r := adminAs(t, s, tc.method, tc.path, tc.body)
			if r.Status != 400 || r.Body["Code"] != "InvalidParameter" {
				t.Errorf("%s %s %q: HTTP %d %s, want 400 InvalidParameter", tc.method, tc.path, tc.body, r.Status, r.Raw)
				continue
			}
			if msg, _ := r.Body["Message"].(string); !strings.Contains(msg, `"`+tc.field+`"`) {
				t.Errorf("%s %s %q: message %q does not name %s", tc.method, tc.path, tc.body, msg, tc.field)
			}
		}
		// Nothing was written: the account is as it was.
		adminAs(t, s, "GET", acct, "").wantAccount(t, a.AccountId, "dora", "10.00", "0.00")
		// Ordinary non-ASCII text is still fine.
		adminAs(t, s, "PATCH", acct, `{"Name":"多拉 é"}`).wantAccount(t, a.AccountId, "多拉 é", "10.00", "0.00")
	})
}

// TestAdminDebitIntoArrears: an operator's debit larger than the balance is
// applied, not floored or refused, so tests can put an account in arrears;
// the account then cannot pay for anything until it is credited again.
func TestAdminDebitIntoArrears(t *testing.T) {
	t.Parallel()
	ecsdtest.Each(t, ecsdtest.Options{}, func(t *testing.T, s *ecsdtest.Server) {
		a := lcAccount(t, s, "erin", "100.00", "0.00")
		path := "/_ecsd/v1/accounts/" + a.ID
		adminAs(t, s, "POST", path+"/balance", `{"Amount":"-250.00"}`).wantAccount(t, a.ID, "erin", "-150.00", "0.00")
		// In arrears nothing can be bought, and nothing is kept.
		_, err := a.run(lcPrePaid(1, "Month"))
		v1Error(t, err, 403, "InsufficientBalance")
		a.wantBalance(t, "-150.00", "0.00")
		adminAs(t, s, "POST", path+"/balance", `{"Amount":"150.00"}`).wantAccount(t, a.ID, "erin", "0.00", "0.00")
		adminAs(t, s, "POST", path+"/balance", `{"Amount":"1000.00"}`)
		a.mustRun(t, lcPrePaid(1, "Month"))
	})
}
