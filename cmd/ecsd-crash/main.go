// Command ecsd-crash is the long form of ecsd's crash harness: real
// `ecsd serve` processes under mixed signed load (buys, spec changes,
// renewals, reads) are killed with SIGKILL at random moments and
// restarted, on SQLite, on PostgreSQL, and as several replicas on one
// PostgreSQL; then the invariants are checked from the store. Run it from
// the repository's root:
//
//	go run ./cmd/ecsd-crash --kills 20 --db 'postgres://postgres@127.0.0.1:5432/test?sslmode=disable'
//
// It exits 1 if any run found a violation.
package main

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"flag"
	"fmt"
	"net/url"
	"os"
	"os/signal"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib"

	"github.com/ecsd/ecsd/internal/crash"
)

func main() {
	kills := flag.Int("kills", 20, "stops per run, each followed by a restart: SIGKILL, every fourth SIGTERM")
	workers := flag.Int("workers", 8, "concurrent clients")
	up := flag.Duration("up", 2*time.Second, "longest time a process runs under load before it is killed")
	db := flag.String("db", os.Getenv("ECSD_TEST_POSTGRES_DSN"), "PostgreSQL URL (default $ECSD_TEST_POSTGRES_DSN); empty: SQLite only")
	replicas := flag.Int("replicas", 2, "processes of the multi-replica PostgreSQL run")
	seed := flag.Uint64("seed", uint64(time.Now().UnixNano()), "random seed")
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, *kills, *workers, *up, *db, *replicas, *seed); err != nil {
		fmt.Fprintln(os.Stderr, "ecsd-crash:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, kills, workers int, up time.Duration, db string, replicas int, seed uint64) error {
	dir, err := os.MkdirTemp("", "ecsd-crash")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	bin, err := crash.Build(ctx, ".", dir)
	if err != nil {
		return err
	}
	runs := []crash.Config{{Replicas: 1}}
	if db != "" {
		runs = append(runs, crash.Config{DB: db, Replicas: 1}, crash.Config{DB: db, Replicas: replicas})
	}
	failed := false
	fmt.Printf("%-10s %8s %11s %9s %8s %8s %6s %9s %7s %10s %10s\n", "store", "replicas", "stops(term)", "requests", "retried", "changes", "buys", "renewals", "orders", "recovery", "violations")
	for i, cfg := range runs {
		cfg.Bin, cfg.Kills, cfg.Workers, cfg.Up, cfg.Seed, cfg.Log = bin, kills, workers, up, seed+uint64(i), os.Stderr
		cfg.Dir, err = os.MkdirTemp(dir, "run")
		if err != nil {
			return err
		}
		var drop func()
		if cfg.DB != "" {
			if cfg.DB, drop, err = schema(ctx, cfg.DB); err != nil {
				return err
			}
		}
		res, err := crash.Run(ctx, cfg)
		if drop != nil {
			drop()
		}
		if err != nil {
			return err
		}
		fmt.Printf("%-10s %8d %11s %9d %8d %8d %6d %9d %7d %10s %10d\n", res.Store, res.Replicas, fmt.Sprintf("%d(%d)", res.Kills, res.Terms), res.Requests, res.Retries,
			res.Changes, res.Buys, res.Renewals, res.Orders, res.Recovery.Round(time.Millisecond), len(res.Violations))
		for _, v := range res.Violations {
			fmt.Println("  violation:", v)
			failed = true
		}
		for _, n := range res.Notes {
			fmt.Println("  note:", n)
		}
	}
	if failed {
		return fmt.Errorf("violations found")
	}
	return nil
}

// schema creates a fresh schema for one run and returns a URL whose
// search_path names it, and a function that drops it.
func schema(ctx context.Context, base string) (string, func(), error) {
	var b [6]byte
	_, _ = rand.Read(b[:])
	name := "ecsd_crash_" + hex.EncodeToString(b[:])
	admin, err := sql.Open("pgx", base)
	if err != nil {
		return "", nil, err
	}
	if _, err := admin.ExecContext(ctx, "CREATE SCHEMA "+name); err != nil {
		admin.Close()
		return "", nil, err
	}
	u, err := url.Parse(base)
	if err != nil {
		admin.Close()
		return "", nil, err
	}
	q := u.Query()
	q.Set("search_path", name)
	u.RawQuery = q.Encode()
	return u.String(), func() {
		_, _ = admin.ExecContext(context.Background(), "DROP SCHEMA "+name+" CASCADE")
		admin.Close()
	}, nil
}
