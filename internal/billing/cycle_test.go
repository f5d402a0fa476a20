package billing

import (
	"testing"
	"time"
)

func TestSubscriptionEnd(t *testing.T) {
	t.Parallel()
	utc := func(s string) time.Time {
		v, err := time.Parse(time.RFC3339, s)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	for _, c := range []struct {
		name   string
		bought string
		period int
		unit   PriceUnit
		want   string
	}{
		// The doc's example: bought 13:00 on 2019-08-09 (UTC+8) for a month,
		// the cycle runs until 2019-09-10 00:00:00 UTC+8.
		{"doc example", "2019-08-09T13:00:00+08:00", 1, Month, "2019-09-10T00:00:00+08:00"},
		{"31st clamps to February", "2026-01-31T10:00:00+08:00", 1, Month, "2026-03-01T00:00:00+08:00"},
		{"31st clamps in a leap year", "2028-01-31T10:00:00+08:00", 1, Month, "2028-03-01T00:00:00+08:00"},
		{"31st to a 30-day month", "2026-03-31T10:00:00+08:00", 1, Month, "2026-05-01T00:00:00+08:00"},
		// 23:59:59 UTC+8 is still the 31st locally; one second later it is
		// February 1st and the subscription ends a day later.
		{"just before midnight UTC+8", "2026-01-31T15:59:59Z", 1, Month, "2026-03-01T00:00:00+08:00"},
		{"at midnight UTC+8", "2026-01-31T16:00:00Z", 1, Month, "2026-03-02T00:00:00+08:00"},
		{"a week", "2026-01-31T10:00:00+08:00", 1, Week, "2026-02-08T00:00:00+08:00"},
		{"three weeks", "2026-12-20T10:00:00+08:00", 3, Week, "2027-01-11T00:00:00+08:00"},
		{"12 months across a year", "2026-02-28T10:00:00+08:00", 12, Month, "2027-03-01T00:00:00+08:00"},
		{"a year from Feb 29", "2028-02-29T10:00:00+08:00", 1, Year, "2029-03-01T00:00:00+08:00"},
	} {
		got := SubscriptionEnd(utc(c.bought), c.period, c.unit)
		if want := utc(c.want); !got.Equal(want) || got.Location() != time.UTC {
			t.Errorf("%s: got %s, want %s", c.name, got, want.UTC())
		}
	}
}

func TestRenewalEnd(t *testing.T) {
	t.Parallel()
	end := time.Date(2026, 3, 1, 0, 0, 0, 0, billingZone)
	if got, want := RenewalEnd(end, 1, Month), time.Date(2026, 4, 1, 0, 0, 0, 0, billingZone); !got.Equal(want) {
		t.Errorf("got %s, want %s", got, want)
	}
	// An end on the 31st clamps, as a purchase does.
	end = time.Date(2026, 1, 31, 0, 0, 0, 0, billingZone)
	if got, want := RenewalEnd(end, 1, Month), time.Date(2026, 2, 28, 0, 0, 0, 0, billingZone); !got.Equal(want) {
		t.Errorf("got %s, want %s", got, want)
	}
}
