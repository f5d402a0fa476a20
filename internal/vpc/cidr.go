package vpc

import "net/netip"

// privateRanges are the blocks a VPC's CIDR must lie in (CreateVpc doc).
var privateRanges = []netip.Prefix{
	netip.MustParsePrefix("10.0.0.0/8"),
	netip.MustParsePrefix("172.16.0.0/12"),
	netip.MustParsePrefix("192.168.0.0/16"),
}

// Mask lengths the docs allow: a VPC /8 to /28 (/8 to /24 in the older
// docs: 10.0.0.0/8 is the widest block there is), a vSwitch /16 to /29.
const (
	vpcMinBits, vpcMaxBits         = 8, 28
	vswitchMinBits, vswitchMaxBits = 16, 29
)

// parseCIDR parses an IPv4 CIDR block written in its canonical form: the
// address is the block's first one ("172.16.1.0/24", not "172.16.1.5/24").
func parseCIDR(s string) (netip.Prefix, bool) {
	p, err := netip.ParsePrefix(s)
	if err != nil || !p.Addr().Is4() || p.Masked() != p {
		return netip.Prefix{}, false
	}
	return p, true
}

// inPrivateRange reports whether p lies inside one of privateRanges.
func inPrivateRange(p netip.Prefix) bool {
	for _, r := range privateRanges {
		if contains(r, p) {
			return true
		}
	}
	return false
}

// contains reports whether inner lies wholly inside outer.
func contains(outer, inner netip.Prefix) bool {
	return outer.Bits() <= inner.Bits() && outer.Contains(inner.Addr())
}

// overlaps reports whether two blocks share an address.
func overlaps(a, b netip.Prefix) bool { return a.Overlaps(b) }

// Usable is how many addresses of a vSwitch block instances can take: the
// first address and the last three are reserved (CreateVSwitch doc).
func Usable(p netip.Prefix) int { return 1<<(32-p.Bits()) - 4 }

// HostAt returns the n-th usable address of a vSwitch block (n from 0),
// which skips the reserved first address.
func HostAt(p netip.Prefix, n int) netip.Addr {
	v := u32(p.Addr()) + uint32(n+1)
	return netip.AddrFrom4([4]byte{byte(v >> 24), byte(v >> 16), byte(v >> 8), byte(v)})
}

// HostIndex returns the position of addr among the usable addresses of p,
// or false when addr is outside them (reserved or not in the block).
func HostIndex(p netip.Prefix, addr netip.Addr) (int, bool) {
	if !addr.Is4() || !p.Contains(addr) {
		return 0, false
	}
	off := int(u32(addr) - u32(p.Addr()))
	if off < 1 || off > Usable(p) {
		return 0, false
	}
	return off - 1, true
}

func u32(a netip.Addr) uint32 {
	b := a.As4()
	return uint32(b[0])<<24 | uint32(b[1])<<16 | uint32(b[2])<<8 | uint32(b[3])
}
