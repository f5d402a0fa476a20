package rpc

import (
	"fmt"
	"math"
	"sync"
	"time"

	"golang.org/x/time/rate"

	"github.com/ecsd/ecsd/internal/apierr"
)

// Throttler decides whether an account may make one more call of an action.
// It returns Throttling (the per-API limit: one account, one action) or
// Throttling.User (one account over all actions).
type Throttler interface {
	Allow(accountID, action string) error
}

// ThrottleConfig sets the token buckets: a rate per second and a burst. A
// zero rate turns that limit off.
type ThrottleConfig struct {
	ActionRate  float64 // per account and action
	ActionBurst int
	UserRate    float64 // per account, over all actions
	UserBurst   int
}

// LocalThrottler keeps token buckets in this process. With several replicas
// each one enforces the limits on its own share of the traffic.
type LocalThrottler struct {
	cfg     ThrottleConfig
	mu      sync.Mutex
	buckets map[string]*rate.Limiter
}

// NewLocalThrottler returns a throttler with cfg's limits.
func NewLocalThrottler(cfg ThrottleConfig) *LocalThrottler {
	return &LocalThrottler{cfg: cfg, buckets: map[string]*rate.Limiter{}}
}

func (t *LocalThrottler) bucket(key string, r float64, burst int) *rate.Limiter {
	t.mu.Lock()
	defer t.mu.Unlock()
	l, ok := t.buckets[key]
	if !ok {
		if burst <= 0 {
			burst = int(math.Max(1, math.Ceil(r)))
		}
		l = rate.NewLimiter(rate.Limit(r), burst)
		t.buckets[key] = l
	}
	return l
}

func (t *LocalThrottler) Allow(accountID, action string) error {
	now := time.Now()
	if t.cfg.UserRate > 0 {
		l := t.bucket(accountID, t.cfg.UserRate, t.cfg.UserBurst)
		if !l.AllowN(now, 1) {
			return throttled(apierr.ThrottlingUser.New(), l, now, action)
		}
	}
	if t.cfg.ActionRate > 0 {
		l := t.bucket(accountID+"\x00"+action, t.cfg.ActionRate, t.cfg.ActionBurst)
		if !l.AllowN(now, 1) {
			return throttled(apierr.Throttling.New(), l, now, action)
		}
	}
	return nil
}

// throttled adds the header the Tea SDKs read their retry delay from.
func throttled(e *apierr.Error, l *rate.Limiter, now time.Time, action string) error {
	r := l.ReserveN(now, 1)
	wait := r.DelayFrom(now)
	r.CancelAt(now)
	return throttledFor(e, l.Burst(), wait, now, action)
}

// throttledFor adds the header for a limit of burst calls whose next token
// comes after wait.
func throttledFor(e *apierr.Error, burst int, wait time.Duration, now time.Time, action string) error {
	// Round up: a client that waits exactly TimeLeft (the Tea SDKs' RetryAfter)
	// must find a token; rounding down sent it back a fraction too early.
	ms := (wait + time.Millisecond - 1).Milliseconds()
	if ms < 1 {
		ms = 1
	}
	return e.WithHeader("x-ratelimit-user-api", fmt.Sprintf("Limit:%d,Remain:0,TimeLeft:%d,Reset:%d,Api:%s", burst, ms, now.Add(wait).UnixMilli(), action))
}
