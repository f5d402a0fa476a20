package ecs

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/ecsd/ecsd/internal/apierr"
	"github.com/ecsd/ecsd/internal/billing"
	"github.com/ecsd/ecsd/internal/catalog"
	"github.com/ecsd/ecsd/internal/money"
	"github.com/ecsd/ecsd/internal/rpc"
	"github.com/ecsd/ecsd/internal/store"
	"github.com/ecsd/ecsd/internal/vpc"
)

// Directions of a spec change, by list price.
const (
	Upgrade   = "upgrade"
	Downgrade = "downgrade"
)

// SpecChange is a requested change of instance type
// (spec/ModifyPrepayInstanceSpec.txt), decoded.
type SpecChange struct {
	RegionID           string
	InstanceID         string
	InstanceType       string
	OperatorType       string // "", upgrade or downgrade
	AutoPay            bool
	MigrateAcrossZone  bool
	SystemDiskCategory string
	RebootTime         string
	EndTime            string
	RebootWhenFinished bool
	ModifyMode         string
	Disks              []DiskChange
}

// DiskChange is one Disk.N of the request.
type DiskChange struct {
	DiskID, Category, PerformanceLevel string
}

// specChangePlan is a change that passed every rule.
type specChangePlan struct {
	inst       *store.Instance
	acc        *store.Account // as read before any lock: its settings
	from, to   *catalog.InstanceType
	direction  string
	zoneID     string // where the instance ends up
	pOld, pNew money.Amount
	amount     money.Amount // upgrade fee, or downgrade refund
	until      time.Time    // ExpiredTime, or EndTime for a temporary upgrade
	temporary  bool
	online     bool
	rebootAt   time.Time
	disks      []plannedDisk
	// fee is the upgrade fee with its lines (amount is its total).
	fee billing.Quote
}

type plannedDisk struct {
	disk                *store.Disk
	category, perfLevel string
}

// ruleOpts say which rules apply. ModifyPrepayInstanceSpec applies them all
// (the zero value); DescribeResourcesModification and
// DescribeInstanceModificationPrice ask about the same rules in these modes.
type ruleOpts struct {
	// skipStock treats a zone that offers the type as having stock, so that
	// DescribeResourcesModification can list sold-out types as SoldOut.
	skipStock bool
	// instanceOnly stops after the rules about the instance itself (1–8),
	// before a target type is looked at: the describe actions return those
	// errors as errors, and check each target type with the full list.
	instanceOnly bool
	// allowExpired skips rule 5: a renewal with a change
	// (DescribeResourcesModification OperationType RenewDowngrade or
	// RenewModify) is asked about instances that expire or have expired.
	allowExpired bool
}

// onlineFamilies can change type without a restart (ModifyMode=Online),
// within the family.
var onlineFamilies = []string{"ecs.g7", "ecs.c7", "ecs.r7"}

// maxOnlineChanges is how many online changes an instance takes before it
// must be restarted.
const maxOnlineChanges = 3

