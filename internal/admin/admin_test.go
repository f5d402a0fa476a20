package admin_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/ecsd/ecsd/internal/admin"
	"github.com/ecsd/ecsd/internal/clock"
	"github.com/ecsd/ecsd/internal/store/storetest"
)

func call(h http.Handler, method, path, authorization, body string) (int, map[string]any) {
	var req *http.Request
	if body == "" {
		req = httptest.NewRequest(method, path, nil)
	} else {
		req = httptest.NewRequest(method, path, strings.NewReader(body))
	}
	if authorization != "" {
		req.Header.Set("Authorization", authorization)
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, req)
	var out map[string]any
	_ = json.Unmarshal(w.Body.Bytes(), &out)
	return w.Code, out
}

// An API without a token refuses everything, even "Bearer " with an empty
// token: a misconfiguration must not open the admin API.
func TestEmptyTokenRefusesAll(t *testing.T) {
	t.Parallel()
	st := storetest.OpenSQLite(t)
	api := &admin.API{Token: "", Store: st, Clock: clock.Real{}}
	h := api.Handler()
	for _, authz := range []string{"", "Bearer ", "Bearer", "Bearer  "} {
		for _, r := range []struct{ method, path, body string }{
			{"GET", "/_ecsd/v1/clock", ""},
			{"POST", "/_ecsd/v1/accounts", `{"Name":"x","Balance":"1.00"}`},
		} {
			code, body := call(h, r.method, r.path, authz, r.body)
			if code != http.StatusUnauthorized || body["Code"] != "Unauthorized" {
				t.Errorf("%s %s with Authorization %q: %d %v, want 401 Unauthorized", r.method, r.path, authz, code, body)
			}
		}
	}
	accounts, err := st.AccountList(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if len(accounts) != 0 {
		t.Errorf("%d accounts created without a token", len(accounts))
	}
}

// The clock answer's Mode follows the clock the API was given, and only a
// manual clock moves.
func TestClockModes(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, open storetest.Opener) {
		st := open(t)
		start := time.Date(2026, 2, 28, 23, 0, 0, 0, time.UTC)
		m, err := clock.NewManual(t.Context(), st, start)
		if err != nil {
			t.Fatal(err)
		}
		manual := (&admin.API{Token: "t", Store: st, Clock: m}).Handler()
		real := (&admin.API{Token: "t", Store: st, Clock: clock.Real{}}).Handler()

		if code, body := call(manual, "GET", "/_ecsd/v1/clock", "Bearer t", ""); code != 200 || body["Mode"] != "manual" || body["Now"] != "2026-02-28T23:00:00Z" {
			t.Errorf("manual GET: %d %v", code, body)
		}
		if code, body := call(manual, "POST", "/_ecsd/v1/clock", "Bearer t", `{"Advance":"2h"}`); code != 200 || body["Now"] != "2026-03-01T01:00:00Z" {
			t.Errorf("manual advance: %d %v", code, body)
		}
		if got := m.Now(); !got.Equal(start.Add(2 * time.Hour)) {
			t.Errorf("the clock says %s after the advance", got)
		}
		if code, body := call(real, "GET", "/_ecsd/v1/clock", "Bearer t", ""); code != 200 || body["Mode"] != "real" {
			t.Errorf("real GET: %d %v", code, body)
		}
		if code, body := call(real, "POST", "/_ecsd/v1/clock", "Bearer t", `{"Advance":"2h"}`); code != http.StatusConflict || body["Code"] != "InvalidClockMode" {
			t.Errorf("real advance: %d %v, want 409 InvalidClockMode", code, body)
		}
		// The refused move left the stored manual time alone.
		if got := m.Now(); !got.Equal(start.Add(2 * time.Hour)) {
			t.Errorf("the manual clock says %s after a refused move", got)
		}
	})
}
