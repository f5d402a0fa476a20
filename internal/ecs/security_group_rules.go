package ecs

import (
	"context"
	"errors"
	"net/netip"
	"strconv"
	"strings"

	"github.com/ecsd/ecsd/internal/apierr"
	"github.com/ecsd/ecsd/internal/rpc"
	"github.com/ecsd/ecsd/internal/store"
	"github.com/ecsd/ecsd/internal/vpc"
)

// RuleParams is one rule as a request gives it: flat (IpProtocol,
// PortRange, …) or as Permissions.N.*. The peer is the source of an inbound
// rule and the destination of an outbound one.
type RuleParams struct {
	IpProtocol              string `param:"IpProtocol"`
	PortRange               string `param:"PortRange"`
	SourcePortRange         string `param:"SourcePortRange"`
	Policy                  string `param:"Policy"`
	Priority                string `param:"Priority"`
	NicType                 string `param:"NicType"`
	Description             string `param:"Description"`
	SourceCidrIp            string `param:"SourceCidrIp"`
	DestCidrIp              string `param:"DestCidrIp"`
	SourceGroupId           string `param:"SourceGroupId"`
	DestGroupId             string `param:"DestGroupId"`
	SourceGroupOwnerAccount string `param:"SourceGroupOwnerAccount"`
	SourceGroupOwnerId      string `param:"SourceGroupOwnerId"`
	DestGroupOwnerAccount   string `param:"DestGroupOwnerAccount"`
	DestGroupOwnerId        string `param:"DestGroupOwnerId"`
	Ipv6SourceCidrIp        string `param:"Ipv6SourceCidrIp"`
	Ipv6DestCidrIp          string `param:"Ipv6DestCidrIp"`
	SourcePrefixListId      string `param:"SourcePrefixListId"`
	DestPrefixListId        string `param:"DestPrefixListId"`
	PortRangeListId         string `param:"PortRangeListId"`
}

func (p RuleParams) empty() bool { return p == RuleParams{} }

// RuleRequest is the input of AuthorizeSecurityGroup(Egress),
// RevokeSecurityGroup(Egress) and ModifySecurityGroup(Egress)Rule.
type RuleRequest struct {
	rpc.AccountDelegation
	RegionId            string       `param:"RegionId"`
	SecurityGroupId     string       `param:"SecurityGroupId,required"`
	ClientToken         string       `param:"ClientToken"`
	SecurityGroupRuleId []string     `param:"SecurityGroupRuleId"`
	Permissions         []RuleParams `param:"Permissions"`
	// The rule given without the Permissions.N prefix.
	RuleParams
}

// rules returns the request's rules: the flat one or Permissions.N, never
// both (the documented rule), at most permissionsPerRequest.
func (req *RuleRequest) rules() ([]RuleParams, error) {
	switch {
	case !req.RuleParams.empty() && len(req.Permissions) > 0:
		return nil, apierr.InvalidParameter.Newf("Parameters and their Permissions.N counterparts cannot be specified at the same time: give the rule either way.")
	case len(req.Permissions) > permissionsPerRequest:
		return nil, apierr.InvalidParameter.Newf("At most %d Permissions.N can be given in one request.", permissionsPerRequest)
	case len(req.Permissions) > 0:
		return req.Permissions, nil
	case req.RuleParams.empty():
		return nil, apierr.MissingParameter.New("Permissions.1.IpProtocol")
	}
	return []RuleParams{req.RuleParams}, nil
}

