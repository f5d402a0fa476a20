// Command ecsd-load drives signed ModifyPrepayInstanceSpec traffic against a
// running ecsd on a loopback address and reports accepted changes per
// second, request latency and time-to-applied.
//
// It creates its own account through the admin API, buys --instances
// PrePaid instances and stops them (a downgrade needs Stopped), then runs
// --concurrency workers for --duration. Each worker owns a disjoint set of
// instances and flips each between two types, one change in flight per
// instance: it changes an instance again only once a DescribeInstances poll
// has seen the previous change applied.
//
//	go run ./cmd/ecsd-load --endpoint 127.0.0.1:8780 --admin-token T
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

const (
	smallType = "ecs.g6.large"
	bigType   = "ecs.g6.xlarge"
	imageID   = "aliyun_3_x64_20G_alibase_20240528.vhd"
	batchSize = 100 // ids per RunInstances and DescribeInstances call
)

type config struct {
	endpoint, adminToken, region, zone string
	instances, concurrency, maxChanges int
	accounts                           int
	fleet                              fleetConfig
	duration, pollInterval, drain      time.Duration
	progress                           time.Duration
	json                               bool
}

func main() {
	var cfg config
	flag.StringVar(&cfg.endpoint, "endpoint", "127.0.0.1:8780", "ecsd host:port (loopback only)")
	flag.StringVar(&cfg.adminToken, "admin-token", os.Getenv("ECSD_ADMIN_TOKEN"), "admin API bearer token (default $ECSD_ADMIN_TOKEN)")
	flag.StringVar(&cfg.region, "region", "cn-hangzhou", "region of the instances")
	flag.StringVar(&cfg.zone, "zone", "cn-hangzhou-h", "zone of the instances")
	flag.IntVar(&cfg.instances, "instances", 200, "instances to create and change")
	flag.IntVar(&cfg.accounts, "accounts", 1, "accounts the changed instances are spread over, each with its own")
	flag.IntVar(&cfg.fleet.preload, "preload", 0, "PostPaid instances to buy first, as a standing fleet the run does not change; the run starts once none is Pending")
	flag.IntVar(&cfg.fleet.preloadAccounts, "preload-accounts", 1, "accounts the --preload fleet is spread over")
	flag.IntVar(&cfg.fleet.readers, "readers", 0, "workers sending reads of the fleet during the run (DescribeInstances of one id and of a page of 100, DescribeInstanceAttribute)")
	flag.IntVar(&cfg.fleet.buyers, "buyers", 0, "workers buying RunInstances(Amount=10) PostPaid into the fleet's accounts during the run")
	flag.IntVar(&cfg.concurrency, "concurrency", 32, "workers, each with at most one request in flight")
	flag.IntVar(&cfg.maxChanges, "max-changes", 1_000_000, "stop after this many change requests")
	flag.DurationVar(&cfg.duration, "duration", 30*time.Second, "how long to send changes")
	flag.DurationVar(&cfg.pollInterval, "poll-interval", 20*time.Millisecond, "how often the in-flight changes are polled")
	flag.DurationVar(&cfg.drain, "drain", 10*time.Second, "how long to wait after the run for accepted changes to apply")
	flag.DurationVar(&cfg.progress, "progress", 5*time.Second, "print the accepted rate to stderr this often (0: never)")
	flag.BoolVar(&cfg.json, "json", false, "print the summary as JSON")
	flag.Parse()
	if cfg.adminToken == "" || cfg.instances < 1 || cfg.concurrency < 1 || cfg.maxChanges < 1 || cfg.duration <= 0 || cfg.pollInterval <= 0 ||
		cfg.accounts < 1 || cfg.accounts > cfg.instances || cfg.fleet.preload < 0 || cfg.fleet.preloadAccounts < 1 || cfg.fleet.readers < 0 || cfg.fleet.buyers < 0 {
		fmt.Fprintln(os.Stderr, "ecsd-load: need --admin-token, and positive --instances, --concurrency, --max-changes, --duration, --poll-interval,")
		fmt.Fprintln(os.Stderr, "  --accounts (at most --instances) and --preload-accounts")
		os.Exit(2)
	}
	if (cfg.fleet.readers > 0 || cfg.fleet.buyers > 0) && cfg.fleet.preload < 1 {
		fmt.Fprintln(os.Stderr, "ecsd-load: --readers and --buyers work on the --preload fleet: set --preload")
		os.Exit(2)
	}
	if per := (cfg.fleet.preload + cfg.fleet.preloadAccounts - 1) / cfg.fleet.preloadAccounts; per > maxFleetPerAccount {
		// An account's default vSwitch in a zone is a /20: 4,093 addresses.
		fmt.Fprintf(os.Stderr, "ecsd-load: --preload %d over %d accounts is %d an account; one account holds at most %d in a zone: set --preload-accounts %d or more\n",
			cfg.fleet.preload, cfg.fleet.preloadAccounts, per, maxFleetPerAccount, (cfg.fleet.preload+maxFleetPerAccount-1)/maxFleetPerAccount)
		os.Exit(2)
	}
	cfg.concurrency = min(cfg.concurrency, cfg.instances)

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	sum, err := run(ctx, cfg)
	if err != nil {
		fmt.Fprintln(os.Stderr, "ecsd-load:", err)
		os.Exit(2)
	}
	if cfg.json {
		enc := json.NewEncoder(os.Stdout)
		enc.SetIndent("", "  ")
		_ = enc.Encode(sum)
	} else {
		sum.print(os.Stdout)
	}
	if sum.failed() {
		fmt.Fprintf(os.Stderr, "ecsd-load: %.2f%% of the requests failed (5xx or no answer)\n", 100*sum.FailureRate)
		os.Exit(1)
	}
}

