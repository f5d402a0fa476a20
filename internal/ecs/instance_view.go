package ecs

import (
	"cmp"
	"context"

	"github.com/ecsd/ecsd/internal/catalog"
	"github.com/ecsd/ecsd/internal/rpc"
	"github.com/ecsd/ecsd/internal/store"
)

// InstanceView is an instance as DescribeInstances reports it, with the
// fields clients read (spec/alibaba-api.md §4.2). Memory is MiB.
type InstanceView struct {
	InstanceId           string
	InstanceName         string
	Description          string
	HostName             string
	RegionId             string
	ZoneId               string
	InstanceType         string
	InstanceTypeFamily   string
	Cpu                  int
	Memory               int
	GPUAmount            int
	GPUSpec              string
	Status               string
	StoppedMode          string
	InstanceChargeType   string
	InternetChargeType   string
	SaleCycle            string `json:",omitempty" xml:",omitempty"`
	DeviceAvailable      *bool  `json:",omitempty" xml:",omitempty"` // DescribeInstances only
	ExpiredTime          string
	CreationTime         string
	StartTime            string
	ImageId              string
	OSType               string
	OSName               string
	OSNameEn             string
	InstanceNetworkType  string
	IoOptimized          bool
	DeletionProtection   bool
	CreditSpecification  string `json:",omitempty" xml:",omitempty"`
	Recyclable           bool
	SerialNumber         string
	ResourceGroupId      string
	LocalStorageAmount   int
	LocalStorageCapacity int64
	VpcAttributes        struct {
		VpcId            string
		VSwitchId        string
		NatIpAddress     string
		PrivateIpAddress struct{ IpAddress []string }
	}
	SecurityGroupIds  struct{ SecurityGroupId []string }
	PublicIpAddress   struct{ IpAddress []string }
	InnerIpAddress    struct{ IpAddress []string }
	EipAddress        struct{ IpAddress, AllocationId string }
	NetworkInterfaces struct{ NetworkInterface []NetworkInterfaceView }
	OperationLocks    struct{ LockReason []LockReasonView }
	Tags              struct{ Tag []TagView }
	CpuOptions        struct {
		CoreCount      int
		ThreadsPerCore int
		Numa           string
	}
	HibernationOptions struct{ Configured bool }
	// Lifecycle: AutoReleaseTime only when set, the spot terms only for a
	// spot instance (SpotStrategy is always there).
	AutoReleaseTime          string `json:",omitempty" xml:",omitempty"`
	SpotStrategy             string
	SpotPriceLimit           *float64 `json:",omitempty" xml:",omitempty"`
	SpotDuration             *int     `json:",omitempty" xml:",omitempty"`
	SpotInterruptionBehavior string   `json:",omitempty" xml:",omitempty"`

	// The public bandwidth limits, Mbit/s (internetView).
	InternetMaxBandwidthIn, InternetMaxBandwidthOut int
	KeyPairName                                     string
	MetadataOptions                                 struct {
		HttpEndpoint            string
		HttpTokens              string
		HttpPutResponseHopLimit int
	}
}

// NetworkInterfaceView is one ENI of an instance.
type NetworkInterfaceView struct {
	NetworkInterfaceId string
	Type               string
	PrimaryIpAddress   string
	MacAddress         string
	PrivateIpSets      struct{ PrivateIpSet []PrivateIpSetView }
	Ipv6Sets           struct{ Ipv6Set []Ipv6SetView }
}

// LockReasonView is one operation lock.
type LockReasonView struct{ LockReason, LockMsg string }

// TagView is one tag.
type TagView struct{ TagKey, TagValue, Key, Value string }

// instanceViews renders instances, in order, with their details
// (store.InstanceDetails, read together).
func (s *Service) instanceViews(ctx context.Context, q store.Q, list []*store.Instance) ([]InstanceView, error) {
	ids := make([]string, len(list))
	for k, i := range list {
		ids[k] = i.ID
	}
	d, err := q.InstanceDetails(ctx, ids)
	if err != nil {
		return nil, err
	}
	views := make([]InstanceView, 0, len(list))
	for _, i := range list {
		v := viewInstance(s.Catalog, i, d.Tags[i.ID])
		v.SecurityGroupIds.SecurityGroupId = groupsOf(i, d.Groups)
		v.NetworkInterfaces.NetworkInterface = eniViews(d.ENIs[i.ID])
		internetView(&v, d.Internet[i.ID])
		if t, ok := s.Catalog.Type(i.InstanceType); ok {
			free := d.DataDisks[i.ID] < t.DiskQuantity
			v.DeviceAvailable = &free
		}
		views = append(views, v)
	}
	return views, nil
}

