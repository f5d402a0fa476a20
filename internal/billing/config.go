package billing

import (
	"github.com/ecsd/ecsd/internal/apierr"
	"github.com/ecsd/ecsd/internal/catalog"
	"github.com/ecsd/ecsd/internal/money"
)

// Config is everything an instance's price covers: its type, its system
// disk, its data disks and its public bandwidth, in its region.
//
// The type's monthly list price P includes a bundled system disk: the
// type's default category (catalog.InstanceType.DefaultDiskCategory, PL1
// for an ESSD) at catalog.BundledSystemDiskSize GiB. So a purchase without
// SystemDisk costs exactly P × N (ARCHITECTURE.md §5). Another system disk
// is charged only for what it costs over the bundled one, never less than
// 0; data disks and PayByBandwidth bandwidth are charged in full;
// PayByTraffic bandwidth is metered by the GB and never charged here.
type Config struct {
	RegionID     string
	InstanceType string
	// SystemDisk is the instance's system disk; the zero Disk is the
	// bundled one.
	SystemDisk Disk
	DataDisks  []Disk
	// InternetChargeType is PayByBandwidth or PayByTraffic (or empty, with
	// no public bandwidth); BandwidthOut is the outbound limit in Mbit/s.
	InternetChargeType string
	BandwidthOut       int
}

// Disk is a cloud disk as priced: category, ESSD performance level (PL1
// when empty) and size in GiB.
type Disk struct {
	Category, PerformanceLevel string
	Size                       int
}

// The Resource names of price lines, as DetailInfos spells them.
const (
	ResourceInstanceType = "instanceType"
	ResourceSystemDisk   = "systemDisk"
	ResourceDataDisk     = "dataDisk"
	ResourceBandwidth    = "bandwidth"
)

// PayByBandwidth and PayByTraffic are the public bandwidth charge types.
const (
	PayByBandwidth = "PayByBandwidth"
	PayByTraffic   = "PayByTraffic"
)

// Line is the price of one module of a configuration.
type Line struct {
	Resource string
	Price    money.Amount
}

// Quote is a price with its lines: Total is exactly the sum of the lines.
type Quote struct {
	Total money.Amount
	Lines []Line
}

// Monthly returns the monthly list price of each module of cfg, in the
// order instanceType, systemDisk, then dataDisk when there are data disks
// and bandwidth when there is public bandwidth; and their sum, P(cfg),
// which the spec change's fee and refund compare (ARCHITECTURE.md §5 with
// P(config) for P(type)). Monthly prices are whole cents: disk prices are
// per GiB and bandwidth per Mbit/s.
//
// It returns MonthlyPrice's error for a type the region does not sell and
// PriceNotFound for a disk category the catalog does not price.
func Monthly(c *catalog.Catalog, cfg Config) (Quote, error) {
	p, err := MonthlyPrice(c, cfg.RegionID, cfg.InstanceType)
	if err != nil {
		return Quote{}, err
	}
	t, _ := c.Type(cfg.InstanceType)
	q := Quote{Lines: []Line{{ResourceInstanceType, p}}}

	var sys money.Amount
	if cfg.SystemDisk.Category != "" {
		bundled := Disk{Category: t.DefaultDiskCategory(), Size: catalog.BundledSystemDiskSize}
		have, err := diskMonthly(c, cfg.RegionID, cfg.SystemDisk)
		if err != nil {
			return Quote{}, err
		}
		base, err := diskMonthly(c, cfg.RegionID, bundled)
		if err != nil {
			return Quote{}, err
		}
		sys = max(have-base, 0)
	}
	q.Lines = append(q.Lines, Line{ResourceSystemDisk, sys})

	if len(cfg.DataDisks) > 0 {
		var data money.Amount
		for _, d := range cfg.DataDisks {
			m, err := diskMonthly(c, cfg.RegionID, d)
			if err != nil {
				return Quote{}, err
			}
			data += m
		}
		q.Lines = append(q.Lines, Line{ResourceDataDisk, data})
	}

	if cfg.BandwidthOut > 0 {
		var bw money.Amount
		if cfg.InternetChargeType == PayByBandwidth {
			perMbps, ok := c.BandwidthPrice(cfg.RegionID)
			if !ok {
				return Quote{}, apierr.PriceNotFound.Newf("The price of the specified resource is not found: region %s has no bandwidth price.", cfg.RegionID)
			}
			bw = money.Amount(perMbps) * money.Amount(cfg.BandwidthOut)
		}
		q.Lines = append(q.Lines, Line{ResourceBandwidth, bw})
	}
	for _, l := range q.Lines {
		q.Total += l.Price
	}
	return q, nil
}

