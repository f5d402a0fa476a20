package conformance

import (
	"context"
	"database/sql"
	"testing"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"github.com/ecsd/ecsd/internal/ecs"
	"github.com/ecsd/ecsd/internal/ecsdtest"
	"github.com/ecsd/ecsd/internal/server"
)

// A job can run twice: a process killed after its work committed but before
// River marked it done has it rescued and run again. A spec change's job
// run again — at once, or after the next change of the instance was
// accepted — changes nothing.
func TestSpecChangeJobRunTwiceIsHarmless(t *testing.T) {
	ecsdtest.Each(t, ecsdtest.Options{Configure: func(c *server.Config) { c.ChangeDelay = time.Hour }}, func(t *testing.T, s *ecsdtest.Server) {
		a := lcAccount(t, s, "twice", "100000.00", "0.00")
		id := a.mustRun(t, lcPrePaid(1, "Month"), lcZone("cn-hangzhou-h")).InstanceIdSets.InstanceIdSet[0]
		a.waitStatus(t, "Running", id)
		first := scAccept(t, a, scReq{InstanceId: id, InstanceType: "ecs.g6.xlarge"})
		jobs := s.Server.ECS.Jobs.(*river.Client[*sql.Tx])
		ctx := context.Background()
		run := func(orderID string) {
			t.Helper()
			res, err := jobs.Insert(ctx, ecs.SpecChangeArgs{InstanceID: id, OrderID: orderID}, nil)
			if err != nil {
				t.Fatal(err)
			}
			deadline := time.Now().Add(15 * time.Second)
			for {
				j, err := jobs.JobGet(ctx, res.Job.ID)
				if err != nil {
					t.Fatal(err)
				}
				if j.State == rivertype.JobStateCompleted {
					return
				}
				if time.Now().After(deadline) {
					t.Fatalf("job of order %s: %s after 15s, errors %v", orderID, j.State, j.Errors)
				}
				time.Sleep(20 * time.Millisecond)
			}
		}
		run(first)
		cash, entries := lcLedger(t, s, a.ID)
		if got := a.one(t, id).InstanceType; got != "ecs.g6.xlarge" {
			t.Fatalf("after the change's job: %s", got)
		}
		run(first) // rescued after it had committed
		if got := a.one(t, id).InstanceType; got != "ecs.g6.xlarge" {
			t.Errorf("after the job ran twice: %s", got)
		}
		// The next change is accepted and in flight; the first one's job runs
		// once more.
		second := scAccept(t, a, scReq{InstanceId: id, InstanceType: "ecs.g6.2xlarge"})
		run(first)
		inst, err := s.Server.Store.InstanceGetByID(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if inst.InstanceType != "ecs.g6.xlarge" || inst.InFlightOrderID != second {
			t.Errorf("a stale job touched the instance: type %s, in flight %q (want ecs.g6.xlarge, %s)", inst.InstanceType, inst.InFlightOrderID, second)
		}
		cash2, entries2 := lcLedger(t, s, a.ID)
		if entries2 != entries+1 || cash2 >= cash {
			t.Errorf("ledger: %d entries and cash %d after the second change, had %d and %d: want one more entry, its payment", entries2, cash2, entries, cash)
		}
	})
}