// parseRule checks one rule of group g, in the documented order, and
// returns it as stored. checkPeer looks the peer group up (a revocation
// may name a group that no longer exists).
//
//	IpProtocol tcp, udp, icmp, gre or all            → MissingParameter, InvalidIpProtocol.Malformed
//	PortRange a/b in 1–65535 for tcp and udp, else -1/-1 → MissingParameter, InvalidPortRange.Malformed
//	Policy accept or drop                            → InvalidPolicy.Malformed
//	Priority 1 to 100                                → InvalidPriority.Malformed
//	NicType intranet (a VPC group's only one)        → InvalidNicType.ValueNotSupported
//	IPv6, prefix lists, port lists, other owners     → OperationUnsupported
//	one peer: an IPv4 CIDR or a group of the VPC     → MissingParameter, InvalidParameter, Invalid{Source,Dest}CidrIp.Malformed, InvalidSecurityGroupId.NotFound
//	Description at most 512 characters               → InvalidParameter
func parseRule(ctx context.Context, env *rpc.Env, g *store.SecurityGroup, direction string, p RuleParams, checkPeer bool) (*store.SecurityGroupRule, error) {
	r := &store.SecurityGroupRule{GroupID: g.ID, Direction: direction, Description: p.Description, CreationTime: env.Now}
	r.IPProtocol = strings.ToLower(p.IpProtocol)
	switch r.IPProtocol {
	case "":
		return nil, apierr.MissingParameter.New("IpProtocol")
	case "tcp", "udp", "icmp", "gre", "all":
	case "icmpv6":
		return nil, apierr.OperationUnsupported.Newf("ecsd does not serve IPv6 rules: IpProtocol icmpv6 is not modelled.")
	default:
		return nil, apierr.InvalidIpProtocolMalformed.Newf("The specified IpProtocol %q is not valid: use tcp, udp, icmp, gre or all.", p.IpProtocol)
	}
	if p.PortRange == "" {
		return nil, apierr.MissingParameter.New("PortRange")
	}
	if !portRangeValid(r.IPProtocol, p.PortRange) {
		return nil, apierr.InvalidPortRangeMalformed.Newf("The PortRange %q is not valid for %s: tcp and udp take start/end within 1 to 65535 (start no greater than end), other protocols -1/-1.", p.PortRange, r.IPProtocol)
	}
	r.PortRange = p.PortRange
	if p.SourcePortRange != "" {
		if !portRangeValid(r.IPProtocol, p.SourcePortRange) {
			return nil, apierr.InvalidPortRangeMalformed.Newf("The SourcePortRange %q is not valid for %s.", p.SourcePortRange, r.IPProtocol)
		}
		r.SourcePort = p.SourcePortRange
	}
	switch r.Policy = strings.ToLower(p.Policy); r.Policy {
	case "":
		r.Policy = "accept"
	case "accept", "drop":
	default:
		return nil, apierr.InvalidPolicyMalformed.Newf("The specified Policy %q is not valid: use accept or drop.", p.Policy)
	}
	r.Priority = 1
	if p.Priority != "" {
		n, err := strconv.Atoi(p.Priority)
		if err != nil || n < 1 || n > 100 {
			return nil, apierr.InvalidPriorityMalformed.Newf("The specified Priority %q is not valid: use 1 to 100.", p.Priority)
		}
		r.Priority = n
	}
	switch r.NicType = strings.ToLower(p.NicType); r.NicType {
	case "", "intranet":
		r.NicType = "intranet"
	default:
		return nil, apierr.InvalidNicTypeValueNotSupported.Newf("The specified NicType %q is not valid: the security groups of a VPC take intranet.", p.NicType)
	}
	if p.Ipv6SourceCidrIp != "" || p.Ipv6DestCidrIp != "" || p.SourcePrefixListId != "" || p.DestPrefixListId != "" || p.PortRangeListId != "" {
		return nil, apierr.OperationUnsupported.Newf("ecsd does not serve IPv6 CIDRs, prefix lists or port lists in rules: give an IPv4 CIDR or a security group.")
	}
	for _, owner := range []string{p.SourceGroupOwnerId, p.DestGroupOwnerId, p.SourceGroupOwnerAccount, p.DestGroupOwnerAccount} {
		if owner != "" && owner != env.Caller.AccountID {
			return nil, apierr.OperationUnsupported.Newf("ecsd does not serve rules that name another account's security group (owner %s).", owner)
		}
	}
	cidr, peer, cidrName, cidrDef, other := p.SourceCidrIp, p.SourceGroupId, "SourceCidrIp", apierr.InvalidSourceCidrIpMalformed, p.DestCidrIp
	if direction == "egress" {
		cidr, peer, cidrName, cidrDef, other = p.DestCidrIp, p.DestGroupId, "DestCidrIp", apierr.InvalidDestCidrIpMalformed, p.SourceCidrIp
	}
	if other != "" || (direction == "ingress" && p.DestGroupId != "") || (direction == "egress" && p.SourceGroupId != "") {
		return nil, apierr.OperationUnsupported.Newf("ecsd does not serve rules that also restrict the group's own side: give only the %s peer.", map[string]string{"ingress": "source", "egress": "destination"}[direction])
	}
	switch {
	case cidr == "" && peer == "":
		return nil, apierr.MissingParameter.New(cidrName)
	case cidr != "" && peer != "":
		return nil, apierr.InvalidParameter.Newf("Give either a CIDR block or a security group as the rule's peer, not both.")
	case cidr != "":
		if !ipv4OrCIDR(cidr) {
			return nil, cidrDef.Newf("The specified %s %q is not an IPv4 address or CIDR block.", cidrName, cidr)
		}
		r.CidrIP = cidr
	default:
		if checkPeer {
			pg, err := ownGroup(ctx, env, g.RegionID, peer, false)
			if err != nil {
				return nil, err
			}
			if pg.VpcID != g.VpcID {
				return nil, apierr.InvalidParameter.Newf("The security group %s is in VPC %s, not in %s with %s: a rule names groups of its own VPC.", pg.ID, pg.VpcID, g.VpcID, g.ID)
			}
			if g.Type == "enterprise" {
				return nil, apierr.InvalidParameter.Newf("The enterprise security group %s cannot name security groups in its rules.", g.ID)
			}
		}
		r.PeerGroupID = peer
	}
	if len([]rune(p.Description)) > 512 || hasURLPrefix(p.Description) {
		return nil, apierr.InvalidParameter.Newf("The rule's Description is not valid: at most 512 characters, not starting with http:// or https://.")
	}
	return r, nil
}

