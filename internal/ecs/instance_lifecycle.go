package ecs

import (
	"context"
	"math"
	"time"

	"github.com/ecsd/ecsd/internal/apierr"
	"github.com/ecsd/ecsd/internal/catalog"
	"github.com/ecsd/ecsd/internal/rpc"
	"github.com/ecsd/ecsd/internal/store"
)

// timerAutoRelease releases a pay-as-you-go instance at its AutoReleaseTime.
const timerAutoRelease = "instance_auto_release"

// Limits of an AutoReleaseTime (RunInstances and ModifyInstanceAutoReleaseTime
// docs): at least half an hour and at most three years from now.
const (
	autoReleaseMinLead = 30 * time.Minute
	autoReleaseMaxLead = 3 * 365 * 24 * time.Hour
)

// checkAutoReleaseTime reads an AutoReleaseTime (yyyy-MM-ddTHH:mm:ssZ or
// yyyy-MM-ddTHH:mmZ, UTC). Seconds are dropped, as ECS starts the release
// at the minute. Returns InvalidAutoReleaseTime.Malformed for a malformed
// time or one less than 30 minutes or more than three years ahead of now.
func checkAutoReleaseTime(raw string, now time.Time) (time.Time, error) {
	t, err := rpc.ParseTime(raw)
	if err != nil {
		return time.Time{}, apierr.InvalidAutoReleaseTimeMalformed.Newf("The specified parameter AutoReleaseTime is not valid: %v.", err)
	}
	t = t.Truncate(time.Minute)
	if t.Before(now.Add(autoReleaseMinLead)) {
		return time.Time{}, apierr.InvalidAutoReleaseTimeMalformed.Newf("The specified parameter AutoReleaseTime %s is not valid: it must be at least 30 minutes after the current time, %s.", raw, rpc.FormatTimeSeconds(now))
	}
	if t.After(now.Add(autoReleaseMaxLead)) {
		return time.Time{}, apierr.InvalidAutoReleaseTimeMalformed.Newf("The specified parameter AutoReleaseTime %s is not valid: it must be at most three years after the current time, %s.", raw, rpc.FormatTimeSeconds(now))
	}
	return t, nil
}

// burstable reports whether a type has CPU credits (CreditSpecification).
func burstable(t *catalog.InstanceType) bool {
	return t != nil && t.InstanceFamilyLevel == "CreditEntryLevel"
}

// checkCreditSpecification checks a performance mode for a type:
// InvalidParameter for a value other than Standard or Unlimited,
// InvalidParameter.CreditSpecification for a type without credits.
func checkCreditSpecification(t *catalog.InstanceType, typeID, v string) error {
	if v != "Standard" && v != "Unlimited" {
		return apierr.InvalidParameter.Newf("The specified parameter CreditSpecification %q is not valid; use Standard or Unlimited.", v)
	}
	if !burstable(t) {
		return apierr.InvalidParameterCreditSpecification.Newf("The specified CreditSpecification is not supported: %s is not a burstable instance type.", typeID)
	}
	return nil
}

// creditSpecification is the performance mode an instance reports: the one
// set, else Standard for a burstable type (the default), else none.
func creditSpecification(t *catalog.InstanceType, set string) string {
	if set == "" && burstable(t) {
		return "Standard"
	}
	return set
}

// lifecyclePlan is what a RunInstances request sets about its instances'
// life, checked.
type lifecyclePlan struct {
	store.InstanceLifecycle
	DeletionProtection  bool
	CreditSpecification string
}

