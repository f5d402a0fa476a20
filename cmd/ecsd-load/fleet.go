package main

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// fleetConfig is the standing fleet: instances bought before the run that
// the changes do not touch, so that a run measures requests against a
// store of a given size, and the reads and purchases sent against it.
type fleetConfig struct {
	preload, preloadAccounts int
	readers, buyers          int
}

// maxFleetPerAccount is how many fleet instances one account holds: its
// default vSwitch in the zone is a /20 (4,093 addresses), and the buyers
// add some during the run.
const maxFleetPerAccount = 4000

// fleet is the preloaded instances, by account.
type fleet struct {
	accounts []*client
	ids      [][]string // ids[a] are accounts[a]'s
	// seconds is how long the purchases took; settleSeconds how long the
	// fleet then took to leave Pending.
	seconds, settleSeconds float64
}

// preload buys --preload PostPaid instances spread over --preload-accounts
// accounts through the public API (RunInstances of 100), --concurrency
// calls at once, so that every row is made by the same code as any other,
// and returns once the fleet has settled (see settle).
func preload(ctx context.Context, c *client, cfg config) (*fleet, error) {
	if err := setStock(ctx, c, cfg); err != nil {
		return nil, err
	}
	fl := &fleet{}
	stamp := strconv.FormatInt(time.Now().UnixNano(), 36)
	for a := range cfg.fleet.preloadAccounts {
		ac, err := newAccount(ctx, c, cfg, "ecsd-fleet-"+stamp+"-"+strconv.Itoa(a))
		if err != nil {
			return nil, err
		}
		fl.accounts = append(fl.accounts, ac)
	}
	fl.ids = make([][]string, len(fl.accounts))
	// One job per RunInstances call: (account, amount).
	type job struct{ a, n int }
	var jobs []job
	for a := range fl.accounts {
		share := cfg.fleet.preload/len(fl.accounts) + btoi(a < cfg.fleet.preload%len(fl.accounts))
		for ; share > 0; share -= batchSize {
			jobs = append(jobs, job{a, min(share, batchSize)})
		}
	}
	start := time.Now()
	var mu sync.Mutex
	var done atomic.Int64
	keys := make([]string, len(jobs))
	for i := range jobs {
		keys[i] = strconv.Itoa(i)
	}
	last := time.Now()
	err := forEach(ctx, keys, cfg.concurrency, func(k string) error {
		i, _ := strconv.Atoi(k)
		j := jobs[i]
		ids, err := buy(ctx, fl.accounts[j.a], cfg, j.n, "PostPaid")
		if err != nil {
			return err
		}
		mu.Lock()
		fl.ids[j.a] = append(fl.ids[j.a], ids...)
		if n := done.Add(int64(len(ids))); time.Since(last) > 10*time.Second {
			last = time.Now()
			logf("preloaded %d of %d instances (%.0f/s)", n, cfg.fleet.preload, float64(n)/time.Since(start).Seconds())
		}
		mu.Unlock()
		return nil
	})
	if err != nil {
		return nil, err
	}
	fl.seconds = time.Since(start).Seconds()
	logf("preloaded %d instances over %d accounts in %.1fs", cfg.fleet.preload, len(fl.accounts), fl.seconds)
	start = time.Now()
	if err := fl.settle(ctx, settleStall); err != nil {
		return nil, err
	}
	fl.settleSeconds = time.Since(start).Seconds()
	logf("fleet settled %.1fs after the last purchase: no instance Pending", fl.settleSeconds)
	return fl, nil
}

const (
	// settlePoll is the pause between two rounds of settle's counts.
	settlePoll = 500 * time.Millisecond
	// settleStall is how long settle waits for the count of Pending
	// instances to fall before it gives up.
	settleStall = 5 * time.Minute
)

// settle returns once no instance of the fleet is Pending. Each instance
// bought leaves a job that starts it, and the purchases can outrun those
// jobs; a run begun while they are queued would measure that queue rather
// than the requests. Each round asks every account that still had Pending
// instances how many are left (the TotalCount of DescribeInstances with
// Status=Pending), so a settled account costs nothing more. It logs
// progress every 10 s and fails when the count has not fallen for stall.
func (fl *fleet) settle(ctx context.Context, stall time.Duration) error {
	waiting := make([]int, len(fl.accounts)) // indexes of the accounts not yet seen settled
	for a := range waiting {
		waiting[a] = a
	}
	start := time.Now()
	lowest, lowestAt := math.MaxInt, start
	logged, loggedLeft := start, -1
	for {
		left, still := 0, waiting[:0]
		for _, a := range waiting {
			n, err := fl.accounts[a].countStatus(ctx, "Pending")
			if err != nil {
				return fmt.Errorf("settle: %w", err)
			}
			if n > 0 {
				left += n
				still = append(still, a)
			}
		}
		waiting = still
		if left == 0 {
			return nil
		}
		now := time.Now()
		if left < lowest {
			lowest, lowestAt = left, now
		}
		if now.Sub(lowestAt) > stall {
			return fmt.Errorf("settle: %d instances of %d accounts still Pending, none started for %s", left, len(waiting), stall)
		}
		if loggedLeft < 0 {
			logf("settling: %d instances of %d accounts Pending", left, len(waiting))
			loggedLeft = left
		} else if d := now.Sub(logged); d >= 10*time.Second {
			logf("settling: %d instances of %d accounts Pending (%.0f started/s)", left, len(waiting), float64(loggedLeft-left)/d.Seconds())
			logged, loggedLeft = now, left
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("settle: %d instances Pending: %w", left, ctx.Err())
		case <-time.After(settlePoll):
		}
	}
}

