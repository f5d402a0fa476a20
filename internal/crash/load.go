package crash

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/aliyun/alibaba-cloud-sdk-go/sdk"
	"github.com/aliyun/alibaba-cloud-sdk-go/sdk/auth/credentials"
	sdkerrors "github.com/aliyun/alibaba-cloud-sdk-go/sdk/errors"
	"github.com/aliyun/alibaba-cloud-sdk-go/sdk/requests"
	"github.com/aliyun/alibaba-cloud-sdk-go/services/ecs"
	"github.com/google/uuid"
)

const (
	region    = "cn-hangzhou"
	zone      = "cn-hangzhou-h"
	smallType = "ecs.g6.large"
	bigType   = "ecs.g6.xlarge"
	image     = "aliyun_3_x64_20G_alibase_20240528.vhd"
	// giveUp is how long an unanswered request is retried (across kills
	// and restarts) before it counts as lost.
	giveUp = 60 * time.Second
)

// admin calls the admin API of the process at addr.
func admin(ctx context.Context, addr, token, method, path string, in, out any) error {
	var body io.Reader
	if in != nil {
		b, _ := json.Marshal(in)
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, "http://"+addr+path, body)
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("%s %s: HTTP %d %s", method, path, resp.StatusCode, raw)
	}
	if out != nil {
		return json.Unmarshal(raw, out)
	}
	return nil
}

// counts is what the load did.
type counts struct {
	requests, retries, lost                 atomic.Int64
	buys, changes, renewals, reads, refused atomic.Int64
}

// loader sends signed requests (Go SDK v1, RPC v1 signatures) to every
// process, recording each accepted OrderId.
type loader struct {
	addrs       []string
	keyID, secr string
	c           *counts

	mu       sync.Mutex
	accepted map[string]bool
	errs     []string
}

func (l *loader) accept(orderID string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.accepted[orderID] = true
}

func (l *loader) failure(format string, args ...any) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.errs) < 20 {
		l.errs = append(l.errs, fmt.Sprintf(format, args...))
	}
}

// worker has one SDK client per process and the instances it bought.
type worker struct {
	l       *loader
	clients []*ecs.Client
	rnd     *rand.Rand
	mine    []*instance
}

type instance struct {
	id   string
	want string // the type the latest accepted change asked for
}

func (l *loader) newWorker(seed uint64) (*worker, error) {
	w := &worker{l: l, rnd: rand.New(rand.NewPCG(seed, 7))}
	for _, a := range l.addrs {
		cfg := sdk.NewConfig().WithScheme("HTTP").WithAutoRetry(false).WithTimeout(10 * time.Second)
		c, err := ecs.NewClientWithOptions(region, cfg, credentials.NewAccessKeyCredential(l.keyID, l.secr))
		if err != nil {
			return nil, err
		}
		c.Domain = a
		w.clients = append(w.clients, c)
	}
	return w, nil
}

// call sends a request built afresh by build to a random process until it
// is answered (success or a 4xx): a request without an answer, or with a
// 5xx, may have been committed, and its ClientToken makes the retry return
// what was committed instead of doing it twice. It returns the 4xx error,
// or errLost after giveUp.
func (w *worker) call(ctx context.Context, do func(*ecs.Client) error) error {
	start := time.Now()
	for attempt := 0; ; attempt++ {
		w.l.c.requests.Add(1)
		if attempt > 0 {
			w.l.c.retries.Add(1)
		}
		err := do(w.clients[w.rnd.IntN(len(w.clients))])
		var se *sdkerrors.ServerError
		if err == nil {
			return nil
		}
		if errors.As(err, &se) && se.HttpStatus() < 500 {
			return err
		}
		if time.Since(start) > giveUp {
			w.l.c.lost.Add(1)
			w.l.failure("unanswered for %s: %v", giveUp, err)
			return errLost
		}
		// The process is down or restarting; the servers' own 503s are
		// retried the same way.
		select {
		case <-time.After(time.Duration(50+w.rnd.IntN(150)) * time.Millisecond):
		case <-ctx.Done():
			// Still retried: an unanswered request must end answered
			// before the store is checked.
			time.Sleep(100 * time.Millisecond)
		}
	}
}

var errLost = errors.New("request lost")

func code(err error) string {
	var se *sdkerrors.ServerError
	if errors.As(err, &se) {
		return se.ErrorCode()
	}
	return err.Error()
}

