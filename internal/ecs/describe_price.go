package ecs

import (
	"context"
	"strings"

	"github.com/ecsd/ecsd/internal/apierr"
	"github.com/ecsd/ecsd/internal/billing"
	"github.com/ecsd/ecsd/internal/rpc"
)

// DescribePriceRequest is DescribePrice's input (spec/alibaba-api.md §10.2).
// An instance is priced with its system disk, data disks and public
// bandwidth (billing.Config); ImageId sets the default system disk size,
// as it does for RunInstances.
type DescribePriceRequest struct {
	rpc.AccountDelegation
	RegionId     string    `param:"RegionId,required"`
	ResourceType string    `param:"ResourceType"` // default instance
	InstanceType string    `param:"InstanceType"` // required for instance
	ZoneId       string    `param:"ZoneId"`
	PriceUnit    string    `param:"PriceUnit"` // Hour (default), Month or Year
	Period       *int      `param:"Period"`    // default 1
	Amount       *int      `param:"Amount"`    // default 1
	ImageId      string    `param:"ImageId"`
	SystemDisk   DiskParam `param:"SystemDisk"`
	DataDisk     []struct {
		DiskParam
		_ rpc.Refuse `refuse:"ProvisionedIops" why:"provisioned IOPS are not modelled"`
	} `param:"DataDisk"`
	InternetChargeType      string     `param:"InternetChargeType"`
	InternetMaxBandwidthOut *int       `param:"InternetMaxBandwidthOut"`
	_                       rpc.Refuse `refuse:"Isp" why:"public bandwidth is BGP (multi-line) only"`
	_                       rpc.Refuse `refuse:"Platform,InstanceNetworkType=vpc,IoOptimized=optimized" why:"image licences and classic networks are not priced"`
	_                       rpc.Refuse `refuse:"SpotStrategy=NoSpot,SpotDuration" why:"spot instances are not modelled"`
	_                       rpc.Refuse `refuse:"Scope,OfferingType,Capacity,StartTime,RecurrenceRules,AssuranceTimes,InstanceAmount,InstanceTypeList,InstanceCpuCoreCount,DedicatedHostType,SchedulerOptions" why:"reserved instances, savings plans, elasticity assurances and dedicated hosts are not modelled"`
}

// DescribePriceResponse is the price of the resources asked for.
type DescribePriceResponse struct {
	rpc.Response
	PriceInfo PriceInfo
}

