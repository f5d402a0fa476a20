// Package clock is the one source of domain time. The real clock is the wall
// clock; the manual clock moves only when told to, and lives in the store so
// that replicas sharing a database share its time.
package clock

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"
)

// Clock tells the domain what time it is.
type Clock interface {
	Now() time.Time
}

// Mode names of the clocks, as --clock and GET /_ecsd/v1/clock spell them.
const (
	ModeReal   = "real"
	ModeManual = "manual"
)

// Real is the wall clock, in UTC.
type Real struct{}

func (Real) Now() time.Time { return time.Now().UTC() }

// Settings is the part of the store the manual clock keeps its time in.
type Settings interface {
	SettingGet(ctx context.Context, name string) (string, error)
	SettingPut(ctx context.Context, name, value string) error
	SettingInsert(ctx context.Context, name, value string) (bool, error)
	SettingSwap(ctx context.Context, name, old, value string) (bool, error)
}

const settingName = "clock.manual.now"

// Manual is a clock that moves only through Set and Advance.
type Manual struct {
	st   Settings
	mu   sync.Mutex
	last time.Time // the last value read, used if the store cannot be read
}

// NewManual starts a manual clock at start, unless the store already holds a
// manual time from an earlier run or another replica, which it keeps.
func NewManual(ctx context.Context, st Settings, start time.Time) (*Manual, error) {
	if err := Seed(ctx, st, start); err != nil {
		return nil, err
	}
	m := &Manual{st: st}
	if _, err := m.read(ctx); err != nil {
		return nil, err
	}
	return m, nil
}

// Seed puts the manual clock of a store at t unless the store holds a
// manual time already (a reset or an import writes it in its transaction).
func Seed(ctx context.Context, st Settings, t time.Time) error {
	_, err := st.SettingInsert(ctx, settingName, format(t))
	return err
}

// Now returns the manual time.
func (m *Manual) Now() time.Time {
	t, err := m.read(context.Background())
	if err != nil {
		m.mu.Lock()
		defer m.mu.Unlock()
		return m.last
	}
	return t
}

func (m *Manual) read(ctx context.Context) (time.Time, error) {
	v, err := m.st.SettingGet(ctx, settingName)
	if err != nil {
		return time.Time{}, err
	}
	t, err := time.Parse(time.RFC3339Nano, v)
	if err != nil {
		return time.Time{}, fmt.Errorf("stored manual time %q: %w", v, err)
	}
	m.mu.Lock()
	m.last = t
	m.mu.Unlock()
	return t, nil
}

// Set moves the clock to t (backwards too).
func (m *Manual) Set(ctx context.Context, t time.Time) error {
	if err := m.st.SettingPut(ctx, settingName, format(t)); err != nil {
		return err
	}
	m.remember(t.UTC())
	return nil
}

func (m *Manual) remember(t time.Time) {
	m.mu.Lock()
	m.last = t
	m.mu.Unlock()
}

// Advance moves the clock forward by d and returns the new time. It is a
// compare-and-set in the store, retried when another advance (of this
// process or another replica) came in between: concurrent advances add up,
// none is lost.
func (m *Manual) Advance(ctx context.Context, d time.Duration) (time.Time, error) {
	if d < 0 {
		return time.Time{}, errors.New("clock: cannot advance by a negative duration")
	}
	for {
		old, err := m.st.SettingGet(ctx, settingName)
		if err != nil {
			return time.Time{}, err
		}
		now, err := time.Parse(time.RFC3339Nano, old)
		if err != nil {
			return time.Time{}, fmt.Errorf("stored manual time %q: %w", old, err)
		}
		t := now.Add(d)
		swapped, err := m.st.SettingSwap(ctx, settingName, old, format(t))
		if err != nil {
			return time.Time{}, err
		}
		if swapped {
			m.remember(t)
			return t, nil
		}
		select {
		case <-ctx.Done():
			return time.Time{}, ctx.Err()
		case <-time.After(time.Millisecond): // let the other writer finish
		}
	}
}

func format(t time.Time) string { return t.UTC().Format(time.RFC3339Nano) }
