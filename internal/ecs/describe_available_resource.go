package ecs

import (
	"context"
	"slices"

	"github.com/ecsd/ecsd/internal/apierr"
	"github.com/ecsd/ecsd/internal/catalog"
	"github.com/ecsd/ecsd/internal/rpc"
	"github.com/ecsd/ecsd/internal/store"
)

// DescribeAvailableResourceRequest is DescribeAvailableResource's input.
type DescribeAvailableResourceRequest struct {
	rpc.AccountDelegation
	RegionId            string   `param:"RegionId,required"`
	DestinationResource string   `param:"DestinationResource"`
	ZoneId              string   `param:"ZoneId"`
	InstanceChargeType  string   `param:"InstanceChargeType"`
	SpotStrategy        string   `param:"SpotStrategy"`
	SpotDuration        *int     `param:"SpotDuration"`
	IoOptimized         string   `param:"IoOptimized"`
	DedicatedHostId     string   `param:"DedicatedHostId"`
	InstanceType        string   `param:"InstanceType"`
	SystemDiskCategory  string   `param:"SystemDiskCategory"`
	DataDiskCategory    string   `param:"DataDiskCategory"`
	NetworkCategory     string   `param:"NetworkCategory"`
	Cores               *int     `param:"Cores"`
	Memory              *float64 `param:"Memory"`
	ResourceType        string   `param:"ResourceType"`
	Scope               string   `param:"Scope"`
}

// DescribeAvailableResourceResponse has the shape of
// DescribeResourcesModification's: zones, each with its resources.
type DescribeAvailableResourceResponse struct {
	rpc.Response
	AvailableZones struct {
		AvailableZone []ModificationZone
	}
}

// The destinations, in the order the documented chain walks them.
const (
	destZone        = "Zone"
	destIoOptimized = "IoOptimized"
	destDataDisk    = "DataDisk"
	destNetwork     = "Network"
)

// describeAvailableResource handles DescribeAvailableResource: what
// RunInstances would buy now, zone by zone, for the caller.
//
// A type is offered in a zone when RunInstances' rules about the type and
// the zone accept it (purchasable), with the request's filters; it is
// Available/WithStock when the zone has stock of it and SoldOut/WithoutStock
// when stock is all it lacks. A zone, an I/O setting, a disk category or
// the network is Available when some type offered with it is. ecsd never
// says ClosedWithStock.
//
//	DestinationResource given and one of Zone, IoOptimized, InstanceType, SystemDisk, DataDisk, Network → Invalid.Param, Invalid.DestinationResource
//	InstanceChargeType PrePaid or PostPaid                                → InvalidInstanceChargeType.NotFound
//	ZoneId a zone of the region                                           → InvalidZoneId.NotFound
//	IoOptimized optimized or none, NetworkCategory vpc or classic         → InvalidParameter
//	spot instances, dedicated hosts, other resource types                 → OperationUnsupported
func (s *Service) describeAvailableResource(ctx context.Context, env *rpc.Env, req *DescribeAvailableResourceRequest) (*DescribeAvailableResourceResponse, error) {
	region, err := s.region(req.RegionId)
	if err != nil {
		return nil, err
	}
	switch req.DestinationResource {
	case "":
		return nil, apierr.InvalidParam.New()
	case destZone, destIoOptimized, destInstanceType, destSystemDisk, destDataDisk, destNetwork:
	default:
		return nil, apierr.InvalidDestinationResource.Newf("The specified DestinationResource %q is not valid; use Zone, IoOptimized, InstanceType, SystemDisk, DataDisk or Network.", req.DestinationResource)
	}
	if err := checkChargeType(req.InstanceChargeType); err != nil {
		return nil, err
	}
	if req.ZoneId != "" {
		if z, ok := s.Catalog.Zone(req.ZoneId); !ok || z.RegionId != region.RegionId {
			return nil, apierr.InvalidZoneIDNotFound.Newf("The specified zone %q does not exist in region %s.", req.ZoneId, region.RegionId)
		}
	}
	switch req.IoOptimized {
	case "", "optimized", "none":
	default:
		return nil, apierr.InvalidParameter.Newf("The specified IoOptimized %q is not valid; use optimized or none.", req.IoOptimized)
	}
	switch req.NetworkCategory {
	case "", "vpc", "classic":
	default:
		return nil, apierr.InvalidParameter.Newf("The specified NetworkCategory %q is not valid; use vpc or classic.", req.NetworkCategory)
	}
	if (req.SpotStrategy != "" && req.SpotStrategy != "NoSpot") || req.SpotDuration != nil {
		return nil, apierr.OperationUnsupported.Newf("ecsd sells no spot instances: leave SpotStrategy (or set NoSpot) and SpotDuration unset.")
	}
	if req.DedicatedHostId != "" || (req.ResourceType != "" && req.ResourceType != "instance") {
		return nil, apierr.OperationUnsupported.Newf("ecsd answers for instances only: leave DedicatedHostId unset and ResourceType unset or instance.")
	}
	switch req.Scope {
	case "", "Region", "Zone":
	default:
		return nil, apierr.InvalidParameter.Newf("The specified Scope %q is not valid; use Region or Zone.", req.Scope)
	}
	for _, c := range []string{req.SystemDiskCategory, req.DataDiskCategory} {
		if c != "" && !slices.Contains(knownDiskCategories, c) {
			return nil, apierr.InvalidParameterDiskCategory.Newf("The specified disk category %q is not valid.", c)
		}
	}
	acc, err := env.Q().AccountGetByID(ctx, env.Caller.AccountID)
	if err != nil {
		return nil, err
	}
	resp := &DescribeAvailableResourceResponse{}
	a := newZoneAnswer(region, "", req.ZoneId)
	if req.NetworkCategory != "classic" { // ecsd has no classic network
		for _, z := range region.Zones {
			if req.ZoneId != "" && z.ZoneId != req.ZoneId {
				continue
			}
			if err := s.zoneOffers(ctx, env.Q(), acc, z.ZoneId, req, a); err != nil {
				return nil, err
			}
		}
	}
	resp.AvailableZones.AvailableZone = a.zones()
	return resp, nil
}

