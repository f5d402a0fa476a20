package ecs

import (
	"cmp"
	"context"
	"errors"
	"slices"

	"github.com/ecsd/ecsd/internal/apierr"
	"github.com/ecsd/ecsd/internal/billing"
	"github.com/ecsd/ecsd/internal/catalog"
	"github.com/ecsd/ecsd/internal/rpc"
	"github.com/ecsd/ecsd/internal/store"
)

// DescribeResourcesModificationRequest is DescribeResourcesModification's
// input (spec/alibaba-api.md §1.1). Conditions.N is a repeat list: the doc
// examples count from 0 and the SDKs from 1, and the binder takes both.
type DescribeResourcesModificationRequest struct {
	rpc.AccountDelegation
	RegionId            string   `param:"RegionId,required"`
	ResourceId          string   `param:"ResourceId,required"`
	DestinationResource string   `param:"DestinationResource"` // InstanceType or SystemDisk; Invalid.Param when absent
	OperationType       string   `param:"OperationType"`       // Upgrade (default), Downgrade, RenewDowngrade, RenewModify
	InstanceType        string   `param:"InstanceType"`
	Cores               *int     `param:"Cores"`
	Memory              *float64 `param:"Memory"`
	MigrateAcrossZone   bool     `param:"MigrateAcrossZone"`
	ZoneId              string   `param:"ZoneId"`
	Conditions          []string `param:"Conditions"`
}

// DescribeResourcesModificationResponse is its answer, in the shape of the
// Go SDK v1 structs (services/ecs struct_available_zone.go and the rest).
type DescribeResourcesModificationResponse struct {
	rpc.Response
	AvailableZones struct {
		AvailableZone []ModificationZone
	}
}

// ModificationZone is one AvailableZone: a zone where the instance can end
// up, and what it can become there.
type ModificationZone struct {
	RegionId           string
	ZoneId             string
	Status             string // Available or SoldOut
	StatusCategory     string // WithStock or WithoutStock (ecsd never says ClosedWithStock)
	AvailableResources struct {
		AvailableResource []ModificationResource
	}
}

// ModificationResource is one AvailableResource: the values of one kind
// (Type InstanceType or SystemDisk).
type ModificationResource struct {
	Type               string
	SupportedResources struct {
		SupportedResource []SupportedResource
	}
	// ConditionSupportedResources answers Conditions.N=DiskCategory.
	ConditionSupportedResources *ConditionSupportedResources `json:",omitempty" xml:",omitempty"`
}

// SupportedResource is one value with its stock status; Min, Max and Unit
// are sent only for disks.
type SupportedResource struct {
	Value          string
	Status         string
	StatusCategory string
	Min            *int   `json:",omitempty" xml:",omitempty"`
	Max            *int   `json:",omitempty" xml:",omitempty"`
	Unit           string `json:",omitempty" xml:",omitempty"`
}

// ConditionSupportedResources lists the values that become possible once
// the conditions are met.
type ConditionSupportedResources struct {
	ConditionSupportedResource []ConditionSupportedResource
}

// ConditionSupportedResource is a value possible under conditions.
type ConditionSupportedResource struct {
	SupportedResource
	Conditions struct {
		Condition []ResourceCondition
	}
}

// ResourceCondition names one condition, e.g. Key DiskCategory.
type ResourceCondition struct {
	Key string
}

// The values of the request's enumerations and of the answer's statuses.
const (
	destInstanceType = "InstanceType"
	destSystemDisk   = "SystemDisk"

	opUpgrade        = "Upgrade"
	opDowngrade      = "Downgrade"
	opRenewDowngrade = "RenewDowngrade"
	opRenewModify    = "RenewModify"

	conditionDiskCategory = "DiskCategory"

	statusAvailable       = "Available"
	statusSoldOut         = "SoldOut"
	categoryWithStock     = "WithStock"
	categoryNoStock       = "WithoutStock"
	systemDiskUnit        = "GiB"
	systemDiskMinSize     = 20    // GiB, the least size of any cloud disk
	systemDiskMaxSize     = 2048  // GiB
	dataDiskMaxSize       = 32768 // GiB
	preferredDataCategory = "cloud_essd"
)

