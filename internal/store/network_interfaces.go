package store

import (
	"context"
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
	MacAddress      string
	QueueNumber     int
	CreationTime    time.Time
}

const eniColumns = `id, account_id, region_id, zone_id, vpc_id, vswitch_id, security_group_id, instance_id, eni_type,
	device_index, private_ip, mac_address, queue_number, creation_time`

func scanENI(row scanner) (*NetworkInterface, error) {
	var n NetworkInterface
	var idx, queues, created int64
	if err := row.Scan(&n.ID, &n.AccountID, &n.RegionID, &n.ZoneID, &n.VpcID, &n.VSwitchID, &n.SecurityGroupID, &n.InstanceID, &n.Type,
		&idx, &n.PrivateIP, &n.MacAddress, &queues, &created); err != nil {
		return nil, interpretError(err)
	}
	n.DeviceIndex, n.QueueNumber, n.CreationTime = int(idx), int(queues), fromMicros(created)
	return &n, nil
}

// NetworkInterfaceInsert stores an ENI.
func (q Q) NetworkInterfaceInsert(ctx context.Context, n *NetworkInterface) error {
	_, err := q.db.ExecContext(ctx, `INSERT INTO network_interfaces (`+eniColumns+`)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)`,
		n.ID, n.AccountID, n.RegionID, n.ZoneID, n.VpcID, n.VSwitchID, n.SecurityGroupID, n.InstanceID, n.Type,
		n.DeviceIndex, n.PrivateIP, n.MacAddress, n.QueueNumber, micros(n.CreationTime))
	return interpretError(err)
}

// NetworkInterfaceFilter selects ENIs. Empty fields match all; IDs and
// PrivateIPs, when not nil, match any of their values.
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
	for _, c := range [...]struct {
		col  string
		vals []string
	}{{"id", f.IDs}, {"private_ip", f.PrivateIPs}} {
		col, vals := c.col, c.vals
		if vals == nil {
			continue
		}
		if len(vals) == 0 {
			return nil, 0, nil
		}
		ph, more := inList(vals, len(args))
		args = append(args, more...)
		cond += " AND " + col + " IN (" + ph + ")"
	}
	query := `SELECT ` + eniColumns + ` FROM network_interfaces WHERE ` + cond + ` ORDER BY creation_time, instance_id, device_index, id`
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

// NetworkInterfacesByInstances returns the ENIs of each instance, by
// device index.
func (q Q) NetworkInterfacesByInstances(ctx context.Context, ids []string) (map[string][]*NetworkInterface, error) {
	out := map[string][]*NetworkInterface{}
	if len(ids) == 0 {
		return out, nil
	}
	ph, args := inList(ids, 0)
	list, err := queryAll(ctx, q.db, scanENI, `SELECT `+eniColumns+` FROM network_interfaces WHERE instance_id IN (`+ph+`) ORDER BY instance_id, device_index`, args...)
	if err != nil {
		return nil, err
	}
	for _, n := range list {
		out[n.InstanceID] = append(out[n.InstanceID], n)
	}
	return out, nil
}

// NetworkInterfaceIPs returns the private IPs held in a vSwitch.
func (q Q) NetworkInterfaceIPs(ctx context.Context, vswitchID string) (map[string]bool, error) {
	rows, err := q.db.QueryContext(ctx, `SELECT private_ip FROM network_interfaces WHERE vswitch_id = $1`, vswitchID)
	if err != nil {
		return nil, interpretError(err)
	}
	defer rows.Close()
	out := map[string]bool{}
	for rows.Next() {
		var ip string
		if err := rows.Scan(&ip); err != nil {
			return nil, interpretError(err)
		}
		out[ip] = true
	}
	return out, interpretError(rows.Err())
}
