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
		_, err := s.renew(ctx, tx, at, inst, renewalTerm{period: inst.AutoRenewPeriod, unit: unit})
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

// renewalTerm is how long a renewal runs: period units, or (day > 0) to
// the day of the month ExpectedRenewDay names.
type renewalTerm struct {
	period int
	unit   billing.PriceUnit
	day    int
}

// renewalQuote is what renewing inst for term costs at now, with the
// subscription's new start and end: a renewal extends the subscription
// from its end; an instance that has already expired starts a new cycle
// from now instead, so it is never charged for time that has passed. The
// whole configuration is priced (instanceConfig), by billing.Price for a
// period and billing.UnifiedRenewal for a day.
func (s *Service) renewalQuote(ctx context.Context, q store.Q, now time.Time, inst *store.Instance, term renewalTerm) (start, end time.Time, quote billing.Quote, err error) {
	cfg, err := instanceConfig(ctx, q, inst)
	if err != nil {
		return start, end, quote, err
	}
	start = inst.ExpiredTime
	if inst.Expired {
		start = now
	}
	if term.day > 0 {
		end, quote, err = billing.UnifiedRenewal(s.Catalog, cfg, start, term.day)
		return start, end, quote, err
	}
	end = billing.RenewalEnd(inst.ExpiredTime, term.period, term.unit)
	if inst.Expired {
		end = billing.SubscriptionEnd(now, term.period, term.unit)
	}
	quote, err = billing.Price(s.Catalog, cfg, term.unit, term.period, 1)
	return start, end, quote, err
}

// renew creates and pays a Renew order for the term and moves the
// subscription's end, scheduling the next expiry.
func (s *Service) renew(ctx context.Context, tx *store.Tx, now time.Time, inst *store.Instance, term renewalTerm) (*store.Order, error) {
	// The instance's lock comes before the account's (store's lock order):
	// a spec change of the same instance takes them in that order too.
	inst, err := tx.InstanceLock(ctx, inst.ID)
	if err != nil {
		return nil, err
	}
	start, end, quote, err := s.renewalQuote(ctx, tx.Q, now, inst, term)
	if err != nil {
		return nil, err
	}
	cfg := map[string]any{"Period": term.period, "PeriodUnit": string(term.unit)}
	if term.day > 0 {
		cfg = map[string]any{"ExpectedRenewDay": term.day}
	}
	o := &store.Order{
		ID: billing.NewOrderID(), AccountID: inst.AccountID, Type: store.OrderRenew, PaymentStatus: store.PaymentUnpaid,
		RegionID: inst.RegionID, ChargeType: store.PrePaid, InstanceType: inst.InstanceType, Quantity: 1,
		Amount: int64(quote.Total), UsageStart: start, UsageEnd: end, CreatedAt: now, InstanceIDs: []string{inst.ID},
		Config: orderConfig(cfg),
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