// checkSpecChange applies the spec-change rules in order and returns the
// plan, or the error of the first rule that fails. ModifyPrepayInstanceSpec,
// DescribeResourcesModification and DescribeInstanceModificationPrice all
// call it, so what they promise is what a change does. It writes nothing.
func (s *Service) checkSpecChange(ctx context.Context, env *rpc.Env, in SpecChange, o ruleOpts) (*specChangePlan, error) {
	q := env.Q()
	now := env.Now
	p := &specChangePlan{}

	// Load first: the region, the instance, its account and the target type.
	region, err := s.region(in.RegionID) // InvalidRegionId.NotFound
	if err != nil {
		return nil, err
	}
	// 1. The id is one of this region's (its prefix names the region:
	// InvalidParameter.InstanceId), exists and is yours (InvalidInstanceId.NotFound).
	if other := s.regionOfID(in.InstanceID); other != "" && other != region.RegionId {
		return nil, apierr.InvalidParameterInstanceId.Newf("The specified InstanceId %s is an instance id of region %s, not of %s. The specified InstanceId parameter is invalid.", in.InstanceID, other, region.RegionId)
	}
	inst, err := ownInstance(ctx, q, env.Caller, region.RegionId, in.InstanceID)
	if err != nil {
		return nil, err
	}
	p.inst = inst
	acc, err := q.AccountGetByID(ctx, inst.AccountID)
	if err != nil {
		return nil, err
	}
	p.acc = acc
	from, _ := s.Catalog.Type(inst.InstanceType)
	to, targetKnown := s.Catalog.Type(in.InstanceType)
	p.from, p.to = from, to

	// 2. The account can be billed, and bought this instance.
	if acc.Flags.NoBillingMethod {
		return nil, apierr.BillingMethodNotFound.New()
	}
	if inst.Flags.NoPurchaseRecord {
		return nil, apierr.InvalidInstancePurchaseNotFound.New()
	}
	// 3. A subscription instance (pay-as-you-go changes with ModifyInstanceSpec).
	if inst.ChargeType != store.PrePaid {
		return nil, apierr.InvalidBillingMethodValueNotSupported.Newf("The operation is not permitted due to an invalid billing method of the instance: %s is pay-as-you-go; use ModifyInstanceSpec.", inst.ID)
	}
	// 4. What other products say about it.
	if err := checkProductFlags(inst); err != nil {
		return nil, err
	}
	// 5. Not expired: renew first (spec: "Before you change the instance
	// type of an expired instance, you must renew the instance").
	if !o.allowExpired && (inst.Expired || !inst.ExpiredTime.After(now)) {
		return nil, apierr.InvalidInstancePreInstanceExpired.Newf("Instance business status is not Expired: %s expired at %s; renew it first.", inst.ID, rpc.FormatTime(inst.ExpiredTime))
	}
	// 6. No unpaid or unfinished order, no planned or active change.
	if err := s.checkOrders(ctx, q, inst, now); err != nil {
		return nil, err
	}
	// 7. The account has no overdue payment.
	if acc.Flags.OverduePayment {
		return nil, apierr.AccountArrearage.New()
	}
	// 8. The instance's own features allow a change.
	if err := checkInstanceFeatures(inst, from); err != nil {
		return nil, err
	}
	if o.instanceOnly {
		return p, nil
	}
	// 9. The target type exists and differs from the current one.
	if err := checkTargetKnown(in.InstanceType, to, targetKnown, inst); err != nil {
		return nil, err
	}
	// 10. The direction, by list price; OperatorType may only confirm it.
	if p.pOld, err = billing.MonthlyPrice(s.Catalog, inst.RegionID, inst.InstanceType); err != nil {
		return nil, err
	}
	if p.pNew, err = billing.MonthlyPrice(s.Catalog, inst.RegionID, to.InstanceTypeId); err != nil {
		return nil, err
	}
	p.direction = direction(p.pOld, p.pNew, from, to)
	switch strings.ToLower(in.OperatorType) {
	case "", p.direction:
	case Upgrade, Downgrade:
		return nil, apierr.InvalidAction.Newf("The operation is invalid: OperatorType is %s but %s to %s is a%s by list price (%s to %s a month).",
			in.OperatorType, inst.InstanceType, to.InstanceTypeId, map[string]string{Upgrade: "n upgrade", Downgrade: " downgrade"}[p.direction], p.pOld, p.pNew)
	default:
		return nil, apierr.InvalidParameter.Newf("The specified parameter OperatorType %q is invalid; use upgrade or downgrade.", in.OperatorType)
	}
	// 11. The status allows it: a downgrade needs Stopped, an upgrade
	// Running or Stopped.
	switch {
	case inst.Status != store.StatusRunning && inst.Status != store.StatusStopped:
		return nil, apierr.InvalidInstanceStatus.Newf("The current status of the instance does not support this operation: %s is %s.", inst.ID, inst.Status)
	case p.direction == Downgrade && inst.Status != store.StatusStopped:
		return nil, apierr.InvalidStatusNotStopped.Newf("Instance status must be stopped: a downgrade of %s needs it Stopped; it is %s.", inst.ID, inst.Status)
	}
	// 12. An online change: an upgrade of a Running instance within an
	// online-capable family, a few times between restarts.
	if err := checkModifyMode(in.ModifyMode, inst, from, to, p); err != nil {
		return nil, err
	}
	// 13. The target type may be used: not retired, not restricted, and in
	// the instance's change-compatibility table (spec/alibaba-api.md §2.2).
	if err := s.checkTargetUsable(env, acc, inst, from, to); err != nil {
		return nil, err
	}
	// 14. Offered in the zone with stock, or in another zone of the region
	// when MigrateAcrossZone allows it.
	if p.zoneID, err = s.targetZone(ctx, q, env, in, inst, to, region, o); err != nil {
		return nil, err
	}
	// 15. The instance fits the type: image, disks, ENIs, addresses, queues,
	// nested virtualization.
	if err := s.checkFit(ctx, q, inst, to, p.direction, in, p, acc); err != nil {
		return nil, err
	}
	// 16. Quotas.
	if err := s.checkChangeQuotas(ctx, env, acc, inst, from, to, p.direction, now); err != nil {
		return nil, err
	}
	// 17. Times: RebootTime and EndTime.
	if err := checkTimes(in, inst, p, now); err != nil {
		return nil, err
	}
	// 18. RAM permissions beyond ecs:ModifyPrepayInstanceSpec.
	if err := checkBillingPermissions(ctx, env, in, inst, p.direction); err != nil {
		return nil, err
	}
	// 19. The price: an upgrade fee to the end (or EndTime), or a refund,
	// over the whole configuration before and after: the type, the disks
	// that move category, the bandwidth (ARCHITECTURE.md §5 with P(config)).
	oldQ, newQ, err := s.changeQuotes(ctx, q, inst, to, p)
	if err != nil {
		return nil, err
	}
	if p.direction == Upgrade {
		p.fee = billing.ChangeFee(oldQ, newQ, now, p.until)
		p.amount = p.fee.Total
	} else if p.amount, err = refundOf(ctx, q, inst, oldQ.Total, newQ.Total, now); err != nil {
		return nil, err
	}
	return p, nil
}

