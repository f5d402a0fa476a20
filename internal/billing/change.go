package billing

import (
	"math/big"
	"time"

	"github.com/ecsd/ecsd/internal/money"
)

// ChangeFee is UpgradeFee over whole configurations, with its lines: old
// and new are the monthly quotes (Monthly) before and after the change, and
// each line is a module's share of the fee (the difference of its monthly
// prices, prorated as Price prorates), so a change that moves a disk to a
// dearer category pays for the disk too. The total is
// UpgradeFee(P(old), P(new)); when that is 0 every line is 0.
func ChangeFee(old, new Quote, now, until time.Time) Quote {
	var delta Quote
	for _, l := range new.Lines {
		delta.Lines = append(delta.Lines, Line{l.Resource, l.Price - old.price(l.Resource)})
	}
	for _, l := range old.Lines {
		if !new.has(l.Resource) {
			delta.Lines = append(delta.Lines, Line{l.Resource, -l.Price})
		}
	}
	h := hoursLeft(now, until)
	if h <= 0 || new.Total <= old.Total {
		for i := range delta.Lines {
			delta.Lines[i].Price = 0
		}
		return delta
	}
	return delta.prorate(h, HoursPerMonth)
}

func (q Quote) price(resource string) money.Amount {
	for _, l := range q.Lines {
		if l.Resource == resource {
			return l.Price
		}
	}
	return 0
}

func (q Quote) has(resource string) bool {
	for _, l := range q.Lines {
		if l.Resource == resource {
			return true
		}
	}
	return false
}

// hoursLeft is H = ceil((until − now) / 1h).
func hoursLeft(now, until time.Time) int64 {
	h := int64(until.Sub(now) / time.Hour)
	if until.Sub(now)%time.Hour > 0 {
		h++
	}
	return h
}

// UpgradeFee is what moving from a type with monthly price pOld to one with
// pNew costs from now until until (the subscription's end, or a temporary
// upgrade's EndTime): H = ceil((until − now) / 1h) and
// fee = (pNew − pOld) × H / 720, rounded once (ARCHITECTURE.md §5).
func UpgradeFee(pOld, pNew money.Amount, now, until time.Time) money.Amount {
	h := hoursLeft(now, until)
	if h <= 0 || pNew <= pOld {
		return 0
	}
	return money.MulDivRound(pNew-pOld, h, HoursPerMonth)
}

// DowngradeRefund is what a downgrade from pOld to pNew gives back now:
// Hd = floor((expires − now) / 1h), value = (pOld − pNew) × Hd / 720, and
// the refund is the cash share of that value, cash / (cash + vouchers) paid
// for the instance, rounded once and capped at the cash not yet refunded.
// Vouchers are never refunded.
func DowngradeRefund(pOld, pNew money.Amount, now, expires time.Time, cashPaid, voucherPaid, cashRefunded money.Amount) money.Amount {
	hd := int64(expires.Sub(now) / time.Hour)
	total := cashPaid + voucherPaid
	if hd <= 0 || pOld <= pNew || total <= 0 || cashPaid <= 0 {
		return 0
	}
	// (pOld − pNew) × Hd × cash / (720 × total), in exact arithmetic.
	num := new(big.Int).Mul(big.NewInt(int64(pOld-pNew)), big.NewInt(hd))
	num.Mul(num, big.NewInt(int64(cashPaid)))
	den := new(big.Int).Mul(big.NewInt(HoursPerMonth), big.NewInt(int64(total)))
	refund := money.Amount(roundHalfUp(num, den))
	if left := cashPaid - cashRefunded; refund > left {
		refund = max(left, 0)
	}
	return refund
}

// roundHalfUp returns num/den rounded half up, for non-negative values.
func roundHalfUp(num, den *big.Int) int64 {
	q, r := new(big.Int).QuoRem(num, den, new(big.Int))
	if new(big.Int).Mul(r, big.NewInt(2)).Cmp(den) >= 0 {
		q.Add(q, big.NewInt(1))
	}
	return q.Int64()
}
