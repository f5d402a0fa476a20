package rpc

import (
	"context"
	"math"
	"sync"
	"time"

	"github.com/ecsd/ecsd/internal/apierr"
)

// BucketStore holds token buckets shared by every replica of one database
// (store.Store.ThrottleTake on PostgreSQL).
type BucketStore interface {
	ThrottleTake(ctx context.Context, key string, rate float64, burst, want int, now time.Time) (granted int, left float64, err error)
}

// SharedThrottler enforces the limits across replicas: the buckets live in
// the database, and each replica leases a few tokens at a time (about
// 1/20 s of the rate) and spends them in process, so most calls never ask
// the database. Tokens leased but not spent within leaseTTL are dropped,
// never returned: replicas together admit at most what one bucket does.
// While a bucket is empty the replica refuses locally until its next token
// is due.
type SharedThrottler struct {
	cfg     ThrottleConfig
	buckets BucketStore
	now     func() time.Time

	mu     sync.Mutex
	leases map[string]*lease
}

type lease struct {
	mu      sync.Mutex
	tokens  int
	expires time.Time // unspent tokens are dropped then
	// emptyUntil: the shared bucket had no token; none before this.
	emptyUntil time.Time
}

const leaseTTL = 250 * time.Millisecond

// NewSharedThrottler returns a throttler with cfg's limits over buckets.
func NewSharedThrottler(cfg ThrottleConfig, buckets BucketStore) *SharedThrottler {
	return &SharedThrottler{cfg: cfg, buckets: buckets, now: time.Now, leases: map[string]*lease{}}
}

func (t *SharedThrottler) Allow(accountID, action string) error {
	now := t.now()
	if t.cfg.UserRate > 0 {
		if wait, burst, ok := t.take("user|"+accountID, t.cfg.UserRate, t.cfg.UserBurst, now); !ok {
			return throttledFor(apierr.ThrottlingUser.New(), burst, wait, now, action)
		}
	}
	if t.cfg.ActionRate > 0 {
		if wait, burst, ok := t.take("action|"+accountID+"|"+action, t.cfg.ActionRate, t.cfg.ActionBurst, now); !ok {
			return throttledFor(apierr.Throttling.New(), burst, wait, now, action)
		}
	}
	return nil
}

// take spends one token of key, leasing more from the shared bucket when
// the replica has none. It returns false and the wait for the next token
// when the bucket is empty.
func (t *SharedThrottler) take(key string, r float64, burst int, now time.Time) (time.Duration, int, bool) {
	if burst <= 0 {
		burst = int(math.Max(1, math.Ceil(r)))
	}
	t.mu.Lock()
	l := t.leases[key]
	if l == nil {
		l = &lease{}
		t.leases[key] = l
	}
	t.mu.Unlock()
	l.mu.Lock()
	defer l.mu.Unlock()
	if now.After(l.expires) {
		l.tokens = 0
	}
	if l.tokens > 0 {
		l.tokens--
		return 0, burst, true
	}
	if now.Before(l.emptyUntil) {
		return l.emptyUntil.Sub(now), burst, false
	}
	want := min(burst, max(1, int(r/20)))
	// The lease's lock is held across the round trip: the other calls of
	// this replica for the same limit wait for the lease rather than each
	// asking the database.
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	granted, left, err := t.buckets.ThrottleTake(ctx, key, r, burst, want, now)
	if err != nil {
		// The store cannot answer: the call will meet it too, and answer
		// ServiceUnavailable; throttling does not decide.
		return 0, burst, true
	}
	if granted == 0 {
		wait := time.Duration((1 - left) / r * float64(time.Second))
		l.emptyUntil = now.Add(wait)
		return wait, burst, false
	}
	l.tokens, l.expires = granted-1, now.Add(leaseTTL)
	return 0, burst, true
}