// changeQuotes are the monthly prices of the instance's configuration
// before and after the planned change.
func (s *Service) changeQuotes(ctx context.Context, q store.Q, inst *store.Instance, to *catalog.InstanceType, p *specChangePlan) (billing.Quote, billing.Quote, error) {
	moved := map[string]plannedDisk{}
	for _, d := range p.disks {
		moved[d.disk.ID] = d
	}
	oldCfg, err := instanceConfig(ctx, q, inst)
	if err != nil {
		return billing.Quote{}, billing.Quote{}, err
	}
	newCfg, err := changedConfig(ctx, q, inst, to.InstanceTypeId, moved)
	if err != nil {
		return billing.Quote{}, billing.Quote{}, err
	}
	oldQ, err := billing.Monthly(s.Catalog, oldCfg)
	if err != nil {
		return billing.Quote{}, billing.Quote{}, err
	}
	newQ, err := billing.Monthly(s.Catalog, newCfg)
	return oldQ, newQ, err
}

// refundOf is what giving up the difference between the monthly prices
// pOld and pNew for the rest of the subscription gives back now: the
// downgrade refund of ARCHITECTURE.md §5, over what was paid for the
// instance. A change to pay-as-you-go gives up the whole price (pNew = 0).
func refundOf(ctx context.Context, q store.Q, inst *store.Instance, pOld, pNew money.Amount, now time.Time) (money.Amount, error) {
	paid, err := q.OrderPaidByType(ctx, inst.ID)
	if err != nil {
		return 0, err
	}
	var cash, voucher, refunded money.Amount
	for typ, v := range paid {
		if typ == store.OrderDowngrade || typ == store.OrderRefund {
			refunded += -money.Amount(v[1])
			continue
		}
		voucher += money.Amount(v[0])
		cash += money.Amount(v[1])
	}
	return billing.DowngradeRefund(pOld, pNew, now, inst.ExpiredTime, cash, voucher, refunded), nil
}

// The rules below are the pieces of the spec change that ModifyInstanceSpec
// (the pay-as-you-go resize) applies too.