// describeResourcesModification handles DescribeResourcesModification.
//
// It promises only what ModifyPrepayInstanceSpec does: for
// DestinationResource=InstanceType with OperationType Upgrade or Downgrade,
// a type is listed when checkSpecChange accepts it with OperatorType set to
// that direction and the request's MigrateAcrossZone — Available/WithStock
// when the change would be accepted now, SoldOut/WithoutStock when only the
// stock is missing (checked again with skipStock) — in the zone the change
// would put the instance in. The rules about the instance itself (not
// found, pay-as-you-go, expired, unpaid or processing order, …) are
// returned as errors; a type that fails a rule is simply not listed.
//
// RenewDowngrade and RenewModify are an approximation: ecsd has no renewal
// with a change, so there is no rule list to ask. They list the types the
// change-compatibility table allows, not retired, offered in the instance's
// zone and priced in its region — cheaper ones (by the direction function
// of the rules) for RenewDowngrade, any for RenewModify — with their stock;
// the instance may be expired, and the fit, quota and status rules of a
// real-time change are not applied.
//
// DestinationResource=SystemDisk lists the system disk categories the given
// InstanceType supports, 20–2048 GiB, in the instance's zone (or ZoneId).
//
// Conditions.N=DiskCategory adds, as ConditionSupportedResources, the types
// that ModifyPrepayInstanceSpec accepts once the instance's data disks that
// the type does not support change category in the same call (Disk.N).
func (s *Service) describeResourcesModification(ctx context.Context, env *rpc.Env, req *DescribeResourcesModificationRequest) (*DescribeResourcesModificationResponse, error) {
	region, err := s.region(req.RegionId)
	if err != nil {
		return nil, err
	}
	switch req.DestinationResource {
	case destInstanceType, destSystemDisk:
	case "":
		return nil, apierr.InvalidParam.New()
	default:
		return nil, apierr.InvalidDestinationResource.Newf("The specified DestinationResource %q is not valid; use InstanceType or SystemDisk.", req.DestinationResource)
	}
	op := cmp.Or(req.OperationType, opUpgrade)
	switch op {
	case opUpgrade, opDowngrade, opRenewDowngrade, opRenewModify:
	default:
		return nil, apierr.InvalidOperationType.Newf("The specified operationType %q is not valid; use Upgrade, Downgrade, RenewDowngrade or RenewModify.", req.OperationType)
	}
	if req.DestinationResource == destSystemDisk {
		if req.Cores != nil {
			return nil, apierr.InvalidParamCores.New()
		}
		if req.Memory != nil {
			return nil, apierr.InvalidParamMemory.New()
		}
		if req.InstanceType == "" {
			return nil, apierr.MissingParameter.New("InstanceType")
		}
	} else if req.InstanceType != "" && (req.Cores != nil || req.Memory != nil) {
		return nil, apierr.InvalidParamTypeAndCpuMemConflict.New()
	}
	diskCondition := false
	for _, c := range req.Conditions {
		if c != conditionDiskCategory {
			return nil, apierr.InvalidParameter.Newf("The specified parameter Conditions.N %q is not valid; the only condition is DiskCategory.", c)
		}
		diskCondition = true
	}
	if req.ZoneId != "" {
		if z, ok := s.Catalog.Zone(req.ZoneId); !ok || z.RegionId != region.RegionId {
			return nil, apierr.InvalidZoneIDNotFound.Newf("The specified zone %q does not exist in region %s.", req.ZoneId, region.RegionId)
		}
	}

	// The rules about the instance itself, once: their errors are the
	// answer's errors.
	renewal := op == opRenewDowngrade || op == opRenewModify
	base := SpecChange{RegionID: req.RegionId, InstanceID: req.ResourceId, AutoPay: true, MigrateAcrossZone: req.MigrateAcrossZone}
	p, err := s.checkSpecChange(ctx, env, base, ruleOpts{instanceOnly: true, allowExpired: renewal})
	if err != nil {
		if apierr.InvalidInstanceIdNotFoundMalformed.Is(err) {
			return nil, apierr.InvalidResourceId.Newf("The specified ResourceId is not valid: %q is not an instance id.", req.ResourceId)
		}
		return nil, err
	}
	inst := p.inst

	a := newZoneAnswer(region, inst.ZoneID, req.ZoneId)
	switch {
	case req.DestinationResource == destSystemDisk:
		to, ok := s.Catalog.Type(req.InstanceType)
		if !ok {
			return nil, apierr.InvalidInstanceTypeValueNotSupported.Newf("The specified InstanceType %q does not exist or beyond the permitted range.", req.InstanceType)
		}
		for _, c := range to.SupportedDiskCategories {
			lo, hi := systemDiskMinSize, systemDiskMaxSize
			a.add(cmp.Or(req.ZoneId, inst.ZoneID), destSystemDisk, SupportedResource{
				Value: c, Status: statusAvailable, StatusCategory: categoryWithStock, Min: &lo, Max: &hi, Unit: systemDiskUnit,
			}, false)
		}
	case renewal:
		if err := s.renewalTargets(ctx, env, req, op, inst, p.from, a); err != nil {
			return nil, err
		}
	default:
		base.OperatorType = Upgrade
		if op == opDowngrade {
			base.OperatorType = Downgrade
		}
		var diskChanges func(*catalog.InstanceType) []DiskChange
		if diskCondition {
			if diskChanges, err = dataDiskChanges(ctx, env.Q(), inst); err != nil {
				return nil, err
			}
		}
		for _, t := range s.candidates(req, inst) {
			in := base
			in.InstanceType = t.InstanceTypeId
			zone, status, ok, err := s.offer(ctx, env, in)
			if err != nil {
				return nil, err
			}
			if ok {
				a.add(zone, destInstanceType, typeResource(t, status), false)
				continue
			}
			if diskChanges == nil {
				continue
			}
			if in.Disks = diskChanges(t); len(in.Disks) == 0 {
				continue // no data disk stands in the way: a disk change would not help
			}
			if zone, status, ok, err = s.offer(ctx, env, in); err != nil {
				return nil, err
			} else if ok {
				a.add(zone, destInstanceType, typeResource(t, status), true)
			}
		}
	}
	resp := &DescribeResourcesModificationResponse{}
	resp.AvailableZones.AvailableZone = a.zones()
	return resp, nil
}

