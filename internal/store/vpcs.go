package store

import (
	"context"
	"strconv"
	"strings"
	"time"
)

// VPC and vSwitch statuses, as the VPC API reports them.
const (
	NetPending   = "Pending"
	NetAvailable = "Available"
)

// Vpc is a VPC row.
type Vpc struct {
	ID              string
	AccountID       string
	RegionID        string
	CidrBlock       string
	Name            string
	Description     string
	Status          string
	IsDefault       bool
	VRouterID       string
	RouteTableID    string
	ResourceGroupID string
	DnsHostname     string
	CreationTime    time.Time
}

const vpcColumns = `id, account_id, region_id, cidr_block, name, description, status, is_default, vrouter_id,
	route_table_id, resource_group_id, dns_hostname, creation_time`

func scanVpc(row scanner) (*Vpc, error) {
	var v Vpc
	var created int64
	if err := row.Scan(&v.ID, &v.AccountID, &v.RegionID, &v.CidrBlock, &v.Name, &v.Description, &v.Status, &v.IsDefault,
		&v.VRouterID, &v.RouteTableID, &v.ResourceGroupID, &v.DnsHostname, &created); err != nil {
		return nil, interpretError(err)
	}
	v.CreationTime = fromMicros(created)
	return &v, nil
}

// VpcInsert stores a new VPC. A second default VPC of an account in a
// region is ErrConflict.
func (q Q) VpcInsert(ctx context.Context, v *Vpc) error {
	_, err := q.db.ExecContext(ctx, `INSERT INTO vpcs (`+vpcColumns+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
		v.ID, v.AccountID, v.RegionID, v.CidrBlock, v.Name, v.Description, v.Status, v.IsDefault, v.VRouterID,
		v.RouteTableID, v.ResourceGroupID, v.DnsHostname, micros(v.CreationTime))
	return interpretError(err)
}

// VpcInsertDefault stores an account's default VPC in a region unless it
// has one (a concurrent creator's wins); it reports whether v went in.
func (q Q) VpcInsertDefault(ctx context.Context, v *Vpc) (bool, error) {
	res, err := q.db.ExecContext(ctx, `INSERT INTO vpcs (`+vpcColumns+`) VALUES ($1, $2, $3, $4, $5, $6, $7, TRUE, $8, $9, $10, $11, $12)
		ON CONFLICT (account_id, region_id) WHERE is_default DO NOTHING`,
		v.ID, v.AccountID, v.RegionID, v.CidrBlock, v.Name, v.Description, v.Status, v.VRouterID,
		v.RouteTableID, v.ResourceGroupID, v.DnsHostname, micros(v.CreationTime))
	if err != nil {
		return false, interpretError(err)
	}
	n, err := res.RowsAffected()
	return n == 1, interpretError(err)
}

// VpcGet returns the account's VPC, or ErrNotFound (also when another
// account owns it). An empty regionID matches any region.
func (q Q) VpcGet(ctx context.Context, accountID, regionID, id string) (*Vpc, error) {
	return scanVpc(q.db.QueryRowContext(ctx, `SELECT `+vpcColumns+` FROM vpcs
		WHERE id = $1 AND account_id = $2 AND ($3 = '' OR region_id = $3)`, id, accountID, regionID))
}

// VpcLock returns the account's VPC and holds its row until the
// transaction ends: vSwitches, groups and deletion of one VPC take turns.
func (q Q) VpcLock(ctx context.Context, accountID, regionID, id string) (*Vpc, error) {
	return scanVpc(q.db.QueryRowContext(ctx, `UPDATE vpcs SET version = version + 1
		WHERE id = $1 AND account_id = $2 AND ($3 = '' OR region_id = $3) RETURNING `+vpcColumns, id, accountID, regionID))
}

// VpcGetDefault returns the account's default VPC in the region.
func (q Q) VpcGetDefault(ctx context.Context, accountID, regionID string) (*Vpc, error) {
	return scanVpc(q.db.QueryRowContext(ctx, `SELECT `+vpcColumns+` FROM vpcs
		WHERE account_id = $1 AND region_id = $2 AND is_default`, accountID, regionID))
}

// NetFilter selects VPCs or vSwitches. Empty fields match all.
type NetFilter struct {
	AccountID string
	RegionID  string
	IDs       []string
	VpcID     string // vSwitches only
	ZoneID    string // vSwitches only
	Name      string
	IsDefault *bool
	Offset    int
	Limit     int
}

