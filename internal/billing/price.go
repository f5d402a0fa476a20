// Package billing holds ecsd's money rules (ARCHITECTURE.md §5). price.go is
// the one place that turns catalog list prices into amounts: the price of a
// new purchase now, and the upgrade fee and downgrade refund next to it.
// Amounts are integer cents; every proration is exact and rounded once,
// half-up, by money.MulDivRound.
package billing

import (
	"github.com/ecsd/ecsd/internal/apierr"
	"github.com/ecsd/ecsd/internal/catalog"
	"github.com/ecsd/ecsd/internal/money"
)

// Currency is the currency of every catalog list price.
const Currency = "CNY"

// HoursPerMonth is the number of hours a monthly list price covers when it is
// prorated by the hour: the hourly price is P/720 (ARCHITECTURE.md §5).
const HoursPerMonth = 720

// daysPerMonth is the number of days a monthly list price covers when it is
// prorated by the week: a week costs P×7/30.
const daysPerMonth = 30

// PriceUnit is the unit of a purchase period, spelled as DescribePrice's
// PriceUnit and RunInstances' PeriodUnit spell it.
type PriceUnit string

// The units a period can be counted in.
const (
	Hour  PriceUnit = "Hour"
	Week  PriceUnit = "Week"
	Month PriceUnit = "Month"
	Year  PriceUnit = "Year"
)

// MonthlyPrice returns P, the monthly list price of type typeID in region
// regionID. It returns InvalidInstanceType.ValueNotSupported (400) when the
// region has no price for the type: the type is unknown or not sold there.
// Retired types keep their price, since their instances still renew and
// change type; whether a type may still be bought is the caller's rule.
func MonthlyPrice(c *catalog.Catalog, regionID, typeID string) (money.Amount, error) {
	cents, ok := c.MonthlyPrice(regionID, typeID)
	if !ok {
		return 0, apierr.InvalidInstanceTypeValueNotSupported.Newf(
			"The specified InstanceType %q does not exist or beyond the permitted range: region %q does not sell it.", typeID, regionID)
	}
	return money.Amount(cents), nil
}

// ListPrice returns the list price of a new purchase: amount instances of
// type typeID in region regionID, each for period units (ARCHITECTURE.md §5):
//
//	Hour   P × N / 720   (rounded once)
//	Week   P × 7N / 30   (rounded once)
//	Month  P × N
//	Year   P × 12N
//
// The price of one instance is rounded once; amount instances cost exactly
// amount times that, since each instance is billed on its own.
//
// It checks only what pricing needs, not the ranges an action allows (those
// differ between DescribePrice and RunInstances). It returns
// InvalidInstanceType.ValueNotSupported (see MonthlyPrice), InvalidPriceUnit
// for another unit, InvalidPeriod for a period below 1 and InvalidAmount for
// an amount below 1.
func ListPrice(c *catalog.Catalog, regionID, typeID string, unit PriceUnit, period, amount int) (money.Amount, error) {
	p, err := MonthlyPrice(c, regionID, typeID)
	if err != nil {
		return 0, err
	}
	if period < 1 {
		return 0, apierr.InvalidPeriod.Newf("The specified Period %d is not valid: it must be at least 1.", period)
	}
	if amount < 1 {
		return 0, apierr.InvalidAmount.Newf("The specified Amount %d is not valid: it must be at least 1.", amount)
	}
	one, ok := periodPrice(p, unit, period)
	if !ok {
		return 0, apierr.InvalidPriceUnit.Newf("The specified PriceUnit %q is not valid; use Hour, Week, Month or Year.", string(unit))
	}
	return one * money.Amount(amount), nil
}

// periodPrice is the price of one instance whose monthly list price is p,
// for period units. It reports false for an unknown unit.
func periodPrice(p money.Amount, unit PriceUnit, period int) (money.Amount, bool) {
	n := int64(period)
	switch unit {
	case Hour:
		return money.MulDivRound(p, n, HoursPerMonth), true
	case Week:
		return money.MulDivRound(p, 7*n, daysPerMonth), true
	case Month:
		return p * money.Amount(n), true
	case Year:
		return p * money.Amount(12*n), true
	}
	return 0, false
}