// run sends a mix until ctx ends: buys (10%), spec changes (45%), renewals
// (15%), reads (30%).
func (w *worker) run(ctx context.Context) {
	for ctx.Err() == nil {
		p := w.rnd.IntN(100)
		switch {
		case p < 10 || len(w.mine) == 0:
			w.buy(ctx)
		case p < 55:
			w.change(ctx)
		case p < 70:
			w.renew(ctx)
		default:
			w.read(ctx)
		}
	}
}

func (w *worker) buy(ctx context.Context) {
	token := uuid.NewString()
	var resp *ecs.RunInstancesResponse
	err := w.call(ctx, func(c *ecs.Client) error {
		r := ecs.CreateRunInstancesRequest()
		r.RegionId, r.ZoneId, r.ImageId, r.InstanceType = region, zone, image, smallType
		r.InstanceChargeType, r.Period, r.PeriodUnit = "PrePaid", requests.NewInteger(1), "Month"
		r.ClientToken = token
		var err error
		resp, err = c.RunInstances(r)
		return err
	})
	if err != nil {
		if err != errLost {
			w.l.c.refused.Add(1)
			w.l.failure("RunInstances refused: %v", code(err))
		}
		return
	}
	w.l.accept(resp.OrderId)
	w.l.c.buys.Add(1)
	id := resp.InstanceIdSets.InstanceIdSet[0]
	// A downgrade needs a Stopped instance: stop it once it has started.
	deadline := time.Now().Add(giveUp)
	for time.Now().Before(deadline) {
		err := w.call(ctx, func(c *ecs.Client) error {
			r := ecs.CreateStopInstanceRequest()
			r.InstanceId = id
			_, err := c.StopInstance(r)
			return err
		})
		if err == nil || code(err) == "IncorrectInstanceStatus" && w.status(ctx, id) == "Stopped" {
			w.mine = append(w.mine, &instance{id: id, want: smallType})
			return
		}
		if err == errLost {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	w.l.failure("instance %s never stopped", id)
}

func (w *worker) status(ctx context.Context, id string) string {
	var st string
	_ = w.call(ctx, func(c *ecs.Client) error {
		r := ecs.CreateDescribeInstanceAttributeRequest()
		r.InstanceId = id
		resp, err := c.DescribeInstanceAttribute(r)
		if err == nil {
			st = resp.Status
		}
		return err
	})
	return st
}

func (w *worker) change(ctx context.Context) {
	inst := w.mine[w.rnd.IntN(len(w.mine))]
	to := bigType
	if inst.want == bigType {
		to = smallType
	}
	token := uuid.NewString()
	var resp *ecs.ModifyPrepayInstanceSpecResponse
	err := w.call(ctx, func(c *ecs.Client) error {
		r := ecs.CreateModifyPrepayInstanceSpecRequest()
		r.RegionId, r.InstanceId, r.InstanceType, r.ClientToken = region, inst.id, to, token
		var err error
		resp, err = c.ModifyPrepayInstanceSpec(r)
		return err
	})
	switch {
	case err == nil:
		w.l.accept(resp.OrderId)
		w.l.c.changes.Add(1)
		inst.want = to
	case err == errLost, code(err) == "LastOrderProcessing", code(err) == "InvalidInstanceStatus":
		// The previous change, or the stop, is still being applied.
	default:
		w.l.c.refused.Add(1)
		w.l.failure("ModifyPrepayInstanceSpec %s → %s refused: %v", inst.id, to, code(err))
	}
}

func (w *worker) renew(ctx context.Context) {
	inst := w.mine[w.rnd.IntN(len(w.mine))]
	token := uuid.NewString()
	var resp *ecs.RenewInstanceResponse
	err := w.call(ctx, func(c *ecs.Client) error {
		r := ecs.CreateRenewInstanceRequest()
		r.InstanceId, r.Period, r.PeriodUnit, r.ClientToken = inst.id, requests.NewInteger(1), "Month", token
		var err error
		resp, err = c.RenewInstance(r)
		return err
	})
	switch {
	case err == nil:
		w.l.accept(resp.OrderId)
		w.l.c.renewals.Add(1)
	case err != errLost:
		w.l.c.refused.Add(1)
		w.l.failure("RenewInstance %s refused: %v", inst.id, code(err))
	}
}

func (w *worker) read(ctx context.Context) {
	err := w.call(ctx, func(c *ecs.Client) error {
		r := ecs.CreateDescribeInstancesRequest()
		r.RegionId, r.PageSize = region, requests.NewInteger(20)
		_, err := c.DescribeInstances(r)
		return err
	})
	if err == nil {
		w.l.c.reads.Add(1)
	}
}