func portRangeValid(protocol, s string) bool {
	if protocol != "tcp" && protocol != "udp" {
		return s == "-1/-1"
	}
	a, b, ok := strings.Cut(s, "/")
	lo, err1 := strconv.Atoi(a)
	hi, err2 := strconv.Atoi(b)
	return ok && err1 == nil && err2 == nil && lo >= 1 && lo <= hi && hi <= 65535
}

func ipv4OrCIDR(s string) bool {
	if p, err := netip.ParsePrefix(s); err == nil {
		return p.Addr().Is4()
	}
	a, err := netip.ParseAddr(s)
	return err == nil && a.Is4()
}

// sameRule reports whether two rules match the same traffic with the same
// decision (the description aside).
func sameRule(a, b *store.SecurityGroupRule) bool {
	return a.Direction == b.Direction && a.IPProtocol == b.IPProtocol && a.PortRange == b.PortRange && a.CidrIP == b.CidrIP &&
		a.PeerGroupID == b.PeerGroupID && a.SourcePort == b.SourcePort && a.Policy == b.Policy && a.Priority == b.Priority && a.NicType == b.NicType
}

func (s *Service) authorizeSecurityGroup(ctx context.Context, env *rpc.Env, req *RuleRequest) (*rpc.Response, error) {
	return s.authorize(ctx, env, req, "ingress")
}

func (s *Service) authorizeSecurityGroupEgress(ctx context.Context, env *rpc.Env, req *RuleRequest) (*rpc.Response, error) {
	return s.authorize(ctx, env, req, "egress")
}

// authorize adds rules to a group (its row held, so that concurrent calls
// count its rules one after the other). A rule the group already has is
// not added again, and the call still succeeds, as documented.
//
//	at most rulesPerGroup rules per group → AuthorizationLimitExceed
func (s *Service) authorize(ctx context.Context, env *rpc.Env, req *RuleRequest, direction string) (*rpc.Response, error) {
	g, err := ownGroup(ctx, env, req.RegionId, req.SecurityGroupId, true)
	if err != nil {
		return nil, err
	}
	params, err := req.rules()
	if err != nil {
		return nil, err
	}
	r, _ := s.Catalog.Region(g.RegionID)
	var rules []*store.SecurityGroupRule
	for _, p := range params {
		rule, err := parseRule(ctx, env, g, direction, p, true)
		if err != nil {
			return nil, err
		}
		rule.ID = vpc.NewID("sgr", r)
		rules = append(rules, rule)
	}
	added := 0
	for _, rule := range rules {
		ok, err := env.Tx.RuleInsert(ctx, rule)
		if err != nil {
			return nil, err
		}
		if ok {
			added++
		}
	}
	if g.Rules+added > rulesPerGroup {
		return nil, apierr.AuthorizationLimitExceed.Newf("The security group %s has %d rules; %d more would pass its limit of %d.", g.ID, g.Rules, added, rulesPerGroup)
	}
	return &rpc.Response{}, nil
}

