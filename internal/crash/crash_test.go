package crash_test

import (
	"context"
	"os"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/ecsd/ecsd/internal/crash"
	"github.com/ecsd/ecsd/internal/store/storetest"
)

var build struct {
	once sync.Once
	bin  string
	err  error
	dir  string
}

func binary(t *testing.T) string {
	t.Helper()
	if bin := os.Getenv("ECSD_CRASH_BIN"); bin != "" {
		return bin // a binary built elsewhere, e.g. of another commit
	}
	build.once.Do(func() {
		build.dir, build.err = os.MkdirTemp("", "ecsd-crash-bin")
		if build.err == nil {
			build.bin, build.err = crash.Build(context.Background(), "../..", build.dir)
		}
	})
	if build.err != nil {
		t.Fatal(build.err)
	}
	return build.bin
}

func TestMain(m *testing.M) {
	code := m.Run()
	if build.dir != "" {
		os.RemoveAll(build.dir)
	}
	os.Exit(code)
}

// kills is 4 per run (the fourth a SIGTERM), or ECSD_CRASH_KILLS for a
// longer run.
func kills(t *testing.T) int {
	if v := os.Getenv("ECSD_CRASH_KILLS"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			t.Fatalf("ECSD_CRASH_KILLS=%q", v)
		}
		return n
	}
	return 4
}

func runCrash(t *testing.T, cfg crash.Config) {
	t.Helper()
	cfg.Bin, cfg.Dir, cfg.Kills, cfg.Workers, cfg.Seed = binary(t), t.TempDir(), kills(t), 6, uint64(time.Now().UnixNano())
	cfg.Up = 1500 * time.Millisecond
	cfg.Log = tlog{t}
	res, err := crash.Run(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%s ×%d: %d stops (%d SIGTERM), %d requests (%d retried), accepted %d changes, %d buys, %d renewals; %d orders, %d instances; recovery ≤ %s; %d refused",
		res.Store, res.Replicas, res.Kills, res.Terms, res.Requests, res.Retries, res.Changes, res.Buys, res.Renewals, res.Orders, res.Instances, res.Recovery.Round(time.Millisecond), res.Refused)
	for _, n := range res.Notes {
		t.Log("note:", n)
	}
	for _, v := range res.Violations {
		t.Error("violation:", v)
	}
	if res.Changes == 0 || res.Buys == 0 || res.Renewals == 0 {
		t.Errorf("the load accepted %d changes, %d buys and %d renewals; want some of each", res.Changes, res.Buys, res.Renewals)
	}
}

type tlog struct{ t *testing.T }

func (l tlog) Write(p []byte) (int, error) { l.t.Log(string(p)); return len(p), nil }

// ecsd killed with SIGKILL under load and restarted, again and again, on
// each store and with two replicas on one PostgreSQL: nothing accepted is
// lost or done twice, money and stock add up, and every change in flight
// at a kill is applied soon after.
func TestKillUnderLoad(t *testing.T) {
	storetest.Each(t, func(t *testing.T, _ storetest.Opener) {
		if t.Name() == "TestKillUnderLoad/sqlite" {
			runCrash(t, crash.Config{})
			return
		}
		t.Run("one", func(t *testing.T) { runCrash(t, crash.Config{DB: storetest.PostgresDSN(t), Replicas: 1}) })
		t.Run("two", func(t *testing.T) { runCrash(t, crash.Config{DB: storetest.PostgresDSN(t), Replicas: 2}) })
	})
}