// checkProductFlags: what other products say about the instance (starter
// package, EIP, advanced VPC features, system disk, image, locks).
func checkProductFlags(inst *store.Instance) error {
	switch {
	case inst.Flags.StarterPackage:
		return apierr.InvalidOperationStarterPackage.New()
	case inst.Flags.EipAddress != "":
		return apierr.InvalidInstanceEipNotSupport.New()
	case inst.Flags.VpcAdvancedNetworkFeature:
		return apierr.InvalidOperationVpcHasEnabledAdvancedNetworkFeature.New()
	case inst.Flags.SystemDiskMissing:
		return apierr.InvalidInstanceNotFoundSystemDisk.New()
	case inst.Flags.SystemDiskDetached:
		return apierr.InvalidDiskDetachedSystemDisk.New(inst.ID)
	case inst.Flags.ImageNotAuthorized:
		return apierr.OperationDeniedImageNotValid.New()
	case inst.LockReason != "":
		return apierr.InvalidInstanceStatusLocked.Newf("The current status of the instance does not support this operation: it is locked (%s).", inst.LockReason)
	}
	return nil
}

// checkInstanceFeatures: hibernation and local disks forbid a change.
func checkInstanceFeatures(inst *store.Instance, from *catalog.InstanceType) error {
	if inst.Hibernation {
		return apierr.HibernationConfiguredInstanceOperationForbidden.New()
	}
	if from != nil && from.LocalStorageAmount > 0 {
		return apierr.OperationDeniedLocalDiskUnsupported.New()
	}
	return nil
}

// checkTargetKnown: the target type exists and differs from the current one.
func checkTargetKnown(name string, to *catalog.InstanceType, known bool, inst *store.Instance) error {
	if !known {
		return apierr.InvalidInstanceTypeValueNotSupported.Newf("The specified InstanceType %q does not exist or beyond the permitted range.", name)
	}
	if to.InstanceTypeId == inst.InstanceType {
		return apierr.InvalidInstanceTypeNotSupported.Newf("The specified InstanceType is not Supported: the instance is already %s.", to.InstanceTypeId)
	}
	return nil
}

// checkTargetUsable: the target type is not retired, not restricted for
// the account, and in the change-compatibility table of the instance's type.
func (s *Service) checkTargetUsable(env *rpc.Env, acc *store.Account, inst *store.Instance, from, to *catalog.InstanceType) error {
	if to.Retired {
		return apierr.InstanceTypeOffline.Newf("The instance type %s is retired.", to.InstanceTypeId)
	}
	if slices.Contains(acc.Flags.RestrictedTypes, to.InstanceTypeId) {
		if env.Caller.IsMainAccount() {
			return apierr.InvalidInstanceTypeValueUnauthorized.Newf("The specified InstanceType %s is not authorized for this account.", to.InstanceTypeId)
		}
		return apierr.InvalidInstanceTypeValueUnauthorizedUser.Newf("The specified InstanceType %s is not authorized.", to.InstanceTypeId)
	}
	if !s.Catalog.CanChange(inst.InstanceType, to.InstanceTypeId) {
		return apierr.InvalidInstanceTypeValueNotSupportedRange.Newf("The specified InstanceType %s does not exist or beyond the permitted range: family %s cannot change to %s.", to.InstanceTypeId, from.InstanceTypeFamily, to.InstanceTypeFamily)
	}
	return nil
}

// direction is upgrade when the new type costs more; at the same price the
// bigger type (vCPUs, then memory) is the upgrade.
func direction(pOld, pNew money.Amount, from, to *catalog.InstanceType) string {
	switch {
	case pNew > pOld:
		return Upgrade
	case pNew < pOld:
		return Downgrade
	case from != nil && (to.CpuCoreCount > from.CpuCoreCount || (to.CpuCoreCount == from.CpuCoreCount && to.MemorySize >= from.MemorySize)):
		return Upgrade
	}
	return Downgrade
}

