// Package billing holds ecsd's money rules (ARCHITECTURE.md §5). config.go
// is the one place that turns catalog list prices into amounts: Price, the
// price of a whole configuration (instance type, system disk, data disks,
// public bandwidth) for a purchase or a renewal with its per-module lines,
// and ChangeFee and DowngradeRefund (change.go) over the same monthly
// prices for a spec change. Amounts are integer cents; every proration is
// exact and rounded once, half-up.
//
// The type's monthly price P includes the system disk a purchase gets by
// default, so a default purchase costs exactly P × N; a bigger or faster
// system disk costs only its difference over that disk, data disks and
// PayByBandwidth bandwidth cost in full (see Config).
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
