package ecs

import (
	"context"
	"encoding/json"
	"slices"
	"time"

	"github.com/ecsd/ecsd/internal/apierr"
	"github.com/ecsd/ecsd/internal/billing"
	"github.com/ecsd/ecsd/internal/money"
	"github.com/ecsd/ecsd/internal/rpc"
	"github.com/ecsd/ecsd/internal/store"
)

// ModifyInstanceChargeTypeRequest is ModifyInstanceChargeType's input.
type ModifyInstanceChargeTypeRequest struct {
	rpc.AccountDelegation
	RegionId           string `param:"RegionId,required"`
	InstanceIds        string `param:"InstanceIds,required"` // a JSON array, parsed by the handler for its own code
	InstanceChargeType string `param:"InstanceChargeType"`
	Period             *int   `param:"Period"`
	PeriodUnit         string `param:"PeriodUnit"`
	AutoPay            *bool  `param:"AutoPay"`
	IncludeDataDisks   bool   `param:"IncludeDataDisks"`
	DryRun             bool   `param:"DryRun"`
	ClientToken        string `param:"ClientToken"`
	IsDetailFee        bool   `param:"IsDetailFee"`
}

// ModifyInstanceChargeTypeResponse is its answer.
type ModifyInstanceChargeTypeResponse struct {
	rpc.Response
	OrderId        string
	FeeOfInstances struct {
		FeeOfInstance []FeeOfInstance
	}
}

// FeeOfInstance is what the change costs (a refund is negative) for one
// instance.
type FeeOfInstance struct {
	InstanceId, Fee, Currency string
}

// maxChargeTypeInstances is how many instances one call may change.
const maxChargeTypeInstances = 20

// convertConfig is what an order of a change to PrePaid records: enough
// to start the subscription when it is paid.
type convertConfig struct {
	Period           int
	PeriodUnit       string
	IncludeDataDisks bool
}