func (f NetFilter) where(table string) (string, []any) {
	var where []string
	var args []any
	arg := func(v any) string {
		args = append(args, v)
		return "$" + strconv.Itoa(len(args))
	}
	where = append(where, "account_id = "+arg(f.AccountID))
	if f.RegionID != "" {
		where = append(where, "region_id = "+arg(f.RegionID))
	}
	if f.IDs != nil {
		ph := make([]string, len(f.IDs))
		for i, id := range f.IDs {
			ph[i] = arg(id)
		}
		if len(ph) == 0 {
			ph = []string{"NULL"}
		}
		where = append(where, "id IN ("+strings.Join(ph, ", ")+")")
	}
	if f.VpcID != "" && table != "vpcs" {
		where = append(where, "vpc_id = "+arg(f.VpcID))
	}
	if f.ZoneID != "" {
		where = append(where, "zone_id = "+arg(f.ZoneID))
	}
	if f.Name != "" {
		where = append(where, "name = "+arg(f.Name))
	}
	if f.IsDefault != nil {
		where = append(where, "is_default = "+arg(*f.IsDefault))
	}
	return strings.Join(where, " AND "), args
}

func (f NetFilter) page(args []any) (string, []any) {
	if f.Limit <= 0 {
		return "", args
	}
	n := len(args)
	return " LIMIT $" + strconv.Itoa(n+1) + " OFFSET $" + strconv.Itoa(n+2), append(args, f.Limit, f.Offset)
}

// VpcList returns the matching VPCs, newest first as the API lists them,
// and how many match in all.
func (q Q) VpcList(ctx context.Context, f NetFilter) ([]*Vpc, int, error) {
	cond, args := f.where("vpcs")
	page, pargs := f.page(args[:len(args):len(args)])
	out, err := queryAll(ctx, q.db, scanVpc, `SELECT `+vpcColumns+` FROM vpcs WHERE `+cond+` ORDER BY creation_time DESC, id`+page, pargs...)
	if err != nil {
		return nil, 0, err
	}
	total, err := q.total(ctx, len(out), f.Offset == 0, f.Limit, `SELECT COUNT(*) FROM vpcs WHERE `+cond, args...)
	return out, total, err
}

// VpcCount counts an account's VPCs in a region, for its quota.
func (q Q) VpcCount(ctx context.Context, accountID, regionID string) (int, error) {
	var n int
	err := q.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM vpcs WHERE account_id = $1 AND region_id = $2`, accountID, regionID).Scan(&n)
	return n, interpretError(err)
}

// VpcUpdate writes a VPC's name, description and DNS hostname setting.
func (q Q) VpcUpdate(ctx context.Context, v *Vpc) error {
	res, err := q.db.ExecContext(ctx, `UPDATE vpcs SET name = $2, description = $3, dns_hostname = $4, version = version + 1 WHERE id = $1`,
		v.ID, v.Name, v.Description, v.DnsHostname)
	return affectedOne(res, err)
}

// VpcTransition moves a VPC from one status to another, only if it is
// still in the first (a job run twice does it once).
func (q Q) VpcTransition(ctx context.Context, id, from, to string) (bool, error) {
	res, err := q.db.ExecContext(ctx, `UPDATE vpcs SET status = $3, version = version + 1 WHERE id = $1 AND status = $2`, id, from, to)
	if err != nil {
		return false, interpretError(err)
	}
	n, err := res.RowsAffected()
	return n == 1, interpretError(err)
}

// VpcDelete removes a VPC and its tags.
func (q Q) VpcDelete(ctx context.Context, id string) error {
	if _, err := q.db.ExecContext(ctx, `DELETE FROM vpc_tags WHERE resource_id = $1`, id); err != nil {
		return interpretError(err)
	}
	res, err := q.db.ExecContext(ctx, `DELETE FROM vpcs WHERE id = $1`, id)
	return affectedOne(res, err)
}

// VpcDependents counts what still lives in a VPC.
type VpcDependents struct {
	VSwitches, SecurityGroups int
}

// VpcDependentsOf counts a VPC's vSwitches and security groups.
func (q Q) VpcDependentsOf(ctx context.Context, id string) (VpcDependents, error) {
	var d VpcDependents
	err := q.db.QueryRowContext(ctx, `SELECT (SELECT COUNT(*) FROM vswitches WHERE vpc_id = $1),
		(SELECT COUNT(*) FROM security_groups WHERE vpc_id = $1)`, id).Scan(&d.VSwitches, &d.SecurityGroups)
	return d, interpretError(err)
}

// VSwitch is a vSwitch row. Used is how many of its addresses are taken.
type VSwitch struct {
	ID              string
	AccountID       string
	RegionID        string
	VpcID           string
	ZoneID          string
	CidrBlock       string
	Name            string
	Description     string
	Status          string
	IsDefault       bool
	ResourceGroupID string
	CreationTime    time.Time
	Used            int
}

const vswitchColumns = `id, account_id, region_id, vpc_id, zone_id, cidr_block, name, description, status, is_default,
	resource_group_id, creation_time, (SELECT COUNT(*) FROM private_ips p WHERE p.vswitch_id = vswitches.id)`

func scanVSwitch(row scanner) (*VSwitch, error) {
	var v VSwitch
	var created int64
	if err := row.Scan(&v.ID, &v.AccountID, &v.RegionID, &v.VpcID, &v.ZoneID, &v.CidrBlock, &v.Name, &v.Description, &v.Status,
		&v.IsDefault, &v.ResourceGroupID, &created, &v.Used); err != nil {
		return nil, interpretError(err)
	}
	v.CreationTime = fromMicros(created)
	return &v, nil
}

// VSwitchInsert stores a new vSwitch. A second default vSwitch of a VPC in
// a zone is ErrConflict.
func (q Q) VSwitchInsert(ctx context.Context, v *VSwitch) error {
	_, err := q.db.ExecContext(ctx, `INSERT INTO vswitches (id, account_id, region_id, vpc_id, zone_id, cidr_block, name,
		description, status, is_default, resource_group_id, creation_time) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
		v.ID, v.AccountID, v.RegionID, v.VpcID, v.ZoneID, v.CidrBlock, v.Name, v.Description, v.Status, v.IsDefault,
		v.ResourceGroupID, micros(v.CreationTime))
	return interpretError(err)
}

