package store

import (
	"context"
	"database/sql"
	"strings"
)

// Internet is an instance's public bandwidth and public IP address
// (table instance_internet). An instance without a row has no public
// bandwidth.
type Internet struct {
	InstanceID   string
	RegionID     string
	ChargeType   string // PayByBandwidth or PayByTraffic
	BandwidthIn  int    // Mbit/s
	BandwidthOut int    // Mbit/s; > 0 comes with a public IP
	PublicIP     string // "" without
}

// InternetInsert stores an instance's internet row. It reports false, and
// stores nothing, when PublicIP is already an address of another instance
// in the region (the unique constraint decides), so that the caller can
// pick another address.
func (q Q) InternetInsert(ctx context.Context, i *Internet) (bool, error) {
	var ip any
	if i.PublicIP != "" {
		ip = i.PublicIP
	}
	res, err := q.db.ExecContext(ctx, `INSERT INTO instance_internet (instance_id, region_id, charge_type, bandwidth_in, bandwidth_out, public_ip)
		VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (region_id, public_ip) DO NOTHING`,
		i.InstanceID, i.RegionID, i.ChargeType, i.BandwidthIn, i.BandwidthOut, ip)
	if err != nil {
		return false, interpretError(err)
	}
	n, err := res.RowsAffected()
	return n == 1, interpretError(err)
}

// InternetOfInstances returns the internet rows of the given instances, by
// instance id; instances without one are absent.
func (q Q) InternetOfInstances(ctx context.Context, ids []string) (map[string]*Internet, error) {
	out := map[string]*Internet{}
	if len(ids) == 0 {
		return out, nil
	}
	return out, q.each(ctx, internetQuery(ids, out))
}

func internetQuery(ids []string, out map[string]*Internet) rowQuery {
	ph, args := inList(ids, 0)
	return rowQuery{`SELECT instance_id, region_id, charge_type, bandwidth_in, bandwidth_out, public_ip FROM instance_internet WHERE instance_id IN (` + ph + `)`, args,
		func(r scanner) error {
			var i Internet
			var ip sql.NullString
			if err := r.Scan(&i.InstanceID, &i.RegionID, &i.ChargeType, &i.BandwidthIn, &i.BandwidthOut, &ip); err != nil {
				return err
			}
			i.PublicIP = ip.String
			out[i.InstanceID] = &i
			return nil
		}}
}

// internetDelete removes an instance's internet row, releasing its public
// IP with it.
func (q Q) internetDelete(ctx context.Context, instanceID string) error {
	_, err := q.db.ExecContext(ctx, `DELETE FROM instance_internet WHERE instance_id = $1`, instanceID)
	return interpretError(err)
}

// internetConditions are InstanceList's conditions on the public internet:
// one of the public IPs, and the InternetChargeType (PayByTraffic also
// matches instances without public bandwidth, which ECS reports as
// PayByTraffic).
func internetConditions(f InstanceFilter, arg func(any) string) []string {
	var where []string
	if len(f.PublicIPs) > 0 {
		ph := make([]string, len(f.PublicIPs))
		for k, ip := range f.PublicIPs {
			ph[k] = arg(ip)
		}
		where = append(where, "EXISTS (SELECT 1 FROM instance_internet n WHERE n.instance_id = instances.id AND n.public_ip IN ("+strings.Join(ph, ", ")+"))")
	}
	switch f.InternetChargeType {
	case "":
	case "PayByTraffic":
		where = append(where, "NOT EXISTS (SELECT 1 FROM instance_internet n WHERE n.instance_id = instances.id AND n.charge_type <> "+arg(f.InternetChargeType)+")")
	default:
		where = append(where, "EXISTS (SELECT 1 FROM instance_internet n WHERE n.instance_id = instances.id AND n.charge_type = "+arg(f.InternetChargeType)+")")
	}
	return where
}