// minChangeInterval, when set, is the least time between two changes of an
// instance (the user guide asks for five minutes); 0 turns it off.
func (s *Service) checkOrders(ctx context.Context, q store.Q, inst *store.Instance, now time.Time) error {
	unpaid, err := q.OrderUnpaidOfInstance(ctx, inst.AccountID, inst.ID)
	if err != nil {
		return err
	}
	for _, o := range unpaid {
		switch o.Type {
		case store.OrderUpgrade, store.OrderTempUpgrade, store.OrderDowngrade:
			return apierr.InvalidInstanceUnpaidOrder.Newf("The specified instance has unpaid order %s: pay or cancel it first.", o.ID)
		default:
			return apierr.OperationDeniedUnpaidOrder.Newf("The specified instance has unpaid order %s (%s): pay it in the console first.", o.ID, o.Type)
		}
	}
	switch {
	case inst.InFlightOrderID != "":
		return apierr.LastOrderProcessing.Newf("The previous order is still processing, please try again later: order %s is being applied.", inst.InFlightOrderID)
	case inst.Flags.RenewDowngradePlanned:
		return apierr.InvalidOperationInstanceRenewWithDowngradeInPlan.New()
	case !inst.ElasticUntil.IsZero():
		return apierr.InvalidActionWithActiveElasticUpgrade.Newf("The instance has active Elastic Upgrade until %s.", rpc.FormatTime(inst.ElasticUntil))
	case s.MinChangeInterval > 0 && !inst.LastChangeAt.IsZero() && now.Sub(inst.LastChangeAt) < s.MinChangeInterval:
		return apierr.ThrottlingInstance.Newf("You have made too many requests within a short time; your request is denied due to request throttling: the last change of %s was at %s, and changes must be %s apart.", inst.ID, rpc.FormatTime(inst.LastChangeAt), s.MinChangeInterval)
	}
	return nil
}

func checkModifyMode(mode string, inst *store.Instance, from, to *catalog.InstanceType, p *specChangePlan) error {
	switch mode {
	case "", "Offline":
		if inst.OnlineChanges > 0 && inst.Status == store.StatusRunning {
			return apierr.InvalidOperationRebootingRequired.Newf("The specified instance needs to be rebooted: %d online changes of %s are not applied by a restart yet.", inst.OnlineChanges, inst.ID)
		}
	case "Online":
		if inst.Status != store.StatusRunning || p.direction != Upgrade || from == nil ||
			from.InstanceTypeFamily != to.InstanceTypeFamily || !slices.Contains(onlineFamilies, from.InstanceTypeFamily) {
			return apierr.InvalidOperationOnlineModificationUnsupported.New()
		}
		if inst.OnlineChanges >= maxOnlineChanges {
			return apierr.InvalidOperationMaxModifyOnlineNumberExceeded.New()
		}
		p.online = true
	default:
		return apierr.InvalidParameter.Newf("The specified parameter ModifyMode %q is invalid; use Offline or Online.", mode)
	}
	return nil
}

// targetZone returns where the changed instance will be: its zone if that
// offers the type with stock, else (MigrateAcrossZone) the first zone of the
// region that does.
func (s *Service) targetZone(ctx context.Context, q store.Q, env *rpc.Env, in SpecChange, inst *store.Instance, to *catalog.InstanceType, region *catalog.Region, o ruleOpts) (string, error) {
	hasStock := func(zone string) (bool, error) {
		if !s.Catalog.ZoneOffers(zone, to.InstanceTypeId) {
			return false, nil
		}
		if o.skipStock {
			return true, nil
		}
		n, err := q.StockGet(ctx, zone, to.InstanceTypeId)
		if err == store.ErrNotFound {
			return false, nil
		}
		return n > 0, err
	}
	ok, err := hasStock(inst.ZoneID)
	if err != nil || ok {
		return inst.ZoneID, err
	}
	if in.MigrateAcrossZone {
		disks, _, err := q.DiskList(ctx, store.DiskFilter{AccountID: inst.AccountID, InstanceID: inst.ID, DiskType: store.DiskData})
		if err != nil {
			return "", err
		}
		if len(disks) > 0 {
			return "", apierr.OperationDenied.Newf("The instance has %d data disks, which cannot move to another zone; detach them to change across zones.", len(disks))
		}
		v, err := q.VpcGet(ctx, inst.AccountID, "", inst.VpcID)
		if err != nil {
			return "", err
		}
		for _, z := range region.Zones {
			if z.ZoneId == inst.ZoneID {
				continue
			}
			// The instance stays in its VPC: the zone needs a vSwitch of it.
			if room, err := vpc.ZoneHasRoom(ctx, q, v, z.ZoneId); err != nil || !room {
				if err != nil {
					return "", err
				}
				continue
			}
			if ok, err := hasStock(z.ZoneId); err != nil || ok {
				return z.ZoneId, err
			}
		}
	}
	if !s.Catalog.ZoneOffers(inst.ZoneID, to.InstanceTypeId) {
		return "", apierr.InvalidResourceTypeNotSupported.Newf("The specified resource combination does not exist: zone %s does not offer %s. Change to another zone or specification (MigrateAcrossZone=true).", inst.ZoneID, to.InstanceTypeId)
	}
	return "", apierr.OperationDeniedNoStock.Newf("The specified instance is out of usage: zone %s has no %s left.", inst.ZoneID, to.InstanceTypeId)
}

