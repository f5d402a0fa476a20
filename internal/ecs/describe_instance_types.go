package ecs

import (
	"context"
	"encoding/base64"
	"slices"
	"strings"

	"github.com/ecsd/ecsd/internal/apierr"
	"github.com/ecsd/ecsd/internal/catalog"
	"github.com/ecsd/ecsd/internal/rpc"
)

// maxInstanceTypesPage is DescribeInstanceTypes' default and largest
// MaxResults (spec/alibaba-api.md §5).
const maxInstanceTypesPage = 1600

// DescribeInstanceTypesRequest is DescribeInstanceTypes' input
// (spec/alibaba-api.md §5). Every filter is optional; types match when they
// pass all the filters given.
type DescribeInstanceTypesRequest struct {
	rpc.AccountDelegation
	InstanceTypes       []string `param:"InstanceTypes"` // InstanceTypes.N, 1–10
	InstanceTypeFamily  string   `param:"InstanceTypeFamily"`
	MinimumCpuCoreCount *int     `param:"MinimumCpuCoreCount"`
	MaximumCpuCoreCount *int     `param:"MaximumCpuCoreCount"`
	MinimumMemorySize   *float64 `param:"MinimumMemorySize"`
	MaximumMemorySize   *float64 `param:"MaximumMemorySize"`
	CpuArchitecture     string   `param:"CpuArchitecture"` // X86 or ARM
	MaxResults          *int     `param:"MaxResults"`
	NextToken           string   `param:"NextToken"`
	// List filters (.N, 1–10 values): a type matches one of the values.
	InstanceTypeFamilies    []string `param:"InstanceTypeFamilies"`
	InstanceCategories      []string `param:"InstanceCategories"`
	CpuArchitectures        []string `param:"CpuArchitectures"`
	PhysicalProcessorModels []string `param:"PhysicalProcessorModels"`
	GpuSpecs                []string `param:"GpuSpecs"`
	LocalStorageCategories  []string `param:"LocalStorageCategories"`
	// Exact filters.
	InstanceCategory       string `param:"InstanceCategory"`
	InstanceFamilyLevel    string `param:"InstanceFamilyLevel"`
	PhysicalProcessorModel string `param:"PhysicalProcessorModel"`
	GPUSpec                string `param:"GPUSpec"`
	LocalStorageCategory   string `param:"LocalStorageCategory"`
	NvmeSupport            string `param:"NvmeSupport"`
	// Range filters, inclusive.
	MinimumCpuSpeedFrequency           *float64   `param:"MinimumCpuSpeedFrequency"`
	MaximumCpuSpeedFrequency           *float64   `param:"MaximumCpuSpeedFrequency"`
	MinimumCpuTurboFrequency           *float64   `param:"MinimumCpuTurboFrequency"`
	MaximumCpuTurboFrequency           *float64   `param:"MaximumCpuTurboFrequency"`
	MinimumGPUAmount                   *int       `param:"MinimumGPUAmount"`
	MaximumGPUAmount                   *int       `param:"MaximumGPUAmount"`
	MinimumBaselineCredit              *int       `param:"MinimumBaselineCredit"`
	MinimumInitialCredit               *int       `param:"MinimumInitialCredit"`
	MinimumLocalStorageAmount          *int       `param:"MinimumLocalStorageAmount"`
	MinimumLocalStorageCapacity        *int64     `param:"MinimumLocalStorageCapacity"`
	MinimumDiskQuantity                *int       `param:"MinimumDiskQuantity"`
	MinimumEniQuantity                 *int       `param:"MinimumEniQuantity"`
	MinimumEniPrivateIpAddressQuantity *int       `param:"MinimumEniPrivateIpAddressQuantity"`
	MinimumEniIpv6AddressQuantity      *int       `param:"MinimumEniIpv6AddressQuantity"`
	MinimumInstanceBandwidthRx         *int       `param:"MinimumInstanceBandwidthRx"`
	MinimumInstanceBandwidthTx         *int       `param:"MinimumInstanceBandwidthTx"`
	MinimumInstancePpsRx               *int64     `param:"MinimumInstancePpsRx"`
	MinimumInstancePpsTx               *int64     `param:"MinimumInstancePpsTx"`
	MinimumPrimaryEniQueueNumber       *int       `param:"MinimumPrimaryEniQueueNumber"`
	MinimumSecondaryEniQueueNumber     *int       `param:"MinimumSecondaryEniQueueNumber"`
	_                                  rpc.Refuse `refuse:"MinimumEriQuantity,MinimumQueuePairNumber" why:"the catalog does not record ERIs or queue pairs"`
	_                                  rpc.Refuse `refuse:"AdditionalAttributes" why:"every attribute the catalog has is always answered"`
}

// DescribeInstanceTypesResponse is one page of instance types.
type DescribeInstanceTypesResponse struct {
	rpc.Response
	// NextToken is empty on the last page.
	NextToken     string
	InstanceTypes struct {
		InstanceType []InstanceTypeItem
	}
}

