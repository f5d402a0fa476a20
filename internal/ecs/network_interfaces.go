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
// per secondary NetworkInterface.N of the request.
func createENIs(ctx context.Context, tx *store.Tx, inst *store.Instance, p *purchasePlan, now time.Time) error {
	queues := p.queues
	if queues == 0 {
		queues = p.typ.PrimaryEniQueueNumber
	}
	enis := []*store.NetworkInterface{{
		Type: store.EniPrimary, VSwitchID: inst.VSwitchID, SecurityGroupID: inst.SecurityGroupID,
		PrivateIP: inst.PrivateIP, QueueNumber: queues,
	}}
	for _, n := range p.req.NetworkInterface {
		if n.InstanceType == store.EniPrimary {
			continue
		}
		eni := &store.NetworkInterface{
			Type: store.EniSecondary, VSwitchID: n.VSwitchId, SecurityGroupID: n.SecurityGroupId,
			QueueNumber: p.typ.SecondaryEniQueueNumber,
		}
		if eni.VSwitchID == "" {
			eni.VSwitchID = inst.VSwitchID
		}
		if eni.SecurityGroupID == "" {
			eni.SecurityGroupID = inst.SecurityGroupID
		}
		if n.QueueNumber != nil {
			eni.QueueNumber = *n.QueueNumber
		}
		enis = append(enis, eni)
	}
	for k, eni := range enis {
		if eni.PrivateIP == "" {
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
			ip, err := vpc.AllocateIP(ctx, tx, sw, inst.ID, "")
			if err != nil {
				return err
			}
			eni.PrivateIP = ip
		}
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
		v.PrivateIpSets.PrivateIpSet = []PrivateIpSetView{{PrivateIpAddress: n.PrivateIP, Primary: true}}
		v.Ipv6Sets.Ipv6Set = []Ipv6SetView{}
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