// checkFit checks the instance against the target type: image, OS, disks,
// network interfaces, addresses, queues and nested virtualization.
func (s *Service) checkFit(ctx context.Context, q store.Q, inst *store.Instance, to *catalog.InstanceType, dir string, in SpecChange, p *specChangePlan, acc *store.Account) error {
	if img, ok := s.Catalog.Image(inst.ImageID); ok {
		if img.Architecture != archOf(to) {
			return apierr.ImageNotSupportInstanceType.Newf("The specified image %s (%s) does not support the instance type %s (%s).", img.ImageId, img.Architecture, to.InstanceTypeId, to.CpuArchitecture)
		}
		if img.OSType == "windows" && to.MemorySize < 1 {
			return apierr.InvalidOperationOSTypeNotSupported.Newf("The specified OS type is not supported: Windows needs at least 1 GiB of memory; %s has %g.", to.InstanceTypeId, to.MemorySize)
		}
	}
	disks, _, err := q.DiskList(ctx, store.DiskFilter{AccountID: inst.AccountID, InstanceID: inst.ID})
	if err != nil {
		return err
	}
	data := 0
	for _, d := range disks {
		cat := d.Category
		if d.Type == store.DiskSystem {
			if in.SystemDiskCategory != "" {
				cat = in.SystemDiskCategory
			}
			if !slices.Contains(to.SupportedDiskCategories, cat) {
				return apierr.InvalidSystemDiskCategoryNotMatchInstanceType.Newf("The system disk category %s does not match the instance type %s.", cat, to.InstanceTypeId)
			}
			if cat != d.Category {
				p.disks = append(p.disks, plannedDisk{disk: d, category: cat})
			}
			continue
		}
		data++
		if !slices.Contains(to.SupportedDiskCategories, cat) && !changesDisk(in.Disks, d.ID) {
			return apierr.InvalidInstanceTypeNotSupportDiskCategory.Newf("The instance type %s does not support the disk category %s of data disk %s.", to.InstanceTypeId, cat, d.ID)
		}
	}
	if data > to.DiskQuantity {
		return apierr.InstanceTypeNotSupportedTooManyDisksAttached.Newf("The instance type %s supports %d data disks; %s has %d attached.", to.InstanceTypeId, to.DiskQuantity, inst.ID, data)
	}
	if err := checkNetworkLimits(to, inst.EniCount, inst.SecondaryIPCount, inst.Ipv6Count, inst.EniQueueNumber, inst.EniQueueNumber*max(inst.EniCount, 1)); err != nil {
		return err
	}
	if inst.NestedVirtualization && !to.NestedVirtualization {
		return apierr.InvalidInstanceTypeNotSupportCpuOptionsNestedVirtualization.New(to.InstanceTypeId)
	}
	// SystemDisk.Category takes effect only when a retired, non-I/O
	// optimized type moves to an I/O optimized one (the doc's note).
	if in.SystemDiskCategory != "" {
		if in.SystemDiskCategory != "cloud_efficiency" && in.SystemDiskCategory != "cloud_ssd" {
			return apierr.InvalidSystemDiskCategoryValueNotSupported.Newf("The specified parameter SystemDisk.Category %q is not valid; use cloud_efficiency or cloud_ssd.", in.SystemDiskCategory)
		}
		if p.from == nil || p.from.IoOptimized || !p.from.Retired {
			return apierr.InvalidDiskCategoryNotSupported.Newf("The upgrade operation of instance does not support this category of disk: SystemDisk.Category applies only when a retired non-I/O-optimized type changes to an I/O-optimized one.")
		}
	}
	return s.planDisks(ctx, q, inst, to, dir, in.Disks, disks, p, acc)
}

