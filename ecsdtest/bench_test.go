package ecsdtest_test

import (
	"bytes"
	"context"
	"os"
	"testing"

	ecs "github.com/alibabacloud-go/ecs-20140526/v7/client"
	"github.com/alibabacloud-go/tea/dara"

	"github.com/ecsd/ecsd/ecsdtest"
)

// BenchmarkState measures a snapshot export, a load and a reset of a state
// with 500 instances (and their disks, orders and ledger), on SQLite and,
// with ECSD_TEST_POSTGRES_DSN, PostgreSQL:
//
//	go test ./ecsdtest -run '^$' -bench State -benchtime 10x
func BenchmarkState(b *testing.B) {
	stores := map[string][]ecsdtest.Option{"sqlite": nil}
	if dsn := os.Getenv("ECSD_TEST_POSTGRES_DSN"); dsn != "" {
		stores["postgres"] = []ecsdtest.Option{ecsdtest.WithPostgres(dsn)}
	}
	for name, opts := range stores {
		b.Run(name, func(b *testing.B) {
			srv := ecsdtest.New(b, opts...)
			ctx := context.Background()
			client, err := ecs.NewClient(srv.OpenAPIConfig())
			if err != nil {
				b.Fatal(err)
			}
			if _, err := srv.Admin.AdjustBalance(ctx, srv.AccountID, "1000000.00", "cash"); err != nil {
				b.Fatal(err)
			}
			if err := srv.Admin.SetStock(ctx, "cn-hangzhou-h", "ecs.g6.large", 1000); err != nil {
				b.Fatal(err)
			}
			for range 5 {
				_, err := client.RunInstances(&ecs.RunInstancesRequest{
					RegionId: dara.String("cn-hangzhou"), ZoneId: dara.String("cn-hangzhou-h"), ImageId: dara.String("aliyun_3_x64_20G_alibase_20240528.vhd"),
					InstanceType: dara.String("ecs.g6.large"), InstanceChargeType: dara.String("PrePaid"), Period: dara.Int32(1),
					Amount: dara.Int32(100),
				})
				if err != nil {
					b.Fatal(err)
				}
			}
			if err := srv.Settle(ctx); err != nil {
				b.Fatal(err)
			}
			var doc bytes.Buffer
			if err := srv.Admin.Snapshot(ctx, &doc); err != nil {
				b.Fatal(err)
			}
			b.ReportMetric(float64(doc.Len()), "doc-bytes")
			b.Run("export", func(b *testing.B) {
				for b.Loop() {
					var buf bytes.Buffer
					if err := srv.Admin.Snapshot(ctx, &buf); err != nil {
						b.Fatal(err)
					}
				}
			})
			b.Run("load", func(b *testing.B) {
				for b.Loop() {
					if _, err := srv.Admin.LoadSnapshot(ctx, bytes.NewReader(doc.Bytes())); err != nil {
						b.Fatal(err)
					}
				}
			})
			b.Run("reset", func(b *testing.B) {
				for b.Loop() {
					if _, err := srv.Admin.Reset(ctx); err != nil {
						b.Fatal(err)
					}
				}
			})
		})
	}
}