func (s *Service) revokeSecurityGroup(ctx context.Context, env *rpc.Env, req *RuleRequest) (*rpc.Response, error) {
	return s.revoke(ctx, env, req, "ingress")
}

func (s *Service) revokeSecurityGroupEgress(ctx context.Context, env *rpc.Env, req *RuleRequest) (*rpc.Response, error) {
	return s.revoke(ctx, env, req, "egress")
}

// revoke removes rules of a group, named by SecurityGroupRuleId.N or by
// what they match. A rule the group does not have is no error: the call
// leaves the group without it, which is what it asks for.
func (s *Service) revoke(ctx context.Context, env *rpc.Env, req *RuleRequest, direction string) (*rpc.Response, error) {
	g, err := ownGroup(ctx, env, req.RegionId, req.SecurityGroupId, true)
	if err != nil {
		return nil, err
	}
	existing, err := env.Tx.RuleList(ctx, g.ID)
	if err != nil {
		return nil, err
	}
	if len(req.SecurityGroupRuleId) > 0 {
		if !req.RuleParams.empty() || len(req.Permissions) > 0 {
			return nil, apierr.InvalidParameter.Newf("Name the rules either by SecurityGroupRuleId.N or by what they match, not both.")
		}
		for _, id := range req.SecurityGroupRuleId {
			for _, e := range existing {
				if e.ID == id && e.Direction == direction {
					if _, err := env.Tx.RuleDelete(ctx, g.ID, id); err != nil {
						return nil, err
					}
				}
			}
		}
		return &rpc.Response{}, nil
	}
	params, err := req.rules()
	if err != nil {
		return nil, err
	}
	for _, p := range params {
		want, err := parseRule(ctx, env, g, direction, p, false)
		if err != nil {
			return nil, err
		}
		for _, e := range existing {
			if sameRule(e, want) {
				if _, err := env.Tx.RuleDelete(ctx, g.ID, e.ID); err != nil {
					return nil, err
				}
			}
		}
	}
	return &rpc.Response{}, nil
}

func (s *Service) modifySecurityGroupRule(ctx context.Context, env *rpc.Env, req *RuleRequest) (*rpc.Response, error) {
	return s.modifyRule(ctx, env, req, "ingress")
}

func (s *Service) modifySecurityGroupEgressRule(ctx context.Context, env *rpc.Env, req *RuleRequest) (*rpc.Response, error) {
	return s.modifyRule(ctx, env, req, "egress")
}

// modifyRule changes a rule named by SecurityGroupRuleId, or found by what
// it matches. Without an id, only its description can change (the match
// fields name it); with an id, the rule is replaced by the one given, which
// must not be another existing rule.
func (s *Service) modifyRule(ctx context.Context, env *rpc.Env, req *RuleRequest, direction string) (*rpc.Response, error) {
	g, err := ownGroup(ctx, env, req.RegionId, req.SecurityGroupId, true)
	if err != nil {
		return nil, err
	}
	if len(req.Permissions) > 0 || len(req.SecurityGroupRuleId) > 1 {
		return nil, apierr.InvalidParameter.Newf("ModifySecurityGroupRule changes one rule: give SecurityGroupRuleId or the rule's fields, without Permissions.N.")
	}
	existing, err := env.Tx.RuleList(ctx, g.ID)
	if err != nil {
		return nil, err
	}
	var target *store.SecurityGroupRule
	if len(req.SecurityGroupRuleId) == 1 {
		for _, e := range existing {
			if e.ID == req.SecurityGroupRuleId[0] && e.Direction == direction {
				target = e
			}
		}
		if target == nil {
			return nil, apierr.InvalidParameter.Newf("The security group %s has no %s rule %s.", g.ID, direction, req.SecurityGroupRuleId[0])
		}
		merged := mergeRule(target, req.RuleParams, direction)
		want, err := parseRule(ctx, env, g, direction, merged, true)
		if err != nil {
			return nil, err
		}
		for _, e := range existing {
			if e.ID != target.ID && sameRule(e, want) {
				return nil, apierr.InvalidParameter.Newf("The modified rule would be the same as rule %s of the security group.", e.ID)
			}
		}
		if _, err := env.Tx.RuleDelete(ctx, g.ID, target.ID); err != nil {
			return nil, err
		}
		want.ID, want.CreationTime = target.ID, target.CreationTime
		if _, err := env.Tx.RuleInsert(ctx, want); err != nil {
			return nil, err
		}
		return &rpc.Response{}, nil
	}
	want, err := parseRule(ctx, env, g, direction, req.RuleParams, false)
	if err != nil {
		return nil, err
	}
	for _, e := range existing {
		if sameRule(e, want) {
			return &rpc.Response{}, env.Tx.RuleSetDescription(ctx, e.ID, req.RuleParams.Description)
		}
	}
	return nil, apierr.InvalidParameter.Newf("The security group %s has no %s rule that matches the one given.", g.ID, direction)
}