// modifyInstanceChargeType handles ModifyInstanceChargeType.
//
// PrePaid → PostPaid gives back the rest of the subscription: for each
// instance the downgrade refund of ARCHITECTURE.md §5 with P(new) = 0 (the
// cash share of P × Hd / 720, P the whole configuration's monthly price,
// billing.Monthly), in one Refund order, and the instances are
// pay-as-you-go at once. PostPaid → PrePaid buys Period × PeriodUnit like
// a purchase (billing.Price of the configuration, data disks only with
// IncludeDataDisks), in one Convert order: paid now (AutoPay, the default), or
// Unpaid until paid through the admin API, the instances held meanwhile.
// A change of charge type takes the instance's in-flight claim, the one a
// spec change takes, so the two never run at once.
func (s *Service) modifyInstanceChargeType(ctx context.Context, env *rpc.Env, req *ModifyInstanceChargeTypeRequest) (*ModifyInstanceChargeTypeResponse, error) {
	tx, now := env.Tx, env.Now
	region, err := s.region(req.RegionId)
	if err != nil {
		return nil, err
	}
	// 1. The instances: a JSON array of up to 20 distinct ids.
	var ids []string
	if json.Unmarshal([]byte(req.InstanceIds), &ids) != nil || len(ids) == 0 || slices.Contains(ids, "") {
		return nil, apierr.InvalidParameterInstanceIds.Newf("The specified InstanceIds are invalid: %q is not a JSON array of instance ids.", req.InstanceIds)
	}
	if len(ids) > maxChargeTypeInstances {
		return nil, apierr.InstancesIdQuotaExceed.Newf("The maximum number of Instances is exceeded: %d given, at most %d.", len(ids), maxChargeTypeInstances)
	}
	if len(slices.Compact(slices.Sorted(slices.Values(ids)))) != len(ids) {
		return nil, apierr.InvalidParameterInstanceIds.Newf("The specified InstanceIds are invalid: an id is given twice.")
	}
	// 2. The target charge type and what it needs.
	target := req.InstanceChargeType
	autoPay := req.AutoPay == nil || *req.AutoPay
	var period int
	var unit billing.PriceUnit
	switch target {
	case "", store.PrePaid:
		target = store.PrePaid
		if req.Period == nil {
			return nil, apierr.MissingParameter.New("Period")
		}
		if period, unit, err = parsePeriod(*req.Period, req.PeriodUnit); err != nil {
			return nil, err
		}
	case store.PostPaid:
		if req.Period != nil || req.PeriodUnit != "" {
			return nil, apierr.InvalidPeriodUnitMismatch.Newf("The specified Period must be correlated with the PeriodUnit: Period and PeriodUnit apply only to a change to PrePaid.")
		}
	default:
		return nil, apierr.InvalidInstanceChargeTypeValueNotSupported.Newf("The specified InstanceChargeType %q is not supported; use PrePaid or PostPaid.", target)
	}
	// 3. The account can pay and has no overdue payment.
	acc, err := tx.AccountGetByID(ctx, env.Caller.AccountID)
	if err != nil {
		return nil, err
	}
	if acc.Flags.NoBillingMethod {
		return nil, apierr.BillingMethodNotFound.New()
	}
	if acc.Flags.OverduePayment {
		return nil, apierr.AccountArrearageForbidden.New()
	}
	// 4. Each instance: yours, not locked, Running or Stopped, of the other
	// charge type, not expired, with no order unpaid or change in flight.
	var insts []*store.Instance
	fees := map[string]money.Amount{}
	var total money.Amount
	for _, id := range ids {
		inst, err := ownInstance(ctx, tx.Q, env.Caller, region.RegionId, id)
		if err != nil {
			return nil, err
		}
		if err := allowedOn(ctx, env, "ecs:ModifyInstanceChargeType", inst.AccountID, inst.RegionID, "instance/"+inst.ID); err != nil {
			return nil, err
		}
		if err := checkNotLocked(inst); err != nil {
			return nil, err
		}
		if inst.ChargeType == target {
			return nil, apierr.InvalidInstanceChargeTypeValueNotSupported.Newf("The specified InstanceChargeType is not supported: %s is already %s.", inst.ID, target)
		}
		if inst.Lifecycle.SpotStrategy != store.NoSpot {
			return nil, apierr.InvalidSpotStrategy.Newf("The specified SpotStrategy is not valid: %s is a spot instance (%s), and a spot instance cannot change its charge type.", inst.ID, inst.Lifecycle.SpotStrategy)
		}
		if inst.Status != store.StatusRunning && inst.Status != store.StatusStopped {
			return nil, apierr.InvalidStatusValueNotSupported.Newf("The current status of the resource does not support this operation: %s is %s; it must be Running or Stopped.", inst.ID, inst.Status)
		}
		if inst.ChargeType == store.PrePaid && (inst.Expired || !inst.ExpiredTime.After(now)) {
			return nil, apierr.ExpiredInstance.Newf("The specified instance has expired: %s expired at %s.", inst.ID, rpc.FormatTime(inst.ExpiredTime))
		}
		if err := s.checkOrders(ctx, tx.Q, inst, now); err != nil {
			return nil, err
		}
		// 5. The money: the refund of the rest of the subscription, or
		// the price of the new one.
		var fee money.Amount
		cfg, err := instanceConfig(ctx, tx.Q, inst)
		if err != nil {
			return nil, err
		}
		if target == store.PostPaid {
			m, err := billing.Monthly(s.Catalog, cfg)
			if err != nil {
				return nil, err
			}
			refund, err := refundOf(ctx, tx.Q, inst, m.Total, 0, now)
			if err != nil {
				return nil, err
			}
			fee = -refund
		} else {
			if !req.IncludeDataDisks {
				cfg.DataDisks = nil // they stay pay-as-you-go
			}
			q, err := billing.Price(s.Catalog, cfg, unit, period, 1)
			if err != nil {
				return nil, err
			}
			fee = q.Total
		}
		fees[inst.ID] = fee
		total += fee
		insts = append(insts, inst)
	}
	// 6. A RAM user needs the refund permission for a refund, the price
	// permission for an order left unpaid.
	if err := checkMoneyPermissions(ctx, env, target == store.PrePaid && !autoPay, target == store.PostPaid); err != nil {
		return nil, err
	}
	if req.DryRun {
		return nil, apierr.DryRunOperation.New()
	}

	o := &store.Order{
		ID: billing.NewOrderID(), AccountID: acc.ID, PaymentStatus: store.PaymentUnpaid, RegionID: region.RegionId,
		ChargeType: store.PrePaid, InstanceType: insts[0].InstanceType, Quantity: len(insts), Amount: int64(total),
		UsageStart: now, CreatedAt: now, InstanceIDs: ids,
	}
	if target == store.PostPaid {
		o.Type = store.OrderRefund
		o.UsageEnd = insts[0].ExpiredTime
	} else {
		o.Type, o.UsageEnd = store.OrderConvert, billing.SubscriptionEnd(now, period, unit)
		o.Config = orderConfig(map[string]any{"Period": period, "PeriodUnit": string(unit), "IncludeDataDisks": req.IncludeDataDisks})
	}
	// The compare-and-set first: of concurrent changes of an instance one
	// wins, and the others stop before touching money.
	for _, inst := range insts {
		won, err := tx.InstanceClaimChange(ctx, inst.ID, o.ID, inst.ChargeType)
		if err != nil {
			return nil, err
		}
		if !won {
			return nil, apierr.LastOrderProcessing.Newf("The previous order is still processing, please try again later: another change of %s is under way.", inst.ID)
		}
	}
	switch {
	case target == store.PostPaid:
		// Refunds go to the cash balance at once, whatever AutoPay says;
		// vouchers are never refunded.
		o.CashPaid, o.PaymentStatus, o.PaidAt = int64(total), store.PaymentPaid, now
		if err := billing.Refund(ctx, tx, now, o.AccountID, o.ID, -total); err != nil {
			return nil, err
		}
	case autoPay:
		if err := s.charge(ctx, tx, now, o); err != nil {
			if apierr.InsufficientBalance.Is(err) {
				return nil, apierr.InvalidAccountStatusNotEnoughBalance.Newf("Your account does not have enough balance: the subscription costs %s.", total)
			}
			return nil, err
		}
	}
	if err := tx.OrderInsert(ctx, o); err != nil {
		return nil, err
	}
	switch {
	case target == store.PostPaid:
		for _, inst := range insts {
			if err := s.applyChargeType(ctx, tx, inst.ID, o.ID, store.ChargeTypeChange{ChargeType: store.PostPaid}, ""); err != nil {
				return nil, err
			}
		}
	case autoPay:
		if err := s.fulfilConvert(ctx, tx, o); err != nil {
			return nil, err
		}
	default:
		if err := tx.TimerInsert(ctx, &store.Timer{Kind: timerUnpaidOrder, Subject: o.ID, DueAt: now.Add(s.UnpaidOrderTTL)}); err != nil {
			return nil, err
		}
	}
	resp := &ModifyInstanceChargeTypeResponse{OrderId: o.ID}
	resp.FeeOfInstances.FeeOfInstance = []FeeOfInstance{}
	if req.IsDetailFee {
		for _, id := range ids {
			resp.FeeOfInstances.FeeOfInstance = append(resp.FeeOfInstances.FeeOfInstance, FeeOfInstance{InstanceId: id, Fee: fees[id].String(), Currency: acc.Currency})
		}
	}
	return resp, nil
}

