package billing

import (
	"time"

	"github.com/ecsd/ecsd/internal/catalog"
)

// billingZone is the time zone in which subscription cycles end: at
// 00:00:00 UTC+8 (spec/alibaba-api.md §2.3, "Billing cycle").
var billingZone = time.FixedZone("UTC+8", 8*60*60)

// SubscriptionEnd returns when a subscription bought at t for period units
// ends: at 00:00:00 UTC+8 of the day after the local date of t plus the
// period. Months that overshoot the target month's length clamp to its last
// day (bought on Jan 31 for a month: the period runs to Feb 28, the
// subscription to Mar 1 00:00 UTC+8). A week is 7 days.
func SubscriptionEnd(t time.Time, period int, unit PriceUnit) time.Time {
	local := t.In(billingZone)
	var last time.Time
	switch unit {
	case Week:
		last = time.Date(local.Year(), local.Month(), local.Day()+7*period, 0, 0, 0, 0, billingZone)
	case Year:
		last = addMonthsClamped(local, 12*period)
	default:
		last = addMonthsClamped(local, period)
	}
	return time.Date(last.Year(), last.Month(), last.Day()+1, 0, 0, 0, 0, billingZone).UTC()
}

// RenewalEnd returns a subscription's new end after renewing it for period
// units from its current end: the end moves by the period, with the same
// clamping.
func RenewalEnd(expired time.Time, period int, unit PriceUnit) time.Time {
	local := expired.In(billingZone)
	switch unit {
	case Week:
		return time.Date(local.Year(), local.Month(), local.Day()+7*period, 0, 0, 0, 0, billingZone).UTC()
	case Year:
		return addMonthsClamped(local, 12*period).UTC()
	default:
		return addMonthsClamped(local, period).UTC()
	}
}

// addMonthsClamped moves the local date of t by n months at midnight,
// clamping the day to the target month's last day.
func addMonthsClamped(t time.Time, n int) time.Time {
	first := time.Date(t.Year(), t.Month()+time.Month(n), 1, 0, 0, 0, 0, t.Location())
	lastDay := first.AddDate(0, 1, -1).Day()
	day := t.Day()
	if day > lastDay {
		day = lastDay
	}
	return time.Date(first.Year(), first.Month(), day, 0, 0, 0, 0, t.Location())
}

// MonthStart is the first instant of the calendar month of t in UTC+8, when
// monthly quotas (downgrades, refunded vCPUs) reset.
func MonthStart(t time.Time) time.Time {
	l := t.In(billingZone)
	return time.Date(l.Year(), l.Month(), 1, 0, 0, 0, 0, billingZone).UTC()
}

// UnifiedEnd is where a renewal with ExpectedRenewDay day (1–28) moves a
// subscription that ends at from: to the first 00:00:00 UTC+8 of that day
// of a month after from, so that subscriptions renewed this way end on the
// same day of the month. It is at most a month (and a day) after from.
func UnifiedEnd(from time.Time, day int) time.Time {
	local := from.In(billingZone)
	end := time.Date(local.Year(), local.Month(), day, 0, 0, 0, 0, billingZone)
	if !end.After(from) {
		end = time.Date(local.Year(), local.Month()+1, day, 0, 0, 0, 0, billingZone)
	}
	return end.UTC()
}

// UnifiedRenewal prices a renewal from from to UnifiedEnd(from, day): the
// configuration for H = ceil((end − from) / 1h) hours, Price with unit Hour
// (P × H / 720, rounded once) — the hourly proration of ARCHITECTURE.md §5.
// Both ends are at midnight UTC+8 for a subscription that has not expired,
// so H is 24 × the days added and the price is P × days / 30.
func UnifiedRenewal(c *catalog.Catalog, cfg Config, from time.Time, day int) (time.Time, Quote, error) {
	end := UnifiedEnd(from, day)
	q, err := Price(c, cfg, Hour, int(hoursLeft(from, end)), 1)
	return end, q, err
}