func logf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "ecsd-load: "+format+"\n", args...)
}

func run(ctx context.Context, cfg config) (*Summary, error) {
	c, err := newClient(cfg.endpoint, cfg.adminToken, cfg.region, cfg.concurrency+16)
	if err != nil {
		return nil, err
	}
	var fl *fleet
	if cfg.fleet.preload > 0 {
		if fl, err = preload(ctx, c, cfg); err != nil {
			return nil, fmt.Errorf("preload: %w", err)
		}
	}
	setupCtx, cancel := context.WithTimeout(ctx, 5*time.Minute)
	defer cancel()
	insts, err := setup(setupCtx, c, cfg)
	if err != nil {
		return nil, fmt.Errorf("setup: %w", err)
	}
	logf("%d instances of %d accounts Stopped; sending changes for %s with %d workers", len(insts), cfg.accounts, cfg.duration, cfg.concurrency)
	return traffic(ctx, c, cfg, insts, fl), nil
}

// newAccount creates an account that can afford and downgrade anything
// and returns a client signing with its key.
func newAccount(ctx context.Context, c *client, cfg config, name string) (*client, error) {
	var acc struct{ AccountId, AccessKeyId, AccessKeySecret string }
	if err := c.admin(ctx, "POST", "/_ecsd/v1/accounts", map[string]any{"Name": name, "Balance": "100000000.00"}, &acc); err != nil {
		return nil, fmt.Errorf("create account: %w", err)
	}
	patch := map[string]any{"DowngradeQuota": 1_000_000, "RefundVCPUQuota": 100_000_000, "VCPUQuota": map[string]int{cfg.region: 100_000_000}}
	if err := c.admin(ctx, "PATCH", "/_ecsd/v1/accounts/"+acc.AccountId, patch, nil); err != nil {
		return nil, fmt.Errorf("patch account: %w", err)
	}
	return c.as(acc.AccountId, acc.AccessKeyId, acc.AccessKeySecret), nil
}

// setStock gives the zone room for everything the run buys.
func setStock(ctx context.Context, c *client, cfg config) error {
	for _, typ := range []string{smallType, bigType} {
		if err := c.admin(ctx, "PUT", "/_ecsd/v1/stock", map[string]any{"ZoneId": cfg.zone, "InstanceType": typ, "Available": 100_000_000}, nil); err != nil {
			return fmt.Errorf("stock of %s: %w", typ, err)
		}
	}
	return nil
}