// purchasable reports whether RunInstances' rules about a type in a zone
// accept it for the account, stock aside: a type of the catalog, not
// retired, sold in the zone, not restricted for the account.
func (s *Service) purchasable(acc *store.Account, zoneID string, t *catalog.InstanceType) bool {
	return !t.Retired && s.Catalog.ZoneOffers(zoneID, t.InstanceTypeId) && !slices.Contains(acc.Flags.RestrictedTypes, t.InstanceTypeId)
}

// zoneOffers adds to a what the zone offers for the request's destination.
func (s *Service) zoneOffers(ctx context.Context, q store.Q, acc *store.Account, zoneID string, req *DescribeAvailableResourceRequest, a *zoneAnswer) error {
	type offer struct {
		t     *catalog.InstanceType
		stock bool
	}
	var offers []offer
	for _, t := range s.Catalog.TypesInZone(zoneID) {
		switch {
		case !s.purchasable(acc, zoneID, t),
			req.InstanceType != "" && t.InstanceTypeId != req.InstanceType,
			req.Cores != nil && t.CpuCoreCount != *req.Cores,
			req.Memory != nil && t.MemorySize != *req.Memory,
			req.IoOptimized == "optimized" && !t.IoOptimized,
			req.IoOptimized == "none" && t.IoOptimized,
			req.SystemDiskCategory != "" && !slices.Contains(t.SupportedDiskCategories, req.SystemDiskCategory),
			req.DataDiskCategory != "" && !slices.Contains(t.SupportedDiskCategories, req.DataDiskCategory):
			continue
		}
		n, err := q.StockGet(ctx, zoneID, t.InstanceTypeId)
		if err != nil && err != store.ErrNotFound {
			return err
		}
		offers = append(offers, offer{t, n > 0})
	}
	status := func(ok bool) string {
		if ok {
			return statusAvailable
		}
		return statusSoldOut
	}
	resource := func(value string, ok bool) SupportedResource {
		return SupportedResource{Value: value, Status: status(ok), StatusCategory: stockCategory(status(ok))}
	}
	anyStock := func(keep func(*catalog.InstanceType) bool) (bool, bool) {
		found, stock := false, false
		for _, o := range offers {
			if keep(o.t) {
				found, stock = true, stock || o.stock
			}
		}
		return found, stock
	}
	all := func(*catalog.InstanceType) bool { return true }
	switch req.DestinationResource {
	case destZone:
		if found, stock := anyStock(all); found {
			a.add(zoneID, destZone, resource(zoneID, stock), false)
		}
	case destIoOptimized:
		for _, io := range []struct {
			value string
			on    bool
		}{{"optimized", true}, {"none", false}} {
			if found, stock := anyStock(func(t *catalog.InstanceType) bool { return t.IoOptimized == io.on }); found {
				a.add(zoneID, destIoOptimized, resource(io.value, stock), false)
			}
		}
	case destInstanceType:
		for _, o := range offers {
			a.add(zoneID, destInstanceType, resource(o.t.InstanceTypeId, o.stock), false)
		}
	case destSystemDisk, destDataDisk:
		hi := systemDiskMaxSize
		if req.DestinationResource == destDataDisk {
			hi = dataDiskMaxSize
		}
		for _, c := range knownDiskCategories {
			if found, stock := anyStock(func(t *catalog.InstanceType) bool { return slices.Contains(t.SupportedDiskCategories, c) }); found {
				r := resource(c, stock)
				lo, max := systemDiskMinSize, hi
				r.Min, r.Max, r.Unit = &lo, &max, systemDiskUnit
				a.add(zoneID, req.DestinationResource, r, false)
			}
		}
	case destNetwork:
		if found, stock := anyStock(all); found {
			a.add(zoneID, destNetwork, resource("vpc", stock), false)
		}
	}
	return nil
}
