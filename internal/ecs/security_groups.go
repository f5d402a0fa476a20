package ecs

import (
	"context"
	"errors"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/ecsd/ecsd/internal/apierr"
	"github.com/ecsd/ecsd/internal/catalog"
	"github.com/ecsd/ecsd/internal/rpc"
	"github.com/ecsd/ecsd/internal/store"
	"github.com/ecsd/ecsd/internal/vpc"
)

// Limits of security groups (the ECS limits page, defaults).
const (
	securityGroupQuota      = 100 // groups per account and region
	rulesPerGroup           = 200 // inbound and outbound together
	groupsPerInstance       = 5
	permissionsPerRequest   = 100
	defaultGroupName        = "default"
	defaultGroupDescription = "System created security group."
)

// defaultGroupRules are what the console's default group allows in: SSH,
// RDP and ICMP from anywhere.
var defaultGroupRules = []store.SecurityGroupRule{
	{IPProtocol: "tcp", PortRange: "22/22"},
	{IPProtocol: "tcp", PortRange: "3389/3389"},
	{IPProtocol: "icmp", PortRange: "-1/-1"},
}

// defaultGroup returns the VPC's default security group, creating it (and
// its rules) if it does not exist.
func defaultGroup(ctx context.Context, tx *store.Tx, r *catalog.Region, v *store.Vpc, now time.Time) (*store.SecurityGroup, error) {
	g, err := tx.SecurityGroupGetDefault(ctx, v.ID)
	if !errors.Is(err, store.ErrNotFound) {
		return g, err
	}
	g = &store.SecurityGroup{
		ID: vpc.NewID("sg", r), AccountID: v.AccountID, RegionID: v.RegionID, VpcID: v.ID, Name: defaultGroupName,
		Description: defaultGroupDescription, Type: "normal", InnerAccessPolicy: "Accept", IsDefault: true, CreationTime: now,
	}
	won, err := tx.SecurityGroupInsert(ctx, g)
	if err != nil {
		return nil, err
	}
	if won {
		for _, rule := range defaultGroupRules {
			rule.ID, rule.GroupID, rule.Direction, rule.CidrIP = vpc.NewID("sgr", r), g.ID, "ingress", "0.0.0.0/0"
			rule.Policy, rule.Priority, rule.NicType, rule.CreationTime = "accept", 100, "intranet", now
			if _, err := tx.RuleInsert(ctx, &rule); err != nil {
				return nil, err
			}
		}
	}
	return tx.SecurityGroupGetDefault(ctx, v.ID)
}

var securityGroupIDPattern = regexp.MustCompile(`^sg-[a-z0-9]{4,30}$`)

// ownGroup returns the caller's security group (locked for the transaction
// when lock is set); any other id is InvalidSecurityGroupId.NotFound.
func ownGroup(ctx context.Context, env *rpc.Env, regionID, id string, lock bool) (*store.SecurityGroup, error) {
	if id == "" {
		return nil, apierr.MissingParameter.New("SecurityGroupId")
	}
	var g *store.SecurityGroup
	err := store.ErrNotFound
	if securityGroupIDPattern.MatchString(id) {
		if lock {
			g, err = env.Tx.SecurityGroupLock(ctx, env.Caller.AccountID, regionID, id)
		} else {
			g, err = env.Q().SecurityGroupGet(ctx, env.Caller.AccountID, regionID, id)
		}
	}
	if errors.Is(err, store.ErrNotFound) {
		return nil, apierr.InvalidSecurityGroupIDNotFound.Newf("The specified SecurityGroupId does not exist: no security group %s in region %s.", id, regionID)
	}
	return g, err
}

// A group's name is 2 to 128 characters, starts with a letter and holds
// letters, digits, '.', '_', '-' and ':'; neither it nor the description
// (2 to 256 characters) starts with http:// or https://.
var groupNamePattern = regexp.MustCompile(`^[\p{L}][\p{L}\p{N}._\-: ]{1,127}$`)