func changesDisk(changes []DiskChange, id string) bool {
	for _, c := range changes {
		if c.DiskID == id {
			return true
		}
	}
	return false
}

// planDisks checks the data-disk category changes of Disk.N.
func (s *Service) planDisks(ctx context.Context, q store.Q, inst *store.Instance, to *catalog.InstanceType, dir string, changes []DiskChange, disks []*store.Disk, p *specChangePlan, acc *store.Account) error {
	for _, c := range changes {
		if c.DiskID == "" {
			return apierr.InvalidParameter.Newf("The specified parameter Disk.N.DiskId is empty.")
		}
		if c.Category == "" {
			return apierr.MissingParameterDiskCategory.New()
		}
		if !slices.Contains(knownDiskCategories, c.Category) {
			return apierr.InvalidParameterDiskCategory.Newf("The specified parameter Disk.Category %q is not valid.", c.Category)
		}
		if c.PerformanceLevel != "" && (c.Category != "cloud_essd" || !slices.Contains(performanceLevel, c.PerformanceLevel)) {
			return apierr.InvalidPerformanceLevelMalformed.Newf("The specified parameter Disk.n.PerformanceLevel %q is not valid for %s.", c.PerformanceLevel, c.Category)
		}
		var disk *store.Disk
		for _, d := range disks {
			if d.ID == c.DiskID && d.Type == store.DiskData {
				disk = d
			}
		}
		if disk == nil {
			return apierr.InvalidParameter.Newf("The specified parameter Disk.N.DiskId %s is not a data disk of %s.", c.DiskID, inst.ID)
		}
		if !slices.Contains(to.SupportedDiskCategories, c.Category) {
			return apierr.InvalidDataDiskCategoryValueNotSupported.Newf("The specified Category of Data Disk %s is not valid for %s.", c.Category, to.InstanceTypeId)
		}
		if dir == Downgrade {
			return apierr.InvalidParameter.Newf("A downgrade cannot change disk categories in the same operation: change the disks first, then downgrade.")
		}
		if quota, ok := acc.Flags.DiskCapacityQuota[c.Category]; ok {
			used, err := q.DiskCapacityInZone(ctx, inst.AccountID, inst.ZoneID, c.Category)
			if err != nil {
				return err
			}
			if used+disk.Size > quota {
				return apierr.QuotaExceedDiskCapacity.New(c.Category + ": " + itoa(used+disk.Size) + " GiB of " + itoa(quota))
			}
		}
		pl := c.PerformanceLevel
		if c.Category == "cloud_essd" && pl == "" {
			pl = "PL1"
		}
		p.disks = append(p.disks, plannedDisk{disk: disk, category: c.Category, perfLevel: pl})
	}
	return nil
}

// checkChangeQuotas: an upgrade stays within the regional vCPU quota; a
// downgrade within the monthly number of downgrades and refunded vCPUs.
func (s *Service) checkChangeQuotas(ctx context.Context, env *rpc.Env, acc *store.Account, inst *store.Instance, from, to *catalog.InstanceType, dir string, now time.Time) error {
	if dir == Upgrade {
		if from != nil && to.CpuCoreCount > from.CpuCoreCount {
			return s.checkVCPUQuota(ctx, env, acc, inst.RegionID, to.CpuCoreCount-from.CpuCoreCount)
		}
		return nil
	}
	if acc.Flags.DowngradeQuota == 0 {
		return apierr.OperationDeniedAccount.Newf("The current user does not support this operation: the account may not downgrade (its downgrade quota is 0).")
	}
	n, refunded, err := env.Q().DowngradeCount(ctx, acc.ID, billing.MonthStart(now))
	if err != nil {
		return err
	}
	if n >= acc.Flags.DowngradeQuota {
		return apierr.InstanceDowngradeQuotaExceed.Newf("Quota of instance downgrade is exceed: %d of %d downgrades this month.", n, acc.Flags.DowngradeQuota)
	}
	if give := from.CpuCoreCount - to.CpuCoreCount; give > 0 && refunded+give > acc.Flags.RefundVCPUQuota {
		return apierr.QuotaExceedRufundVcpu.New(itoa(refunded+give) + " of " + itoa(acc.Flags.RefundVCPUQuota))
	}
	return nil
}

