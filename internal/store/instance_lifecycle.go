package store

import (
	"context"
	"time"
)

// Spot strategies.
const (
	NoSpot             = "NoSpot"
	SpotWithPriceLimit = "SpotWithPriceLimit"
	SpotAsPriceGo      = "SpotAsPriceGo"
)

// InstanceLifecycle is what RunInstances sets about an instance's life: when
// a pay-as-you-go instance is released, and its spot terms.
type InstanceLifecycle struct {
	// AutoReleaseTime is when the instance is released; zero for never.
	AutoReleaseTime time.Time
	SpotStrategy    string // NoSpot, SpotWithPriceLimit or SpotAsPriceGo
	// SpotPriceLimit is the highest hourly price, in thousandths of the
	// currency unit (SpotWithPriceLimit only).
	SpotPriceLimit           int64
	SpotDuration             int    // hours of protection (spot only)
	SpotInterruptionBehavior string // Terminate or Stop (spot only)
}

const instanceLifecycleColumns = `auto_release_time, spot_strategy, spot_price_limit, spot_duration, spot_interruption_behavior`

// scanTargets returns the scan destinations of instanceLifecycleColumns and
// a function that finishes l once the row is scanned.
func (l *InstanceLifecycle) scanTargets() ([]any, func()) {
	var release, duration int64
	return []any{&release, &l.SpotStrategy, &l.SpotPriceLimit, &duration, &l.SpotInterruptionBehavior}, func() {
		if release != 0 {
			l.AutoReleaseTime = fromMicros(release)
		}
		l.SpotDuration = int(duration)
	}
}

// args returns the values of instanceLifecycleColumns.
func (l *InstanceLifecycle) args() []any {
	spot := l.SpotStrategy
	if spot == "" {
		spot = NoSpot
	}
	return []any{optMicros(l.AutoReleaseTime), spot, l.SpotPriceLimit, l.SpotDuration, l.SpotInterruptionBehavior}
}

// InstanceSetAutoReleaseTime sets when the instance is released (zero: never).
func (q Q) InstanceSetAutoReleaseTime(ctx context.Context, id string, at time.Time) error {
	res, err := q.db.ExecContext(ctx, `UPDATE instances SET auto_release_time = $2, version = version + 1 WHERE id = $1`, id, optMicros(at))
	return affectedOne(res, err)
}