// VSwitchInsertDefault stores a VPC's default vSwitch in a zone unless it
// has one; it reports whether v went in.
func (q Q) VSwitchInsertDefault(ctx context.Context, v *VSwitch) (bool, error) {
	res, err := q.db.ExecContext(ctx, `INSERT INTO vswitches (id, account_id, region_id, vpc_id, zone_id, cidr_block, name,
		description, status, is_default, resource_group_id, creation_time) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, TRUE, $10, $11)
		ON CONFLICT (vpc_id, zone_id) WHERE is_default DO NOTHING`,
		v.ID, v.AccountID, v.RegionID, v.VpcID, v.ZoneID, v.CidrBlock, v.Name, v.Description, v.Status, v.ResourceGroupID, micros(v.CreationTime))
	if err != nil {
		return false, interpretError(err)
	}
	n, err := res.RowsAffected()
	return n == 1, interpretError(err)
}

// VSwitchGet returns the account's vSwitch, or ErrNotFound. An empty
// regionID matches any region.
func (q Q) VSwitchGet(ctx context.Context, accountID, regionID, id string) (*VSwitch, error) {
	return scanVSwitch(q.db.QueryRowContext(ctx, `SELECT `+vswitchColumns+` FROM vswitches
		WHERE id = $1 AND account_id = $2 AND ($3 = '' OR region_id = $3)`, id, accountID, regionID))
}

// VSwitchGetDefault returns a VPC's default vSwitch in a zone.
func (q Q) VSwitchGetDefault(ctx context.Context, vpcID, zoneID string) (*VSwitch, error) {
	return scanVSwitch(q.db.QueryRowContext(ctx, `SELECT `+vswitchColumns+` FROM vswitches
		WHERE vpc_id = $1 AND zone_id = $2 AND is_default`, vpcID, zoneID))
}

// VSwitchList returns the matching vSwitches, newest first, and how many
// match in all.
func (q Q) VSwitchList(ctx context.Context, f NetFilter) ([]*VSwitch, int, error) {
	cond, args := f.where("vswitches")
	page, pargs := f.page(args[:len(args):len(args)])
	out, err := queryAll(ctx, q.db, scanVSwitch, `SELECT `+vswitchColumns+` FROM vswitches WHERE `+cond+` ORDER BY creation_time DESC, id`+page, pargs...)
	if err != nil {
		return nil, 0, err
	}
	total, err := q.total(ctx, len(out), f.Offset == 0, f.Limit, `SELECT COUNT(*) FROM vswitches WHERE `+cond, args...)
	return out, total, err
}