// checkTimes checks RebootTime (a scheduled restart in the future, before
// the subscription ends) and EndTime (the end of a temporary upgrade).
func checkTimes(in SpecChange, inst *store.Instance, p *specChangePlan, now time.Time) error {
	p.until = inst.ExpiredTime
	if in.RebootTime != "" {
		t, err := rpc.ParseTime(in.RebootTime)
		if err != nil {
			return apierr.InvalidRebootTimeMalFormed.Newf("The specified rebootTime is not valid: %q; use yyyy-MM-ddTHH:mm:ssZ or yyyy-MM-ddTHH:mmZ in UTC.", in.RebootTime)
		}
		if !t.After(now) || !t.Before(inst.ExpiredTime) {
			return apierr.InvalidRebootTimeValueNotSupported.Newf("The specified RebootTime is not valid: %s must be after now (%s) and before the instance expires (%s).", in.RebootTime, rpc.FormatTime(now), rpc.FormatTime(inst.ExpiredTime))
		}
		p.rebootAt = t
	}
	if in.EndTime != "" {
		t, err := rpc.ParseTime(in.EndTime)
		if err != nil {
			return apierr.InvalidParameter.Newf("The specified parameter EndTime %q is invalid: use yyyy-MM-ddTHH:mm:ssZ or yyyy-MM-ddTHH:mmZ in UTC.", in.EndTime)
		}
		if p.direction != Upgrade {
			return apierr.InvalidParameter.Newf("The specified parameter EndTime is invalid: only an upgrade can be temporary.")
		}
		if t.Sub(now) < time.Hour || !t.Before(inst.ExpiredTime) {
			return apierr.InvalidParameter.Newf("The specified parameter EndTime %s is invalid: a temporary upgrade lasts at least an hour and ends before the instance expires (%s).", in.EndTime, rpc.FormatTime(inst.ExpiredTime))
		}
		p.temporary, p.until = true, t
	}
	return nil
}

// The RAM permissions a change needs besides ecs:ModifyPrepayInstanceSpec,
// for RAM users (README "RAM"): an unpaid order exposes the price, a
// downgrade refunds money, and the instance's RAM role is passed on.
const (
	PricePermission    = "bss:GetSubscriptionPrice"
	RefundPermission   = "bss:RefundInstance"
	PassRolePermission = "ram:PassRole"
)

func checkBillingPermissions(ctx context.Context, env *rpc.Env, in SpecChange, inst *store.Instance, dir string) error {
	if inst.RAMRole != "" {
		if err := requirePermission(ctx, env, apierr.InvalidUserPassRoleForbidden, PassRolePermission, "acs:ram:*:"+inst.AccountID+":role/"+strings.ToLower(inst.RAMRole)); err != nil {
			return err
		}
	}
	return checkMoneyPermissions(ctx, env, dir == Upgrade && !in.AutoPay, dir == Downgrade)
}

// checkMoneyPermissions: a RAM user needs bss:GetSubscriptionPrice for an
// order left unpaid (its price is shown) and bss:RefundInstance for a
// refund. The spec change and the change of charge type both ask.
func checkMoneyPermissions(ctx context.Context, env *rpc.Env, unpaidOrder, refund bool) error {
	if unpaidOrder {
		if err := requirePermission(ctx, env, apierr.NoPermissionPrice, PricePermission); err != nil {
			return err
		}
	}
	if refund {
		return requirePermission(ctx, env, apierr.NoPermissionRefund, RefundPermission)
	}
	return nil
}

// requirePermission returns denied's error unless a RAM user may do action.
func requirePermission(ctx context.Context, env *rpc.Env, denied *apierr.Def, action string, resources ...string) error {
	if env.Allowed == nil {
		return nil
	}
	ok, err := env.Allowed(ctx, action, resources...)
	if err != nil {
		return err
	}
	if !ok {
		return denied.New()
	}
	return nil
}
