package ecs

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"

	"github.com/ecsd/ecsd/internal/apierr"
	"github.com/ecsd/ecsd/internal/billing"
	"github.com/ecsd/ecsd/internal/catalog"
	"github.com/ecsd/ecsd/internal/money"
	"github.com/ecsd/ecsd/internal/store"
)

// This file holds what the price-bearing actions share: the configuration
// an instance is priced by, the public bandwidth a purchase asks for, and
// the PriceInfo block with its DetailInfos. The prices themselves come from
// billing.Price and billing.Monthly, the one price function.

// PriceInfo is the price block of the ECS price actions: DescribePrice,
// DescribeInstanceModificationPrice and DescribeRenewalPrice.
type PriceInfo struct {
	Price Price
	Rules struct {
		Rule []PriceRule
	}
}

// Price is an amount with its discount and its per-module lines. The SDKs
// type the amounts as floats, so they are JSON numbers. TradePrice =
// OriginalPrice − DiscountPrice, and the lines' amounts add up to these.
type Price struct {
	OriginalPrice money.Number
	DiscountPrice money.Number
	TradePrice    money.Number
	Currency      string
	DetailInfos   struct {
		DetailInfo []PriceDetail
	}
}

// PriceDetail is one module's share of a price: Resource is instanceType,
// systemDisk, dataDisk or bandwidth.
type PriceDetail struct {
	Resource      string
	OriginalPrice money.Number
	DiscountPrice money.Number
	TradePrice    money.Number
	SubRules      struct {
		Rule []PriceRule
	}
}

// PriceRule is a promotion rule applied to a price. ecsd has no promotions,
// so every Rule list is empty; the type gives the lists their wire shape.
type PriceRule struct {
	RuleId      int64
	Description string
}

// quotePriceInfo is the price block of a quote: ecsd gives no discounts,
// so DiscountPrice is 0 and TradePrice the list price, in total and in
// each line.
func quotePriceInfo(q billing.Quote) PriceInfo {
	var pi PriceInfo
	pi.Price = Price{OriginalPrice: money.Number(q.Total), TradePrice: money.Number(q.Total), Currency: billing.Currency}
	pi.Price.DetailInfos.DetailInfo = make([]PriceDetail, len(q.Lines))
	for k, l := range q.Lines {
		d := PriceDetail{Resource: l.Resource, OriginalPrice: money.Number(l.Price), TradePrice: money.Number(l.Price)}
		d.SubRules.Rule = []PriceRule{}
		pi.Price.DetailInfos.DetailInfo[k] = d
	}
	pi.Rules.Rule = []PriceRule{}
	return pi
}

// instanceConfig is what an instance's price covers now: its type, its
// disks as stored (those billed with the instance) and its public
// bandwidth. Renewals and spec changes price it.
func instanceConfig(ctx context.Context, q store.Q, inst *store.Instance) (billing.Config, error) {
	return changedConfig(ctx, q, inst, inst.InstanceType, nil)
}

// changedConfig is instanceConfig after a spec change to typeID that moves
// the disks of moved (by disk id) to their planned categories.
func changedConfig(ctx context.Context, q store.Q, inst *store.Instance, typeID string, moved map[string]plannedDisk) (billing.Config, error) {
	cfg := billing.Config{RegionID: inst.RegionID, InstanceType: typeID}
	disks, _, err := q.DiskList(ctx, store.DiskFilter{AccountID: inst.AccountID, InstanceID: inst.ID})
	if err != nil {
		return cfg, err
	}
	for _, d := range disks {
		if d.ChargeType != "" && d.ChargeType != inst.ChargeType {
			continue // billed on its own
		}
		bd := billing.Disk{Category: d.Category, PerformanceLevel: d.PerformanceLevel, Size: d.Size}
		if m, ok := moved[d.ID]; ok {
			bd.Category, bd.PerformanceLevel = m.category, m.perfLevel
		}
		if d.Type == store.DiskSystem {
			cfg.SystemDisk = bd
		} else {
			cfg.DataDisks = append(cfg.DataDisks, bd)
		}
	}
	net, err := q.InternetOfInstances(ctx, []string{inst.ID})
	if err != nil {
		return cfg, err
	}
	if n := net[inst.ID]; n != nil {
		cfg.InternetChargeType, cfg.BandwidthOut = n.ChargeType, n.BandwidthOut
	}
	return cfg, nil
}

// purchaseConfig is the configuration a purchase is priced by.
func purchaseConfig(regionID, typeID string, sys diskSpec, data []diskSpec, net internetSpec) billing.Config {
	cfg := billing.Config{
		RegionID: regionID, InstanceType: typeID,
		SystemDisk:         sys.priced(),
		InternetChargeType: net.chargeType, BandwidthOut: net.out,
	}
	for _, d := range data {
		cfg.DataDisks = append(cfg.DataDisks, d.priced())
	}
	return cfg
}

