package store_test

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ecsd/ecsd/internal/store"
	"github.com/ecsd/ecsd/internal/store/storetest"
)

// largeTables are the tables that grow with the fleet: a statement on a
// request's path must reach their rows through an index.
var largeTables = []string{"instances", "disks", "orders", "order_instances", "instance_tags", "ledger_entries", "network_interfaces"}

// TestHotQueriesUseIndexes runs the statements behind the hot requests
// (DescribeInstances of one id and of a page, the quota checks of
// RunInstances and of a spec change, the order and disk look-ups) on a
// store of 20,000 instances over 10 accounts, and fails if the database
// plans a full scan of a large table for any of them or, on PostgreSQL,
// reads more of one than a page: their cost must not grow with the fleet.
func TestHotQueriesUseIndexes(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, open storetest.Opener) {
		st := open(t)
		ctx := context.Background()
		fillFleet(t, st, 10, 2000)
		var scans []string
		q := st.WithStatementHook(func(query string, args []any) {
			if plan := fullScans(t, st, query, args); plan != "" {
				scans = append(scans, plan+"\n  in: "+strings.Join(strings.Fields(query), " "))
			}
		})
		acc, region := "1000000000000103", "cn-hangzhou"
		id := "i-bpplan00000000007001"
		calls := []func() error{
			func() error { _, err := q.InstanceGetByID(ctx, id); return err },
			func() error { _, err := q.InstanceGetOwned(ctx, acc, region, id); return err },
			func() error {
				_, _, err := q.InstanceList(ctx, store.InstanceFilter{AccountID: acc, RegionID: region, IDs: []string{id}, Limit: 10})
				return err
			},
			func() error {
				_, _, err := q.InstanceList(ctx, store.InstanceFilter{AccountID: acc, RegionID: region, Limit: 100})
				return err
			},
			func() error {
				_, _, err := q.InstanceList(ctx, store.InstanceFilter{AccountID: acc, RegionID: region, Limit: 100, After: "1777593600007500_i-bpplan00000000007500"})
				return err
			},
			func() error {
				// The filters DescribeInstances adds to the columns, in a
				// creation window: the window bounds the index range, and
				// the ENI and disk conditions are looked up per instance.
				yes := true
				_, _, err := q.InstanceList(ctx, store.InstanceFilter{AccountID: acc, RegionID: region, Limit: 100,
					Types: []string{"ecs.g6.large"}, ImageID: "img", Ipv6: []string{"2408::1"},
					CreatedFrom: time.UnixMicro(1777593600007000), CreatedTo: time.UnixMicro(1777593600007100),
					ExpiresFrom: time.UnixMicro(1), DeviceAvailable: &yes, DiskLimits: map[string]int{"ecs.g6.large": 16}})
				return err
			},
			// A description's details: tags, groups, ENIs, internet row,
			// data disks (here in turn, each statement planned).
			func() error { _, err := q.InstanceDetails(ctx, []string{id}); return err },
			func() error {
				_, _, err := q.DiskList(ctx, store.DiskFilter{AccountID: acc, RegionID: region, Limit: 101, After: "1777593600007500|system|/dev/xvda|d-bpplan00000000007500"})
				return err
			},
			func() error { _, err := q.InstanceTypesInRegion(ctx, acc, region); return err },
			func() error { _, err := q.InstanceCountInRegion(ctx, acc, region); return err },
			func() error { _, err := q.DiskCapacityInZone(ctx, acc, "cn-hangzhou-h", "cloud_essd"); return err },
			func() error {
				_, _, err := q.DiskList(ctx, store.DiskFilter{AccountID: acc, RegionID: region, InstanceID: id, Limit: 100})
				return err
			},
			func() error {
				_, _, err := q.DiskList(ctx, store.DiskFilter{AccountID: acc, RegionID: region, Limit: 100})
				return err
			},
			func() error {
				_, _, err := q.OrderList(ctx, store.OrderFilter{AccountID: acc, Limit: 100})
				return err
			},
			func() error { _, err := q.OrderGet(ctx, acc, "900000000007001"); return err },
			func() error { _, err := q.NetworkInterfaceIPs(ctx, "vsw-plan070"); return err },
			func() error { _, err := q.OrderPaidByType(ctx, id); return err },
			func() error { _, err := q.OrderUnpaidOfInstance(ctx, acc, id); return err },
		}
		for _, call := range calls {
			if err := call(); err != nil {
				t.Fatal(err)
			}
		}
		if len(scans) > 0 {
			t.Fatalf("full scans of large tables:\n%s", strings.Join(scans, "\n"))
		}
	})
}