func checkGroupText(name, description *string) error {
	if name != nil && *name != "" && (!groupNamePattern.MatchString(*name) || hasURLPrefix(*name)) {
		return apierr.InvalidSecurityGroupNameMalformed.Newf("The SecurityGroupName %q is not valid: 2 to 128 characters, starting with a letter, of letters, digits, '.', '_', '-' and ':', not starting with http:// or https://.", *name)
	}
	if description != nil && *description != "" && (len([]rune(*description)) < 2 || len([]rune(*description)) > 256 || hasURLPrefix(*description)) {
		return apierr.InvalidDescriptionMalformed.Newf("The Description is not valid: 2 to 256 characters, not starting with http:// or https://.")
	}
	return nil
}

func hasURLPrefix(s string) bool {
	return strings.HasPrefix(s, "http://") || strings.HasPrefix(s, "https://")
}

// CreateSecurityGroupRequest is CreateSecurityGroup's input.
type CreateSecurityGroupRequest struct {
	rpc.AccountDelegation
	RegionId          string `param:"RegionId,required"`
	VpcId             string `param:"VpcId"`
	SecurityGroupName string `param:"SecurityGroupName"`
	Description       string `param:"Description"`
	SecurityGroupType string `param:"SecurityGroupType"`
	ResourceGroupId   string `param:"ResourceGroupId"`
	ServiceManaged    bool   `param:"ServiceManaged"`
	Tag               []struct {
		Key   string `param:"Key"`
		Value string `param:"Value"`
	} `param:"Tag"`
}

// CreateSecurityGroupResponse names the new group.
type CreateSecurityGroupResponse struct {
	rpc.Response
	SecurityGroupId string
}

// createSecurityGroup handles CreateSecurityGroup. A group belongs to one
// VPC: VpcId's, or the account's default VPC (created on need). The rules:
//
//	ServiceManaged groups are not modelled            → OperationUnsupported
//	SecurityGroupType normal or enterprise            → InvalidParameter
//	SecurityGroupName, Description                    → InvalidSecurityGroupName.Malformed, InvalidDescription.Malformed
//	VpcId names an Available VPC of the caller        → InvalidVpcId.NotFound, IncorrectVpcStatus
//	at most securityGroupQuota per account and region → QuotaExceed.SecurityGroup
func (s *Service) createSecurityGroup(ctx context.Context, env *rpc.Env, req *CreateSecurityGroupRequest) (*CreateSecurityGroupResponse, error) {
	r, err := s.region(req.RegionId)
	if err != nil {
		return nil, err
	}
	if req.ServiceManaged {
		return nil, apierr.OperationUnsupported.Newf("ecsd does not serve managed security groups: leave ServiceManaged unset.")
	}
	typ, policy := "normal", "Accept"
	switch req.SecurityGroupType {
	case "", "normal":
	case "enterprise":
		typ, policy = "enterprise", "Drop"
	default:
		return nil, apierr.InvalidParameter.Newf("The specified SecurityGroupType %q is not valid: use normal or enterprise.", req.SecurityGroupType)
	}
	if err := checkGroupText(&req.SecurityGroupName, &req.Description); err != nil {
		return nil, err
	}
	for _, t := range req.Tag {
		if t.Key == "" || len(t.Key) > 128 || len(t.Value) > 128 || strings.HasPrefix(t.Key, "aliyun") || strings.HasPrefix(t.Key, "acs:") {
			return nil, apierr.InvalidParameter.Newf("The tag %q=%q is not valid: a key of 1 to 128 characters not starting with aliyun or acs:, a value of at most 128.", t.Key, t.Value)
		}
	}
	var v *store.Vpc
	if req.VpcId == "" {
		if v, err = vpc.DefaultVpc(ctx, env.Tx, r, env.Caller.AccountID, env.Now); err != nil {
			return nil, err
		}
	} else {
		v, err = env.Tx.VpcGet(ctx, env.Caller.AccountID, r.RegionId, req.VpcId)
		if errors.Is(err, store.ErrNotFound) {
			return nil, apierr.InvalidVpcIDNotFound.Newf("Specified VPC %s does not exist in region %s.", req.VpcId, r.RegionId)
		}
		if err != nil {
			return nil, err
		}
		if v.Status != store.NetAvailable {
			return nil, apierr.IncorrectVpcStatus.Newf("The VPC %s is %s; security groups can be created in it once Available.", v.ID, v.Status)
		}
	}
	if _, err := env.Tx.AccountLock(ctx, env.Caller.AccountID); err != nil {
		return nil, err
	}
	n, err := env.Tx.SecurityGroupCount(ctx, env.Caller.AccountID, r.RegionId)
	if err != nil {
		return nil, err
	}
	if n >= securityGroupQuota {
		return nil, apierr.QuotaExceedSecurityGroup.Newf("The account already has %d security groups in %s, its quota.", n, r.RegionId)
	}
	g := &store.SecurityGroup{
		ID: vpc.NewID("sg", r), AccountID: env.Caller.AccountID, RegionID: r.RegionId, VpcID: v.ID, Name: req.SecurityGroupName,
		Description: req.Description, Type: typ, InnerAccessPolicy: policy, ResourceGroupID: req.ResourceGroupId, CreationTime: env.Now,
	}
	if _, err := env.Tx.SecurityGroupInsert(ctx, g); err != nil {
		return nil, err
	}
	for _, t := range req.Tag {
		if err := env.Tx.VpcTagSet(ctx, g.ID, t.Key, t.Value); err != nil {
			return nil, err
		}
	}
	return &CreateSecurityGroupResponse{SecurityGroupId: g.ID}, nil
}