// InstanceTypeItem is one instance type: every catalog attribute that the
// SDKs' InstanceType struct has a field for, under that field's name.
type InstanceTypeItem struct {
	InstanceTypeId              string
	InstanceTypeFamily          string
	CpuCoreCount                int
	MemorySize                  float64 // GiB
	GPUAmount                   int
	GPUSpec                     string
	GPUMemorySize               float64
	EniQuantity                 int
	EniPrivateIpAddressQuantity int
	EniIpv6AddressQuantity      int
	EniTotalQuantity            int
	EniTrunkSupported           bool
	DiskQuantity                int
	LocalStorageCategory        string
	LocalStorageAmount          int
	LocalStorageCapacity        int64 // GiB
	CpuArchitecture             string
	PhysicalProcessorModel      string
	CpuSpeedFrequency           float64
	CpuTurboFrequency           float64
	InstanceBandwidthRx         int
	InstanceBandwidthTx         int
	InstancePpsRx               int64
	InstancePpsTx               int64
	PrimaryEniQueueNumber       int
	SecondaryEniQueueNumber     int
	MaximumQueueNumberPerEni    int
	TotalEniQueueQuantity       int
	InstanceFamilyLevel         string
	InstanceCategory            string
	BaselineCredit              int
	InitialCredit               int
	NvmeSupport                 string
}

// describeInstanceTypes handles DescribeInstanceTypes. Every type is listed,
// retired ones included, in the catalog's order (family, vCPUs, memory).
// Returns InvalidParameter for more than 10 InstanceTypes.N or a MaxResults
// outside 1–1600, and InvalidNextToken for a token this action did not give.
func describeInstanceTypes(ctx context.Context, env *rpc.Env, req *DescribeInstanceTypesRequest) (*DescribeInstanceTypesResponse, error) {
	for _, l := range []struct {
		name string
		n    int
	}{{"InstanceTypes", len(req.InstanceTypes)}, {"InstanceTypeFamilies", len(req.InstanceTypeFamilies)}, {"InstanceCategories", len(req.InstanceCategories)},
		{"CpuArchitectures", len(req.CpuArchitectures)}, {"PhysicalProcessorModels", len(req.PhysicalProcessorModels)}, {"GpuSpecs", len(req.GpuSpecs)},
		{"LocalStorageCategories", len(req.LocalStorageCategories)}} {
		if l.n > 10 {
			return nil, apierr.InvalidParameter.Newf("The parameter %s.N takes at most 10 values; %d were given.", l.name, l.n)
		}
	}
	limit := maxInstanceTypesPage
	if req.MaxResults != nil {
		limit = *req.MaxResults
		if limit < 1 || limit > maxInstanceTypesPage {
			return nil, apierr.InvalidParameter.Newf("The specified MaxResults %d is not valid; use 1 to %d.", limit, maxInstanceTypesPage)
		}
	}
	all := env.Catalog.Types()
	start := 0
	if req.NextToken != "" {
		i, ok := parseTypeToken(all, req.NextToken)
		if !ok {
			return nil, apierr.InvalidNextToken.New()
		}
		start = i + 1
	}

	resp := &DescribeInstanceTypesResponse{}
	resp.InstanceTypes.InstanceType = []InstanceTypeItem{}
	for _, t := range all[start:] {
		if !req.matches(t) {
			continue
		}
		if len(resp.InstanceTypes.InstanceType) == limit {
			resp.NextToken = typeToken(resp.InstanceTypes.InstanceType[limit-1].InstanceTypeId)
			break
		}
		resp.InstanceTypes.InstanceType = append(resp.InstanceTypes.InstanceType, instanceTypeItem(t))
	}
	return resp, nil
}