// VSwitchUpdate writes a vSwitch's name and description.
func (q Q) VSwitchUpdate(ctx context.Context, v *VSwitch) error {
	res, err := q.db.ExecContext(ctx, `UPDATE vswitches SET name = $2, description = $3 WHERE id = $1`, v.ID, v.Name, v.Description)
	return affectedOne(res, err)
}

// VSwitchTransition moves a vSwitch from one status to another, only if it
// is still in the first.
func (q Q) VSwitchTransition(ctx context.Context, id, from, to string) (bool, error) {
	res, err := q.db.ExecContext(ctx, `UPDATE vswitches SET status = $3 WHERE id = $1 AND status = $2`, id, from, to)
	if err != nil {
		return false, interpretError(err)
	}
	n, err := res.RowsAffected()
	return n == 1, interpretError(err)
}

// VSwitchDelete removes a vSwitch and its tags.
func (q Q) VSwitchDelete(ctx context.Context, id string) error {
	if _, err := q.db.ExecContext(ctx, `DELETE FROM vpc_tags WHERE resource_id = $1`, id); err != nil {
		return interpretError(err)
	}
	res, err := q.db.ExecContext(ctx, `DELETE FROM vswitches WHERE id = $1`, id)
	return affectedOne(res, err)
}

// VpcTagSet sets a tag of a VPC-product resource.
func (q Q) VpcTagSet(ctx context.Context, resourceID, key, value string) error {
	_, err := q.db.ExecContext(ctx, `INSERT INTO vpc_tags (resource_id, tag_key, tag_value) VALUES ($1, $2, $3)
		ON CONFLICT (resource_id, tag_key) DO UPDATE SET tag_value = excluded.tag_value`, resourceID, key, value)
	return interpretError(err)
}

// VpcTagDelete removes a tag of a VPC-product resource.
func (q Q) VpcTagDelete(ctx context.Context, resourceID, key string) error {
	_, err := q.db.ExecContext(ctx, `DELETE FROM vpc_tags WHERE resource_id = $1 AND tag_key = $2`, resourceID, key)
	return interpretError(err)
}

// VpcTagsOf returns the tags of each resource, sorted by key.
func (q Q) VpcTagsOf(ctx context.Context, ids []string) (map[string][]Tag, error) {
	out := map[string][]Tag{}
	if len(ids) == 0 {
		return out, nil
	}
	ph, args := inList(ids, 0)
	rows, err := q.db.QueryContext(ctx, `SELECT resource_id, tag_key, tag_value FROM vpc_tags WHERE resource_id IN (`+ph+`) ORDER BY resource_id, tag_key`, args...)
	if err != nil {
		return nil, interpretError(err)
	}
	defer rows.Close()
	for rows.Next() {
		var id string
		var t Tag
		if err := rows.Scan(&id, &t.Key, &t.Value); err != nil {
			return nil, interpretError(err)
		}
		out[id] = append(out[id], t)
	}
	return out, interpretError(rows.Err())
}

// VSwitchIDsOf returns the ids of each VPC's vSwitches.
func (q Q) VSwitchIDsOf(ctx context.Context, vpcIDs []string) (map[string][]string, error) {
	out := map[string][]string{}
	if len(vpcIDs) == 0 {
		return out, nil
	}
	ph, args := inList(vpcIDs, 0)
	rows, err := q.db.QueryContext(ctx, `SELECT vpc_id, id FROM vswitches WHERE vpc_id IN (`+ph+`) ORDER BY vpc_id, creation_time, id`, args...)
	if err != nil {
		return nil, interpretError(err)
	}
	defer rows.Close()
	for rows.Next() {
		var vpc, id string
		if err := rows.Scan(&vpc, &id); err != nil {
			return nil, interpretError(err)
		}
		out[vpc] = append(out[vpc], id)
	}
	return out, interpretError(rows.Err())
}

// VSwitchCidrsOf returns the CIDR blocks of a VPC's vSwitches by id.
func (q Q) VSwitchCidrsOf(ctx context.Context, vpcID string) (map[string]string, error) {
	rows, err := q.db.QueryContext(ctx, `SELECT id, cidr_block FROM vswitches WHERE vpc_id = $1`, vpcID)
	if err != nil {
		return nil, interpretError(err)
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var id, c string
		if err := rows.Scan(&id, &c); err != nil {
			return nil, interpretError(err)
		}
		out[id] = c
	}
	return out, interpretError(rows.Err())
}

