package rpc_test

import (
	"fmt"
	"regexp"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ecsd/ecsd/internal/apierr"
	"github.com/ecsd/ecsd/internal/rpc"
)

var throttleHeaderRE = regexp.MustCompile(`(?:^|,)TimeLeft:(\d+)(?:,|$)`)

// throttleTimeLeft checks that err is a throttling error carrying the
// x-ratelimit-user-api header and returns its TimeLeft in milliseconds.
func throttleTimeLeft(t *testing.T, err error, def *apierr.Def, action string) int64 {
	t.Helper()
	if !def.Is(err) {
		t.Fatalf("got %v, want %s (HTTP %d)", err, def.Code, def.Status)
	}
	h := apierr.As(err).Header["x-ratelimit-user-api"]
	m := throttleHeaderRE.FindStringSubmatch(h)
	if m == nil {
		t.Fatalf("x-ratelimit-user-api %q has no TimeLeft:<ms>", h)
	}
	if want := "Api:" + action; !regexp.MustCompile(`(?:^|,)` + regexp.QuoteMeta(want) + `(?:,|$)`).MatchString(h) {
		t.Errorf("x-ratelimit-user-api %q does not name %s", h, want)
	}
	ms, err := strconv.ParseInt(m[1], 10, 64)
	if err != nil || ms < 1 {
		t.Fatalf("TimeLeft %q is not a positive number of milliseconds", m[1])
	}
	return ms
}

func TestLocalThrottlerOffAtRateZero(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		cfg  rpc.ThrottleConfig
	}{
		{"all zero", rpc.ThrottleConfig{}},
		// A burst without a rate is still off: the rate decides.
		{"bursts without rates", rpc.ThrottleConfig{ActionBurst: 1, UserBurst: 1}},
	} {
		th := rpc.NewLocalThrottler(tc.cfg)
		for i := range 10000 {
			if err := th.Allow("1000000000000001", "DescribeRegions"); err != nil {
				t.Fatalf("%s: call %d: %v", tc.name, i, err)
			}
		}
	}
}

func TestLocalThrottlerPerAction(t *testing.T) {
	t.Parallel()
	// A rate so low that nothing refills while the test runs; the user
	// limit is off, so only the per-action bucket can say no.
	th := rpc.NewLocalThrottler(rpc.ThrottleConfig{ActionRate: 0.001, ActionBurst: 3})
	const acct, other = "1000000000000001", "1000000000000002"
	for i := range 3 {
		if err := th.Allow(acct, "DescribeRegions"); err != nil {
			t.Fatalf("call %d within the burst: %v", i, err)
		}
	}
	ms := throttleTimeLeft(t, th.Allow(acct, "DescribeRegions"), apierr.Throttling, "DescribeRegions")
	// One token at 0.001/s is 1000 s away.
	if ms < 900_000 || ms > 1_000_000 {
		t.Errorf("TimeLeft = %d ms, want about 1000000", ms)
	}
	// Refused calls do not spend a token that would make the wait longer.
	ms2 := throttleTimeLeft(t, th.Allow(acct, "DescribeRegions"), apierr.Throttling, "DescribeRegions")
	if ms2 > ms {
		t.Errorf("TimeLeft grew from %d to %d ms after a refused call", ms, ms2)
	}
	// Another action of the same account and the same action of another
	// account have their own buckets.
	if err := th.Allow(acct, "DescribeInstances"); err != nil {
		t.Errorf("another action of the throttled account: %v", err)
	}
	if err := th.Allow(other, "DescribeRegions"); err != nil {
		t.Errorf("the same action of another account: %v", err)
	}
}

