package store

import (
	"context"
	"strconv"
	"strings"
	"time"
)

// SecurityGroup is a security group row.
type SecurityGroup struct {
	ID                string
	AccountID         string
	RegionID          string
	VpcID             string
	Name              string
	Description       string
	Type              string // normal or enterprise
	InnerAccessPolicy string // Accept or Drop
	IsDefault         bool
	ResourceGroupID   string
	CreationTime      time.Time
	// Counted when read: rules, instances in the group.
	Rules, Instances int
}

const securityGroupColumns = `id, account_id, region_id, vpc_id, name, description, group_type, inner_access_policy, is_default,
	resource_group_id, creation_time,
	(SELECT COUNT(*) FROM security_group_rules r WHERE r.group_id = security_groups.id),
	(SELECT COUNT(*) FROM instance_security_groups m WHERE m.group_id = security_groups.id)`

func scanSecurityGroup(row scanner) (*SecurityGroup, error) {
	var g SecurityGroup
	var created int64
	if err := row.Scan(&g.ID, &g.AccountID, &g.RegionID, &g.VpcID, &g.Name, &g.Description, &g.Type, &g.InnerAccessPolicy, &g.IsDefault,
		&g.ResourceGroupID, &created, &g.Rules, &g.Instances); err != nil {
		return nil, interpretError(err)
	}
	g.CreationTime = fromMicros(created)
	return &g, nil
}

// SecurityGroupInsert stores a new group. A default group goes in only if
// its VPC has none (a concurrent creator's wins); it reports whether the
// row went in.
func (q Q) SecurityGroupInsert(ctx context.Context, g *SecurityGroup) (bool, error) {
	conflict := ""
	if g.IsDefault {
		conflict = ` ON CONFLICT (vpc_id) WHERE is_default DO NOTHING`
	}
	res, err := q.db.ExecContext(ctx, `INSERT INTO security_groups (id, account_id, region_id, vpc_id, name, description, group_type,
		inner_access_policy, is_default, resource_group_id, creation_time) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`+conflict,
		g.ID, g.AccountID, g.RegionID, g.VpcID, g.Name, g.Description, g.Type, g.InnerAccessPolicy, g.IsDefault, g.ResourceGroupID, micros(g.CreationTime))
	if err != nil {
		return false, interpretError(err)
	}
	n, err := res.RowsAffected()
	return n == 1, interpretError(err)
}

// SecurityGroupGet returns the account's group, or ErrNotFound. An empty
// regionID matches any region.
func (q Q) SecurityGroupGet(ctx context.Context, accountID, regionID, id string) (*SecurityGroup, error) {
	return scanSecurityGroup(q.db.QueryRowContext(ctx, `SELECT `+securityGroupColumns+` FROM security_groups
		WHERE id = $1 AND account_id = $2 AND ($3 = '' OR region_id = $3)`, id, accountID, regionID))
}

// SecurityGroupLock holds a group's row until the transaction ends: rule
// changes, membership changes and deletion of one group take turns.
func (q Q) SecurityGroupLock(ctx context.Context, accountID, regionID, id string) (*SecurityGroup, error) {
	res, err := q.db.ExecContext(ctx, `UPDATE security_groups SET version = version + 1
		WHERE id = $1 AND account_id = $2 AND ($3 = '' OR region_id = $3)`, id, accountID, regionID)
	if err := affectedOne(res, err); err != nil {
		return nil, err
	}
	return q.SecurityGroupGet(ctx, accountID, regionID, id)
}

// SecurityGroupGetDefault returns a VPC's default group.
func (q Q) SecurityGroupGetDefault(ctx context.Context, vpcID string) (*SecurityGroup, error) {
	return scanSecurityGroup(q.db.QueryRowContext(ctx, `SELECT `+securityGroupColumns+` FROM security_groups WHERE vpc_id = $1 AND is_default`, vpcID))
}

// SecurityGroupFilter selects groups. Empty fields match all.
type SecurityGroupFilter struct {
	AccountID       string
	RegionID        string
	IDs             []string
	VpcID           string
	Name            string
	Type            string
	ResourceGroupID string
}