// mergeRule is a stored rule with the fields a modification gives.
func mergeRule(r *store.SecurityGroupRule, p RuleParams, direction string) RuleParams {
	out := RuleParams{IpProtocol: r.IPProtocol, PortRange: r.PortRange, SourcePortRange: r.SourcePort, Policy: r.Policy,
		Priority: strconv.Itoa(r.Priority), NicType: r.NicType, Description: r.Description}
	cidr, group := &out.SourceCidrIp, &out.SourceGroupId
	if direction == "egress" {
		cidr, group = &out.DestCidrIp, &out.DestGroupId
	}
	*cidr, *group = r.CidrIP, r.PeerGroupID
	set := func(dst *string, v string) {
		if v != "" {
			*dst = v
		}
	}
	set(&out.IpProtocol, p.IpProtocol)
	set(&out.PortRange, p.PortRange)
	set(&out.SourcePortRange, p.SourcePortRange)
	set(&out.Policy, p.Policy)
	set(&out.Priority, p.Priority)
	set(&out.NicType, p.NicType)
	set(&out.Description, p.Description)
	if v := map[string]string{"ingress": p.SourceCidrIp, "egress": p.DestCidrIp}[direction]; v != "" {
		*cidr, *group = v, ""
	}
	if v := map[string]string{"ingress": p.SourceGroupId, "egress": p.DestGroupId}[direction]; v != "" {
		*cidr, *group = "", v
	}
	return out
}

// DescribeSecurityGroupAttributeRequest is DescribeSecurityGroupAttribute's input.
type DescribeSecurityGroupAttributeRequest struct {
	rpc.AccountDelegation
	RegionId        string `param:"RegionId,required"`
	SecurityGroupId string `param:"SecurityGroupId,required"`
	Direction       string `param:"Direction"`
	NicType         string `param:"NicType"`
	Attribute       string `param:"Attribute"`
	NextToken       string `param:"NextToken"`
	MaxResults      *int   `param:"MaxResults"`
}

// PermissionView is a rule as DescribeSecurityGroupAttribute shows it.
type PermissionView struct {
	SecurityGroupRuleId     string
	Direction               string
	IpProtocol              string
	PortRange               string
	SourcePortRange         string
	SourceCidrIp            string
	DestCidrIp              string
	SourceGroupId           string
	DestGroupId             string
	SourceGroupName         string
	DestGroupName           string
	SourceGroupOwnerAccount string
	DestGroupOwnerAccount   string
	Ipv6SourceCidrIp        string
	Ipv6DestCidrIp          string
	SourcePrefixListId      string
	DestPrefixListId        string
	Policy                  string
	Priority                string
	NicType                 string
	Description             string
	CreateTime              string
}

// DescribeSecurityGroupAttributeResponse is a group with its rules.
type DescribeSecurityGroupAttributeResponse struct {
	rpc.Response
	RegionId          string
	SecurityGroupId   string
	SecurityGroupName string
	Description       string
	VpcId             string
	InnerAccessPolicy string
	NextToken         string
	Permissions       struct{ Permission []PermissionView }
	SnapshotPolicyIds struct{ SnapshotPolicyId []string }
}