// Read and purchase kinds the fleet's workers send, in turn.
const (
	readOne  = "DescribeInstances(1 id)"
	readPage = "DescribeInstances(page of 100)"
	readAttr = "DescribeInstanceAttribute"
	buyTen   = "RunInstances(Amount=10)"
)

// sideStats is what the fleet's workers measured.
type sideStats struct {
	mu      sync.Mutex
	latency map[string][]time.Duration
	errors  map[string]int
}

// run starts the readers and buyers on wg until ctx ends; nil when there
// is no fleet.
func (fl *fleet) run(ctx context.Context, wg *sync.WaitGroup, cfg config) *sideStats {
	st := &sideStats{latency: map[string][]time.Duration{}, errors: map[string]int{}}
	if fl == nil {
		return st
	}
	for range cfg.fleet.readers {
		wg.Go(func() {
			kinds := []string{readOne, readPage, readAttr}
			for i := 0; ctx.Err() == nil; i++ {
				a := rand.IntN(len(fl.accounts))
				c, ids := fl.accounts[a], fl.ids[a]
				id := ids[rand.IntN(len(ids))]
				kind := kinds[i%len(kinds)]
				var err error
				t0 := time.Now()
				switch kind {
				case readOne:
					var got []instanceState
					if got, err = c.describe(ctx, []string{id}); err == nil && len(got) != 1 {
						err = fmt.Errorf("DescribeInstances %s: %d instances", id, len(got))
					}
				case readPage:
					// A page from anywhere in the account: PageNumber
					// paging reads what it skips, so pages are by
					// NextToken from a random start instead.
					var out struct {
						Instances struct{ Instance []instanceState }
					}
					err = c.rpc(ctx, "DescribeInstances", map[string]string{"MaxResults": "100"}, &out)
					if err == nil && len(out.Instances.Instance) != min(100, len(ids)) {
						err = fmt.Errorf("DescribeInstances page: %d instances", len(out.Instances.Instance))
					}
				case readAttr:
					err = c.rpc(ctx, "DescribeInstanceAttribute", map[string]string{"InstanceId": id}, nil)
				}
				st.record(ctx, kind, time.Since(t0), err)
			}
		})
	}
	for range cfg.fleet.buyers {
		wg.Go(func() {
			for ctx.Err() == nil {
				a := rand.IntN(len(fl.accounts))
				t0 := time.Now()
				_, err := buy(ctx, fl.accounts[a], cfg, 10, "PostPaid")
				st.record(ctx, buyTen, time.Since(t0), err)
			}
		})
	}
	return st
}

func (st *sideStats) record(ctx context.Context, kind string, d time.Duration, err error) {
	st.mu.Lock()
	defer st.mu.Unlock()
	switch {
	case err == nil:
		st.latency[kind] = append(st.latency[kind], d)
	case ctx.Err() == nil: // a call cut short by the end of the run is no error
		st.errors[kind]++
	}
}

// summarize adds the fleet's figures to the run's summary.
func (st *sideStats) summarize(sum *Summary, fl *fleet, elapsed time.Duration) {
	if fl == nil {
		return
	}
	sum.Fleet = &FleetSummary{Accounts: len(fl.accounts), PreloadSeconds: fl.seconds, SettleSeconds: fl.settleSeconds, Calls: map[string]Percentiles{}, Errors: st.errors}
	for _, ids := range fl.ids {
		sum.Fleet.Instances += len(ids)
	}
	sum.Fleet.PreloadPerSecond = float64(sum.Fleet.Instances) / fl.seconds
	n := 0
	for kind, l := range st.latency {
		sum.Fleet.Calls[kind] = summarize(l)
		if kind != buyTen {
			n += len(l)
		}
	}
	sum.Fleet.ReadsPerSecond = float64(n) / elapsed.Seconds()
}

// FleetSummary is what --preload, --readers and --buyers measured.
type FleetSummary struct {
	Instances int
	Accounts  int
	// PreloadSeconds is how long the purchases took, PreloadPerSecond
	// their rate.
	PreloadSeconds   float64
	PreloadPerSecond float64
	// SettleSeconds is how long, after the last purchase, the fleet took
	// to have no instance Pending (every start job run); the run begins
	// then.
	SettleSeconds float64
	// Calls are the latencies of the readers' and buyers' calls, by kind.
	Calls          map[string]Percentiles
	ReadsPerSecond float64
	Errors         map[string]int
}
