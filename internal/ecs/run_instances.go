package ecs

import (
	"context"
	"encoding/json"
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

// RunInstancesRequest is RunInstances' input (spec/alibaba-api.md §3.4).
type RunInstancesRequest struct {
	rpc.AccountDelegation
	RegionId           string   `param:"RegionId,required"`
	ZoneId             string   `param:"ZoneId"`
	VSwitchId          string   `param:"VSwitchId"`
	SecurityGroupId    string   `param:"SecurityGroupId"`
	SecurityGroupIds   []string `param:"SecurityGroupIds"`
	PrivateIpAddress   string   `param:"PrivateIpAddress"`
	ImageId            string   `param:"ImageId,required"`
	InstanceType       string   `param:"InstanceType,required"`
	InstanceChargeType string   `param:"InstanceChargeType"`
	Period             *int     `param:"Period"`
	PeriodUnit         string   `param:"PeriodUnit"`
	AutoRenew          bool     `param:"AutoRenew"`
	AutoRenewPeriod    *int     `param:"AutoRenewPeriod"`
	AutoPay            *bool    `param:"AutoPay"`
	Amount             *int     `param:"Amount"`
	MinAmount          *int     `param:"MinAmount"`
	DryRun             bool     `param:"DryRun"`
	InstanceName       string   `param:"InstanceName"`
	Description        string   `param:"Description"`
	HostName           string   `param:"HostName"`
	SystemDisk         struct {
		DiskParam
		DiskName    string     `param:"DiskName"`
		Description string     `param:"Description"`
		_           rpc.Refuse `refuse:"Encrypted=false,EncryptAlgorithm,KMSKeyId,AutoSnapshotPolicyId,BurstingEnabled=false,ProvisionedIops,StorageClusterId" why:"encryption, snapshots, bursting, provisioned IOPS and storage clusters are not modelled"`
	} `param:"SystemDisk"`
	DataDisk []struct {
		DiskParam
		DiskName           string     `param:"DiskName"`
		Description        string     `param:"Description"`
		Device             string     `param:"Device"`
		DeleteWithInstance *bool      `param:"DeleteWithInstance"`
		_                  rpc.Refuse `refuse:"SnapshotId" why:"snapshots are not modelled"`
		_                  rpc.Refuse `refuse:"Encrypted=false,EncryptAlgorithm,KMSKeyId,AutoSnapshotPolicyId,BurstingEnabled=false,ProvisionedIops,StorageClusterId" why:"encryption, snapshots, bursting, provisioned IOPS and storage clusters are not modelled"`
	} `param:"DataDisk"`
	Ipv6AddressCount            *int `param:"Ipv6AddressCount"`
	NetworkInterfaceQueueNumber *int `param:"NetworkInterfaceQueueNumber"`
	NetworkInterface            []struct {
		InstanceType                   string     `param:"InstanceType"`
		VSwitchId                      string     `param:"VSwitchId"`
		SecurityGroupId                string     `param:"SecurityGroupId"`
		QueueNumber                    *int       `param:"QueueNumber"`
		Ipv6AddressCount               *int       `param:"Ipv6AddressCount"`
		SecondaryPrivateIpAddressCount *int       `param:"SecondaryPrivateIpAddressCount"`
		_                              rpc.Refuse `refuse:"NetworkInterfaceId,NetworkInterfaceName,Description,PrimaryIpAddress,Ipv6Address,SecurityGroupIds,NetworkCardIndex,NetworkInterfaceTrafficMode=Standard,QueuePairNumber,RxQueueSize,TxQueueSize,DeleteOnRelease,SourceDestCheck" why:"these network interface details are not modelled"`
	} `param:"NetworkInterface"`
	CpuOptions struct {
		NestedVirtualization string     `param:"NestedVirtualization"`
		_                    rpc.Refuse `refuse:"Core,ThreadsPerCore,Numa,TopologyType" why:"CPU topology options are not modelled: the catalog does not say which core and thread counts each type allows"`
	} `param:"CpuOptions"`
	HibernationOptions struct {
		Configured bool `param:"Configured"`
	} `param:"HibernationOptions"`
	RamRoleName string     `param:"RamRoleName"`
	UserData    string     `param:"UserData"`
	Tag         []TagParam `param:"Tag"`
	_           rpc.Refuse `refuse:"Isp" why:"public bandwidth is BGP (multi-line) only"`
	_           rpc.Refuse `refuse:"PasswordInherit=false" why:"ecsd's images carry no preset password; give Password or KeyPairName"`
	_           rpc.Refuse `refuse:"LaunchTemplateId,LaunchTemplateName,LaunchTemplateVersion" why:"launch templates are not modelled"`
	_           rpc.Refuse `refuse:"ImageFamily" why:"images are chosen by ImageId"`
	_           rpc.Refuse `refuse:"DedicatedHostId,Tenancy=default,Affinity=default,SchedulerOptions,DeploymentSetId,DeploymentSetGroupNo,HpcClusterId,PrivatePoolOptions.MatchCriteria=Open,PrivatePoolOptions.Id,StorageSetId,StorageSetPartitionNumber" why:"dedicated hosts, deployment sets, private pools and storage sets are not modelled"`
	_           rpc.Refuse `refuse:"Ipv6Address,NetworkOptions,PrivateDnsNameOptions" why:"chosen IPv6 addresses and network options are not modelled"`
	_           rpc.Refuse `refuse:"IoOptimized=optimized" why:"every instance is I/O optimised"`
	_           rpc.Refuse `refuse:"SecurityEnhancementStrategy=Active,SecurityOptions,ImageOptions" why:"guest security and image login options are not modelled"`
	_           rpc.Refuse `refuse:"ClockOptions" why:"clock options are not modelled"`
	_           rpc.Refuse `refuse:"Arn" why:"role chains are not modelled"`

	// Lifecycle (instance_lifecycle.go).
	AutoReleaseTime          string   `param:"AutoReleaseTime"`
	DeletionProtection       bool     `param:"DeletionProtection"`
	SpotStrategy             string   `param:"SpotStrategy"`
	SpotPriceLimit           *float64 `param:"SpotPriceLimit"`
	SpotDuration             *int     `param:"SpotDuration"`
	SpotInterruptionBehavior string   `param:"SpotInterruptionBehavior"`
	CreditSpecification      string   `param:"CreditSpecification"`
	// Public bandwidth and IP address (checkInternet, addInternet).
	InternetChargeType      string `param:"InternetChargeType"`
	InternetMaxBandwidthOut *int   `param:"InternetMaxBandwidthOut"`
	InternetMaxBandwidthIn  *int   `param:"InternetMaxBandwidthIn"`
	// Identity and metadata service (instance_identity.go).
	HostNames               []string `param:"HostNames"`
	UniqueSuffix            bool     `param:"UniqueSuffix"`
	Password                string   `param:"Password"`
	KeyPairName             string   `param:"KeyPairName"`
	ResourceGroupId         string   `param:"ResourceGroupId"`
	HttpEndpoint            string   `param:"HttpEndpoint"`
	HttpTokens              string   `param:"HttpTokens"`
	HttpPutResponseHopLimit *int     `param:"HttpPutResponseHopLimit"`
}

// RunInstancesResponse is RunInstances' answer.
type RunInstancesResponse struct {
	rpc.Response
	OrderId        string       `json:",omitempty" xml:",omitempty"`
	TradePrice     money.Number `json:",omitempty" xml:",omitempty"`
	InstanceIdSets struct {
		InstanceIdSet []string
	}
}

// runInstances handles RunInstances.
func (s *Service) runInstances(ctx context.Context, env *rpc.Env, req *RunInstancesRequest) (*RunInstancesResponse, error) {
	p, err := s.planPurchase(ctx, env, req)
	if err != nil {
		return nil, err
	}
	if req.DryRun {
		return nil, apierr.DryRunOperation.New()
	}
	res, err := s.purchase(ctx, env, p)
	if err != nil {
		return nil, err
	}
	resp := &RunInstancesResponse{OrderId: res.OrderID, TradePrice: money.Number(res.Price)}
	resp.InstanceIdSets.InstanceIdSet = res.InstanceIDs
	return resp, nil
}

// purchasePlan is a checked RunInstances request.
type purchasePlan struct {
	req       *RunInstancesRequest
	region    *catalog.Region
	zoneID    string
	vsw       *store.VSwitch
	groups    []*store.SecurityGroup
	typ       *catalog.InstanceType
	image     *catalog.Image
	prepaid   bool
	period    int
	unit      billing.PriceUnit
	autoPay   bool
	amount    int
	minAmount int
	renewN    int
	enis      int
	secIPs    int
	ipv6      int
	queues    int
	nested    bool
	sysDisk   diskSpec
	dataDisks []diskSpec
	lifecycle lifecyclePlan
	internet  internetSpec
	ident     *identityPlan
}

// DiskParam is what a request says of a disk's kind and size
// (SystemDisk.*, DataDisk.N.*), as RunInstances and DescribePrice take it.
type DiskParam struct {
	Category         string `param:"Category"`
	Size             *int   `param:"Size"`
	PerformanceLevel string `param:"PerformanceLevel"`
}

type diskSpec struct {
	Category, PerformanceLevel string
	Size                       int
	Name, Description, Device  string // Device "" for the system disk
	Detachable                 bool   // a data disk left behind when its instance is released
}

var (
	monthPeriods        = []int{1, 2, 3, 4, 5, 6, 7, 8, 9, 12, 24, 36, 48, 60}
	weekPeriods         = []int{1, 2, 3, 4}
	autoRenewMonths     = []int{1, 2, 3, 6, 12, 24, 36, 48, 60}
	autoRenewWeeks      = []int{1, 2, 3}
	knownDiskCategories = catalog.DiskCategories
	performanceLevel    = catalog.PerformanceLevels
)

// planPurchase checks a RunInstances request as real ECS does, in order,
// and returns what to buy. It changes nothing.
func (s *Service) planPurchase(ctx context.Context, env *rpc.Env, req *RunInstancesRequest) (*purchasePlan, error) {
	p := &purchasePlan{req: req, amount: 1, autoPay: true}
	var err error
	if p.region, err = s.region(req.RegionId); err != nil {
		return nil, err
	}

	// Billing parameters.
	switch req.InstanceChargeType {
	case "", store.PostPaid:
	case store.PrePaid:
		p.prepaid = true
	default:
		return nil, apierr.InvalidInstanceChargeTypeValueNotSupported.Newf("The specified InstanceChargeType %q is invalid; use PrePaid or PostPaid.", req.InstanceChargeType)
	}
	if req.AutoPay != nil {
		p.autoPay = *req.AutoPay
	}
	if p.prepaid {
		if req.Period == nil {
			return nil, apierr.MissingParamter.New()
		}
		if p.period, p.unit, err = parsePeriod(*req.Period, req.PeriodUnit); err != nil {
			return nil, err
		}
		if req.AutoRenew {
			p.renewN = 1
			if req.AutoRenewPeriod != nil {
				p.renewN = *req.AutoRenewPeriod
			}
			allowed := autoRenewMonths
			if p.unit == billing.Week {
				allowed = autoRenewWeeks
			}
			if !slices.Contains(allowed, p.renewN) {
				return nil, apierr.InvalidAutoRenewPeriodValueNotSupported.Newf("The specified AutoRenewPeriod %d is not valid for PeriodUnit %s.", p.renewN, p.unit)
			}
		}
	} else if !p.autoPay {
		return nil, apierr.InvalidPayMethod.Newf("The specified billing method is not valid: AutoPay cannot be false for PostPaid instances.")
	}
	if req.Amount != nil {
		p.amount = *req.Amount
	}
	if p.amount < 1 || p.amount > 100 {
		return nil, apierr.InvalidParameter.Newf("The specified parameter Amount %d is not valid: use 1 to 100.", p.amount)
	}
	p.minAmount = p.amount
	if req.MinAmount != nil {
		p.minAmount = *req.MinAmount
		if p.minAmount < 1 || p.minAmount > p.amount {
			return nil, apierr.InvalidParameter.Newf("The specified parameter MinAmount %d is not valid: use 1 to Amount (%d).", p.minAmount, p.amount)
		}
	}
	if err := checkDescription(req.Description); err != nil {
		return nil, err
	}
	if err := checkTags(req.Tag); err != nil {
		return nil, err
	}
	if err := checkUserData(req.UserData); err != nil {
		return nil, err
	}

	// The type, then placement (zone and network), then the image.
	typ, ok := s.Catalog.Type(req.InstanceType)
	if !ok {
		return nil, apierr.InvalidInstanceTypeValueNotSupported.Newf("The specified InstanceType %q does not exist.", req.InstanceType)
	}
	p.typ = typ
	if typ.Retired {
		return nil, apierr.InstanceTypeOffline.Newf("The instance type %s is retired and can no longer be bought.", typ.InstanceTypeId)
	}
	if err := s.place(ctx, env, p); err != nil {
		return nil, err
	}
	img, ok := s.Catalog.Image(req.ImageId)
	if !ok {
		return nil, apierr.InvalidImageIDNotFound.Newf("The specified ImageId %q does not exist.", req.ImageId)
	}
	p.image = img
	if p.ident, err = planIdentity(ctx, env, req, img, p.amount); err != nil {
		return nil, err
	}
	if !s.Catalog.ZoneOffers(p.zoneID, typ.InstanceTypeId) {
		return nil, apierr.InvalidInstanceTypeZoneNotSupported.Newf("The specified zone %s does not support the instance type %s.", p.zoneID, typ.InstanceTypeId)
	}
	if archOf(typ) != img.Architecture {
		return nil, apierr.ImageNotSupportInstanceType.Newf("The specified image %s (%s) does not support the instance type %s (%s).", img.ImageId, img.Architecture, typ.InstanceTypeId, typ.CpuArchitecture)
	}

	// Disks.
	var data []DiskParam
	for _, d := range req.DataDisk {
		data = append(data, d.DiskParam)
	}
	if p.sysDisk, p.dataDisks, err = s.purchaseDisks(typ, img.Size, req.SystemDisk.DiskParam, data); err != nil {
		return nil, err
	}
	if err := planDiskDetails(req, p); err != nil {
		return nil, err
	}

	// Network interfaces, addresses and queues; public bandwidth.
	if err := checkNetwork(typ, req, p); err != nil {
		return nil, err
	}
	if p.internet, err = checkInternet(req.InternetChargeType, req.InternetMaxBandwidthOut, req.InternetMaxBandwidthIn); err != nil {
		return nil, err
	}
	switch req.CpuOptions.NestedVirtualization {
	case "", "Disabled":
	case "Enabled":
		if !typ.NestedVirtualization {
			return nil, apierr.InvalidInstanceTypeNotSupportCpuOptionsNestedVirtualization.New(typ.InstanceTypeId)
		}
		p.nested = true
	default:
		return nil, apierr.InvalidParameter.Newf("The specified parameter CpuOptions.NestedVirtualization %q is not valid; use Enabled or Disabled.", req.CpuOptions.NestedVirtualization)
	}
	if p.lifecycle, err = planLifecycle(req, typ, p.prepaid, env.Now); err != nil {
		return nil, err
	}

	// The account. Its row stays locked to the end of the transaction, so
	// that concurrent purchases check the vCPU quota one after the other.
	acc, err := env.Tx.AccountLock(ctx, env.Caller.AccountID)
	if err != nil {
		return nil, err
	}
	if acc.Flags.NoBillingMethod {
		return nil, apierr.BillingMethodNotFound.New()
	}
	if acc.Flags.OverduePayment {
		return nil, apierr.AccountArrearage.New()
	}
	if slices.Contains(acc.Flags.RestrictedTypes, typ.InstanceTypeId) {
		return nil, apierr.InvalidInstanceTypeValueUnauthorized.Newf("The specified InstanceType %s is not authorized for this account.", typ.InstanceTypeId)
	}
	// At least MinAmount must fit in the regional vCPU quota; partial
	// creation never goes past it.
	if err := s.checkVCPUQuota(ctx, env, acc, p.region.RegionId, typ.CpuCoreCount*p.minAmount); err != nil {
		return nil, err
	}
	if room, err := s.vcpuRoom(ctx, env, acc, p.region.RegionId); err != nil {
		return nil, err
	} else if room >= 0 {
		p.amount = min(p.amount, room/typ.CpuCoreCount)
	}
	return p, nil
}

// parsePeriod checks a subscription's Period and PeriodUnit (Month when
// empty): InvalidPeriod or InvalidPeriodUnit.ValueNotSupported.
func parsePeriod(period int, unit string) (int, billing.PriceUnit, error) {
	switch unit {
	case "", "Month":
		if !slices.Contains(monthPeriods, period) {
			return 0, "", apierr.InvalidPeriod.Newf("The specified period %d is not valid: with PeriodUnit Month use 1-9, 12, 24, 36, 48 or 60.", period)
		}
		return period, billing.Month, nil
	case "Week":
		if !slices.Contains(weekPeriods, period) {
			return 0, "", apierr.InvalidPeriod.Newf("The specified period %d is not valid: with PeriodUnit Week use 1-4.", period)
		}
		return period, billing.Week, nil
	}
	return 0, "", apierr.InvalidPeriodUnitValueNotSupported.Newf("The specified PeriodUnit %q is not valid; use Week or Month.", unit)
}

// archOf maps a type's CPU architecture to an image's.
func archOf(t *catalog.InstanceType) string {
	if t.CpuArchitecture == "ARM" {
		return "arm64"
	}
	return "x86_64"
}

// place picks the zone, the vSwitch and the security groups: the zone of
// the given vSwitch, the given zone, or the first zone of the region that
// offers the type. Without a vSwitch the instance goes to the zone's default
// vSwitch of the account's default VPC, and without a security group to
// the VPC's default group; all of them are created on first need. The
// groups' rows are held to the end of the transaction, so that a group is
// not deleted while instances join it.
//
//	VSwitchId names an Available vSwitch of the caller   → InvalidVSwitchId.NotFound, IncorrectVSwitchStatus
//	in ZoneId, when both are given                       → InvalidParameter
//	SecurityGroupId or SecurityGroupIds.N, not both      → InvalidParameter
//	at most groupsPerInstance groups                     → InstanceSecurityGroupLimitExceeded
//	each a group of the caller                           → InvalidSecurityGroupId.NotFound
//	all in the vSwitch's VPC                             → InvalidParameter
//	a group outside the default VPC needs a VSwitchId    → MissingParameter
//	PrivateIpAddress for one instance only               → InvalidParameter
func (s *Service) place(ctx context.Context, env *rpc.Env, p *purchasePlan) error {
	req := p.req
	if req.ZoneId != "" {
		z, ok := s.Catalog.Zone(req.ZoneId)
		if !ok || z.RegionId != p.region.RegionId {
			return apierr.InvalidZoneIDNotFound.Newf("The specified zone %q does not exist in region %s.", req.ZoneId, p.region.RegionId)
		}
		p.zoneID = req.ZoneId
	}
	if req.VSwitchId != "" {
		vsw, err := vpc.OwnVSwitch(ctx, env.Tx.Q, env.Caller.AccountID, p.region.RegionId, req.VSwitchId)
		if err != nil {
			return err
		}
		if vsw.Status != store.NetAvailable {
			return apierr.IncorrectVSwitchStatus.Newf("The vSwitch %s is %s; instances can be created in it once Available.", vsw.ID, vsw.Status)
		}
		if p.zoneID != "" && vsw.ZoneID != p.zoneID {
			return apierr.InvalidParameter.Newf("The specified VSwitchId %s is in zone %s, not in ZoneId %s.", vsw.ID, vsw.ZoneID, p.zoneID)
		}
		p.zoneID, p.vsw = vsw.ZoneID, vsw
	}
	if p.zoneID == "" {
		for _, z := range p.region.Zones {
			if s.Catalog.ZoneOffers(z.ZoneId, req.InstanceType) {
				p.zoneID = z.ZoneId
				break
			}
		}
		if p.zoneID == "" {
			return apierr.InvalidInstanceTypeZoneNotSupported.Newf("No zone of region %s offers the instance type %s.", p.region.RegionId, req.InstanceType)
		}
	}
	ids := req.SecurityGroupIds
	if req.SecurityGroupId != "" {
		if len(ids) > 0 {
			return apierr.InvalidParameter.Newf("Give SecurityGroupId or SecurityGroupIds.N, not both.")
		}
		ids = []string{req.SecurityGroupId}
	}
	if len(ids) > groupsPerInstance {
		return apierr.InstanceSecurityGroupLimitExceeded.Newf("An instance can be in at most %d security groups; %d were given.", groupsPerInstance, len(ids))
	}
	// Locked in id order, so that purchases naming the same groups in
	// another order cannot wait for each other.
	locked := map[string]*store.SecurityGroup{}
	for _, id := range slices.Sorted(slices.Values(ids)) {
		if locked[id] != nil {
			continue
		}
		g, err := ownGroup(ctx, env, p.region.RegionId, id, true)
		if err != nil {
			return err
		}
		locked[id] = g
	}
	for _, id := range ids {
		if g := locked[id]; g != nil {
			p.groups = append(p.groups, g)
			delete(locked, id)
		}
	}
	if p.vsw == nil {
		v, err := vpc.DefaultVpc(ctx, env.Tx, p.region, env.Caller.AccountID, env.Now)
		if err != nil {
			return err
		}
		if len(p.groups) > 0 && p.groups[0].VpcID != v.ID {
			return apierr.MissingParameter.Newf("The input parameter \"VSwitchId\" that is mandatory for processing this request is not supplied: security group %s is in VPC %s; give a vSwitch of it.", p.groups[0].ID, p.groups[0].VpcID)
		}
		if p.vsw, err = vpc.DefaultVSwitch(ctx, env.Tx, p.region, v, p.zoneID, env.Now); err != nil {
			return err
		}
	}
	for _, g := range p.groups {
		if g.VpcID != p.vsw.VpcID {
			return apierr.InvalidParameter.Newf("The security group %s is in VPC %s, and the vSwitch %s in VPC %s: they must be in the same VPC.", g.ID, g.VpcID, p.vsw.ID, p.vsw.VpcID)
		}
	}
	if len(p.groups) == 0 {
		v, err := env.Tx.VpcGet(ctx, env.Caller.AccountID, "", p.vsw.VpcID)
		if err != nil {
			return err
		}
		g, err := defaultGroup(ctx, env.Tx, p.region, v, env.Now)
		if err != nil {
			return err
		}
		p.groups = []*store.SecurityGroup{g}
	}
	if req.PrivateIpAddress != "" && (req.Amount != nil && *req.Amount > 1) {
		return apierr.InvalidParameter.Newf("PrivateIpAddress can be given only when one instance is bought (Amount 1).")
	}
	return nil
}

// purchaseDisks checks a purchase's disks, as RunInstances and DescribePrice
// read them: the system disk (at least imgSize GiB, the image's size; 0
// when no image is named), at most the type's number of data disks, and
// each disk by diskSpec.
func (s *Service) purchaseDisks(typ *catalog.InstanceType, imgSize int, sys DiskParam, data []DiskParam) (diskSpec, []diskSpec, error) {
	sysDisk, err := s.diskSpec(typ, sys.Category, sys.PerformanceLevel, sys.Size, max(imgSize, 20), true)
	if err != nil {
		return sysDisk, nil, err
	}
	if sysDisk.Size < imgSize {
		return sysDisk, nil, apierr.InvalidParameter.Newf("The specified parameter SystemDisk.Size %d is not valid: the image needs at least %d GiB.", sysDisk.Size, imgSize)
	}
	if len(data) > typ.DiskQuantity {
		return sysDisk, nil, apierr.InstanceTypeNotSupportedTooManyDisksAttached.Newf("The instance type %s supports at most %d data disks; %d were given.", typ.InstanceTypeId, typ.DiskQuantity, len(data))
	}
	var dataDisks []diskSpec
	for _, d := range data {
		spec, err := s.diskSpec(typ, d.Category, d.PerformanceLevel, d.Size, 20, false)
		if err != nil {
			return sysDisk, nil, err
		}
		dataDisks = append(dataDisks, spec)
	}
	return sysDisk, dataDisks, nil
}

// diskSpec checks one disk against the type: a known category the type
// supports, a performance level only for ESSDs, a size in range.
func (s *Service) diskSpec(t *catalog.InstanceType, category, pl string, size *int, defSize int, system bool) (diskSpec, error) {
	d := diskSpec{Category: category, PerformanceLevel: pl, Size: defSize}
	if size != nil {
		d.Size = *size
	}
	if d.Category == "" {
		d.Category = t.DefaultDiskCategory()
	}
	if !slices.Contains(knownDiskCategories, d.Category) {
		if system {
			return d, apierr.InvalidSystemDiskCategoryValueNotSupported.Newf("The specified parameter SystemDisk.Category %q is not valid.", d.Category)
		}
		return d, apierr.InvalidDataDiskCategoryValueNotSupported.Newf("The specified Category of Data Disk %q is not valid.", d.Category)
	}
	if !slices.Contains(t.SupportedDiskCategories, d.Category) {
		return d, apierr.InvalidInstanceTypeNotSupportDiskCategory.Newf("The instance type %s does not support the disk category %s; it supports %s.", t.InstanceTypeId, d.Category, strings.Join(t.SupportedDiskCategories, ", "))
	}
	if d.PerformanceLevel != "" && (d.Category != "cloud_essd" || !slices.Contains(performanceLevel, d.PerformanceLevel)) {
		return d, apierr.InvalidPerformanceLevelMalformed.Newf("The specified PerformanceLevel %q is not valid for category %s.", d.PerformanceLevel, d.Category)
	}
	if d.Category == "cloud_essd" && d.PerformanceLevel == "" {
		d.PerformanceLevel = "PL1"
	}
	lo, hi := systemDiskMinSize, dataDiskMaxSize
	if system {
		hi = systemDiskMaxSize
	}
	if d.Size < lo || d.Size > hi {
		return d, apierr.InvalidParameter.Newf("The specified disk size %d GiB is not valid: use %d to %d.", d.Size, lo, hi)
	}
	return d, nil
}

// checkNetwork checks ENIs, private IPv4 and IPv6 addresses and queues
// against the type's limits.
func checkNetwork(t *catalog.InstanceType, req *RunInstancesRequest, p *purchasePlan) error {
	p.enis = 1
	if req.Ipv6AddressCount != nil {
		p.ipv6 = *req.Ipv6AddressCount
	}
	if req.NetworkInterfaceQueueNumber != nil {
		p.queues = *req.NetworkInterfaceQueueNumber
	}
	totalQueues := p.queues
	for _, n := range req.NetworkInterface {
		if n.InstanceType != "Primary" {
			p.enis++
		}
		if n.SecondaryPrivateIpAddressCount != nil {
			p.secIPs = max(p.secIPs, *n.SecondaryPrivateIpAddressCount)
		}
		if n.Ipv6AddressCount != nil {
			p.ipv6 = max(p.ipv6, *n.Ipv6AddressCount)
		}
		if n.QueueNumber != nil {
			if *n.QueueNumber < 1 {
				return apierr.InvalidParameterInvalidEniQueueNumber.Newf("The queue number %d of a network interface is not valid: it must be at least 1.", *n.QueueNumber)
			}
			p.queues = max(p.queues, *n.QueueNumber)
			totalQueues += *n.QueueNumber
		}
	}
	return checkNetworkLimits(t, p.enis, p.secIPs, p.ipv6, p.queues, totalQueues)
}

// checkNetworkLimits is the one check of addresses, ENIs and queues against
// a type; spec changes use it to check the target type.
func checkNetworkLimits(t *catalog.InstanceType, enis, secIPs, ipv6, queues, totalQueues int) error {
	switch {
	case enis > t.EniQuantity:
		return apierr.InvalidOperationEniCountExceeded.Newf("The instance type %s supports %d network interfaces; %d are needed.", t.InstanceTypeId, t.EniQuantity, enis)
	case secIPs > 0 && t.EniPrivateIpAddressQuantity <= 1:
		return apierr.InvalidOperationIpv4NotSupport.Newf("The instance type %s supports no secondary private IPv4 addresses.", t.InstanceTypeId)
	case secIPs+1 > t.EniPrivateIpAddressQuantity:
		return apierr.InvalidOperationIpv4CountExceeded.Newf("The instance type %s supports %d private IPv4 addresses per network interface; %d are needed.", t.InstanceTypeId, t.EniPrivateIpAddressQuantity, secIPs+1)
	case ipv6 > 0 && t.EniIpv6AddressQuantity == 0:
		return apierr.InvalidOperationIpv6NotSupport.Newf("The instance type %s does not support IPv6.", t.InstanceTypeId)
	case ipv6 > t.EniIpv6AddressQuantity:
		return apierr.InvalidOperationIpv6CountExceeded.Newf("The instance type %s supports %d IPv6 addresses per network interface; %d are needed.", t.InstanceTypeId, t.EniIpv6AddressQuantity, ipv6)
	case queues < 0:
		return apierr.InvalidParameterInvalidEniQueueNumber.Newf("The queue number %d is not valid.", queues)
	case queues > t.MaximumQueueNumberPerEni:
		return apierr.InvalidOperationMaxEniQueueNumberExceeded.Newf("The instance type %s supports %d queues per network interface; %d are needed.", t.InstanceTypeId, t.MaximumQueueNumberPerEni, queues)
	case totalQueues > t.TotalEniQueueQuantity:
		return apierr.InvalidOperationExceedInstanceTypeQueueNumber.Newf("The instance type %s supports %d queues over all network interfaces; %d are needed.", t.InstanceTypeId, t.TotalEniQueueQuantity, totalQueues)
	}
	return nil
}

// checkVCPUQuota checks that adding vcpus keeps the account within its
// regional vCPU quota (QuotaExceed.ElasticQuota).
func (s *Service) checkVCPUQuota(ctx context.Context, env *rpc.Env, acc *store.Account, regionID string, vcpus int) error {
	room, err := s.vcpuRoom(ctx, env, acc, regionID)
	if err != nil {
		return err
	}
	if room >= 0 && vcpus > room {
		return apierr.QuotaExceedElasticQuota.Newf("No additional quota is available for the specified ECS instance type: %d more vCPUs were asked for in %s and the quota leaves %d.", vcpus, regionID, room)
	}
	return nil
}

// vcpuRoom is how many more vCPUs the account may run in the region, or -1
// without a limit.
func (s *Service) vcpuRoom(ctx context.Context, env *rpc.Env, acc *store.Account, regionID string) (int, error) {
	quota, ok := acc.Flags.VCPUQuota[regionID]
	if !ok {
		quota = s.DefaultVCPUQuota
	}
	if quota <= 0 {
		return -1, nil
	}
	types, err := env.Q().InstanceTypesInRegion(ctx, acc.ID, regionID)
	if err != nil {
		return 0, err
	}
	used := 0
	for _, t := range types {
		used += t.Count * max(s.vcpus(t.Type), s.vcpus(t.Changing))
	}
	return max(quota-used, 0), nil
}

// vcpus is a type's vCPU count, 0 for "" or a type the catalog lacks.
func (s *Service) vcpus(typeID string) int {
	if t, ok := s.Catalog.Type(typeID); ok {
		return t.CpuCoreCount
	}
	return 0
}

// purchaseResult is what a purchase made.
type purchaseResult struct {
	OrderID     string
	Price       money.Amount
	InstanceIDs []string
}

// purchase carries out a checked plan in the request's transaction: stock,
// order and payment, instances and disks, and the jobs and timers that
// follow. Any failure rolls all of it back.
func (s *Service) purchase(ctx context.Context, env *rpc.Env, p *purchasePlan) (*purchaseResult, error) {
	tx, now := env.Tx, env.Now
	n := p.amount
	noStock := func() error {
		return apierr.OperationDeniedNoStock.Newf("The specified instance is out of usage: zone %s has not enough %s for %d instances.", p.zoneID, p.typ.InstanceTypeId, p.minAmount)
	}
	var ok bool
	var err error
	if p.minAmount == p.amount {
		// All or nothing: the stock row, which every account's purchases
		// share, is read now and taken last, right before the commit, so
		// that it is not held while the instances are written.
		left, err := tx.StockGet(ctx, p.zoneID, p.typ.InstanceTypeId)
		if err != nil {
			return nil, err
		}
		if left < n {
			return nil, noStock()
		}
		tx.Last(func(ctx context.Context) error {
			ok, err := tx.StockTake(ctx, p.zoneID, p.typ.InstanceTypeId, n)
			if err == nil && !ok {
				err = noStock()
			}
			return err
		})
		ok = true
	} else if ok, err = tx.StockTake(ctx, p.zoneID, p.typ.InstanceTypeId, n); err != nil {
		return nil, err
	}
	if !ok && p.minAmount < p.amount {
		// Partial creation: as many as the zone has, at least MinAmount.
		left, err := tx.StockGet(ctx, p.zoneID, p.typ.InstanceTypeId)
		if err != nil {
			return nil, err
		}
		if left >= p.minAmount {
			n = left
			ok, err = tx.StockTake(ctx, p.zoneID, p.typ.InstanceTypeId, n)
			if err != nil {
				return nil, err
			}
		}
	}
	if !ok {
		return nil, noStock()
	}

	res := &purchaseResult{}
	var expires time.Time
	status := store.StatusPending
	if p.prepaid {
		q, err := billing.Price(s.Catalog, purchaseConfig(p.region.RegionId, p.typ.InstanceTypeId, p.sysDisk, p.dataDisks, p.internet), p.unit, p.period, n)
		if err != nil {
			return nil, err
		}
		res.Price = q.Total
		expires = billing.SubscriptionEnd(now, p.period, p.unit)
	}
	for range n {
		res.InstanceIDs = append(res.InstanceIDs, newID("i", p.region))
	}
	for k, id := range res.InstanceIDs {
		name, host := p.ident.name(k, id), p.ident.host(k, id)
		inst := &store.Instance{
			ID: id, AccountID: env.Caller.AccountID, RegionID: p.region.RegionId, ZoneID: p.zoneID,
			InstanceType: p.typ.InstanceTypeId, ImageID: p.image.ImageId, Name: name, Description: p.req.Description, HostName: host,
			Status: status, ChargeType: store.PostPaid, VpcID: p.vsw.VpcID, VSwitchID: p.vsw.ID, SecurityGroupID: p.groups[0].ID,
			EniCount: p.enis, SecondaryIPCount: p.secIPs, Ipv6Count: p.ipv6,
			EniQueueNumber: p.queues, NestedVirtualization: p.nested, Hibernation: p.req.HibernationOptions.Configured,
			RAMRole: p.req.RamRoleName, UserData: p.req.UserData, RenewalStatus: store.RenewalNormal,
			CreationTime: now.Add(time.Duration(k) * time.Microsecond),
			Lifecycle:    p.lifecycle.InstanceLifecycle, DeletionProtection: p.lifecycle.DeletionProtection,
			CreditSpecification: p.lifecycle.CreditSpecification,
		}
		p.ident.apply(inst)
		if p.prepaid {
			inst.ChargeType, inst.ExpiredTime = store.PrePaid, expires
			inst.AutoRenew, inst.AutoRenewPeriod, inst.AutoRenewUnit = p.renewN > 0, p.renewN, string(p.unit)
			if inst.AutoRenew {
				inst.RenewalStatus = store.RenewalAutoRenewal
			}
		}
		if inst.PrivateIP, err = vpc.AllocateIP(ctx, tx, p.vsw, id, p.req.PrivateIpAddress); err != nil {
			return nil, err
		}
		if err := tx.InstanceInsert(ctx, inst); err != nil {
			return nil, err
		}
		if err := addInternet(ctx, tx, s.Catalog, inst, p.internet); err != nil {
			return nil, err
		}
		for _, g := range p.groups {
			if _, err := tx.MembershipAdd(ctx, id, g.ID, now); err != nil {
				return nil, err
			}
		}
		for _, t := range p.req.Tag {
			if err := tx.TagSet(ctx, id, t.Key, t.Value); err != nil {
				return nil, err
			}
		}
		if err := s.createDisks(ctx, tx, inst, p, now); err != nil {
			return nil, err
		}
		if err := createENIs(ctx, tx, inst, p, now); err != nil {
			return nil, err
		}
		if p.prepaid {
			if err := tx.TimerInsert(ctx, &store.Timer{Kind: timerExpiry, Subject: id, DueAt: expires}); err != nil {
				return nil, err
			}
		}
		if at := inst.Lifecycle.AutoReleaseTime; !at.IsZero() {
			if err := tx.TimerInsert(ctx, &store.Timer{Kind: timerAutoRelease, Subject: id, DueAt: at}); err != nil {
				return nil, err
			}
		}
		// Subscription instances start when their order is paid.
		if !p.prepaid {
			if err := s.after(ctx, tx, s.TransitionDelay, TransitionArgs{InstanceID: id, From: store.StatusPending, To: store.StatusRunning}); err != nil {
				return nil, err
			}
		}
	}
	if p.prepaid {
		o := &store.Order{
			ID: billing.NewOrderID(), AccountID: env.Caller.AccountID, Type: store.OrderNew, PaymentStatus: store.PaymentUnpaid,
			RegionID: p.region.RegionId, ChargeType: store.PrePaid, InstanceType: p.typ.InstanceTypeId, Quantity: n,
			Amount: int64(res.Price), UsageStart: now, UsageEnd: expires, CreatedAt: now, InstanceIDs: res.InstanceIDs,
			Config: orderConfig(map[string]any{"Period": p.period, "PeriodUnit": string(p.unit), "ZoneId": p.zoneID, "ImageId": p.image.ImageId}),
		}
		res.OrderID = o.ID
		if p.autoPay {
			if err := s.charge(ctx, tx, now, o); err != nil {
				return nil, err
			}
		}
		if err := tx.OrderInsert(ctx, o); err != nil {
			return nil, err
		}
		if p.autoPay {
			if err := s.fulfil(ctx, tx, o); err != nil {
				return nil, err
			}
		} else {
			// Unpaid: the instances wait in Pending until it is paid, and the
			// order is cancelled if it is not paid in time.
			if err := tx.TimerInsert(ctx, &store.Timer{Kind: timerUnpaidOrder, Subject: o.ID, DueAt: now.Add(s.UnpaidOrderTTL)}); err != nil {
				return nil, err
			}
		}
	}
	return res, nil
}

func (s *Service) createDisks(ctx context.Context, tx *store.Tx, inst *store.Instance, p *purchasePlan, now time.Time) error {
	disks := append([]diskSpec{p.sysDisk}, p.dataDisks...)
	for k, d := range disks {
		kind, device := store.DiskData, d.Device
		if k == 0 {
			kind, device = store.DiskSystem, "/dev/xvda"
		}
		err := tx.DiskInsert(ctx, &store.Disk{
			ID: newID("d", p.region), AccountID: inst.AccountID, InstanceID: inst.ID, RegionID: inst.RegionID, ZoneID: inst.ZoneID,
			Type: kind, Category: d.Category, Size: d.Size, PerformanceLevel: d.PerformanceLevel,
			Device: device, Status: "In_use", CreationTime: now, Name: d.Name, Description: d.Description, DeleteWithInstance: !d.Detachable,
		})
		if err != nil {
			return err
		}
	}
	return nil
}

func orderConfig(m map[string]any) string {
	b, _ := json.Marshal(m)
	return string(b)
}
