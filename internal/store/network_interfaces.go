package store

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"time"
)

// ENI types.
const (
	EniPrimary   = "Primary"
	EniSecondary = "Secondary"
)

// NetworkInterface is an elastic network interface. An instance's primary
// ENI (DeviceIndex 0) carries the instance's private IP; it is created and
// deleted with the instance and moves with it across zones.
type NetworkInterface struct {
	ID              string
	AccountID       string
	RegionID        string
	ZoneID          string
	VpcID           string
	VSwitchID       string
	SecurityGroupID string
	InstanceID      string // "" when attached to nothing
	Type            string // EniPrimary or EniSecondary
	DeviceIndex     int
	PrivateIP       string
	SecondaryIPs    []string // more private IPv4 addresses
	Ipv6Addresses   []string
	MacAddress      string
	QueueNumber     int
	CreationTime    time.Time
}

const eniColumns = `id, account_id, region_id, zone_id, vpc_id, vswitch_id, security_group_id, instance_id, eni_type,
	device_index, private_ip, mac_address, queue_number, creation_time, secondary_ips, ipv6_addresses`

func scanENI(row scanner) (*NetworkInterface, error) {
	var n NetworkInterface
	var idx, queues, created int64
	var secondary, ipv6 string
	if err := row.Scan(&n.ID, &n.AccountID, &n.RegionID, &n.ZoneID, &n.VpcID, &n.VSwitchID, &n.SecurityGroupID, &n.InstanceID, &n.Type,
		&idx, &n.PrivateIP, &n.MacAddress, &queues, &created, &secondary, &ipv6); err != nil {
		return nil, interpretError(err)
	}
	n.DeviceIndex, n.QueueNumber, n.CreationTime = int(idx), int(queues), fromMicros(created)
	if err := json.Unmarshal([]byte(secondary), &n.SecondaryIPs); err != nil {
		return nil, fmt.Errorf("network interface %s secondary IPs: %w", n.ID, err)
	}
	if err := json.Unmarshal([]byte(ipv6), &n.Ipv6Addresses); err != nil {
		return nil, fmt.Errorf("network interface %s IPv6 addresses: %w", n.ID, err)
	}
	return &n, nil
}

// NetworkInterfaceInsert stores an ENI.
func (q Q) NetworkInterfaceInsert(ctx context.Context, n *NetworkInterface) error {
	secondary, err := jsonList(n.SecondaryIPs)
	if err != nil {
		return err
	}
	ipv6, err := jsonList(n.Ipv6Addresses)
	if err != nil {
		return err
	}
	_, err = q.db.ExecContext(ctx, `INSERT INTO network_interfaces (`+eniColumns+`)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)`,
		n.ID, n.AccountID, n.RegionID, n.ZoneID, n.VpcID, n.VSwitchID, n.SecurityGroupID, n.InstanceID, n.Type,
		n.DeviceIndex, n.PrivateIP, n.MacAddress, n.QueueNumber, micros(n.CreationTime), secondary, ipv6)
	return interpretError(err)
}

// NetworkInterfaceFilter selects ENIs. Empty fields match all; IDs, when
// not nil, match any of its values; PrivateIPs and Ipv6Addresses, when not
// empty, match an ENI holding any of them (a secondary address included).
type NetworkInterfaceFilter struct {
	AccountID       string
	RegionID        string
	IDs             []string
	InstanceID      string
	VpcID           string
	VSwitchID       string
	SecurityGroupID string
	Type            string
	PrimaryIP       string
	PrivateIPs      []string
	Ipv6Addresses   []string
	Offset          int
	Limit           int
}

