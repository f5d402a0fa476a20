package ecsdtest_test

import (
	"context"
	"fmt"
	"time"

	ecs "github.com/alibabacloud-go/ecs-20140526/v7/client"
	"github.com/alibabacloud-go/tea/dara"

	"github.com/ecsd/ecsd/ecsdtest"
)

// A subscription instance bought and upgraded through Go SDK v2 against an
// ecsd of its own. In a test, ecsdtest.New(t) replaces Start and Close.
func Example() {
	srv, err := ecsdtest.Start(ecsdtest.WithClockStart(time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)))
	if err != nil {
		panic(err)
	}
	defer srv.Close()
	ctx := context.Background()
	client, _ := ecs.NewClient(srv.OpenAPIConfig())
	run, err := client.RunInstances(&ecs.RunInstancesRequest{
		RegionId: dara.String("cn-hangzhou"), ImageId: dara.String("aliyun_3_x64_20G_alibase_20240528.vhd"),
		InstanceType: dara.String("ecs.g6.large"), InstanceChargeType: dara.String("PrePaid"), Period: dara.Int32(1),
	})
	if err != nil {
		panic(err)
	}
	id := run.Body.InstanceIdSets.InstanceIdSet[0]
	_ = srv.Settle(ctx) // Pending → Running
	_, err = client.ModifyPrepayInstanceSpec(&ecs.ModifyPrepayInstanceSpecRequest{
		RegionId: dara.String("cn-hangzhou"), InstanceId: id, InstanceType: dara.String("ecs.g6.xlarge"),
	})
	if err != nil {
		panic(err)
	}
	_ = srv.Settle(ctx) // the change applies
	desc, _ := client.DescribeInstances(&ecs.DescribeInstancesRequest{RegionId: dara.String("cn-hangzhou")})
	inst := desc.Body.Instances.Instance[0]
	acc, _ := srv.Admin.Account(ctx, srv.AccountID)
	// 10000.00 − 300.00 for the month − 316.67 for the upgrade (760 h left).
	fmt.Println(*inst.InstanceType, *inst.Status, *inst.Cpu, acc.Balance)
	// Output: ecs.g6.xlarge Running 4 9383.33
}