// DescribeSecurityGroupsRequest is DescribeSecurityGroups' input.
type DescribeSecurityGroupsRequest struct {
	rpc.AccountDelegation
	RegionId          string   `param:"RegionId,required"`
	SecurityGroupId   string   `param:"SecurityGroupId"`
	SecurityGroupIds  []string `param:"SecurityGroupIds,json"`
	VpcId             string   `param:"VpcId"`
	SecurityGroupName string   `param:"SecurityGroupName"`
	SecurityGroupType string   `param:"SecurityGroupType"`
	NetworkType       string   `param:"NetworkType"`
	ResourceGroupId   string   `param:"ResourceGroupId"`
	FuzzyQuery        bool     `param:"FuzzyQuery"`
	IsQueryEcsCount   bool     `param:"IsQueryEcsCount"`
	ServiceManaged    *bool    `param:"ServiceManaged"`
	Tag               []struct {
		Key   string `param:"Key"`
		Value string `param:"Value"`
	} `param:"Tag"`
	PageNumber *int   `param:"PageNumber"`
	PageSize   *int   `param:"PageSize"`
	NextToken  string `param:"NextToken"`
	MaxResults *int   `param:"MaxResults"`
	DryRun     bool   `param:"DryRun"`
}

// SecurityGroupView is a group in DescribeSecurityGroups.
type SecurityGroupView struct {
	SecurityGroupId         string
	SecurityGroupName       string
	Description             string
	SecurityGroupType       string
	VpcId                   string
	CreationTime            string
	ResourceGroupId         string
	ServiceManaged          bool
	RuleCount               int
	GroupToGroupRuleCount   int
	EcsCount                *int `json:",omitempty"`
	AvailableInstanceAmount *int `json:",omitempty"`
	Tags                    struct {
		Tag []struct{ TagKey, TagValue string }
	}
}

// DescribeSecurityGroupsResponse is a page of groups.
type DescribeSecurityGroupsResponse struct {
	rpc.Response
	RegionId       string
	TotalCount     int
	PageNumber     int
	PageSize       int
	NextToken      string
	SecurityGroups struct{ SecurityGroup []SecurityGroupView }
}