// PrivateIPClaim takes an address of a VPC for an instance. It returns
// false, and changes nothing, when the address is already taken, and
// ErrNotFound when the vSwitch or its VPC is gone (deleted, or a reset
// committed while the claim waited for it).
func (q Q) PrivateIPClaim(ctx context.Context, vpcID, ip, vswitchID, instanceID string) (bool, error) {
	res, err := q.db.ExecContext(ctx, `INSERT INTO private_ips (vpc_id, ip, vswitch_id, instance_id) VALUES ($1, $2, $3, $4)
		ON CONFLICT (vpc_id, ip) DO NOTHING`, vpcID, ip, vswitchID, instanceID)
	if isForeignKeyViolation(err) {
		return false, ErrNotFound
	}
	if err != nil {
		return false, interpretError(err)
	}
	n, err := res.RowsAffected()
	return n == 1, interpretError(err)
}

// PrivateIPsUsed returns the addresses taken in a vSwitch.
func (q Q) PrivateIPsUsed(ctx context.Context, vswitchID string) ([]string, error) {
	rows, err := q.db.QueryContext(ctx, `SELECT ip FROM private_ips WHERE vswitch_id = $1`, vswitchID)
	if err != nil {
		return nil, interpretError(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var ip string
		if err := rows.Scan(&ip); err != nil {
			return nil, interpretError(err)
		}
		out = append(out, ip)
	}
	return out, interpretError(rows.Err())
}

// PrivateIPsTaken returns the addresses taken in a vSwitch, read once per
// transaction: the caller adds the addresses it claims to the map, so that
// a purchase of many instances reads the vSwitch's addresses once, not once
// an instance. Addresses that concurrent transactions claim meanwhile are
// not in it; PrivateIPClaim still refuses them. Freeing an address in the
// transaction forgets what was read.
func (t *Tx) PrivateIPsTaken(ctx context.Context, vswitchID string) (map[string]bool, error) {
	if taken, ok := t.ipsTaken[vswitchID]; ok {
		return taken, nil
	}
	used, err := t.PrivateIPsUsed(ctx, vswitchID)
	if err != nil {
		return nil, err
	}
	taken := make(map[string]bool, len(used))
	for _, ip := range used {
		taken[ip] = true
	}
	if t.ipsTaken == nil {
		t.ipsTaken = map[string]map[string]bool{}
	}
	t.ipsTaken[vswitchID] = taken
	return taken, nil
}

// PrivateIPFree frees one address of a VPC, and forgets the addresses
// PrivateIPsTaken read.
func (t *Tx) PrivateIPFree(ctx context.Context, vpcID, ip string) error {
	t.ipsTaken = nil
	return t.Q.PrivateIPFree(ctx, vpcID, ip)
}

// PrivateIPsRelease frees every address an instance holds, and forgets the
// addresses PrivateIPsTaken read.
func (t *Tx) PrivateIPsRelease(ctx context.Context, instanceID string) error {
	t.ipsTaken = nil
	return t.Q.PrivateIPsRelease(ctx, instanceID)
}

// PrivateIPFree frees one address of a VPC.
func (q Q) PrivateIPFree(ctx context.Context, vpcID, ip string) error {
	_, err := q.db.ExecContext(ctx, `DELETE FROM private_ips WHERE vpc_id = $1 AND ip = $2`, vpcID, ip)
	return interpretError(err)
}

// PrivateIPsRelease frees every address an instance holds.
func (q Q) PrivateIPsRelease(ctx context.Context, instanceID string) error {
	_, err := q.db.ExecContext(ctx, `DELETE FROM private_ips WHERE instance_id = $1`, instanceID)
	return interpretError(err)
}

// VSwitchInstanceCount counts the instances in a vSwitch.
func (q Q) VSwitchInstanceCount(ctx context.Context, id string) (int, error) {
	var n int
	err := q.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM instances WHERE vswitch_id = $1`, id).Scan(&n)
	return n, interpretError(err)
}

// VpcSetCidr changes a VPC's CIDR block.
func (q Q) VpcSetCidr(ctx context.Context, id, cidr string) error {
	res, err := q.db.ExecContext(ctx, `UPDATE vpcs SET cidr_block = $2 WHERE id = $1`, id, cidr)
	return affectedOne(res, err)
}
