package conformance

import (
	"os"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ecsd/ecsd/internal/ecsdtest"
	"github.com/ecsd/ecsd/internal/rpc"
	"github.com/ecsd/ecsd/internal/server"
	"github.com/ecsd/ecsd/internal/store/storetest"
)

// Two replicas on one PostgreSQL enforce one limit between them: calls of
// one account and action sent to both, as fast as they go, for about two
// seconds, are accepted at the configured rate over that window (plus the
// burst), within 10%, not at twice that. The rate is low so that
// even a busy machine sends several times the limit.
func TestThrottleAcrossReplicas(t *testing.T) {
	const rate, burst, window = 20.0, 40, 2 * time.Second
	if os.Getenv(storetest.PostgresEnv) == "" {
		t.Skip(storetest.PostgresEnv + " is not set; replicas share PostgreSQL (CI sets it)")
	}
	limits := rpc.ThrottleConfig{ActionRate: rate, ActionBurst: burst}
	s := ecsdtest.Start(t, "postgres", ecsdtest.Options{Throttle: &limits})
	b := *s
	b.URL = "http://" + s.Replica(t, server.Config{Throttle: limits})
	replicas := []*ecsdtest.Server{s, &b}
	var accepted, throttled, other atomic.Int64
	params := map[string]string{"Action": "DescribeRegions", "Version": "2014-05-26"}
	start := time.Now()
	end := start.Add(window)
	var wg sync.WaitGroup
	for i := range 8 {
		r := replicas[i%2]
		wg.Go(func() {
			for time.Now().Before(end) {
				switch got := sendV1(t, r, "GET", params); got.Status {
				case 200:
					accepted.Add(1)
				case 400:
					throttled.Add(1)
				default:
					other.Add(1)
				}
			}
		})
	}
	wg.Wait()
	// Every call was sent within the window; those in flight at its end
	// (at most one per goroutine) finish just after it.
	took := time.Since(start)
	limit := rate*window.Seconds() + burst
	n := float64(accepted.Load())
	t.Logf("%d accepted, %d throttled, %d other in %s; the limit allows %.0f", accepted.Load(), throttled.Load(), other.Load(), took, limit)
	if n > 1.1*limit || n < 0.9*limit {
		t.Errorf("two replicas accepted %.0f calls in %s; the limit is %.0f (±10%%)", n, took, limit)
	}
	if throttled.Load() < int64(limit) || other.Load() != 0 {
		t.Errorf("%d throttled and %d other answers: the load did not press the limit hard enough to tell", throttled.Load(), other.Load())
	}
}