// candidates are the catalog's types other than the instance's, filtered by
// InstanceType, Cores and Memory, smallest first (vCPUs, then memory).
func (s *Service) candidates(req *DescribeResourcesModificationRequest, inst *store.Instance) []*catalog.InstanceType {
	var out []*catalog.InstanceType
	for _, t := range s.Catalog.Types() {
		switch {
		case t.InstanceTypeId == inst.InstanceType,
			req.InstanceType != "" && t.InstanceTypeId != req.InstanceType,
			req.Cores != nil && t.CpuCoreCount != *req.Cores,
			req.Memory != nil && t.MemorySize != *req.Memory:
			continue
		}
		out = append(out, t)
	}
	slices.SortStableFunc(out, func(a, b *catalog.InstanceType) int {
		return cmp.Or(cmp.Compare(a.CpuCoreCount, b.CpuCoreCount), cmp.Compare(a.MemorySize, b.MemorySize), cmp.Compare(a.InstanceTypeId, b.InstanceTypeId))
	})
	return out
}

// offer asks the rules about one change. ok is false when a rule other
// than stock refuses it; otherwise zone is where the change puts the
// instance and status says whether it would be accepted now (Available) or
// only the stock is missing (SoldOut). err is a failure of the store, never
// a rule's answer.
func (s *Service) offer(ctx context.Context, env *rpc.Env, in SpecChange) (zone, status string, ok bool, err error) {
	plan, err := s.checkSpecChange(ctx, env, in, ruleOpts{skipStock: true})
	if err != nil {
		return "", "", false, storeFailure(err)
	}
	full, err := s.checkSpecChange(ctx, env, in, ruleOpts{})
	if err != nil {
		return plan.zoneID, statusSoldOut, true, storeFailure(err)
	}
	return full.zoneID, statusAvailable, true, nil
}

// storeFailure returns err unless it is an API error (a rule's answer).
func storeFailure(err error) error {
	var e *apierr.Error
	if errors.As(err, &e) {
		return nil
	}
	return err
}

// dataDiskChanges returns, for a target type, the Disk.N changes that give
// every data disk of the instance a category the type supports (ESSD when
// it can): what a caller adds to ModifyPrepayInstanceSpec for a type listed
// under the DiskCategory condition.
func dataDiskChanges(ctx context.Context, q store.Q, inst *store.Instance) (func(*catalog.InstanceType) []DiskChange, error) {
	disks, _, err := q.DiskList(ctx, store.DiskFilter{AccountID: inst.AccountID, InstanceID: inst.ID, DiskType: store.DiskData})
	if err != nil {
		return nil, err
	}
	return func(t *catalog.InstanceType) []DiskChange {
		var out []DiskChange
		for _, d := range disks {
			if slices.Contains(t.SupportedDiskCategories, d.Category) || len(t.SupportedDiskCategories) == 0 {
				continue
			}
			c := t.SupportedDiskCategories[0]
			if slices.Contains(t.SupportedDiskCategories, preferredDataCategory) {
				c = preferredDataCategory
			}
			out = append(out, DiskChange{DiskID: d.ID, Category: c})
		}
		return out
	}, nil
}