// maxRowsRead bounds what one hot statement may read of a large table: a
// page of 100 and a little more, whatever the size of the account.
const maxRowsRead = 150

// fullScans returns what is wrong with the statement's plan: a full scan of
// a large table on either database, or, on PostgreSQL (which can say how
// many rows each step read), more than maxRowsRead rows read from one.
func fullScans(t *testing.T, st *store.Store, query string, args []any) string {
	t.Helper()
	ctx := context.Background()
	if st.Dialect() == store.Postgres {
		if !strings.HasPrefix(strings.TrimSpace(query), "SELECT") {
			return "" // EXPLAIN ANALYZE would run a write twice
		}
		var out []byte
		if err := st.DB().QueryRowContext(ctx, "EXPLAIN (ANALYZE, FORMAT JSON) "+query, args...).Scan(&out); err != nil {
			t.Fatalf("explain %s: %v", query, err)
		}
		var plans []struct{ Plan pgPlan }
		if err := json.Unmarshal(out, &plans); err != nil {
			t.Fatal(err)
		}
		var bad []string
		plans[0].Plan.walk(func(p pgPlan) {
			if !slices.Contains(largeTables, p.Relation) {
				return
			}
			read := (p.ActualRows + p.RemovedByFilter + p.RemovedByIndexRecheck) * max(p.ActualLoops, 1)
			if p.NodeType == "Seq Scan" || read > maxRowsRead {
				bad = append(bad, fmt.Sprintf("%s on %s read %d rows", p.NodeType, p.Relation, read))
			}
		})
		return strings.Join(bad, "; ")
	}
	rows, err := st.DB().QueryContext(ctx, "EXPLAIN QUERY PLAN "+query, args...)
	if err != nil {
		t.Fatalf("explain %s: %v", query, err)
	}
	defer rows.Close()
	var bad []string
	for rows.Next() {
		var id, parent, unused int
		var detail string
		if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
			t.Fatal(err)
		}
		for _, table := range largeTables {
			// "SCAN t" reads the table whole; "SEARCH t" goes through an index.
			if detail == "SCAN "+table || strings.HasPrefix(detail, "SCAN "+table+" ") {
				bad = append(bad, detail)
			}
		}
	}
	return strings.Join(bad, "; ")
}

// pgPlan is a node of PostgreSQL's EXPLAIN (ANALYZE, FORMAT JSON).
type pgPlan struct {
	NodeType              string   `json:"Node Type"`
	Relation              string   `json:"Relation Name"`
	ActualRows            int      `json:"Actual Rows"`
	ActualLoops           int      `json:"Actual Loops"`
	RemovedByFilter       int      `json:"Rows Removed by Filter"`
	RemovedByIndexRecheck int      `json:"Rows Removed by Index Recheck"`
	Plans                 []pgPlan `json:"Plans"`
}

func (p pgPlan) walk(fn func(pgPlan)) {
	fn(p)
	for _, c := range p.Plans {
		c.walk(fn)
	}
}