// SecurityGroupList returns the matching groups, newest first.
func (q Q) SecurityGroupList(ctx context.Context, f SecurityGroupFilter) ([]*SecurityGroup, error) {
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
		ph := []string{"NULL"}
		for _, id := range f.IDs {
			ph = append(ph, arg(id))
		}
		where = append(where, "id IN ("+strings.Join(ph, ", ")+")")
	}
	for _, c := range [...]struct{ col, v string }{{"vpc_id", f.VpcID}, {"group_type", f.Type}, {"resource_group_id", f.ResourceGroupID}} {
		if c.v != "" {
			where = append(where, c.col+" = "+arg(c.v))
		}
	}
	if f.Name != "" {
		where = append(where, "name = "+arg(f.Name))
	}
	return queryAll(ctx, q.db, scanSecurityGroup, `SELECT `+securityGroupColumns+` FROM security_groups WHERE `+
		strings.Join(where, " AND ")+` ORDER BY creation_time DESC, id`, args...)
}

// SecurityGroupCount counts an account's groups in a region, for its quota.
func (q Q) SecurityGroupCount(ctx context.Context, accountID, regionID string) (int, error) {
	var n int
	err := q.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM security_groups WHERE account_id = $1 AND region_id = $2`, accountID, regionID).Scan(&n)
	return n, interpretError(err)
}

// SecurityGroupUpdate writes a group's name, description and policy.
func (q Q) SecurityGroupUpdate(ctx context.Context, g *SecurityGroup) error {
	res, err := q.db.ExecContext(ctx, `UPDATE security_groups SET name = $2, description = $3, inner_access_policy = $4, version = version + 1 WHERE id = $1`,
		g.ID, g.Name, g.Description, g.InnerAccessPolicy)
	return affectedOne(res, err)
}

// SecurityGroupReferrers counts the rules of other groups that name id.
func (q Q) SecurityGroupReferrers(ctx context.Context, id string) (int, error) {
	var n int
	err := q.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM security_group_rules WHERE peer_group_id = $1 AND group_id <> $1`, id).Scan(&n)
	return n, interpretError(err)
}

// SecurityGroupDelete removes a group, its rules and its tags.
func (q Q) SecurityGroupDelete(ctx context.Context, id string) error {
	for _, stmt := range []string{`DELETE FROM security_group_rules WHERE group_id = $1`, `DELETE FROM vpc_tags WHERE resource_id = $1`} {
		if _, err := q.db.ExecContext(ctx, stmt, id); err != nil {
			return interpretError(err)
		}
	}
	res, err := q.db.ExecContext(ctx, `DELETE FROM security_groups WHERE id = $1`, id)
	return affectedOne(res, err)
}

// SecurityGroupRule is one rule of a group. CidrIP and PeerGroupID are the
// source of an ingress rule and the destination of an egress rule.
type SecurityGroupRule struct {
	ID           string
	GroupID      string
	Direction    string // ingress or egress
	IPProtocol   string // lower case: tcp, udp, icmp, gre, all
	PortRange    string
	CidrIP       string
	PeerGroupID  string
	SourcePort   string
	Policy       string // lower case: accept or drop
	Priority     int
	NicType      string
	Description  string
	CreationTime time.Time
}

const ruleColumns = `id, group_id, direction, ip_protocol, port_range, cidr_ip, peer_group_id, source_port, policy, priority,
	nic_type, description, creation_time`

func scanRule(row scanner) (*SecurityGroupRule, error) {
	var r SecurityGroupRule
	var created int64
	if err := row.Scan(&r.ID, &r.GroupID, &r.Direction, &r.IPProtocol, &r.PortRange, &r.CidrIP, &r.PeerGroupID, &r.SourcePort,
		&r.Policy, &r.Priority, &r.NicType, &r.Description, &created); err != nil {
		return nil, interpretError(err)
	}
	r.CreationTime = fromMicros(created)
	return &r, nil
}