// describeSecurityGroupAttribute handles DescribeSecurityGroupAttribute:
// the group and its rules, by priority, filtered by Direction and NicType.
func (s *Service) describeSecurityGroupAttribute(ctx context.Context, env *rpc.Env, req *DescribeSecurityGroupAttributeRequest) (*DescribeSecurityGroupAttributeResponse, error) {
	if _, err := s.region(req.RegionId); err != nil {
		return nil, err
	}
	switch req.Direction {
	case "", "all", "ingress", "egress":
	default:
		return nil, apierr.InvalidParameter.Newf("The specified Direction %q is not valid: use all, ingress or egress.", req.Direction)
	}
	if req.NicType != "" && req.NicType != "intranet" && req.NicType != "internet" {
		return nil, apierr.InvalidNicTypeValueNotSupported.Newf("The specified NicType %q is not valid: use intranet or internet.", req.NicType)
	}
	if req.Attribute != "" && req.Attribute != "snapshotPolicyIds" {
		return nil, apierr.InvalidParameter.Newf("The specified Attribute %q is not valid: use snapshotPolicyIds.", req.Attribute)
	}
	g, err := ownGroup(ctx, env, req.RegionId, req.SecurityGroupId, false)
	if err != nil {
		return nil, err
	}
	rules, err := env.Q().RuleList(ctx, g.ID)
	if err != nil {
		return nil, err
	}
	var match []*store.SecurityGroupRule
	for _, r := range rules {
		if (req.Direction == "" || req.Direction == "all" || r.Direction == req.Direction) && (req.NicType == "" || r.NicType == req.NicType) {
			match = append(match, r)
		}
	}
	offset, size := 0, len(match)
	if req.NextToken != "" {
		if offset, err = strconv.Atoi(req.NextToken); err != nil || offset < 0 {
			return nil, apierr.InvalidNextToken.New()
		}
	}
	if req.MaxResults != nil {
		if size = *req.MaxResults; size < 10 || size > 1000 {
			return nil, apierr.InvalidParameter.Newf("The specified MaxResults %d is not valid: use 10 to 1000.", size)
		}
	}
	from := min(offset, len(match))
	to := min(from+size, len(match))
	resp := &DescribeSecurityGroupAttributeResponse{
		RegionId: g.RegionID, SecurityGroupId: g.ID, SecurityGroupName: g.Name, Description: g.Description, VpcId: g.VpcID,
		InnerAccessPolicy: g.InnerAccessPolicy,
	}
	if to < len(match) {
		resp.NextToken = strconv.Itoa(to)
	}
	resp.Permissions.Permission = []PermissionView{}
	resp.SnapshotPolicyIds.SnapshotPolicyId = []string{}
	names := map[string]string{}
	for _, r := range match[from:to] {
		v := PermissionView{
			SecurityGroupRuleId: r.ID, Direction: r.Direction, IpProtocol: strings.ToUpper(r.IPProtocol), PortRange: r.PortRange,
			SourcePortRange: r.SourcePort, Policy: strings.ToUpper(r.Policy[:1]) + r.Policy[1:], Priority: strconv.Itoa(r.Priority),
			NicType: r.NicType, Description: r.Description, CreateTime: rpc.FormatTimeSeconds(r.CreationTime),
		}
		if r.PeerGroupID != "" {
			if _, ok := names[r.PeerGroupID]; !ok {
				pg, err := env.Q().SecurityGroupGet(ctx, g.AccountID, "", r.PeerGroupID)
				if err != nil && !errors.Is(err, store.ErrNotFound) {
					return nil, err
				}
				if pg != nil {
					names[r.PeerGroupID] = pg.Name
				}
			}
		}
		if r.Direction == "ingress" {
			v.SourceCidrIp, v.SourceGroupId, v.SourceGroupName = r.CidrIP, r.PeerGroupID, names[r.PeerGroupID]
		} else {
			v.DestCidrIp, v.DestGroupId, v.DestGroupName = r.CidrIP, r.PeerGroupID, names[r.PeerGroupID]
		}
		resp.Permissions.Permission = append(resp.Permissions.Permission, v)
	}
	return resp, nil
}