// buy buys n instances of smallType into the client's account, in calls of
// at most batchSize, and returns their ids.
func buy(ctx context.Context, c *client, cfg config, n int, chargeType string) ([]string, error) {
	var ids []string
	for len(ids) < n {
		k := min(batchSize, n-len(ids))
		params := map[string]string{
			"ZoneId": cfg.zone, "ImageId": imageID, "InstanceType": smallType, "InstanceChargeType": chargeType, "Amount": strconv.Itoa(k),
		}
		if chargeType == "PrePaid" {
			params["Period"], params["PeriodUnit"] = "12", "Month"
		}
		var out struct {
			InstanceIdSets struct{ InstanceIdSet []string }
		}
		if err := c.rpc(ctx, "RunInstances", params, &out); err != nil {
			return nil, fmt.Errorf("RunInstances: %w", err)
		}
		ids = append(ids, out.InstanceIdSets.InstanceIdSet...)
	}
	return ids, nil
}

// setup creates --accounts accounts, buys each its share of --instances
// PrePaid instances and stops them (a downgrade needs Stopped).
func setup(ctx context.Context, c *client, cfg config) ([]*instance, error) {
	if err := setStock(ctx, c, cfg); err != nil {
		return nil, err
	}
	var insts []*instance
	stamp := strconv.FormatInt(time.Now().UnixNano(), 36)
	for a := range cfg.accounts {
		ac, err := newAccount(ctx, c, cfg, "ecsd-load-"+stamp+"-"+strconv.Itoa(a))
		if err != nil {
			return nil, err
		}
		n := cfg.instances/cfg.accounts + btoi(a < cfg.instances%cfg.accounts)
		logf("account %s created; buying %d %s", ac.accountID, n, smallType)
		ids, err := buy(ctx, ac, cfg, n, "PrePaid")
		if err != nil {
			return nil, err
		}
		if err := waitStatus(ctx, ac, ids, "Running"); err != nil {
			return nil, err
		}
		if err := forEach(ctx, ids, cfg.concurrency, func(id string) error {
			return ac.rpc(ctx, "StopInstance", map[string]string{"InstanceId": id}, nil)
		}); err != nil {
			return nil, fmt.Errorf("StopInstance: %w", err)
		}
		if err := waitStatus(ctx, ac, ids, "Stopped"); err != nil {
			return nil, err
		}
		for _, id := range ids {
			insts = append(insts, &instance{id: id, typ: smallType, c: ac})
		}
	}
	return insts, nil
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

// waitStatus polls until every instance has the status.
func waitStatus(ctx context.Context, c *client, ids []string, status string) error {
	for {
		left := 0
		for i := 0; i < len(ids); i += batchSize {
			got, err := c.describe(ctx, ids[i:min(i+batchSize, len(ids))])
			if err != nil {
				return fmt.Errorf("DescribeInstances: %w", err)
			}
			left += min(batchSize, len(ids)-i) - len(got)
			for _, s := range got {
				if s.Status != status {
					left++
				}
			}
		}
		if left == 0 {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("%d instances not %s: %w", left, status, ctx.Err())
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// forEach runs fn on every id with n goroutines and returns the first error.
func forEach(ctx context.Context, ids []string, n int, fn func(string) error) error {
	ch := make(chan string)
	errc := make(chan error, n)
	var wg sync.WaitGroup
	for range n {
		wg.Go(func() {
			for id := range ch {
				if err := fn(id); err != nil {
					errc <- err
					return
				}
			}
		})
	}
	var err error
feed:
	for _, id := range ids {
		select {
		case ch <- id:
		case err = <-errc:
			break feed
		case <-ctx.Done():
			err = ctx.Err()
			break feed
		}
	}
	close(ch)
	wg.Wait()
	if err == nil {
		select {
		case err = <-errc:
		default:
		}
	}
	return err
}

// instance is one instance under load; typ is its type as last seen
// applied; c signs as its account.
type instance struct {
	id    string
	typ   string
	owner int
	c     *client
}

// watch is an accepted change waiting to be seen applied.
type watch struct {
	inst     *instance
	to       string
	accepted time.Time
}

// workerStats is one worker's tally, merged at the end.
type workerStats struct {
	requests, accepted, serverErrors, transportErrors int
	rejected                                          map[string]int
	latency                                           []time.Duration
}

// poller watches the accepted changes and gives each instance back to its
// worker once DescribeInstances shows the new type.
type poller struct {
	ready []chan *instance

	mu      sync.Mutex
	pending map[string]watch
	applied []time.Duration

	// Set by pollOnce under its own mutex; read once run has returned.
	polls, pollErrors int
	pollLatency       []time.Duration
	intervalSum       time.Duration
	intervals         int
}

func (p *poller) add(w watch) {
	p.mu.Lock()
	p.pending[w.inst.id] = w
	p.mu.Unlock()
}

func (p *poller) pendingCount() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return len(p.pending)
}

// run polls every interval until trafficDone is closed and nothing is
// pending, or the drain time after trafficDone has passed.
func (p *poller) run(interval, drain time.Duration, trafficDone <-chan struct{}) {
	t := time.NewTicker(interval)
	defer t.Stop()
	var lastStart time.Time
	var deadline <-chan time.Time
	for {
		select {
		case <-t.C:
		case <-trafficDone:
			trafficDone, deadline = nil, time.After(drain)
			continue
		case <-deadline:
			return
		}
		if trafficDone == nil && p.pendingCount() == 0 {
			return
		}
		ids := map[*client][]string{} // DescribeInstances lists one account's
		p.mu.Lock()
		for id, w := range p.pending {
			ids[w.inst.c] = append(ids[w.inst.c], id)
		}
		p.mu.Unlock()
		if len(ids) == 0 {
			lastStart = time.Time{}
			continue
		}
		start := time.Now()
		if !lastStart.IsZero() {
			p.intervalSum += start.Sub(lastStart)
			p.intervals++
		}
		lastStart = start
		p.pollOnce(ids)
	}
}

// pollOnce describes each account's ids in batches, all batches at once.
func (p *poller) pollOnce(byAccount map[*client][]string) {
	var wg sync.WaitGroup
	var mu sync.Mutex // guards the poll counters
	for c, ids := range byAccount {
		for i := 0; i < len(ids); i += batchSize {
			p.pollBatch(&wg, &mu, c, ids[i:min(i+batchSize, len(ids))])
		}
	}
	wg.Wait()
}

func (p *poller) pollBatch(wg *sync.WaitGroup, mu *sync.Mutex, c *client, batch []string) {
	{
		wg.Go(func() {
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			t0 := time.Now()
			got, err := c.describe(ctx, batch)
			seen := time.Now()
			mu.Lock()
			p.polls++
			p.pollLatency = append(p.pollLatency, seen.Sub(t0))
			if err != nil {
				p.pollErrors++
			}
			mu.Unlock()
			p.mu.Lock()
			defer p.mu.Unlock()
			for _, s := range got {
				w, ok := p.pending[s.InstanceId]
				if !ok || s.InstanceType != w.to {
					continue
				}
				delete(p.pending, s.InstanceId)
				p.applied = append(p.applied, seen.Sub(w.accepted))
				w.inst.typ = w.to
				p.ready[w.inst.owner] <- w.inst // never blocks: room for every owned instance
			}
		})
	}
}

// traffic runs the workers and the poller and returns the summary.
func traffic(ctx context.Context, c *client, cfg config, insts []*instance, fl *fleet) *Summary {
	ready := make([]chan *instance, cfg.concurrency)
	for w := range ready {
		ready[w] = make(chan *instance, len(insts)/cfg.concurrency+1)
	}
	for i, in := range insts {
		in.owner = i % cfg.concurrency
		ready[in.owner] <- in
	}
	p := &poller{ready: ready, pending: map[string]watch{}}
	trafficDone := make(chan struct{})
	pollDone := make(chan struct{})
	go func() {
		p.run(cfg.pollInterval, cfg.drain, trafficDone)
		close(pollDone)
	}()

	runCtx, cancel := context.WithTimeout(ctx, cfg.duration)
	defer cancel()
	var sent atomic.Int64
	stats := make([]workerStats, cfg.concurrency)
	start := time.Now()
	if cfg.progress > 0 {
		go progress(runCtx, cfg.progress, p)
	}
	var wg sync.WaitGroup
	for w := range cfg.concurrency {
		wg.Go(func() { worker(runCtx, cancel, p, ready[w], &sent, int64(cfg.maxChanges), &stats[w]) })
	}
	side := fl.run(runCtx, &wg, cfg)
	wg.Wait()
	elapsed := time.Since(start)
	close(trafficDone)
	<-pollDone

	sum := &Summary{
		Endpoint: cfg.endpoint, Instances: len(insts), Accounts: cfg.accounts, Concurrency: cfg.concurrency,
		DurationSeconds: elapsed.Seconds(), Rejected: map[string]int{},
	}
	side.summarize(sum, fl, elapsed)
	var latency []time.Duration
	for _, s := range stats {
		sum.Requests += s.requests
		sum.Accepted += s.accepted
		sum.ServerErrors += s.serverErrors
		sum.TransportErrors += s.transportErrors
		for code, n := range s.rejected {
			sum.Rejected[code] += n
		}
		latency = append(latency, s.latency...)
	}
	sum.AcceptedPerSecond = float64(sum.Accepted) / elapsed.Seconds()
	if sum.Requests > 0 {
		sum.FailureRate = float64(sum.ServerErrors+sum.TransportErrors) / float64(sum.Requests)
	}
	sum.RequestLatency = summarize(latency)
	p.mu.Lock()
	sum.TimeToApplied = summarize(p.applied)
	sum.Unapplied = len(p.pending)
	p.mu.Unlock()
	sum.Polls, sum.PollErrors = p.polls, p.pollErrors
	sum.PollLatency = summarize(p.pollLatency)
	if p.intervals > 0 {
		sum.PollIntervalMs = float64(p.intervalSum.Microseconds()) / float64(p.intervals) / 1e3
	}
	return sum
}

// progress prints, every interval until ctx ends, the changes applied in
// the last interval and how many are pending.
func progress(ctx context.Context, interval time.Duration, p *poller) {
	t := time.NewTicker(interval)
	defer t.Stop()
	last := 0
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		p.mu.Lock()
		n, pending := len(p.applied), len(p.pending)
		p.mu.Unlock()
		logf("applied %.1f/s, %d pending", float64(n-last)/interval.Seconds(), pending)
		last = n
	}
}

// worker changes its instances as they become ready until ctx ends or the
// run has sent max changes. A refused instance is retried after a pause.
func worker(ctx context.Context, stop context.CancelFunc, p *poller, ready chan *instance, sent *atomic.Int64, max int64, st *workerStats) {
	st.rejected = map[string]int{}
	for {
		var in *instance
		select {
		case <-ctx.Done():
			return
		case in = <-ready:
		}
		if sent.Add(1) > max {
			stop()
			return
		}
		to := bigType
		if in.typ == bigType {
			to = smallType
		}
		// Not ctx: a request under way when the run ends is let finish.
		rctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		t0 := time.Now()
		err := in.c.rpc(rctx, "ModifyPrepayInstanceSpec", map[string]string{"InstanceId": in.id, "InstanceType": to}, nil)
		done := time.Now()
		cancel()
		st.requests++
		st.latency = append(st.latency, done.Sub(t0))
		if err == nil {
			st.accepted++
			p.add(watch{inst: in, to: to, accepted: done})
			continue
		}
		var e *apiError
		switch status := statusOf(err); {
		case status >= 500:
			st.serverErrors++
			if errors.As(err, &e) {
				st.rejected[e.Code]++
			}
		case status > 0:
			errors.As(err, &e)
			st.rejected[e.Code]++
			if e.Code == "InvalidInstanceType.NotSupported" {
				// Already the target: a change whose answer was lost applied.
				in.typ = to
			}
		default:
			st.transportErrors++
		}
		time.AfterFunc(50*time.Millisecond, func() { ready <- in })
	}
}
