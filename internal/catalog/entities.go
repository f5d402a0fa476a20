package catalog

// Region is one Alibaba Cloud region with its zones, as DescribeRegions
// reports it, plus the prefix that instance ids of the region carry.
type Region struct {
	RegionId       string // "cn-hangzhou"
	LocalName      string // "华东1（杭州）"
	RegionEndpoint string // "ecs.cn-hangzhou.aliyuncs.com"
	Status         string // "available" or "soldOut"
	// InstanceIdPrefix is the short prefix after "i-" in the ids of
	// instances created in this region ("bp" in cn-hangzhou: i-bp1...).
	InstanceIdPrefix string
	Zones            []*Zone
}

// Zone is one availability zone, as DescribeZones reports it.
type Zone struct {
	ZoneId    string // "cn-hangzhou-h"
	LocalName string // "杭州 可用区H"
	ZoneType  string // "AvailabilityZone"
	// RegionId is the region the zone belongs to. It is not part of the
	// data files (a zone is listed inside its region); Parse fills it in.
	RegionId string `json:"-"`
}

// Family is an instance type family, as DescribeInstanceTypeFamilies
// reports it, with the category of its types.
type Family struct {
	InstanceTypeFamilyId string // "ecs.g6"
	Generation           string // "ecs-5"
	Category             string // "General-purpose"
}

// InstanceType is one instance type with the attributes DescribeInstanceTypes
// reports (spec/alibaba-api.md §5) and those the spec-change rules check.
type InstanceType struct {
	InstanceTypeId     string  // "ecs.g6.large"
	InstanceTypeFamily string  // "ecs.g6"
	CpuCoreCount       int     // vCPUs
	MemorySize         float64 // GiB
	GPUAmount          int
	GPUSpec            string  // "NVIDIA T4", or empty
	GPUMemorySize      float64 // GiB per GPU
	// EniQuantity is the number of ENIs the type supports, the primary one
	// included; EniTotalQuantity also counts trunk-attached member ENIs.
	EniQuantity                 int
	EniPrivateIpAddressQuantity int // private IPv4 addresses per ENI
	EniIpv6AddressQuantity      int // IPv6 addresses per ENI
	EniTotalQuantity            int
	EniTrunkSupported           bool
	// DiskQuantity is the maximum number of data disks.
	DiskQuantity int
	// SupportedDiskCategories lists the cloud disk categories the type can
	// attach: cloud, cloud_efficiency, cloud_ssd, cloud_essd, cloud_auto,
	// cloud_essd_entry.
	SupportedDiskCategories  []string
	LocalStorageCategory     string // "local_nvme_ssd", or empty
	LocalStorageAmount       int    // number of local disks
	LocalStorageCapacity     int64  // GiB per local disk
	NestedVirtualization     bool
	CpuArchitecture          string // "X86" or "ARM"
	PhysicalProcessorModel   string
	CpuSpeedFrequency        float64 // GHz
	CpuTurboFrequency        float64 // GHz, 0 if none
	InstanceBandwidthRx      int     // Kbit/s
	InstanceBandwidthTx      int     // Kbit/s
	InstancePpsRx            int64
	InstancePpsTx            int64
	PrimaryEniQueueNumber    int
	SecondaryEniQueueNumber  int
	MaximumQueueNumberPerEni int
	TotalEniQueueQuantity    int
	InstanceFamilyLevel      string // EnterpriseLevel, EntryLevel or CreditEntryLevel
	InstanceCategory         string // "General-purpose", "Shared", "Local SSDs", ...
	BaselineCredit           int    // burstable types: baseline performance, % of all vCPUs
	InitialCredit            int    // burstable types: CPU credits at creation
	NvmeSupport              string // "unsupported" or "required" (cloud disks over NVMe)
	IoOptimized              bool
	// Retired types can no longer be bought or changed to; instances of
	// them still exist and can change to a type of a compatible family.
	Retired bool
}

// Image is a public image. Every image is available in every region.
type Image struct {
	ImageId              string // "aliyun_3_x64_20G_alibase_20240528.vhd"
	ImageName            string
	OSType               string // "linux" or "windows"
	OSName               string
	OSNameEn             string
	Architecture         string // "x86_64" or "arm64"
	Platform             string // "Aliyun", "Ubuntu", "Windows Server 2022", ...
	Size                 int    // GiB
	BootMode             string // "BIOS" or "UEFI"
	IsSupportIoOptimized bool
	ImageOwnerAlias      string // "system"
	Status               string // "Available"
	CreationTime         string // ISO 8601 UTC
}

// Stock is the initial number of instances of a type that a zone can still
// sell. A row with Available 0 means the zone offers the type but it is sold
// out.
type Stock struct {
	ZoneId       string
	InstanceType string
	Available    int
}
