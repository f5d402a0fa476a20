package conformance

import (
	"errors"
	"sync"
	"sync/atomic"
	"testing"

	sdkerrors "github.com/aliyun/alibaba-cloud-sdk-go/sdk/errors"
	"github.com/aliyun/alibaba-cloud-sdk-go/services/ecs"

	"github.com/ecsd/ecsd/internal/ecsdtest"
)

// Renewals and spec changes of the same instances at once: a change takes
// the instance and then the account, and so must a renewal, or PostgreSQL
// ends one of them with a deadlock. Whatever the database does, no client
// sees a 5xx, and the balance still equals the ledger.
func TestRenewAndChangeTogether(t *testing.T) {
	ecsdtest.Each(t, ecsdtest.Options{}, func(t *testing.T, s *ecsdtest.Server) {
		a := lcAccount(t, s, "lock-order", "1000000.00", "0.00")
		a.patch(t, map[string]any{"DowngradeQuota": 100000, "RefundVCPUQuota": 1000000})
		ids := a.mustRun(t, lcPrePaid(1, "Month"), lcAmount(4), lcZone("cn-hangzhou-h")).InstanceIdSets.InstanceIdSet
		a.waitStatus(t, "Running", ids...)
		for _, id := range ids {
			r := ecs.CreateStopInstanceRequest()
			r.InstanceId = id
			if _, err := a.v1.StopInstance(r); err != nil {
				t.Fatal(err)
			}
		}
		a.waitStatus(t, "Stopped", ids...)

		const rounds = 30
		var changes, renewals, fivexx atomic.Int64
		var mu sync.Mutex
		var firstErr error
		fail := func(err error) {
			var se *sdkerrors.ServerError
			if errors.As(err, &se) && se.HttpStatus() < 500 {
				return // LastOrderProcessing and the like: the race decided
			}
			fivexx.Add(1)
			mu.Lock()
			if firstErr == nil {
				firstErr = err
			}
			mu.Unlock()
		}
		var wg sync.WaitGroup
		for k, id := range ids {
			c, r := a.fork(t), a.fork(t)
			wg.Go(func() {
				types := [2]string{"ecs.g6.xlarge", "ecs.g6.large"}
				for i := range rounds {
					if _, err := (scReq{InstanceId: id, InstanceType: types[(i+k)%2]}).modify(c.v1); err != nil {
						fail(err)
						continue
					}
					changes.Add(1)
				}
			})
			wg.Go(func() {
				for range rounds {
					if _, err := r.renew(id, 1, ""); err != nil {
						fail(err)
						continue
					}
					renewals.Add(1)
				}
			})
		}
		wg.Wait()
		if n := fivexx.Load(); n > 0 {
			t.Errorf("%d calls failed with a 5xx or no answer; first: %v", n, firstErr)
		}
		if changes.Load() == 0 || renewals.Load() == 0 {
			t.Errorf("accepted %d changes and %d renewals; want some of each", changes.Load(), renewals.Load())
		}
		lcLedger(t, s, a.ID)
	})
}