// fillFleet stores accounts × perAccount instances in cn-hangzhou, each
// with a system disk, a tag and a paid New order, in a few statements, and
// has the database gather statistics.
func fillFleet(t *testing.T, st *store.Store, accounts, perAccount int) {
	t.Helper()
	ctx := context.Background()
	now := time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC)
	for a := range accounts {
		id := "10000000000001" + string(rune('0'+a/10)) + string(rune('0'+a%10))
		if err := st.AccountInsert(ctx, &store.Account{ID: id, Name: id, Currency: "CNY", CreatedAt: now}); err != nil {
			t.Fatal(err)
		}
	}
	n := accounts * perAccount
	series := "SELECT generate_series(1, $1) AS k"
	if st.Dialect() == store.SQLite {
		series = "WITH RECURSIVE s(k) AS (SELECT 1 UNION ALL SELECT k + 1 FROM s WHERE k < $1) SELECT k FROM s"
	}
	pad := func(expr string, width int) string { // zero-padded k, the same on both databases
		return "substr('00000000000000000000' || (" + expr + "), -" + strconv.Itoa(width) + ")"
	}
	if st.Dialect() == store.Postgres {
		pad = func(expr string, width int) string {
			return "lpad((" + expr + ")::text, " + strconv.Itoa(width) + ", '0')"
		}
	}
	acc := "'10000000000001' || " + pad("(k - 1) / "+strconv.Itoa(perAccount), 2)
	stmts := []string{
		`INSERT INTO instances (id, account_id, region_id, zone_id, instance_type, image_id, name, description, host_name, status,
			charge_type, expired_time, vpc_id, vswitch_id, security_group_id, private_ip, creation_time)
		SELECT 'i-bpplan' || ` + pad("k", 14) + `, ` + acc + `, 'cn-hangzhou', 'cn-hangzhou-h', 'ecs.g6.large', 'img', 'n', '', 'h', 'Running',
			'PrePaid', 0, 'vpc', 'vsw', 'sg', '172.16.0.1', 1777593600000000 + k FROM (` + series + `) s`,
		`INSERT INTO disks (id, account_id, instance_id, region_id, zone_id, disk_type, category, size, performance_level, device, status, creation_time)
		SELECT 'd-bpplan' || ` + pad("k", 14) + `, ` + acc + `, 'i-bpplan' || ` + pad("k", 14) + `, 'cn-hangzhou', 'cn-hangzhou-h', 'system',
			'cloud_essd', 40, 'PL0', '/dev/xvda', 'In_use', 1777593600000000 + k FROM (` + series + `) s`,
		`INSERT INTO network_interfaces (id, account_id, region_id, zone_id, vpc_id, vswitch_id, security_group_id, instance_id, eni_type,
			device_index, private_ip, mac_address, queue_number, creation_time)
		SELECT 'eni-bpplan' || ` + pad("k", 14) + `, ` + acc + `, 'cn-hangzhou', 'cn-hangzhou-h', 'vpc', 'vsw-plan' || ` + pad("(k - 1) / 100", 3) + `,
			'sg', 'i-bpplan' || ` + pad("k", 14) + `, 'Primary', 0, '172.16.0.1', '00:16:3e:00:00:01', 1, 0 FROM (` + series + `) s`,
		`INSERT INTO instance_tags (instance_id, tag_key, tag_value) SELECT 'i-bpplan' || ` + pad("k", 14) + `, 'env', 'ci' FROM (` + series + `) s`,
		`INSERT INTO orders (id, account_id, order_type, payment_status, region_id, charge_type, instance_type, quantity, amount,
			voucher_paid, cash_paid, usage_start, usage_end, config, created_at, paid_at, refunded_vcpu)
		SELECT '9' || ` + pad("k", 14) + `, ` + acc + `, 'New', 'Paid', 'cn-hangzhou', 'PrePaid', 'ecs.g6.large', 1, 30000,
			0, 30000, 0, 0, '{}', 1777593600000000 + k, 1777593600000000 + k, 0 FROM (` + series + `) s`,
		`INSERT INTO order_instances (order_id, instance_id) SELECT '9' || ` + pad("k", 14) + `, 'i-bpplan' || ` + pad("k", 14) + ` FROM (` + series + `) s`,
		`INSERT INTO ledger_entries (account_id, kind, amount, reason, order_id, created_at)
		SELECT ` + acc + `, 'cash', -30000, 'New', '9' || ` + pad("k", 14) + `, 1777593600000000 + k FROM (` + series + `) s`,
	}
	for _, s := range stmts {
		if _, err := st.DB().ExecContext(ctx, s, n); err != nil {
			t.Fatalf("%v\n%s", err, s)
		}
	}
	if _, err := st.DB().ExecContext(ctx, "ANALYZE"); err != nil {
		t.Fatal(err)
	}
}