// describeSecurityGroups handles DescribeSecurityGroups, with both paging
// styles (PageNumber/PageSize, NextToken/MaxResults: an offset).
func (s *Service) describeSecurityGroups(ctx context.Context, env *rpc.Env, req *DescribeSecurityGroupsRequest) (*DescribeSecurityGroupsResponse, error) {
	if _, err := s.region(req.RegionId); err != nil {
		return nil, err
	}
	if req.NetworkType != "" && req.NetworkType != "vpc" && req.NetworkType != "classic" {
		return nil, apierr.InvalidParameter.Newf("The specified NetworkType %q is not valid: use vpc or classic.", req.NetworkType)
	}
	pg, err := rpc.Paging("PageNumber", req.PageNumber, req.PageSize, 10, 50)
	if err != nil {
		return nil, err
	}
	page, size := pg.Number, pg.Size
	offset := (page - 1) * size
	cursor := req.NextToken != "" || req.MaxResults != nil
	if cursor {
		page, size = 1, 10
		if req.MaxResults != nil {
			size = *req.MaxResults
		}
		if size < 1 || size > 100 {
			return nil, apierr.InvalidParameter.Newf("The specified MaxResults %d is not valid: use 1 to 100.", size)
		}
		offset = 0
		if req.NextToken != "" {
			if offset, err = strconv.Atoi(req.NextToken); err != nil || offset < 0 {
				return nil, apierr.InvalidNextToken.New()
			}
		}
	}
	if req.DryRun {
		return nil, apierr.DryRunOperation.New()
	}
	f := store.SecurityGroupFilter{AccountID: env.Caller.AccountID, RegionID: req.RegionId, VpcID: req.VpcId,
		Type: req.SecurityGroupType, ResourceGroupID: req.ResourceGroupId}
	if req.SecurityGroupId != "" {
		f.IDs = strings.Split(req.SecurityGroupId, ",")
	}
	if req.SecurityGroupIds != nil {
		f.IDs = append(f.IDs, req.SecurityGroupIds...)
	}
	if !req.FuzzyQuery {
		f.Name = req.SecurityGroupName
	}
	resp := &DescribeSecurityGroupsResponse{RegionId: req.RegionId, PageNumber: page, PageSize: size}
	resp.SecurityGroups.SecurityGroup = []SecurityGroupView{}
	if req.NetworkType == "classic" || (req.ServiceManaged != nil && *req.ServiceManaged) {
		return resp, nil // every group of ecsd is a VPC group of the account's own
	}
	all, err := env.Q().SecurityGroupList(ctx, f)
	if err != nil {
		return nil, err
	}
	var ids []string
	for _, g := range all {
		ids = append(ids, g.ID)
	}
	tags, err := env.Q().VpcTagsOf(ctx, ids)
	if err != nil {
		return nil, err
	}
	var match []*store.SecurityGroup
	for _, g := range all {
		if req.FuzzyQuery && req.SecurityGroupName != "" && !strings.Contains(g.Name, req.SecurityGroupName) {
			continue
		}
		if hasAllTags(tags[g.ID], req.Tag) {
			match = append(match, g)
		}
	}
	resp.TotalCount = len(match)
	from := min(offset, len(match))
	to := min(from+size, len(match))
	if cursor && to < len(match) {
		resp.NextToken = strconv.Itoa(to)
	}
	for _, g := range match[from:to] {
		v := SecurityGroupView{
			SecurityGroupId: g.ID, SecurityGroupName: g.Name, Description: g.Description, SecurityGroupType: g.Type, VpcId: g.VpcID,
			CreationTime: rpc.FormatTimeSeconds(g.CreationTime), ResourceGroupId: g.ResourceGroupID, RuleCount: g.Rules,
		}
		if req.IsQueryEcsCount {
			ecs, avail := g.Instances, 2000-g.Instances
			v.EcsCount, v.AvailableInstanceAmount = &ecs, &avail
		}
		v.Tags.Tag = []struct{ TagKey, TagValue string }{}
		for _, t := range tags[g.ID] {
			v.Tags.Tag = append(v.Tags.Tag, struct{ TagKey, TagValue string }{t.Key, t.Value})
		}
		resp.SecurityGroups.SecurityGroup = append(resp.SecurityGroups.SecurityGroup, v)
	}
	return resp, nil
}

// hasAllTags reports whether have holds every tag of want (an empty value
// matches any value of the key).
func hasAllTags(have []store.Tag, want []struct {
	Key   string `param:"Key"`
	Value string `param:"Value"`
}) bool {
	for _, w := range want {
		found := false
		for _, h := range have {
			if h.Key == w.Key && (w.Value == "" || h.Value == w.Value) {
				found = true
			}
		}
		if !found {
			return false
		}
	}
	return true
}

