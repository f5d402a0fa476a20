package vpc

import (
	"context"
	"errors"
	"net/netip"
	"time"

	"github.com/ecsd/ecsd/internal/apierr"
	"github.com/ecsd/ecsd/internal/catalog"
	"github.com/ecsd/ecsd/internal/store"
)

// The default network is what real accounts get on first use of a region:
// a default VPC (172.16.0.0/12) and, per zone, a default vSwitch (a /20 of
// it). ecsd creates them on first need, in the transaction of the call
// that needs them, Available at once. Partial unique indexes keep each one
// single when calls of several replicas create them together.

// DefaultVpc returns the account's default VPC in the region, creating it
// if it does not exist.
func DefaultVpc(ctx context.Context, tx *store.Tx, r *catalog.Region, accountID string, now time.Time) (*store.Vpc, error) {
	v, err := tx.VpcGetDefault(ctx, accountID, r.RegionId)
	if !errors.Is(err, store.ErrNotFound) {
		return v, err
	}
	v = &store.Vpc{
		ID: NewID("vpc", r), AccountID: accountID, RegionID: r.RegionId, CidrBlock: DefaultVpcCidr, Status: store.NetAvailable,
		IsDefault: true, VRouterID: NewID("vrt", r), RouteTableID: NewID("vtb", r), DnsHostname: "DISABLED", CreationTime: now,
	}
	if _, err := tx.VpcInsertDefault(ctx, v); err != nil {
		return nil, err
	}
	return tx.VpcGetDefault(ctx, accountID, r.RegionId)
}

// DefaultVSwitch returns the default vSwitch of the VPC in the zone,
// creating it if it does not exist: the first /20 of the VPC, from the
// zone's place in the region on, that no vSwitch of the VPC overlaps.
func DefaultVSwitch(ctx context.Context, tx *store.Tx, r *catalog.Region, v *store.Vpc, zoneID string, now time.Time) (*store.VSwitch, error) {
	sw, err := tx.VSwitchGetDefault(ctx, v.ID, zoneID)
	if !errors.Is(err, store.ErrNotFound) {
		return sw, err
	}
	// Held until commit: two zones' default vSwitches never pick one block.
	if _, err := tx.VpcLock(ctx, v.AccountID, "", v.ID); err != nil {
		return nil, err
	}
	taken, err := tx.VSwitchCidrsOf(ctx, v.ID)
	if err != nil {
		return nil, err
	}
	block, ok := freeBlock(netip.MustParsePrefix(v.CidrBlock), defaultVSwitchBits, zonePlace(r, zoneID), taken)
	if !ok {
		return nil, apierr.InvalidCidrBlockOverlapped.Newf("The default VPC %s has no free /%d block left for a default vSwitch in %s.", v.ID, defaultVSwitchBits, zoneID)
	}
	sw = &store.VSwitch{
		ID: NewID("vsw", r), AccountID: v.AccountID, RegionID: v.RegionID, VpcID: v.ID, ZoneID: zoneID, CidrBlock: block.String(),
		Status: store.NetAvailable, IsDefault: true, CreationTime: now,
	}
	if _, err := tx.VSwitchInsertDefault(ctx, sw); err != nil {
		return nil, err
	}
	return tx.VSwitchGetDefault(ctx, v.ID, zoneID)
}

// zonePlace is the zone's position in its region.
func zonePlace(r *catalog.Region, zoneID string) int {
	for i, z := range r.Zones {
		if z.ZoneId == zoneID {
			return i
		}
	}
	return 0
}

// freeBlock returns the first /bits block of vpc, from the start-th on
// (wrapping around), that overlaps none of taken.
func freeBlock(vpc netip.Prefix, bits, start int, taken map[string]string) (netip.Prefix, bool) {
	if bits < vpc.Bits() {
		return netip.Prefix{}, false
	}
	n := 1 << (bits - vpc.Bits())
	for i := range n {
		idx := (start + i) % n
		p := netip.PrefixFrom(hostAddr(vpc, uint32(idx)<<(32-bits)), bits)
		free := true
		for _, c := range taken {
			if overlaps(p, netip.MustParsePrefix(c)) {
				free = false
				break
			}
		}
		if free {
			return p, true
		}
	}
	return netip.Prefix{}, false
}

func hostAddr(p netip.Prefix, off uint32) netip.Addr {
	v := u32(p.Addr()) + off
	return netip.AddrFrom4([4]byte{byte(v >> 24), byte(v >> 16), byte(v >> 8), byte(v)})
}

