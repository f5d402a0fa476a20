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
	InstanceTypes       []string   `param:"InstanceTypes"` // InstanceTypes.N, 1–10
	InstanceTypeFamily  string     `param:"InstanceTypeFamily"`
	MinimumCpuCoreCount *int       `param:"MinimumCpuCoreCount"`
	MaximumCpuCoreCount *int       `param:"MaximumCpuCoreCount"`
	MinimumMemorySize   *float64   `param:"MinimumMemorySize"`
	MaximumMemorySize   *float64   `param:"MaximumMemorySize"`
	CpuArchitecture     string     `param:"CpuArchitecture"` // X86 or ARM
	MaxResults          *int       `param:"MaxResults"`
	NextToken           string     `param:"NextToken"`
	_                   rpc.Refuse `refuse:"InstanceTypeFamilies,InstanceCategory,InstanceCategories,InstanceFamilyLevel,CpuArchitectures,PhysicalProcessorModel,PhysicalProcessorModels,MinimumCpuSpeedFrequency,MaximumCpuSpeedFrequency,MinimumCpuTurboFrequency,MaximumCpuTurboFrequency,MinimumBaselineCredit,MinimumInitialCredit,AdditionalAttributes" why:"this instance type filter is not modelled"`
	_                   rpc.Refuse `refuse:"GPUSpec,GpuSpecs,MinimumGPUAmount,MaximumGPUAmount,LocalStorageCategory,LocalStorageCategories,MinimumLocalStorageAmount,MinimumLocalStorageCapacity,MinimumDiskQuantity,NvmeSupport" why:"GPU and local storage filters are not modelled"`
	_                   rpc.Refuse `refuse:"MinimumEniQuantity,MinimumEniPrivateIpAddressQuantity,MinimumEniIpv6AddressQuantity,MinimumEriQuantity,MinimumInstanceBandwidthRx,MinimumInstanceBandwidthTx,MinimumInstancePpsRx,MinimumInstancePpsTx,MinimumPrimaryEniQueueNumber,MinimumSecondaryEniQueueNumber,MinimumQueuePairNumber" why:"network capacity filters are not modelled"`
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
	if len(req.InstanceTypes) > 10 {
		return nil, apierr.InvalidParameter.Newf("The parameter InstanceTypes.N takes at most 10 values; %d were given.", len(req.InstanceTypes))
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
	switch {
	case len(req.InstanceTypes) > 0 && !slices.Contains(req.InstanceTypes, t.InstanceTypeId),
		req.InstanceTypeFamily != "" && req.InstanceTypeFamily != t.InstanceTypeFamily,
		req.MinimumCpuCoreCount != nil && t.CpuCoreCount < *req.MinimumCpuCoreCount,
		req.MaximumCpuCoreCount != nil && t.CpuCoreCount > *req.MaximumCpuCoreCount,
		req.MinimumMemorySize != nil && t.MemorySize < *req.MinimumMemorySize,
		req.MaximumMemorySize != nil && t.MemorySize > *req.MaximumMemorySize,
		req.CpuArchitecture != "" && !strings.EqualFold(req.CpuArchitecture, t.CpuArchitecture):
		return false
	}
	return true
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