// ModifySecurityGroupAttributeRequest is ModifySecurityGroupAttribute's input.
type ModifySecurityGroupAttributeRequest struct {
	rpc.AccountDelegation
	RegionId          string  `param:"RegionId,required"`
	SecurityGroupId   string  `param:"SecurityGroupId,required"`
	SecurityGroupName *string `param:"SecurityGroupName"`
	Description       *string `param:"Description"`
}

// modifySecurityGroupAttribute handles ModifySecurityGroupAttribute: the
// name and description, checked as at creation.
func (s *Service) modifySecurityGroupAttribute(ctx context.Context, env *rpc.Env, req *ModifySecurityGroupAttributeRequest) (*rpc.Response, error) {
	g, err := ownGroup(ctx, env, req.RegionId, req.SecurityGroupId, true)
	if err != nil {
		return nil, err
	}
	if err := checkGroupText(req.SecurityGroupName, req.Description); err != nil {
		return nil, err
	}
	if req.SecurityGroupName != nil {
		g.Name = *req.SecurityGroupName
	}
	if req.Description != nil {
		g.Description = *req.Description
	}
	return &rpc.Response{}, env.Tx.SecurityGroupUpdate(ctx, g)
}

// ModifySecurityGroupPolicyRequest is ModifySecurityGroupPolicy's input.
type ModifySecurityGroupPolicyRequest struct {
	rpc.AccountDelegation
	RegionId          string `param:"RegionId"`
	SecurityGroupId   string `param:"SecurityGroupId,required"`
	InnerAccessPolicy string `param:"InnerAccessPolicy,required"`
}

// modifySecurityGroupPolicy handles ModifySecurityGroupPolicy: whether the
// instances of a group reach each other (Accept) or not (Drop). Enterprise
// groups are always Drop.
func (s *Service) modifySecurityGroupPolicy(ctx context.Context, env *rpc.Env, req *ModifySecurityGroupPolicyRequest) (*rpc.Response, error) {
	g, err := ownGroup(ctx, env, req.RegionId, req.SecurityGroupId, true)
	if err != nil {
		return nil, err
	}
	switch strings.ToLower(req.InnerAccessPolicy) {
	case "accept":
		if g.Type == "enterprise" {
			return nil, apierr.InvalidParameter.Newf("The enterprise security group %s does not support InnerAccessPolicy Accept.", g.ID)
		}
		g.InnerAccessPolicy = "Accept"
	case "drop":
		g.InnerAccessPolicy = "Drop"
	default:
		return nil, apierr.InvalidParameter.Newf("The specified InnerAccessPolicy %q is not valid: use Accept or Drop.", req.InnerAccessPolicy)
	}
	return &rpc.Response{}, env.Tx.SecurityGroupUpdate(ctx, g)
}

// DeleteSecurityGroupRequest is DeleteSecurityGroup's input.
type DeleteSecurityGroupRequest struct {
	rpc.AccountDelegation
	RegionId        string `param:"RegionId,required"`
	SecurityGroupId string `param:"SecurityGroupId,required"`
}

// deleteSecurityGroup handles DeleteSecurityGroup. A group in use stays:
//
//	no instance is in it                  → DependencyViolation (403)
//	no other group's rule names it        → DependencyViolation (403)
func (s *Service) deleteSecurityGroup(ctx context.Context, env *rpc.Env, req *DeleteSecurityGroupRequest) (*rpc.Response, error) {
	g, err := ownGroup(ctx, env, req.RegionId, req.SecurityGroupId, true)
	if err != nil {
		return nil, err
	}
	if g.Instances > 0 {
		return nil, apierr.DependencyViolationInUse.Newf("There is still instance(s) in the specified security group: %s has %d.", g.ID, g.Instances)
	}
	n, err := env.Tx.SecurityGroupReferrers(ctx, g.ID)
	if err != nil {
		return nil, err
	}
	if n > 0 {
		return nil, apierr.DependencyViolationInUse.Newf("The security group %s is named by %d rules of other security groups; revoke them first.", g.ID, n)
	}
	return &rpc.Response{}, env.Tx.SecurityGroupDelete(ctx, g.ID)
}
