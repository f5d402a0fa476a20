package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/ecsd/ecsd/internal/store"
	"github.com/ecsd/ecsd/internal/store/storetest"
)

// TestPublicIPUniquePerRegion: the constraint, not the caller, keeps a
// public IP to one instance of a region; the row goes with its instance.
func TestPublicIPUniquePerRegion(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, open storetest.Opener) {
		st := open(t)
		ctx := context.Background()
		now := time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC)
		if err := st.AccountInsert(ctx, &store.Account{ID: "1000000000000021", Name: "ips", Currency: "CNY", CreatedAt: now}); err != nil {
			t.Fatal(err)
		}
		add := func(id, region string) {
			t.Helper()
			if err := st.InstanceInsert(ctx, &store.Instance{ID: id, AccountID: "1000000000000021", RegionID: region, ZoneID: "z",
				InstanceType: "ecs.g6.large", Status: store.StatusRunning, ChargeType: store.PostPaid, CreationTime: now}); err != nil {
				t.Fatal(err)
			}
		}
		add("i-bpip1", "cn-hangzhou")
		add("i-bpip2", "cn-hangzhou")
		add("i-bpip3", "cn-shanghai")
		add("i-bpip4", "cn-hangzhou")
		insert := func(id, region, ip string) bool {
			t.Helper()
			ok, err := st.InternetInsert(ctx, &store.Internet{InstanceID: id, RegionID: region, ChargeType: "PayByTraffic", BandwidthIn: 10, BandwidthOut: 5, PublicIP: ip})
			if err != nil {
				t.Fatal(err)
			}
			return ok
		}
		if !insert("i-bpip1", "cn-hangzhou", "47.96.1.1") {
			t.Fatal("the first address was refused")
		}
		if insert("i-bpip2", "cn-hangzhou", "47.96.1.1") {
			t.Error("a second instance of the region got the same public IP")
		}
		if !insert("i-bpip3", "cn-shanghai", "47.96.1.1") {
			t.Error("the address was refused in another region")
		}
		if !insert("i-bpip2", "cn-hangzhou", "47.96.1.2") {
			t.Error("another address was refused")
		}
		// Without a public IP (0 Mbit/s out): any number of rows.
		if !insert("i-bpip4", "cn-hangzhou", "") {
			t.Error("a row without a public IP was refused")
		}
		got, err := st.InternetOfInstances(ctx, []string{"i-bpip1", "i-bpip2", "i-bpip4"})
		if err != nil || len(got) != 3 || got["i-bpip2"].PublicIP != "47.96.1.2" || got["i-bpip4"].PublicIP != "" || got["i-bpip1"].BandwidthOut != 5 {
			t.Fatalf("InternetOfInstances: %+v, %v", got, err)
		}
		// Released with its instance: the address is free again.
		if err := st.InstanceDelete(ctx, "i-bpip1"); err != nil {
			t.Fatal(err)
		}
		if got, _ := st.InternetOfInstances(ctx, []string{"i-bpip1"}); len(got) != 0 {
			t.Errorf("the row outlived its instance: %+v", got)
		}
		add("i-bpip5", "cn-hangzhou")
		if !insert("i-bpip5", "cn-hangzhou", "47.96.1.1") {
			t.Error("a released address was not given again")
		}
	})
}

// TestInstanceDetails: the details read together (pipelined on
// PostgreSQL's pool, in turn inside a transaction) are each instance's own.
func TestInstanceDetails(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, open storetest.Opener) {
		st := open(t)
		ctx := context.Background()
		now := time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC)
		const acct = "1000000000000031"
		if err := st.AccountInsert(ctx, &store.Account{ID: acct, Name: "details", Currency: "CNY", CreatedAt: now}); err != nil {
			t.Fatal(err)
		}
		for _, id := range []string{"i-bpdet1", "i-bpdet2"} {
			if err := st.InstanceInsert(ctx, &store.Instance{ID: id, AccountID: acct, RegionID: "cn-hangzhou", ZoneID: "z",
				InstanceType: "ecs.g6.large", Status: store.StatusRunning, ChargeType: store.PostPaid, CreationTime: now}); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := st.InternetInsert(ctx, &store.Internet{InstanceID: "i-bpdet1", RegionID: "cn-hangzhou", ChargeType: "PayByTraffic", BandwidthOut: 5, PublicIP: "47.96.9.9"}); err != nil {
			t.Fatal(err)
		}
		for _, kv := range [][2]string{{"b", "2"}, {"a", "1"}} {
			if err := st.ResourceTagSet(ctx, store.ResourceInstance, "i-bpdet2", kv[0], kv[1]); err != nil {
				t.Fatal(err)
			}
		}
		for k, id := range []string{"i-bpdet1", "i-bpdet1", "i-bpdet2"} {
			if err := st.DiskInsert(ctx, &store.Disk{ID: "d-bpdet" + string(rune('a'+k)), AccountID: acct, InstanceID: id, RegionID: "cn-hangzhou",
				ZoneID: "z", Type: store.DiskData, Category: "cloud_essd", Size: 20, Status: "In_use", CreationTime: now}); err != nil {
				t.Fatal(err)
			}
		}
		check := func(t *testing.T, q store.Q) {
			d, err := q.InstanceDetails(ctx, []string{"i-bpdet1", "i-bpdet2", "i-bpnone"})
			if err != nil {
				t.Fatal(err)
			}
			if n := d.Internet["i-bpdet1"]; n == nil || n.PublicIP != "47.96.9.9" || d.Internet["i-bpdet2"] != nil {
				t.Errorf("internet: %+v", d.Internet)
			}
			if tags := d.Tags["i-bpdet2"]; len(tags) != 2 || tags[0].Key != "a" || tags[1].Value != "2" || len(d.Tags["i-bpdet1"]) != 0 {
				t.Errorf("tags: %+v", d.Tags)
			}
			if d.DataDisks["i-bpdet1"] != 2 || d.DataDisks["i-bpdet2"] != 1 || d.DataDisks["i-bpnone"] != 0 {
				t.Errorf("data disks: %v", d.DataDisks)
			}
		}
		t.Run("pool", func(t *testing.T) { check(t, st.Q) })
		t.Run("transaction", func(t *testing.T) {
			if err := st.InTx(ctx, func(tx *store.Tx) error { check(t, tx.Q); return nil }); err != nil {
				t.Fatal(err)
			}
		})
	})
}