func TestLocalThrottlerPerUser(t *testing.T) {
	t.Parallel()
	th := rpc.NewLocalThrottler(rpc.ThrottleConfig{ActionRate: 1000, ActionBurst: 1000, UserRate: 0.001, UserBurst: 3})
	const acct, other = "1000000000000001", "1000000000000002"
	for i, action := range []string{"DescribeRegions", "DescribeInstances", "StopInstance"} {
		if err := th.Allow(acct, action); err != nil {
			t.Fatalf("call %d (%s) within the burst: %v", i, action, err)
		}
	}
	// The fourth call is refused whatever its action: the limit is over all.
	for _, action := range []string{"DescribeRegions", "ModifyPrepayInstanceSpec"} {
		ms := throttleTimeLeft(t, th.Allow(acct, action), apierr.ThrottlingUser, action)
		if ms < 900_000 || ms > 1_000_000 {
			t.Errorf("TimeLeft = %d ms, want about 1000000", ms)
		}
	}
	if err := th.Allow(other, "DescribeRegions"); err != nil {
		t.Errorf("another account: %v", err)
	}
}

// A client that waits exactly TimeLeft milliseconds, as the Tea SDKs do
// with RetryAfter, must get through.
func TestLocalThrottlerRefillsAfterTimeLeft(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		cfg  rpc.ThrottleConfig
		def  *apierr.Def
	}{
		{"action", rpc.ThrottleConfig{ActionRate: 20, ActionBurst: 1}, apierr.Throttling},
		{"user", rpc.ThrottleConfig{UserRate: 20, UserBurst: 1}, apierr.ThrottlingUser},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			th := rpc.NewLocalThrottler(tc.cfg)
			acct := "1000000000000001"
			if err := th.Allow(acct, "DescribeRegions"); err != nil {
				t.Fatal(err)
			}
			for round := range 10 {
				ms := throttleTimeLeft(t, th.Allow(acct, "DescribeRegions"), tc.def, "DescribeRegions")
				if ms > 50 {
					t.Fatalf("round %d: TimeLeft = %d ms, more than one token at 20/s", round, ms)
				}
				time.Sleep(time.Duration(ms) * time.Millisecond)
				if err := th.Allow(acct, "DescribeRegions"); err != nil {
					t.Fatalf("round %d: still refused after waiting TimeLeft=%d ms: %v", round, ms, err)
				}
			}
		})
	}
}

func TestLocalThrottlerBucketRefills(t *testing.T) {
	t.Parallel()
	th := rpc.NewLocalThrottler(rpc.ThrottleConfig{ActionRate: 10, ActionBurst: 2})
	acct := "1000000000000001"
	for range 2 {
		if err := th.Allow(acct, "DescribeRegions"); err != nil {
			t.Fatal(err)
		}
	}
	if !apierr.Throttling.Is(th.Allow(acct, "DescribeRegions")) {
		t.Fatal("the third call within the burst of 2 was not throttled")
	}
	// 250 ms at 10/s refills the whole burst (capped at 2), no more.
	time.Sleep(250 * time.Millisecond)
	for i := range 2 {
		if err := th.Allow(acct, "DescribeRegions"); err != nil {
			t.Fatalf("call %d after the refill: %v", i, err)
		}
	}
	if !apierr.Throttling.Is(th.Allow(acct, "DescribeRegions")) {
		t.Fatal("the bucket refilled beyond its burst")
	}
}

// Concurrent callers share one bucket: exactly the burst gets through.
func TestLocalThrottlerConcurrent(t *testing.T) {
	t.Parallel()
	const burst = 50
	th := rpc.NewLocalThrottler(rpc.ThrottleConfig{ActionRate: 0.001, ActionBurst: burst, UserRate: 0.001, UserBurst: 10 * burst})
	var allowed, throttled atomic.Int64
	var wg sync.WaitGroup
	for g := range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 20 {
				err := th.Allow("1000000000000001", "DescribeRegions")
				switch {
				case err == nil:
					allowed.Add(1)
				case apierr.Throttling.Is(err):
					throttled.Add(1)
				default:
					panic(fmt.Sprintf("goroutine %d call %d: %v", g, i, err))
				}
			}
		}()
	}
	wg.Wait()
	if allowed.Load() != burst || throttled.Load() != 16*20-burst {
		t.Errorf("allowed %d, throttled %d; want %d and %d", allowed.Load(), throttled.Load(), burst, 16*20-burst)
	}
}