// RuleInsert adds a rule unless the group has the same one already; it
// reports whether it went in.
func (q Q) RuleInsert(ctx context.Context, r *SecurityGroupRule) (bool, error) {
	res, err := q.db.ExecContext(ctx, `INSERT INTO security_group_rules (`+ruleColumns+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
		ON CONFLICT (group_id, direction, ip_protocol, port_range, cidr_ip, peer_group_id, source_port, policy, priority, nic_type) DO NOTHING`,
		r.ID, r.GroupID, r.Direction, r.IPProtocol, r.PortRange, r.CidrIP, r.PeerGroupID, r.SourcePort, r.Policy, r.Priority, r.NicType,
		r.Description, micros(r.CreationTime))
	if err != nil {
		return false, interpretError(err)
	}
	n, err := res.RowsAffected()
	return n == 1, interpretError(err)
}

// RuleList returns a group's rules, by priority then age.
func (q Q) RuleList(ctx context.Context, groupID string) ([]*SecurityGroupRule, error) {
	return queryAll(ctx, q.db, scanRule, `SELECT `+ruleColumns+` FROM security_group_rules WHERE group_id = $1
		ORDER BY priority, creation_time, id`, groupID)
}

// RuleDelete removes a rule of a group; it reports whether there was one.
func (q Q) RuleDelete(ctx context.Context, groupID, id string) (bool, error) {
	res, err := q.db.ExecContext(ctx, `DELETE FROM security_group_rules WHERE group_id = $1 AND id = $2`, groupID, id)
	if err != nil {
		return false, interpretError(err)
	}
	n, err := res.RowsAffected()
	return n == 1, interpretError(err)
}

// RuleSetDescription changes a rule's description.
func (q Q) RuleSetDescription(ctx context.Context, id, description string) error {
	res, err := q.db.ExecContext(ctx, `UPDATE security_group_rules SET description = $2 WHERE id = $1`, id, description)
	return affectedOne(res, err)
}

// MembershipAdd puts an instance in a group; false when it already is.
func (q Q) MembershipAdd(ctx context.Context, instanceID, groupID string, at time.Time) (bool, error) {
	res, err := q.db.ExecContext(ctx, `INSERT INTO instance_security_groups (instance_id, group_id, joined_at) VALUES ($1, $2, $3)
		ON CONFLICT (instance_id, group_id) DO NOTHING`, instanceID, groupID, micros(at))
	if err != nil {
		return false, interpretError(err)
	}
	n, err := res.RowsAffected()
	return n == 1, interpretError(err)
}

// MembershipRemove takes an instance out of a group; false when it was not in.
func (q Q) MembershipRemove(ctx context.Context, instanceID, groupID string) (bool, error) {
	res, err := q.db.ExecContext(ctx, `DELETE FROM instance_security_groups WHERE instance_id = $1 AND group_id = $2`, instanceID, groupID)
	if err != nil {
		return false, interpretError(err)
	}
	n, err := res.RowsAffected()
	return n == 1, interpretError(err)
}

// MembershipsRelease takes an instance out of every group.
func (q Q) MembershipsRelease(ctx context.Context, instanceID string) error {
	_, err := q.db.ExecContext(ctx, `DELETE FROM instance_security_groups WHERE instance_id = $1`, instanceID)
	return interpretError(err)
}

// GroupsOfInstances returns each instance's groups, in the order joined.
func (q Q) GroupsOfInstances(ctx context.Context, ids []string) (map[string][]string, error) {
	out := map[string][]string{}
	if len(ids) == 0 {
		return out, nil
	}
	return out, q.each(ctx, groupsQuery(ids, out))
}

func groupsQuery(ids []string, out map[string][]string) rowQuery {
	ph, args := inList(ids, 0)
	return rowQuery{`SELECT instance_id, group_id FROM instance_security_groups WHERE instance_id IN (` + ph + `)
		ORDER BY instance_id, joined_at, group_id`, args,
		func(r scanner) error {
			var i, g string
			if err := r.Scan(&i, &g); err != nil {
				return err
			}
			out[i] = append(out[i], g)
			return nil
		}}
}

// InstanceSetSecurityGroup records the instance's first security group.
func (q Q) InstanceSetSecurityGroup(ctx context.Context, id, groupID string) error {
	res, err := q.db.ExecContext(ctx, `UPDATE instances SET security_group_id = $2 WHERE id = $1`, id, groupID)
	return affectedOne(res, err)
}
