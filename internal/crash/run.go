package crash

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/ecsd/ecsd/internal/invariant"
	"github.com/ecsd/ecsd/internal/store"
)

// Config is one run: a store, its processes and how often they die.
type Config struct {
	Bin string // the ecsd binary (Build)
	Dir string // logs, and the SQLite data unless DB is set
	// DB is a postgres:// URL (its search_path may name a schema); empty:
	// SQLite in Dir.
	DB       string
	Replicas int // processes on the one store (SQLite: 1)
	Kills    int // stops, each followed by a restart: SIGKILL, every fourth SIGTERM
	Workers  int // concurrent clients
	// Up is the longest a process runs under load before it is killed; the
	// time is drawn between Up/4 and Up.
	Up   time.Duration
	Seed uint64
	Log  io.Writer // progress, one line per kill
}

// Result is what a run did and found.
type Result struct {
	Store                          string
	Replicas, Kills                int
	Terms                          int // of the kills, those that were SIGTERM
	Requests, Retries, Lost        int64
	Buys, Changes, Renewals, Reads int64
	Refused                        int64
	Orders, Instances              int
	// Recovery is the longest time, over the kills, from the restart (one
	// process) or the kill (a replica still lives) until every change
	// that was in flight at the kill was applied.
	Recovery   time.Duration
	Violations []string
	Notes      []string // refusals and failures worth a look
}

const adminToken = "crash-harness-admin-token"

// Run starts the processes, drives load while killing and restarting
// them, lets the survivors settle, stops them with SIGTERM and checks the
// invariants from the store.
func Run(ctx context.Context, cfg Config) (*Result, error) {
	if cfg.Replicas < 1 || cfg.DB == "" {
		cfg.Replicas = max(cfg.Replicas, 1)
	}
	if cfg.DB == "" {
		cfg.Replicas = 1
	}
	if cfg.Workers < 1 {
		cfg.Workers = 8
	}
	if cfg.Up <= 0 {
		cfg.Up = 2 * time.Second
	}
	if cfg.Log == nil {
		cfg.Log = io.Discard
	}
	rnd := rand.New(rand.NewPCG(cfg.Seed, 1))
	res := &Result{Store: "sqlite", Replicas: cfg.Replicas, Kills: cfg.Kills}
	args := []string{"--admin-token", adminToken, "--change-delay", "0", "--transition-delay", "0", "--log-level", "warn"}
	dsn := cfg.DB
	if dsn == "" {
		dsn = filepath.Join(cfg.Dir, "data")
		args = append(args, "--data", dsn)
	} else {
		res.Store = "postgres"
		args = append(args, "--db", dsn)
	}
	var procs []*proc
	defer func() {
		for _, p := range procs {
			p.kill()
		}
	}()
	for i := range cfg.Replicas {
		p, err := newProc(cfg.Bin, filepath.Join(cfg.Dir, fmt.Sprintf("ecsd-%d.log", i)), args)
		if err != nil {
			return nil, err
		}
		if err := p.start(ctx); err != nil {
			return nil, err
		}
		procs = append(procs, p)
	}
	st, err := store.Open(ctx, dsn, store.Options{MaxConns: 2})
	if err != nil {
		return nil, err
	}
	defer st.Close()

	// An account of its own that can afford and downgrade anything, and a
	// known stock of the two types.
	var acc struct{ AccountId, AccessKeyId, AccessKeySecret string }
	a0 := procs[0].Addr
	if err := admin(ctx, a0, adminToken, "POST", "/_ecsd/v1/accounts", map[string]any{"Name": "crash", "Balance": "100000000.00"}, &acc); err != nil {
		return nil, err
	}
	if err := admin(ctx, a0, adminToken, "PATCH", "/_ecsd/v1/accounts/"+acc.AccountId,
		map[string]any{"DowngradeQuota": 1_000_000, "RefundVCPUQuota": 100_000_000, "VCPUQuota": map[string]int{region: 1_000_000}}, nil); err != nil {
		return nil, err
	}
	stock := map[string]int{}
	for _, typ := range []string{smallType, bigType} {
		if err := admin(ctx, a0, adminToken, "PUT", "/_ecsd/v1/stock", map[string]any{"ZoneId": zone, "InstanceType": typ, "Available": 1_000_000}, nil); err != nil {
			return nil, err
		}
		stock[zone+"/"+typ] = 1_000_000
	}

	var addrs []string
	for _, p := range procs {
		addrs = append(addrs, p.Addr)
	}
	c := &counts{}
	l := &loader{addrs: addrs, keyID: acc.AccessKeyId, secr: acc.AccessKeySecret, c: c, accepted: map[string]bool{}}
	loadCtx, stopLoad := context.WithCancel(ctx)
	var wg sync.WaitGroup
	for i := range cfg.Workers {
		w, err := l.newWorker(cfg.Seed*1000 + uint64(i))
		if err != nil {
			stopLoad()
			return nil, err
		}
		wg.Go(func() { w.run(loadCtx) })
	}

	for k := range cfg.Kills {
		up := cfg.Up/4 + time.Duration(rnd.Int64N(int64(cfg.Up-cfg.Up/4)+1))
		select {
		case <-time.After(up):
		case <-ctx.Done():
			stopLoad()
			wg.Wait()
			return nil, ctx.Err()
		}
		victim := procs[rnd.IntN(len(procs))]
		how := "kill"
		if k%4 == 3 {
			// Every fourth stop is an operator's: SIGTERM under load. The
			// process drains its requests and lets its running jobs
			// finish; none is cancelled.
			how = "SIGTERM"
			if err := victim.term(30 * time.Second); err != nil {
				res.Violations = append(res.Violations, fmt.Sprintf("stop %d: %v", k+1, err))
			}
			if strings.Contains(victim.logged(), "context canceled") {
				res.Violations = append(res.Violations, fmt.Sprintf("stop %d: a job or request was cancelled by SIGTERM; see %s", k+1, victim.log))
			}
			res.Terms++
		} else {
			victim.kill()
		}
		killedAt := time.Now()
		inFlight, err := changesInFlight(ctx, st, acc.AccountId)
		if err != nil {
			stopLoad()
			wg.Wait()
			return nil, err
		}
		time.Sleep(time.Duration(rnd.IntN(300)) * time.Millisecond)
		if err := victim.start(ctx); err != nil {
			stopLoad()
			wg.Wait()
			return nil, err
		}
		from := killedAt
		if len(procs) == 1 {
			from = time.Now()
		}
		d, err := waitApplied(ctx, st, acc.AccountId, inFlight, from)
		if err != nil {
			res.Violations = append(res.Violations, fmt.Sprintf("kill %d: %v", k+1, err))
		}
		res.Recovery = max(res.Recovery, d)
		fmt.Fprintf(cfg.Log, "stop %d/%d (%s, %s): %d changes in flight, applied %s after the %s; accepted so far: %d changes, %d buys, %d renewals\n",
			k+1, cfg.Kills, how, victim.Addr, len(inFlight), d.Round(time.Millisecond), map[bool]string{true: "restart", false: "kill"}[len(procs) == 1],
			c.changes.Load(), c.buys.Load(), c.renewals.Load())
	}
	stopLoad()
	wg.Wait()

	// Everything accepted settles on the live processes, which then stop
	// as an operator stops them.
	if _, err := waitApplied(ctx, st, acc.AccountId, nil, time.Now()); err != nil {
		res.Violations = append(res.Violations, "after the load: "+err.Error())
	}
	for _, p := range procs {
		if err := p.term(30 * time.Second); err != nil {
			res.Violations = append(res.Violations, err.Error())
		}
	}
	rep, err := invariant.Check(ctx, st, invariant.Account{ID: acc.AccountId, Accepted: l.accepted, Stock: stock})
	if err != nil {
		return nil, err
	}
	res.Violations = append(res.Violations, rep.Violations...)
	res.Orders, res.Instances = rep.Orders, rep.Instances
	res.Requests, res.Retries, res.Lost = c.requests.Load(), c.retries.Load(), c.lost.Load()
	res.Buys, res.Changes, res.Renewals, res.Reads, res.Refused = c.buys.Load(), c.changes.Load(), c.renewals.Load(), c.reads.Load(), c.refused.Load()
	if res.Lost > 0 {
		res.Violations = append(res.Violations, fmt.Sprintf("%d requests never answered", res.Lost))
	}
	res.Notes = l.errs
	return res, nil
}