// fulfilConvert starts the subscriptions a paid Convert order bought: from
// its payment for the period, with the expiry timer; the data disks become
// subscription disks with IncludeDataDisks, else stay pay-as-you-go.
func (s *Service) fulfilConvert(ctx context.Context, tx *store.Tx, o *store.Order) error {
	var cfg convertConfig
	if err := json.Unmarshal([]byte(o.Config), &cfg); err != nil {
		return err
	}
	expires := billing.SubscriptionEnd(o.PaidAt, cfg.Period, billing.PriceUnit(cfg.PeriodUnit))
	disks := store.PostPaid
	if cfg.IncludeDataDisks {
		disks = ""
	}
	for _, id := range o.InstanceIDs {
		c := store.ChargeTypeChange{ChargeType: store.PrePaid, ExpiredTime: expires, AutoRenewUnit: cfg.PeriodUnit}
		if err := s.applyChargeType(ctx, tx, id, o.ID, c, disks); err != nil {
			return err
		}
		if err := tx.TimerInsert(ctx, &store.Timer{Kind: timerExpiry, Subject: id, DueAt: expires}); err != nil {
			return err
		}
	}
	return nil
}

// applyChargeType writes a change of charge type that orderID holds in
// flight, and releases the claim. A pay-as-you-go instance has no expiry;
// its disks follow it, data disks keeping diskChargeType when set.
func (s *Service) applyChargeType(ctx context.Context, tx *store.Tx, id, orderID string, c store.ChargeTypeChange, diskChargeType string) error {
	applied, err := tx.InstanceApplyChargeType(ctx, id, orderID, c)
	if err != nil || !applied {
		return err
	}
	if c.ChargeType == store.PostPaid {
		if err := tx.TimerCancel(ctx, timerExpiry, id); err != nil {
			return err
		}
	} else if err := setAutoRelease(ctx, tx, id, time.Time{}); err != nil {
		return err // a subscription is never released automatically
	}
	return tx.DiskSetChargeType(ctx, id, diskChargeType)
}