// describePrice handles DescribePrice for ResourceType=instance: the list
// price of Amount new instances for Period PriceUnits, with their disks and
// bandwidth, from billing.Price — what RunInstances charges for the same
// configuration. ecsd gives no discounts: DiscountPrice is 0 and TradePrice
// the list price; DetailInfos has one line per module.
//
// Checks, in order: RegionId exists (InvalidRegionId.NotFound); ResourceType
// is instance (InvalidResourceType.NotFound); PriceUnit is Hour, Month or
// Year (InvalidPriceUnit); Period is 1 for Hour, 1–9 for Month, 1–5 for Year
// (InvalidPeriod); Amount is 1–1000 (InvalidAmount); InstanceType is given
// (MissingParameter), exists (InvalidInstanceType.ValueNotSupported) and is
// not retired (InstanceType.Offline); ZoneId, if given, is a zone of the
// region (InvalidZoneId.NotFound) that offers the type
// (InvalidInstanceType.ZoneNotSupported); the region sells the type
// (InvalidInstanceType.ValueNotSupported); ImageId, if given, exists
// (InvalidImageId.NotFound) and fits the system disk (InvalidParameter);
// the disks are what RunInstances accepts for
// the type (diskSpec; no more data disks than the type takes,
// InstanceTypeNotSupported.TooManyDisksAttached); the bandwidth is what
// RunInstances accepts (checkInternet).
func (s *Service) describePrice(ctx context.Context, env *rpc.Env, req *DescribePriceRequest) (*DescribePriceResponse, error) {
	if _, err := getRegion(env.Catalog, req.RegionId); err != nil {
		return nil, err
	}
	switch req.ResourceType {
	case "", "instance":
	default: // disk, diskperformance, bandwidth, ddh, ElasticityAssurance, CapacityReservation, …
		return nil, apierr.InvalidResourceTypeNotFound.Newf("The specified ResourceType %q is not found; ecsd prices only instance.", req.ResourceType)
	}
	unit, period, err := pricePeriod(req.PriceUnit, req.Period, billing.Hour, map[billing.PriceUnit]int{billing.Hour: 1, billing.Month: 9, billing.Year: 5})
	if err != nil {
		return nil, err
	}
	amount := 1
	if req.Amount != nil {
		if amount = *req.Amount; amount < 1 || amount > 1000 {
			return nil, apierr.InvalidAmount.Newf("The specified Amount %d is not valid; use 1 to 1000.", amount)
		}
	}
	if req.InstanceType == "" {
		return nil, apierr.MissingParameter.New("InstanceType")
	}
	typ, ok := env.Catalog.Type(req.InstanceType)
	if !ok {
		return nil, apierr.InvalidInstanceTypeValueNotSupported.Newf("The specified InstanceType %q does not exist or beyond the permitted range.", req.InstanceType)
	}
	if typ.Retired {
		return nil, apierr.InstanceTypeOffline.Newf("The specified InstanceType %q is retired and can no longer be bought.", req.InstanceType)
	}
	if req.ZoneId != "" {
		zone, ok := env.Catalog.Zone(req.ZoneId)
		if !ok || zone.RegionId != req.RegionId {
			return nil, apierr.InvalidZoneIDNotFound.Newf("The specified zone %q does not exist in region %q.", req.ZoneId, req.RegionId)
		}
		if !env.Catalog.ZoneOffers(zone.ZoneId, typ.InstanceTypeId) {
			return nil, apierr.InvalidInstanceTypeZoneNotSupported.Newf("The specified zone %q does not support the instance type %q.", zone.ZoneId, typ.InstanceTypeId)
		}
	}
	imgSize := 0 // the smallest system disk the image needs
	if req.ImageId != "" {
		img, ok := env.Catalog.Image(req.ImageId)
		if !ok {
			return nil, apierr.InvalidImageIDNotFound.Newf("The specified ImageId %q does not exist.", req.ImageId)
		}
		imgSize = img.Size
	}
	var dataParams []DiskParam
	for _, d := range req.DataDisk {
		dataParams = append(dataParams, d.DiskParam)
	}
	sys, data, err := s.purchaseDisks(typ, imgSize, req.SystemDisk, dataParams)
	if err != nil {
		return nil, err
	}
	net, err := checkInternet(req.InternetChargeType, req.InternetMaxBandwidthOut, nil)
	if err != nil {
		return nil, err
	}
	q, err := billing.Price(env.Catalog, purchaseConfig(req.RegionId, typ.InstanceTypeId, sys, data, net), unit, period, amount)
	if err != nil {
		return nil, err
	}
	return &DescribePriceResponse{PriceInfo: quotePriceInfo(q)}, nil
}

// pricePeriod reads PriceUnit (def when empty) and Period (1 when absent)
// against the longest period each allowed unit takes. It returns
// InvalidPriceUnit or InvalidPeriod.
func pricePeriod(unitParam string, period *int, def billing.PriceUnit, maxPeriod map[billing.PriceUnit]int) (billing.PriceUnit, int, error) {
	unit := billing.PriceUnit(unitParam)
	if unit == "" {
		unit = def
	}
	limit, ok := maxPeriod[unit]
	if !ok {
		var names []string
		for _, u := range []billing.PriceUnit{billing.Hour, billing.Week, billing.Month, billing.Year} {
			if _, ok := maxPeriod[u]; ok {
				names = append(names, string(u))
			}
		}
		return "", 0, apierr.InvalidPriceUnit.Newf("The specified PriceUnit %q is not valid; use %s.", unitParam, strings.Join(names, ", "))
	}
	n := 1
	if period != nil {
		n = *period
	}
	if n < 1 || n > limit {
		return "", 0, apierr.InvalidPeriod.Newf("The specified Period %d is not valid for PriceUnit %s; use 1 to %d.", n, unit, limit)
	}
	return unit, n, nil
}
