package ecs

import (
	"context"
	"crypto/rand"
	"fmt"
	"time"

	"github.com/ecsd/ecsd/internal/apierr"
	"github.com/ecsd/ecsd/internal/store"
	"github.com/ecsd/ecsd/internal/vpc"
)

// createENIs stores the network interfaces of a new instance: the primary
// one with the instance's private IP, vSwitch and security group, then one
// per secondary NetworkInterface.N of the request, each with the secondary
// private IPv4 and the IPv6 addresses asked for it (Ipv6AddressCount is the
// primary ENI's).
func createENIs(ctx context.Context, tx *store.Tx, inst *store.Instance, p *purchasePlan, now time.Time) error {
	queues := p.queues
	if queues == 0 {
		queues = p.typ.PrimaryEniQueueNumber
	}
	type eniPlan struct {
		eni          *store.NetworkInterface
		secIPs, ipv6 int
	}
	primary := eniPlan{eni: &store.NetworkInterface{
		Type: store.EniPrimary, VSwitchID: inst.VSwitchID, SecurityGroupID: inst.SecurityGroupID,
		PrivateIP: inst.PrivateIP, QueueNumber: queues,
	}}
	if p.req.Ipv6AddressCount != nil {
		primary.ipv6 = *p.req.Ipv6AddressCount
	}
	plans := []*eniPlan{&primary}
	for _, n := range p.req.NetworkInterface {
		plan := &eniPlan{}
		if n.InstanceType == store.EniPrimary {
			plan = &primary
		} else {
			plan.eni = &store.NetworkInterface{
				Type: store.EniSecondary, VSwitchID: n.VSwitchId, SecurityGroupID: n.SecurityGroupId,
				QueueNumber: p.typ.SecondaryEniQueueNumber,
			}
			if plan.eni.VSwitchID == "" {
				plan.eni.VSwitchID = inst.VSwitchID
			}
			if plan.eni.SecurityGroupID == "" {
				plan.eni.SecurityGroupID = inst.SecurityGroupID
			}
			if n.QueueNumber != nil {
				plan.eni.QueueNumber = *n.QueueNumber
			}
			plans = append(plans, plan)
		}
		if n.SecondaryPrivateIpAddressCount != nil {
			plan.secIPs = *n.SecondaryPrivateIpAddressCount
		}
		if n.Ipv6AddressCount != nil {
			plan.ipv6 = *n.Ipv6AddressCount
		}
	}
	for k, plan := range plans {
		eni := plan.eni
		want := plan.secIPs
		if eni.PrivateIP == "" {
			want++
		}
		if want > 0 {
			sw := p.vsw
			if eni.VSwitchID != sw.ID {
				var err error
				if sw, err = vpc.OwnVSwitch(ctx, tx.Q, inst.AccountID, inst.RegionID, eni.VSwitchID); err != nil {
					return err
				}
				if sw.VpcID != inst.VpcID || sw.ZoneID != inst.ZoneID {
					return apierr.InvalidParameter.Newf("The vSwitch %s of a network interface is not in the instance's VPC %s and zone %s.", sw.ID, inst.VpcID, inst.ZoneID)
				}
			}
			// Each address is a private_ips row of the VPC: unique, so
			// concurrent purchases never share one.
			ips := make([]string, 0, want)
			for range want {
				ip, err := vpc.AllocateIP(ctx, tx, sw, inst.ID, "")
				if err != nil {
					return err
				}
				ips = append(ips, ip)
			}
			if eni.PrivateIP == "" {
				eni.PrivateIP, ips = ips[0], ips[1:]
			}
			eni.SecondaryIPs = ips
		}
		eni.Ipv6Addresses = assignIPv6(p.region, inst.ZoneID, plan.ipv6)
		eni.ID, eni.AccountID, eni.RegionID, eni.ZoneID, eni.VpcID = newID("eni", p.region), inst.AccountID, inst.RegionID, inst.ZoneID, inst.VpcID
		eni.InstanceID, eni.DeviceIndex, eni.MacAddress, eni.CreationTime = inst.ID, k, newMAC(), now
		if err := tx.NetworkInterfaceInsert(ctx, eni); err != nil {
			return err
		}
	}
	return nil
}

// newMAC is a MAC address in Alibaba Cloud's 00:16:3e range.
func newMAC() string {
	var b [3]byte
	_, _ = rand.Read(b[:])
	return fmt.Sprintf("00:16:3e:%02x:%02x:%02x", b[0], b[1], b[2])
}

// eniViews renders an instance's ENIs as DescribeInstances reports them.
func eniViews(enis []*store.NetworkInterface) []NetworkInterfaceView {
	out := make([]NetworkInterfaceView, 0, len(enis))
	for _, n := range enis {
		v := NetworkInterfaceView{NetworkInterfaceId: n.ID, Type: n.Type, MacAddress: n.MacAddress, PrimaryIpAddress: n.PrivateIP}
		v.PrivateIpSets.PrivateIpSet, v.Ipv6Sets.Ipv6Set = addressViews(n)
		out = append(out, v)
	}
	return out
}

// PrivateIpSetView is one private IPv4 address of an ENI.
type PrivateIpSetView struct {
	PrivateIpAddress string
	Primary          bool
}

// Ipv6SetView is one IPv6 address of an ENI.
type Ipv6SetView struct{ Ipv6Address string }

// addressViews lists an ENI's addresses: its primary private IPv4 address
// first, then the secondary ones, and its IPv6 addresses.
func addressViews(n *store.NetworkInterface) ([]PrivateIpSetView, []Ipv6SetView) {
	v4 := []PrivateIpSetView{{PrivateIpAddress: n.PrivateIP, Primary: true}}
	for _, ip := range n.SecondaryIPs {
		v4 = append(v4, PrivateIpSetView{PrivateIpAddress: ip})
	}
	v6 := []Ipv6SetView{}
	for _, ip := range n.Ipv6Addresses {
		v6 = append(v6, Ipv6SetView{Ipv6Address: ip})
	}
	return v4, v6
}
