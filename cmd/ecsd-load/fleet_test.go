package main

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/ecsd/ecsd/internal/ecsdtest"
	"github.com/ecsd/ecsd/internal/server"
)

// transitionDelay keeps a new instance Pending this long after its
// purchase, so that a preload returning at its last purchase would still
// see most of them Pending.
const transitionDelay = 2 * time.Second

// fleetTestConfig is a small fleet over two accounts.
func fleetTestConfig(endpoint string) config {
	return config{endpoint: endpoint, region: "cn-hangzhou", zone: "cn-hangzhou-h", concurrency: 4,
		fleet: fleetConfig{preload: 300, preloadAccounts: 2}}
}

// startServer runs an ecsd on the store named by kind ("sqlite" or
// "postgres") whose instances stay Pending for transitionDelay, and returns
// a client of its admin API.
func startServer(t *testing.T, kind string) *client {
	t.Helper()
	s := ecsdtest.Start(t, kind, ecsdtest.Options{Configure: func(c *server.Config) { c.TransitionDelay = transitionDelay }})
	c, err := newClient(s.Endpoint, s.Kit.AdminToken, "cn-hangzhou", 8)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestPreloadReturnsSettled(t *testing.T) {
	t.Parallel()
	for _, kind := range []string{"sqlite", "postgres"} {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			c := startServer(t, kind)
			cfg := fleetTestConfig(strings.TrimPrefix(c.base, "http://"))
			fl, err := preload(ctx, c, cfg)
			if err != nil {
				t.Fatalf("preload: %v", err)
			}
			// Every instance bought, each Running: none is left Pending.
			n, notRunning, example := 0, 0, ""
			for a, ids := range fl.ids {
				n += len(ids)
				for i := 0; i < len(ids); i += batchSize {
					batch := ids[i:min(i+batchSize, len(ids))]
					got, err := fl.accounts[a].describe(ctx, batch)
					if err != nil {
						t.Fatal(err)
					}
					if len(got) != len(batch) {
						t.Fatalf("DescribeInstances of %d ids: %d instances", len(batch), len(got))
					}
					for _, s := range got {
						if s.Status != "Running" {
							notRunning++
							example = s.InstanceId + " is " + s.Status
						}
					}
				}
			}
			if notRunning > 0 {
				t.Errorf("after the preload, %d instances are not Running (%s)", notRunning, example)
			}
			if n != cfg.fleet.preload {
				t.Errorf("preloaded %d instances, want %d", n, cfg.fleet.preload)
			}
			if fl.settleSeconds <= 0 {
				t.Errorf("settle time %v, want the wait measured", fl.settleSeconds)
			}
			var sum Summary
			(&sideStats{}).summarize(&sum, fl, time.Second)
			if sum.Fleet.SettleSeconds != fl.settleSeconds {
				t.Errorf("summary SettleSeconds = %v, want %v", sum.Fleet.SettleSeconds, fl.settleSeconds)
			}
		})
	}
}

// An instance that never leaves Pending (a subscription whose order is not
// paid) makes settle fail once the count has not fallen for the stall time.
func TestSettleFailsWithoutProgress(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	c := startServer(t, "sqlite")
	cfg := fleetTestConfig(strings.TrimPrefix(c.base, "http://"))
	if err := setStock(ctx, c, cfg); err != nil {
		t.Fatal(err)
	}
	ac, err := newAccount(ctx, c, cfg, "ecsd-fleet-unpaid")
	if err != nil {
		t.Fatal(err)
	}
	params := map[string]string{"ZoneId": cfg.zone, "ImageId": imageID, "InstanceType": smallType,
		"InstanceChargeType": "PrePaid", "Period": "1", "PeriodUnit": "Month", "AutoPay": "false"}
	if err := ac.rpc(ctx, "RunInstances", params, nil); err != nil {
		t.Fatal(err)
	}
	fl := &fleet{accounts: []*client{ac}}
	err = fl.settle(ctx, time.Second)
	if err == nil || !strings.Contains(err.Error(), "1 instances of 1 accounts still Pending") {
		t.Fatalf("settle with an unpaid instance: %v, want the stall error", err)
	}
}