// diskMonthly is the monthly price of a whole disk.
func diskMonthly(c *catalog.Catalog, regionID string, d Disk) (money.Amount, error) {
	pl := d.PerformanceLevel
	if pl == "" {
		pl = "PL1"
	}
	perGiB, ok := c.DiskPrice(regionID, d.Category, pl)
	if !ok {
		return 0, apierr.PriceNotFound.Newf("The price of the specified resource is not found: region %s has no price for disk category %s %s.", regionID, d.Category, pl)
	}
	return money.Amount(perGiB) * money.Amount(d.Size), nil
}

// Price is the one price function of a purchase or a renewal: amount
// instances of configuration cfg, each for period units. The price of one
// instance is P(cfg) prorated by the period (ARCHITECTURE.md §5):
//
//	Hour   P × N / 720   (rounded once, half up)
//	Week   P × 7N / 30   (rounded once, half up)
//	Month  P × N
//	Year   P × 12N
//
// and amount instances cost amount times that, since each is billed on its
// own. For a configuration of the type alone this is P(type) × N × amount.
// The lines are the modules' shares of that one rounding (see prorate), so
// they add up to the total to the cent.
//
// It checks only what pricing needs, not the ranges an action allows (those
// differ between the actions). It returns Monthly's errors, InvalidPriceUnit
// for another unit, InvalidPeriod for a period below 1 and InvalidAmount for
// an amount below 1.
func Price(c *catalog.Catalog, cfg Config, unit PriceUnit, period, amount int) (Quote, error) {
	if period < 1 {
		return Quote{}, apierr.InvalidPeriod.Newf("The specified Period %d is not valid: it must be at least 1.", period)
	}
	if amount < 1 {
		return Quote{}, apierr.InvalidAmount.Newf("The specified Amount %d is not valid: it must be at least 1.", amount)
	}
	n := int64(period)
	var num, den int64
	switch unit {
	case Hour:
		num, den = n, HoursPerMonth
	case Week:
		num, den = 7*n, daysPerMonth
	case Month:
		num, den = n, 1
	case Year:
		num, den = 12*n, 1
	default:
		return Quote{}, apierr.InvalidPriceUnit.Newf("The specified PriceUnit %q is not valid; use Hour, Week, Month or Year.", string(unit))
	}
	m, err := Monthly(c, cfg)
	if err != nil {
		return Quote{}, err
	}
	return m.prorate(num, den).times(amount), nil
}

// prorate returns q × num / den, rounded once, half up, on the total; each
// line is the difference between the rounded running totals before and
// after it, so the lines add up to the total exactly and none is more than
// a cent from its own exact share. Lines may be negative (a change's
// cheaper module).
func (q Quote) prorate(num, den int64) Quote {
	out := Quote{Lines: make([]Line, len(q.Lines))}
	var exact, prev int64 // running sum of line × num, and its rounding
	for i, l := range q.Lines {
		exact += int64(l.Price) * num
		r := floorDiv(2*exact+den, 2*den) // half up, also below 0
		out.Lines[i] = Line{l.Resource, money.Amount(r - prev)}
		prev = r
	}
	out.Total = money.Amount(prev)
	return out
}

// times is amount instances of q.
func (q Quote) times(amount int) Quote {
	out := Quote{Total: q.Total * money.Amount(amount), Lines: make([]Line, len(q.Lines))}
	for i, l := range q.Lines {
		out.Lines[i] = Line{l.Resource, l.Price * money.Amount(amount)}
	}
	return out
}

// floorDiv is a/b rounded toward −∞, for b > 0.
func floorDiv(a, b int64) int64 {
	q := a / b
	if a%b != 0 && a < 0 {
		q--
	}
	return q
}