// planLifecycle checks RunInstances' lifecycle parameters, in order:
//
//	AutoReleaseTime: well formed, 30 min to 3 years ahead      → InvalidAutoReleaseTime.Malformed
//	  and only for pay-as-you-go                                → ChargeTypeViolation
//	DeletionProtection only for pay-as-you-go (as documented)   → InvalidParameter
//	SpotStrategy NoSpot, SpotWithPriceLimit or SpotAsPriceGo    → InvalidSpotStrategy
//	  a spot strategy only for pay-as-you-go                    → InvalidSpotPrepaid
//	SpotPriceLimit > 0, with SpotWithPriceLimit and only then   → InvalidSpotPriceLimit
//	SpotDuration 0 or 1, spot only (default 1)                  → InvalidSpotDuration
//	SpotInterruptionBehavior Terminate or Stop, spot only       → InvalidSpotInterruptionBehavior
//	  Stop not with local disks                                 → InvalidSpotInterruptionBehavior.LocalDiskNotSupport
//	CreditSpecification Standard or Unlimited                   → InvalidParameter
//	  for burstable types only (default Standard)               → InvalidParameter.CreditSpecification
//
// ecsd never reclaims a spot instance: it runs until it is released.
func planLifecycle(req *RunInstancesRequest, t *catalog.InstanceType, prepaid bool, now time.Time) (lifecyclePlan, error) {
	var l lifecyclePlan
	if req.AutoReleaseTime != "" {
		at, err := checkAutoReleaseTime(req.AutoReleaseTime, now)
		if err != nil {
			return l, err
		}
		if prepaid {
			return l, apierr.ChargeTypeViolation.Newf("The operation is not permitted due to charge type of the instance: AutoReleaseTime applies to pay-as-you-go (PostPaid) instances only.")
		}
		l.AutoReleaseTime = at
	}
	if req.DeletionProtection {
		if prepaid {
			return l, apierr.InvalidParameter.Newf("The specified parameter DeletionProtection is not valid: release protection applies to pay-as-you-go (PostPaid) instances only.")
		}
		l.DeletionProtection = true
	}

	l.SpotStrategy = store.NoSpot
	switch req.SpotStrategy {
	case "", store.NoSpot:
	case store.SpotWithPriceLimit, store.SpotAsPriceGo:
		if prepaid {
			return l, apierr.InvalidSpotPrepaid.Newf("The specified Spot type is not support PrePay Instance: SpotStrategy %s needs InstanceChargeType PostPaid.", req.SpotStrategy)
		}
		l.SpotStrategy = req.SpotStrategy
	default:
		return l, apierr.InvalidSpotStrategy.Newf("The specified SpotStrategy %q is not valid; use NoSpot, SpotWithPriceLimit or SpotAsPriceGo.", req.SpotStrategy)
	}
	spot := l.SpotStrategy != store.NoSpot
	switch {
	case req.SpotPriceLimit != nil && l.SpotStrategy != store.SpotWithPriceLimit:
		return l, apierr.InvalidSpotPriceLimit.Newf("The specified SpotPriceLimit is not valid: it applies only with SpotStrategy SpotWithPriceLimit.")
	case req.SpotPriceLimit != nil:
		// Thousandths, as the price is "accurate to three decimal places"
		// (and a float32 from the SDK carries noise past them).
		l.SpotPriceLimit = int64(math.Round(*req.SpotPriceLimit * 1000))
		if l.SpotPriceLimit <= 0 {
			return l, apierr.InvalidSpotPriceLimit.Newf("The specified SpotPriceLimit %v is not valid: give the highest hourly price, above 0.", *req.SpotPriceLimit)
		}
	case l.SpotStrategy == store.SpotWithPriceLimit:
		return l, apierr.InvalidSpotPriceLimit.Newf("The specified SpotPriceLimit is not valid: SpotStrategy SpotWithPriceLimit needs SpotPriceLimit, the highest hourly price.")
	}
	if req.SpotDuration != nil {
		if !spot {
			return l, apierr.InvalidSpotDuration.Newf("The specified SpotDuration is not valid: it applies to spot instances only (SpotStrategy SpotWithPriceLimit or SpotAsPriceGo).")
		}
		if d := *req.SpotDuration; d != 0 && d != 1 {
			return l, apierr.InvalidSpotDuration.Newf("The specified SpotDuration %d is not valid; use 0 or 1 (hours).", d)
		}
		l.SpotDuration = *req.SpotDuration
	} else if spot {
		l.SpotDuration = 1
	}
	switch b := req.SpotInterruptionBehavior; {
	case b != "" && !spot:
		return l, apierr.InvalidSpotInterruptionBehavior.Newf("The specified SpotInterruptionBehavior is not valid: it applies to spot instances only (SpotStrategy SpotWithPriceLimit or SpotAsPriceGo).")
	case b != "" && b != "Terminate" && b != "Stop":
		return l, apierr.InvalidSpotInterruptionBehavior.Newf("The specified SpotInterruptionBehavior %q is not valid; use Terminate or Stop.", b)
	case b == "Stop" && t.LocalStorageAmount > 0:
		return l, apierr.InvalidSpotInterruptionBehaviorLocalDiskNotSupport.Newf("The specified SpotInterruptionBehavior does not support local disk instance: %s has local disks; use Terminate.", t.InstanceTypeId)
	case b != "":
		l.SpotInterruptionBehavior = b
	case spot:
		l.SpotInterruptionBehavior = "Terminate"
	}

	if req.CreditSpecification != "" {
		if err := checkCreditSpecification(t, t.InstanceTypeId, req.CreditSpecification); err != nil {
			return l, err
		}
		l.CreditSpecification = req.CreditSpecification
	} else {
		l.CreditSpecification = creditSpecification(t, "")
	}
	return l, nil
}

// setAutoRelease sets when the instance is released (zero: never) and
// replaces its release timer.
func setAutoRelease(ctx context.Context, tx *store.Tx, id string, at time.Time) error {
	if err := tx.InstanceSetAutoReleaseTime(ctx, id, at); err != nil {
		return err
	}
	if err := tx.TimerCancel(ctx, timerAutoRelease, id); err != nil || at.IsZero() {
		return err
	}
	return tx.TimerInsert(ctx, &store.Timer{Kind: timerAutoRelease, Subject: id, DueAt: at})
}

// autoRelease releases a pay-as-you-go instance that reached its
// AutoReleaseTime, as DeleteInstance releases it. Release protection does
// not hold it (it guards against manual release only), nor does its status.
func (s *Service) autoRelease(ctx context.Context, tx *store.Tx, id string, at time.Time) error {
	inst, err := tx.InstanceLock(ctx, id)
	if err != nil {
		return ignoreNotFound(err)
	}
	if inst.ChargeType != store.PostPaid || !inst.Lifecycle.AutoReleaseTime.Equal(at) {
		return nil // the time was changed or cleared, or the instance became a subscription
	}
	return s.release(ctx, tx, id)
}