// matches reports whether t passes every filter of req.
func (req *DescribeInstanceTypesRequest) matches(t *catalog.InstanceType) bool {
	in := func(list []string, v string) bool { return len(list) == 0 || slices.Contains(list, v) }
	is := func(want, v string) bool { return want == "" || want == v }
	switch {
	case !in(req.InstanceTypes, t.InstanceTypeId),
		!is(req.InstanceTypeFamily, t.InstanceTypeFamily), !in(req.InstanceTypeFamilies, t.InstanceTypeFamily),
		req.CpuArchitecture != "" && !strings.EqualFold(req.CpuArchitecture, t.CpuArchitecture), !in(req.CpuArchitectures, t.CpuArchitecture),
		!is(req.InstanceCategory, t.InstanceCategory), !in(req.InstanceCategories, t.InstanceCategory),
		!is(req.InstanceFamilyLevel, t.InstanceFamilyLevel),
		!is(req.PhysicalProcessorModel, t.PhysicalProcessorModel), !in(req.PhysicalProcessorModels, t.PhysicalProcessorModel),
		!is(req.GPUSpec, t.GPUSpec), !in(req.GpuSpecs, t.GPUSpec),
		!is(req.LocalStorageCategory, t.LocalStorageCategory), !in(req.LocalStorageCategories, t.LocalStorageCategory),
		!is(req.NvmeSupport, t.NvmeSupport),
		!within(req.MinimumCpuCoreCount, req.MaximumCpuCoreCount, t.CpuCoreCount),
		!within(req.MinimumMemorySize, req.MaximumMemorySize, t.MemorySize),
		!within(req.MinimumCpuSpeedFrequency, req.MaximumCpuSpeedFrequency, t.CpuSpeedFrequency),
		!within(req.MinimumCpuTurboFrequency, req.MaximumCpuTurboFrequency, t.CpuTurboFrequency),
		!within(req.MinimumGPUAmount, req.MaximumGPUAmount, t.GPUAmount),
		!within(req.MinimumBaselineCredit, nil, t.BaselineCredit),
		!within(req.MinimumInitialCredit, nil, t.InitialCredit),
		!within(req.MinimumLocalStorageAmount, nil, t.LocalStorageAmount),
		!within(req.MinimumLocalStorageCapacity, nil, t.LocalStorageCapacity),
		!within(req.MinimumDiskQuantity, nil, t.DiskQuantity),
		!within(req.MinimumEniQuantity, nil, t.EniQuantity),
		!within(req.MinimumEniPrivateIpAddressQuantity, nil, t.EniPrivateIpAddressQuantity),
		!within(req.MinimumEniIpv6AddressQuantity, nil, t.EniIpv6AddressQuantity),
		!within(req.MinimumInstanceBandwidthRx, nil, t.InstanceBandwidthRx),
		!within(req.MinimumInstanceBandwidthTx, nil, t.InstanceBandwidthTx),
		!within(req.MinimumInstancePpsRx, nil, t.InstancePpsRx),
		!within(req.MinimumInstancePpsTx, nil, t.InstancePpsTx),
		!within(req.MinimumPrimaryEniQueueNumber, nil, t.PrimaryEniQueueNumber),
		!within(req.MinimumSecondaryEniQueueNumber, nil, t.SecondaryEniQueueNumber):
		return false
	}
	return true
}

// within reports whether v is in [lo, hi], a nil bound being open.
func within[T int | int64 | float64](lo, hi *T, v T) bool {
	return (lo == nil || v >= *lo) && (hi == nil || v <= *hi)
}

// typeTokenPrefix marks the tokens of this action: a token is the
// base64url of the prefix and the id of the last type returned.
const typeTokenPrefix = "ecsd-instance-types:"

func typeToken(lastID string) string {
	return base64.RawURLEncoding.EncodeToString([]byte(typeTokenPrefix + lastID))
}

// parseTypeToken returns the index in all of the type a token names.
func parseTypeToken(all []*catalog.InstanceType, token string) (int, bool) {
	raw, err := base64.RawURLEncoding.DecodeString(token)
	if err != nil {
		return 0, false
	}
	id, ok := strings.CutPrefix(string(raw), typeTokenPrefix)
	if !ok {
		return 0, false
	}
	i := slices.IndexFunc(all, func(t *catalog.InstanceType) bool { return t.InstanceTypeId == id })
	return i, i >= 0
}

func instanceTypeItem(t *catalog.InstanceType) InstanceTypeItem {
	return InstanceTypeItem{
		InstanceTypeId:              t.InstanceTypeId,
		InstanceTypeFamily:          t.InstanceTypeFamily,
		CpuCoreCount:                t.CpuCoreCount,
		MemorySize:                  t.MemorySize,
		GPUAmount:                   t.GPUAmount,
		GPUSpec:                     t.GPUSpec,
		GPUMemorySize:               t.GPUMemorySize,
		EniQuantity:                 t.EniQuantity,
		EniPrivateIpAddressQuantity: t.EniPrivateIpAddressQuantity,
		EniIpv6AddressQuantity:      t.EniIpv6AddressQuantity,
		EniTotalQuantity:            t.EniTotalQuantity,
		EniTrunkSupported:           t.EniTrunkSupported,
		DiskQuantity:                t.DiskQuantity,
		LocalStorageCategory:        t.LocalStorageCategory,
		LocalStorageAmount:          t.LocalStorageAmount,
		LocalStorageCapacity:        t.LocalStorageCapacity,
		CpuArchitecture:             t.CpuArchitecture,
		PhysicalProcessorModel:      t.PhysicalProcessorModel,
		CpuSpeedFrequency:           t.CpuSpeedFrequency,
		CpuTurboFrequency:           t.CpuTurboFrequency,
		InstanceBandwidthRx:         t.InstanceBandwidthRx,
		InstanceBandwidthTx:         t.InstanceBandwidthTx,
		InstancePpsRx:               t.InstancePpsRx,
		InstancePpsTx:               t.InstancePpsTx,
		PrimaryEniQueueNumber:       t.PrimaryEniQueueNumber,
		SecondaryEniQueueNumber:     t.SecondaryEniQueueNumber,
		MaximumQueueNumberPerEni:    t.MaximumQueueNumberPerEni,
		TotalEniQueueQuantity:       t.TotalEniQueueQuantity,
		InstanceFamilyLevel:         t.InstanceFamilyLevel,
		InstanceCategory:            t.InstanceCategory,
		BaselineCredit:              t.BaselineCredit,
		InitialCredit:               t.InitialCredit,
		NvmeSupport:                 t.NvmeSupport,
	}
}