// renewalTargets answers RenewDowngrade and RenewModify (the approximation
// described on describeResourcesModification): the instance keeps its zone.
func (s *Service) renewalTargets(ctx context.Context, env *rpc.Env, req *DescribeResourcesModificationRequest, op string, inst *store.Instance, from *catalog.InstanceType, a *zoneAnswer) error {
	pOld, err := billing.MonthlyPrice(s.Catalog, inst.RegionID, inst.InstanceType)
	if err != nil {
		return nil // the instance's own type has no price here: nothing to compare with
	}
	for _, t := range s.candidates(req, inst) {
		if t.Retired || !s.Catalog.CanChange(inst.InstanceType, t.InstanceTypeId) || !s.Catalog.ZoneOffers(inst.ZoneID, t.InstanceTypeId) {
			continue
		}
		pNew, err := billing.MonthlyPrice(s.Catalog, inst.RegionID, t.InstanceTypeId)
		if err != nil {
			continue
		}
		if op == opRenewDowngrade && direction(pOld, pNew, from, t) != Downgrade {
			continue
		}
		n, err := env.Q().StockGet(ctx, inst.ZoneID, t.InstanceTypeId)
		if err != nil && err != store.ErrNotFound {
			return err
		}
		status := statusAvailable
		if n <= 0 {
			status = statusSoldOut
		}
		a.add(inst.ZoneID, destInstanceType, typeResource(t, status), false)
	}
	return nil
}

func typeResource(t *catalog.InstanceType, status string) SupportedResource {
	return SupportedResource{Value: t.InstanceTypeId, Status: status, StatusCategory: stockCategory(status)}
}

func stockCategory(status string) string {
	if status == statusAvailable {
		return categoryWithStock
	}
	return categoryNoStock
}

// zoneAnswer collects resources by zone: the instance's zone first, then
// the region's other zones in catalog order; only zones with something to
// offer are answered, and only zoneFilter when it is set.
type zoneAnswer struct {
	region     *catalog.Region
	home       string
	zoneFilter string
	byZone     map[string]*ModificationZone
}

func newZoneAnswer(region *catalog.Region, home, zoneFilter string) *zoneAnswer {
	return &zoneAnswer{region: region, home: home, zoneFilter: zoneFilter, byZone: map[string]*ModificationZone{}}
}

func (a *zoneAnswer) add(zone, typ string, r SupportedResource, conditional bool) {
	if a.zoneFilter != "" && zone != a.zoneFilter {
		return
	}
	z := a.byZone[zone]
	if z == nil {
		z = &ModificationZone{RegionId: a.region.RegionId, ZoneId: zone}
		a.byZone[zone] = z
	}
	res := z.AvailableResources.AvailableResource
	i := slices.IndexFunc(res, func(r ModificationResource) bool { return r.Type == typ })
	if i < 0 {
		res = append(res, ModificationResource{Type: typ})
		res[len(res)-1].SupportedResources.SupportedResource = []SupportedResource{}
		i = len(res) - 1
	}
	if conditional {
		if res[i].ConditionSupportedResources == nil {
			res[i].ConditionSupportedResources = &ConditionSupportedResources{ConditionSupportedResource: []ConditionSupportedResource{}}
		}
		c := ConditionSupportedResource{SupportedResource: r}
		c.Conditions.Condition = []ResourceCondition{{Key: conditionDiskCategory}}
		res[i].ConditionSupportedResources.ConditionSupportedResource = append(res[i].ConditionSupportedResources.ConditionSupportedResource, c)
	} else {
		res[i].SupportedResources.SupportedResource = append(res[i].SupportedResources.SupportedResource, r)
	}
	z.AvailableResources.AvailableResource = res
	if r.Status == statusAvailable {
		z.Status, z.StatusCategory = statusAvailable, categoryWithStock
	} else if z.Status == "" {
		z.Status, z.StatusCategory = statusSoldOut, categoryNoStock
	}
}

func (a *zoneAnswer) zones() []ModificationZone {
	out := []ModificationZone{}
	if z, ok := a.byZone[a.home]; ok {
		out = append(out, *z)
	}
	for _, zone := range a.region.Zones {
		if z, ok := a.byZone[zone.ZoneId]; ok && zone.ZoneId != a.home {
			out = append(out, *z)
		}
	}
	return out
}
