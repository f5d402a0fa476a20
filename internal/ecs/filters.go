package ecs

import (
	"net/netip"
	"slices"
	"strings"
	"time"

	"github.com/ecsd/ecsd/internal/apierr"
	"github.com/ecsd/ecsd/internal/catalog"
	"github.com/ecsd/ecsd/internal/rpc"
	"github.com/ecsd/ecsd/internal/store"
)

// FilterParam is one Filter.N of a Describe action: a Key naming a time
// bound (CreationStartTime, ...) and its Value, a UTC time.
type FilterParam struct {
	Key   string `param:"Key"`
	Value string `param:"Value"`
}

// timeFilters reads Filter.N into bounds by key; keys lists the keys the
// action takes. A key not listed, a key without a value or a value that is
// not a time is InvalidParameter naming it.
func timeFilters(filters []FilterParam, keys ...string) (map[string]time.Time, error) {
	out := map[string]time.Time{}
	for n, f := range filters {
		if !slices.Contains(keys, f.Key) {
			return nil, apierr.InvalidParameter.Newf("The specified parameter Filter.%d.Key %q is not valid; use %s.", n+1, f.Key, strings.Join(keys, ", "))
		}
		t, err := rpc.ParseTime(f.Value)
		if err != nil {
			return nil, apierr.InvalidParameter.Newf("The specified parameter Filter.%d.Value is not valid: %s.", n+1, err)
		}
		out[f.Key] = t
	}
	return out, nil
}

// lockReasons are the documented values of an operation lock
// (spec/alibaba-api.md §3.1), the values of the LockReason filter.
var lockReasons = []string{"financial", "security", "Recycling", "recycling", "dedicatedhostfinancial", "refunded"}

// instanceFilters adds DescribeInstances' filters beyond the columns it
// maps one to one to f. none is true when a filter can match no ecsd
// instance: every instance is in a VPC, none has an EIP, an HPC cluster or
// an RDMA address, so a classic-network or EIP filter matches nothing.
func instanceFilters(cat *catalog.Catalog, req *DescribeInstancesRequest, f *store.InstanceFilter) (none bool, err error) {
	if req.LockReason != "" && !slices.Contains(lockReasons, req.LockReason) {
		return false, apierr.InvalidLockReasonNotFound.Newf("The specified LockReason %q is not found; use financial, security, Recycling, dedicatedhostfinancial or refunded.", req.LockReason)
	}
	f.LockReason = req.LockReason
	if req.LockReason == "recycling" {
		f.LockReason = "Recycling" // the documented lower-case spelling of the same lock
	}
	switch req.InstanceNetworkType {
	case "", "vpc":
	case "classic":
		none = true
	default:
		return false, apierr.InvalidNetworkTypeNotFound.Newf("The specified InstanceNetworkType %q is not found; use vpc or classic.", req.InstanceNetworkType)
	}
	for _, list := range []struct {
		name string
		ips  []string
	}{{"InnerIpAddresses", req.InnerIpAddresses}, {"EipAddresses", req.EipAddresses}, {"Ipv6Address", req.Ipv6Address}} {
		if len(list.ips) > 100 {
			return false, apierr.InvalidParameter.Newf("The specified parameter %s is not valid: at most 100 addresses are allowed.", list.name)
		}
		for _, ip := range list.ips {
			a, perr := netip.ParseAddr(ip)
			if perr != nil || (list.name == "Ipv6Address") != a.Is6() {
				return false, apierr.InvalidParameter.Newf("The specified parameter %s %q is not a valid IP address.", list.name, ip)
			}
			if list.name == "Ipv6Address" {
				f.Ipv6 = append(f.Ipv6, a.String())
			}
		}
	}
	if len(req.InnerIpAddresses) > 0 || len(req.EipAddresses) > 0 || req.HpcClusterId != "" || req.RdmaIpAddresses != "" {
		none = true
	}
	bounds, err := timeFilters(req.Filter, "CreationStartTime", "CreationEndTime", "ExpiredStartTime", "ExpiredEndTime")
	if err != nil {
		return false, err
	}
	f.CreatedFrom, f.CreatedTo = bounds["CreationStartTime"], bounds["CreationEndTime"]
	f.ExpiresFrom, f.ExpiresTo = bounds["ExpiredStartTime"], bounds["ExpiredEndTime"]
	// The type filters narrow one list of types, matched in the store.
	if req.InstanceTypeFamily != "" || req.IoOptimized != nil {
		f.Types = []string{}
		for _, t := range cat.Types() {
			if (req.InstanceTypeFamily == "" || t.InstanceTypeFamily == req.InstanceTypeFamily) &&
				(req.IoOptimized == nil || t.IoOptimized == *req.IoOptimized) {
				f.Types = append(f.Types, t.InstanceTypeId)
			}
		}
	}
	if req.DeviceAvailable != nil {
		f.DeviceAvailable, f.DiskLimits = req.DeviceAvailable, diskLimits(cat)
	}
	return none, nil
}

// diskLimits is how many data disks each instance type takes.
func diskLimits(cat *catalog.Catalog) map[string]int {
	out := map[string]int{}
	for _, t := range cat.Types() {
		out[t.InstanceTypeId] = t.DiskQuantity
	}
	return out
}