// viewInstance renders an instance; tags may be nil. Its network
// interfaces are the caller's to fill in (eniViews).
func viewInstance(c *catalog.Catalog, i *store.Instance, tags []store.Tag) InstanceView {
	v := InstanceView{
		InstanceId: i.ID, InstanceName: i.Name, Description: i.Description, HostName: i.HostName,
		RegionId: i.RegionID, ZoneId: i.ZoneID, InstanceType: i.InstanceType,
		Status: i.Status, StoppedMode: "Not-applicable", InstanceChargeType: i.ChargeType,
		CreationTime: rpc.FormatTime(i.CreationTime), StartTime: rpc.FormatTime(i.StartTime), ImageId: i.ImageID, InstanceNetworkType: "vpc",
		IoOptimized: true, SerialNumber: i.SerialNumber, ResourceGroupId: i.ResourceGroupID, KeyPairName: i.KeyPairName,
	}
	v.MetadataOptions.HttpEndpoint, v.MetadataOptions.HttpTokens, v.MetadataOptions.HttpPutResponseHopLimit = i.Metadata.HttpEndpoint, i.Metadata.HttpTokens, i.Metadata.HopLimit
	if i.Status == store.StatusStopped && i.StoppedMode != "" {
		v.StoppedMode = i.StoppedMode
	}
	t, ok := c.Type(i.InstanceType)
	if ok {
		v.InstanceTypeFamily = t.InstanceTypeFamily
		v.Cpu = t.CpuCoreCount
		v.Memory = int(t.MemorySize * 1024)
		v.GPUAmount, v.GPUSpec = t.GPUAmount, t.GPUSpec
		v.IoOptimized = t.IoOptimized
		v.LocalStorageAmount, v.LocalStorageCapacity = t.LocalStorageAmount, t.LocalStorageCapacity
		v.CpuOptions.CoreCount = max(t.CpuCoreCount/2, 1)
		v.CpuOptions.ThreadsPerCore = min(t.CpuCoreCount, 2)
		v.CpuOptions.Numa = "ON"
	}
	if img, ok := c.Image(i.ImageID); ok {
		v.OSType, v.OSName, v.OSNameEn = img.OSType, img.OSName, img.OSNameEn
	}
	if i.ChargeType == store.PrePaid {
		v.SaleCycle = "Month"
		v.ExpiredTime = rpc.FormatTime(i.ExpiredTime)
	} else {
		v.ExpiredTime = "2099-12-31T15:59Z" // what ECS shows for pay-as-you-go
	}
	v.VpcAttributes.VpcId, v.VpcAttributes.VSwitchId = i.VpcID, i.VSwitchID
	v.VpcAttributes.PrivateIpAddress.IpAddress = []string{i.PrivateIP}
	internetView(&v, nil)
	v.InnerIpAddress.IpAddress = []string{}
	v.NetworkInterfaces.NetworkInterface = []NetworkInterfaceView{}
	v.OperationLocks.LockReason = []LockReasonView{}
	if i.LockReason != "" {
		v.OperationLocks.LockReason = append(v.OperationLocks.LockReason, LockReasonView{LockReason: i.LockReason})
	}
	v.Tags.Tag = tagViews(tags)
	v.HibernationOptions.Configured = i.Hibernation
	v.DeletionProtection, v.CreditSpecification = i.DeletionProtection, creditSpecification(t, i.CreditSpecification)
	viewLifecycle(&v, i)
	v.SecurityGroupIds.SecurityGroupId = []string{i.SecurityGroupID}
	return v
}

// viewLifecycle fills in the release time and the spot terms.
func viewLifecycle(v *InstanceView, i *store.Instance) {
	l := i.Lifecycle
	if i.ChargeType == store.PostPaid {
		v.AutoReleaseTime = rpc.FormatTimeSeconds(l.AutoReleaseTime)
	}
	v.SpotStrategy = cmp.Or(l.SpotStrategy, store.NoSpot)
	if v.SpotStrategy == store.NoSpot {
		return
	}
	v.SpotDuration, v.SpotInterruptionBehavior = &l.SpotDuration, l.SpotInterruptionBehavior
	if l.SpotStrategy == store.SpotWithPriceLimit {
		limit := float64(l.SpotPriceLimit) / 1000
		v.SpotPriceLimit = &limit
	}
}