// AllocateIP takes a private address of the vSwitch for an instance: the
// one asked for, checked to be inside the vSwitch and free, or else a free
// one. The address's row is unique per VPC, so concurrent purchases never
// share one and a full vSwitch refuses the one too many.
//
//	an address that is not IPv4           → InvalidPrivateIpAddress.Malformed
//	outside the usable part of the vSwitch → InvalidPrivateIpAddress.Mismatch
//	already taken                          → InvalidPrivateIpAddress.Duplicated
//	no free address left                   → InvalidVSwitchId.IpNotEnough
func AllocateIP(ctx context.Context, tx *store.Tx, sw *store.VSwitch, instanceID, want string) (string, error) {
	block := netip.MustParsePrefix(sw.CidrBlock)
	if want != "" {
		addr, err := netip.ParseAddr(want)
		if err != nil || !addr.Is4() {
			return "", apierr.InvalidPrivateIPAddressMalformed.Newf("The private IP address %q is not an IPv4 address.", want)
		}
		if _, ok := HostIndex(block, addr); !ok {
			return "", apierr.InvalidPrivateIPAddressMismatch.Newf("The private IP address %s is not a usable address of %s, the block of vSwitch %s (the first address and the last three are reserved).", want, sw.CidrBlock, sw.ID)
		}
		ok, err := claimIP(ctx, tx, sw, addr.String(), instanceID)
		if err != nil {
			return "", err
		}
		if !ok {
			return "", apierr.InvalidPrivateIPAddressDuplicated.Newf("The private IP address %s is already used in VPC %s.", want, sw.VpcID)
		}
		return addr.String(), nil
	}
	taken, err := tx.PrivateIPsTaken(ctx, sw.ID)
	if err != nil {
		return "", err
	}
	n := Usable(block)
	for i := range n {
		if len(taken) >= n {
			break
		}
		ip := HostAt(block, i).String()
		if taken[ip] {
			continue
		}
		ok, err := claimIP(ctx, tx, sw, ip, instanceID)
		if err != nil {
			return "", err
		}
		taken[ip] = true // ours now, or a concurrent purchase took it first
		if ok {
			return ip, nil
		}
	}
	return "", apierr.InvalidVSwitchIDIpNotEnough.Newf("The vSwitch %s has no free private IP address left (%d usable in %s).", sw.ID, n, sw.CidrBlock)
}

// ZoneVSwitch returns the vSwitch of VPC v in the zone that an instance
// moving there (MigrateAcrossZone) goes to: the zone's default vSwitch in a
// default VPC (created on need), else the oldest Available vSwitch of the
// zone with a free address. It returns nil when there is none.
func ZoneVSwitch(ctx context.Context, tx *store.Tx, r *catalog.Region, v *store.Vpc, zoneID string, now time.Time) (*store.VSwitch, error) {
	if v.IsDefault {
		return DefaultVSwitch(ctx, tx, r, v, zoneID, now)
	}
	return roomyVSwitch(ctx, tx.Q, v, zoneID)
}

// ZoneHasRoom reports whether an instance of VPC v can move to the zone.
func ZoneHasRoom(ctx context.Context, q store.Q, v *store.Vpc, zoneID string) (bool, error) {
	if v.IsDefault {
		return true, nil
	}
	sw, err := roomyVSwitch(ctx, q, v, zoneID)
	return sw != nil, err
}

func roomyVSwitch(ctx context.Context, q store.Q, v *store.Vpc, zoneID string) (*store.VSwitch, error) {
	list, _, err := q.VSwitchList(ctx, store.NetFilter{AccountID: v.AccountID, VpcID: v.ID, ZoneID: zoneID})
	if err != nil {
		return nil, err
	}
	for i := len(list) - 1; i >= 0; i-- { // the list is newest first
		sw := list[i]
		if sw.Status == store.NetAvailable && sw.Used < Usable(netip.MustParsePrefix(sw.CidrBlock)) {
			return sw, nil
		}
	}
	return nil, nil
}

// claimIP takes ip in sw for the instance; a vSwitch gone meanwhile is
// InvalidVSwitchId.NotFound.
func claimIP(ctx context.Context, tx *store.Tx, sw *store.VSwitch, ip, instanceID string) (bool, error) {
	ok, err := tx.PrivateIPClaim(ctx, sw.VpcID, ip, sw.ID, instanceID)
	if errors.Is(err, store.ErrNotFound) {
		return false, apierr.InvalidVSwitchIDNotFound.Newf("The specified vSwitch %s does not exist (any more).", sw.ID)
	}
	return ok, err
}
