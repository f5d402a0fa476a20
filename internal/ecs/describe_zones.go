package ecs

import (
	"context"
	"slices"

	"github.com/ecsd/ecsd/internal/apierr"
	"github.com/ecsd/ecsd/internal/catalog"
	"github.com/ecsd/ecsd/internal/rpc"
)

// DescribeZonesRequest is DescribeZones' input (spec/alibaba-api.md §5).
type DescribeZonesRequest struct {
	rpc.AccountDelegation
	RegionId           string     `param:"RegionId,required"`
	InstanceChargeType string     `param:"InstanceChargeType"`
	AcceptLanguage     string     `param:"AcceptLanguage"`
	_                  rpc.Refuse `refuse:"SpotStrategy=NoSpot" why:"spot instances are not modelled"`
	_                  rpc.Refuse `refuse:"Verbose=true" why:"ecsd always answers the full zone detail"`
}

// DescribeZonesResponse lists the zones of a region and what each offers.
type DescribeZonesResponse struct {
	rpc.Response
	Zones struct {
		Zone []ZoneItem
	}
}

// ZoneItem is one zone. The inner list names follow the SDK structs; some
// of them are lower camel case on the wire (supportedInstanceType).
type ZoneItem struct {
	ZoneId                    string
	LocalName                 string
	ZoneType                  string
	AvailableResourceCreation struct {
		ResourceTypes []string
	}
	AvailableDiskCategories struct {
		DiskCategories []string
	}
	AvailableInstanceTypes struct {
		InstanceTypes []string
	}
	AvailableVolumeCategories struct {
		VolumeCategories []string
	}
	AvailableDedicatedHostTypes struct {
		DedicatedHostType []string
	}
	DedicatedHostGenerations struct {
		DedicatedHostGeneration []string
	}
	AvailableResources struct {
		ResourcesInfo []ResourcesInfo
	}
}

// ResourcesInfo is what a zone offers for one I/O optimization setting.
type ResourcesInfo struct {
	IoOptimized         bool
	InstanceGenerations struct {
		SupportedInstanceGeneration []string `json:"supportedInstanceGeneration" xml:"supportedInstanceGeneration"`
	}
	InstanceTypeFamilies struct {
		SupportedInstanceTypeFamily []string `json:"supportedInstanceTypeFamily" xml:"supportedInstanceTypeFamily"`
	}
	InstanceTypes struct {
		SupportedInstanceType []string `json:"supportedInstanceType" xml:"supportedInstanceType"`
	}
	SystemDiskCategories struct {
		SupportedSystemDiskCategory []string `json:"supportedSystemDiskCategory" xml:"supportedSystemDiskCategory"`
	}
	DataDiskCategories struct {
		SupportedDataDiskCategory []string `json:"supportedDataDiskCategory" xml:"supportedDataDiskCategory"`
	}
	NetworkTypes struct {
		SupportedNetworkCategory []string `json:"supportedNetworkCategory" xml:"supportedNetworkCategory"`
	}
}

// zoneResourceTypes are the resources every ecsd zone can create.
var zoneResourceTypes = []string{"Instance", "Disk", "VSwitch"}

// describeZones handles DescribeZones. Returns InvalidRegionId.NotFound,
// InvalidInstanceChargeType.NotFound or InvalidAcceptLanguage.NotFound.
func describeZones(ctx context.Context, env *rpc.Env, req *DescribeZonesRequest) (*DescribeZonesResponse, error) {
	region, err := getRegion(env.Catalog, req.RegionId)
	if err != nil {
		return nil, err
	}
	if err := checkChargeType(req.InstanceChargeType); err != nil {
		return nil, err
	}
	if err := checkLanguage(req.AcceptLanguage); err != nil {
		return nil, err
	}
	resp := &DescribeZonesResponse{}
	resp.Zones.Zone = []ZoneItem{}
	for _, z := range region.Zones {
		resp.Zones.Zone = append(resp.Zones.Zone, zoneItem(env.Catalog, z))
	}
	return resp, nil
}

// zoneItem describes what zone z offers: the types it sells that are not
// retired (sold-out ones included), and the disk categories, families and
// generations of those types.
func zoneItem(c *catalog.Catalog, z *catalog.Zone) ZoneItem {
	it := ZoneItem{ZoneId: z.ZoneId, LocalName: z.LocalName, ZoneType: z.ZoneType}
	it.AvailableResourceCreation.ResourceTypes = slices.Clone(zoneResourceTypes)
	it.AvailableInstanceTypes.InstanceTypes = []string{}
	it.AvailableVolumeCategories.VolumeCategories = []string{}
	it.AvailableDedicatedHostTypes.DedicatedHostType = []string{}
	it.DedicatedHostGenerations.DedicatedHostGeneration = []string{}
	it.AvailableResources.ResourcesInfo = []ResourcesInfo{}

	byIo := map[bool][]*catalog.InstanceType{}
	var all []*catalog.InstanceType
	for _, t := range c.TypesInZone(z.ZoneId) {
		if t.Retired {
			continue
		}
		all = append(all, t)
		byIo[t.IoOptimized] = append(byIo[t.IoOptimized], t)
		it.AvailableInstanceTypes.InstanceTypes = append(it.AvailableInstanceTypes.InstanceTypes, t.InstanceTypeId)
	}
	it.AvailableDiskCategories.DiskCategories = diskCategories(all)
	for _, io := range []bool{true, false} {
		if len(byIo[io]) > 0 {
			it.AvailableResources.ResourcesInfo = append(it.AvailableResources.ResourcesInfo, resourcesInfo(c, io, byIo[io]))
		}
	}
	return it
}

// resourcesInfo summarizes types, all of the same I/O optimization.
func resourcesInfo(c *catalog.Catalog, io bool, types []*catalog.InstanceType) ResourcesInfo {
	ri := ResourcesInfo{IoOptimized: io}
	var gens, fams, ids []string
	for _, t := range types {
		ids = append(ids, t.InstanceTypeId)
		fams = append(fams, t.InstanceTypeFamily)
		if f, ok := c.Family(t.InstanceTypeFamily); ok {
			gens = append(gens, f.Generation)
		}
	}
	ri.InstanceGenerations.SupportedInstanceGeneration = sortedSet(gens)
	ri.InstanceTypeFamilies.SupportedInstanceTypeFamily = sortedSet(fams)
	ri.InstanceTypes.SupportedInstanceType = ids
	ri.SystemDiskCategories.SupportedSystemDiskCategory = diskCategories(types)
	ri.DataDiskCategories.SupportedDataDiskCategory = diskCategories(types)
	ri.NetworkTypes.SupportedNetworkCategory = []string{"vpc"} // ecsd has no classic network
	return ri
}

// diskCategories returns the cloud disk categories any of types supports.
func diskCategories(types []*catalog.InstanceType) []string {
	var cats []string
	for _, t := range types {
		cats = append(cats, t.SupportedDiskCategories...)
	}
	return sortedSet(cats)
}

// sortedSet returns the distinct values of s, sorted, never nil.
func sortedSet(s []string) []string {
	out := slices.Clone(s)
	slices.Sort(out)
	out = slices.Compact(out)
	if out == nil {
		out = []string{}
	}
	return out
}

// getRegion returns the catalog region with the given id, or
// InvalidRegionId.NotFound (404).
func getRegion(c *catalog.Catalog, id string) (*catalog.Region, error) {
	r, ok := c.Region(id)
	if !ok {
		return nil, apierr.InvalidRegionIdNotFound.Newf("The specified RegionId %q does not exist.", id)
	}
	return r, nil
}