// NetworkInterfaceList returns the matching ENIs, oldest first (an
// instance's by device index), and how many match in all.
func (q Q) NetworkInterfaceList(ctx context.Context, f NetworkInterfaceFilter) ([]*NetworkInterface, int, error) {
	cond := "account_id = $1"
	args := []any{f.AccountID}
	add := func(col, v string) {
		if v != "" {
			args = append(args, v)
			cond += " AND " + col + " = $" + strconv.Itoa(len(args))
		}
	}
	add("region_id", f.RegionID)
	add("instance_id", f.InstanceID)
	add("vpc_id", f.VpcID)
	add("vswitch_id", f.VSwitchID)
	add("security_group_id", f.SecurityGroupID)
	add("eni_type", f.Type)
	add("private_ip", f.PrimaryIP)
	if f.IDs != nil {
		if len(f.IDs) == 0 {
			return nil, 0, nil
		}
		ph, more := inList(f.IDs, len(args))
		args = append(args, more...)
		cond += " AND id IN (" + ph + ")"
	}
	query := `SELECT ` + eniColumns + ` FROM network_interfaces WHERE ` + cond + ` ORDER BY creation_time, instance_id, device_index, id`
	if len(f.PrivateIPs) > 0 || len(f.Ipv6Addresses) > 0 {
		// Addresses are matched here, secondary ones included, and the
		// page cut from what matches.
		all, err := queryAll(ctx, q.db, scanENI, query, args...)
		if err != nil {
			return nil, 0, err
		}
		var out []*NetworkInterface
		for _, n := range all {
			if holdsAny(n, f.PrivateIPs, f.Ipv6Addresses) {
				out = append(out, n)
			}
		}
		total := len(out)
		out = out[min(f.Offset, total):]
		if f.Limit > 0 {
			out = out[:min(f.Limit, len(out))]
		}
		return out, total, nil
	}
	pageArgs := args
	if f.Limit > 0 {
		pageArgs = append(args[:len(args):len(args)], f.Limit, f.Offset)
		query += " LIMIT $" + strconv.Itoa(len(pageArgs)-1) + " OFFSET $" + strconv.Itoa(len(pageArgs))
	}
	out, err := queryAll(ctx, q.db, scanENI, query, pageArgs...)
	if err != nil {
		return nil, 0, err
	}
	total, err := q.total(ctx, len(out), f.Offset == 0, f.Limit, `SELECT COUNT(*) FROM network_interfaces WHERE `+cond, args...)
	return out, total, err
}

// holdsAny reports whether the ENI holds every kind of address asked for:
// one of ipv4 (primary or secondary) when given, one of ipv6 when given.
func holdsAny(n *NetworkInterface, ipv4, ipv6 []string) bool {
	has := func(want []string, held ...[]string) bool {
		if len(want) == 0 {
			return true
		}
		for _, list := range held {
			for _, a := range list {
				if slices.Contains(want, a) {
					return true
				}
			}
		}
		return false
	}
	return has(ipv4, []string{n.PrivateIP}, n.SecondaryIPs) && has(ipv6, n.Ipv6Addresses)
}

// enisQuery reads the ENIs of the instances ids, by device index
// (InstanceDetails).
func enisQuery(ids []string, out map[string][]*NetworkInterface) rowQuery {
	ph, args := inList(ids, 0)
	return rowQuery{`SELECT ` + eniColumns + ` FROM network_interfaces WHERE instance_id IN (` + ph + `) ORDER BY instance_id, device_index`, args,
		func(r scanner) error {
			n, err := scanENI(r)
			if err != nil {
				return err
			}
			out[n.InstanceID] = append(out[n.InstanceID], n)
			return nil
		}}
}

// NetworkInterfaceIPs returns the private IPv4 addresses held in a
// vSwitch, secondary ones included.
func (q Q) NetworkInterfaceIPs(ctx context.Context, vswitchID string) (map[string]bool, error) {
	rows, err := q.db.QueryContext(ctx, `SELECT private_ip, secondary_ips FROM network_interfaces WHERE vswitch_id = $1`, vswitchID)
	if err != nil {
		return nil, interpretError(err)
	}
	defer rows.Close()
	out := map[string]bool{}
	for rows.Next() {
		var ip, secondary string
		if err := rows.Scan(&ip, &secondary); err != nil {
			return nil, interpretError(err)
		}
		out[ip] = true
		var more []string
		if err := json.Unmarshal([]byte(secondary), &more); err != nil {
			return nil, fmt.Errorf("secondary IPs in %s: %w", vswitchID, err)
		}
		for _, m := range more {
			out[m] = true
		}
	}
	return out, interpretError(rows.Err())
}
