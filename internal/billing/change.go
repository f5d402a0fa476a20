package billing

import (
	"math/big"
	"time"

	"github.com/ecsd/ecsd/internal/money"
)

// UpgradeFee is what moving from a type with monthly price pOld to one with
// pNew costs from now until until (the subscription's end, or a temporary
// upgrade's EndTime): H = ceil((until − now) / 1h) and
// fee = (pNew − pOld) × H / 720, rounded once (ARCHITECTURE.md §5).
func UpgradeFee(pOld, pNew money.Amount, now, until time.Time) money.Amount {
	h := int64(until.Sub(now) / time.Hour)
	if until.Sub(now)%time.Hour > 0 {
		h++
	}
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