// priced is what of a disk its price depends on.
func (d diskSpec) priced() billing.Disk {
	return billing.Disk{Category: d.Category, PerformanceLevel: d.PerformanceLevel, Size: d.Size}
}

// internetSpec is the public bandwidth a purchase asks for.
type internetSpec struct {
	given      bool // any of the three parameters was given
	chargeType string
	in, out    int
}

// Bandwidth ranges of RunInstances and DescribePrice, in Mbit/s: outbound
// 0–100 (above 0 a public IP is allocated); inbound 1–10, or 1 to the
// outbound limit when that is above 10, the largest allowed by default.
const (
	maxBandwidthOut     = 100
	maxBandwidthInFloor = 10
)

// checkInternet reads InternetChargeType (PayByTraffic by default),
// InternetMaxBandwidthOut and InternetMaxBandwidthIn:
//
//	InternetChargeType PayByBandwidth or PayByTraffic → InvalidInternetChargeType.ValueNotSupported
//	InternetMaxBandwidthOut 0–100                     → InvalidParameter
//	InternetMaxBandwidthIn 1–max(10, Out), that max by default → InvalidParameter
func checkInternet(chargeType string, out, in *int) (internetSpec, error) {
	n := internetSpec{given: chargeType != "" || out != nil || in != nil, chargeType: chargeType}
	switch chargeType {
	case "":
		n.chargeType = billing.PayByTraffic
	case billing.PayByTraffic, billing.PayByBandwidth:
	default:
		return n, apierr.InvalidInternetChargeTypeValueNotSupported.Newf("The specified InternetChargeType %q is not valid; use PayByBandwidth or PayByTraffic.", chargeType)
	}
	if out != nil {
		if n.out = *out; n.out < 0 || n.out > maxBandwidthOut {
			return n, apierr.InvalidParameter.Newf("The specified parameter \"InternetMaxBandwidthOut\" is not valid: %d; use 0 to %d Mbit/s.", n.out, maxBandwidthOut)
		}
	}
	hi := max(maxBandwidthInFloor, n.out)
	n.in = hi
	if in != nil {
		if n.in = *in; n.in < 1 || n.in > hi {
			return n, apierr.InvalidParameter.Newf("The specified parameter \"InternetMaxBandwidthIn\" is not valid: %d; use 1 to %d Mbit/s.", n.in, hi)
		}
	}
	return n, nil
}

// publicIPTries is how many random addresses a purchase tries before it
// gives up on a region whose address block is (nearly) full.
const publicIPTries = 64

// addInternet stores a new instance's public bandwidth, with a public IP
// when InternetMaxBandwidthOut is above 0: a random address of the
// region's block (47.<96+k>.x.y for the k-th region of the catalog),
// unique in the region by the store's constraint. An instance bought
// without any of the parameters gets no row (PayByTraffic, no bandwidth).
func addInternet(ctx context.Context, tx *store.Tx, c *catalog.Catalog, inst *store.Instance, n internetSpec) error {
	if !n.given {
		return nil
	}
	row := &store.Internet{InstanceID: inst.ID, RegionID: inst.RegionID, ChargeType: n.chargeType, BandwidthIn: n.in, BandwidthOut: n.out}
	if n.out == 0 {
		_, err := tx.InternetInsert(ctx, row)
		return err
	}
	block := 96 + slices.IndexFunc(c.Regions(), func(r *catalog.Region) bool { return r.RegionId == inst.RegionID })
	for range publicIPTries {
		row.PublicIP = fmt.Sprintf("47.%d.%d.%d", block, rand.IntN(256), 1+rand.IntN(254))
		ok, err := tx.InternetInsert(ctx, row)
		if err != nil || ok {
			return err
		}
	}
	return apierr.InternalError.Newf("No public IP address is left in region %s.", inst.RegionID)
}

// internetView fills in an instance's public bandwidth and address; an
// instance without them is PayByTraffic with no bandwidth, as ECS shows.
func internetView(v *InstanceView, n *store.Internet) {
	v.InternetChargeType = billing.PayByTraffic
	v.PublicIpAddress.IpAddress = []string{}
	if n == nil {
		return
	}
	v.InternetChargeType, v.InternetMaxBandwidthIn, v.InternetMaxBandwidthOut = n.ChargeType, n.BandwidthIn, n.BandwidthOut
	if n.PublicIP != "" {
		v.PublicIpAddress.IpAddress = []string{n.PublicIP}
	}
}