// changesInFlight returns the account's instances with a change in flight,
// and the change's order.
func changesInFlight(ctx context.Context, st *store.Store, accountID string) (map[string]string, error) {
	list, _, err := st.InstanceList(ctx, store.InstanceFilter{AccountID: accountID, Limit: 1 << 30})
	if err != nil {
		return nil, err
	}
	out := map[string]string{}
	for _, i := range list {
		if i.InFlightOrderID != "" {
			out[i.ID] = i.InFlightOrderID
		}
	}
	return out, nil
}

// settleWithin bounds how long a run waits for changes to apply; the goal
// is 10 s, River's default rescue was an hour.
const settleWithin = 30 * time.Second

// waitApplied waits until none of the changes (instance → order) is still
// in flight — with nil, until no change and no transition is left — and
// returns how long that took from from.
func waitApplied(ctx context.Context, st *store.Store, accountID string, changes map[string]string, from time.Time) (time.Duration, error) {
	deadline := time.Now().Add(settleWithin)
	for {
		list, _, err := st.InstanceList(ctx, store.InstanceFilter{AccountID: accountID, Limit: 1 << 30})
		if err != nil && !store.Unavailable(err) {
			return 0, err
		}
		left := 0
		var example string
		for _, i := range list {
			pending := false
			if changes == nil {
				pending = i.InFlightOrderID != "" || (i.Status != store.StatusRunning && i.Status != store.StatusStopped)
			} else if o, ok := changes[i.ID]; ok && i.InFlightOrderID == o {
				pending = true
			}
			if pending {
				left++
				example = fmt.Sprintf("%s (%s, in flight %q)", i.ID, i.Status, i.InFlightOrderID)
			}
		}
		if err == nil && left == 0 {
			return time.Since(from), nil
		}
		if time.Now().After(deadline) {
			return time.Since(from), fmt.Errorf("%d instances not settled after %s, e.g. %s", left, settleWithin, example)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
