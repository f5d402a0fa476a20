package ecs

import (
	"context"
	"github.com/ecsd/ecsd/internal/apierr"
	"log/slog"
	"time"

	"github.com/ecsd/ecsd/internal/billing"
	"github.com/ecsd/ecsd/internal/store"
)

// Timer kinds: deadlines of the domain clock.
const (
	timerExpiry        = "instance_expiry"
	timerUnpaidOrder   = "unpaid_order_expiry"
	timerReboot        = "instance_reboot"
	timerElasticRevert = "elastic_upgrade_revert"
)

// RunDueTimers does every piece of timed work due at or before now, in due
// order, each in its own transaction with its timer's compare-and-set, so
// that replicas running it together do each piece once. It returns how many
// it did.
func (s *Service) RunDueTimers(ctx context.Context, st *store.Store, now time.Time, log *slog.Logger) (int, error) {
	done := 0
	for {
		due, err := st.TimerListDue(ctx, now, 100)
		if err != nil {
			return done, err
		}
		if len(due) == 0 {
			return done, nil
		}
		for _, t := range due {
			err := st.InTx(ctx, func(tx *store.Tx) error {
				won, err := tx.TimerFinish(ctx, t.ID)
				if err != nil || !won {
					return err
				}
				return s.runTimer(ctx, tx, t)
			})
			if err != nil {
				// A timer whose work fails stays pending and is tried again.
				log.Error("timer failed", "kind", t.Kind, "subject", t.Subject, "err", err)
				return done, err
			}
			done++
		}
	}
}

func (s *Service) runTimer(ctx context.Context, tx *store.Tx, t *store.Timer) error {
	switch t.Kind {
	case timerExpiry:
		return s.expire(ctx, tx, t.Subject, t.DueAt)
	case timerReboot:
		return s.reboot(ctx, tx, t.Subject, t.DueAt)
	case timerAutoRelease:
		return s.autoRelease(ctx, tx, t.Subject, t.DueAt)
	case timerElasticRevert:
		return s.revertElastic(ctx, tx, t.Subject, t.DueAt)
	case timerUnpaidOrder:
		o, err := tx.OrderGetByID(ctx, t.Subject)
		if err != nil || o.PaymentStatus != store.PaymentUnpaid {
			return ignoreNotFound(err)
		}
		return s.cancelOrder(ctx, tx, o)
	}
	return nil
}

// expire handles a subscription reaching its ExpiredTime: with AutoRenew
// and enough balance it is renewed by AutoRenewPeriod; otherwise the
// instance is stopped and marked expired.
func (s *Service) expire(ctx context.Context, tx *store.Tx, id string, at time.Time) error {
	inst, err := tx.InstanceGetByID(ctx, id)
	if err != nil {
		return ignoreNotFound(err)
	}
	if inst.ChargeType != store.PrePaid || inst.Expired || inst.ExpiredTime.After(at) {
		return nil // renewed or released since the timer was set
	}
	if inst.AutoRenew {
		unit := billing.Month
		if inst.AutoRenewUnit == string(billing.Week) {
			unit = billing.Week
		}
		_, err := s.renew(ctx, tx, at, inst, inst.AutoRenewPeriod, unit)
		if err == nil {
			return nil
		}
		// Not enough balance, or overdue: the instance expires instead.
		if !apierr.InsufficientBalance.Is(err) && !apierr.AccountArrearage.Is(err) {
			return err
		}
	}
	if inst.Status != store.StatusStopped {
		if _, err := tx.InstanceTransition(ctx, inst.ID, inst.Status, store.StatusStopped, at); err != nil {
			return err
		}
	}
	return tx.InstanceSetExpiry(ctx, inst.ID, inst.ExpiredTime, true)
}

// renew creates and pays a Renew order for period units and moves the
// subscription's end, scheduling the next expiry.
func (s *Service) renew(ctx context.Context, tx *store.Tx, now time.Time, inst *store.Instance, period int, unit billing.PriceUnit) (*store.Order, error) {
	// The instance's lock comes before the account's (store's lock order):
	// a spec change of the same instance takes them in that order too.
	inst, err := tx.InstanceLock(ctx, inst.ID)
	if err != nil {
		return nil, err
	}
	price, err := billing.ListPrice(s.Catalog, inst.RegionID, inst.InstanceType, unit, period, 1)
	if err != nil {
		return nil, err
	}
	// A renewal extends the subscription from its end; an instance that has
	// already expired starts a new cycle from now instead, so it is never
	// charged for time that has passed.
	start, end := inst.ExpiredTime, billing.RenewalEnd(inst.ExpiredTime, period, unit)
	if inst.Expired {
		start, end = now, billing.SubscriptionEnd(now, period, unit)
	}
	o := &store.Order{
		ID: billing.NewOrderID(), AccountID: inst.AccountID, Type: store.OrderRenew, PaymentStatus: store.PaymentUnpaid,
		RegionID: inst.RegionID, ChargeType: store.PrePaid, InstanceType: inst.InstanceType, Quantity: 1,
		Amount: int64(price), UsageStart: start, UsageEnd: end, CreatedAt: now, InstanceIDs: []string{inst.ID},
		Config: orderConfig(map[string]any{"Period": period, "PeriodUnit": string(unit)}),
	}
	// Charge before writing anything: a renewal that cannot be paid leaves
	// no trace, and the expiry that tried it goes on to stop the instance.
	if err := s.charge(ctx, tx, now, o); err != nil {
		return nil, err
	}
	if err := tx.OrderInsert(ctx, o); err != nil {
		return nil, err
	}
	if err := tx.InstanceSetExpiry(ctx, inst.ID, end, false); err != nil {
		return nil, err
	}
	if err := tx.TimerCancel(ctx, timerExpiry, inst.ID); err != nil {
		return nil, err
	}
	if err := tx.TimerInsert(ctx, &store.Timer{Kind: timerExpiry, Subject: inst.ID, DueAt: end}); err != nil {
		return nil, err
	}
	return o, nil
}

func ignoreNotFound(err error) error {
	if err == store.ErrNotFound {
		return nil
	}
	return err
}
