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
