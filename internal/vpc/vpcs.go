package vpc

import (
	"context"
	"errors"
	"net/netip"

	"github.com/ecsd/ecsd/internal/apierr"
	"github.com/ecsd/ecsd/internal/rpc"
	"github.com/ecsd/ecsd/internal/store"
)

// CreateVpcRequest is CreateVpc's input.
type CreateVpcRequest struct {
	rpc.AccountDelegation
	RegionId          string `param:"RegionId,required"`
	CidrBlock         string `param:"CidrBlock"`
	VpcName           string `param:"VpcName"`
	Description       string `param:"Description"`
	ResourceGroupId   string `param:"ResourceGroupId"`
	EnableDnsHostname *bool  `param:"EnableDnsHostname"`
	EnableIpv6        bool   `param:"EnableIpv6"`
	Ipv6CidrBlock     string `param:"Ipv6CidrBlock"`
	Ipv6Isp           string `param:"Ipv6Isp"`
	Ipv4IpamPoolId    string `param:"Ipv4IpamPoolId"`
	Ipv4CidrMask      *int   `param:"Ipv4CidrMask"`
	UserCidr          string `param:"UserCidr"`
	Tag               []Tag  `param:"Tag"`
	DryRun            bool   `param:"DryRun"`
}

// CreateVpcResponse names the new VPC and its router and route table.
type CreateVpcResponse struct {
	rpc.Response
	VpcId           string
	VRouterId       string
	RouteTableId    string
	ResourceGroupId string
}

// createVpc handles CreateVpc. The VPC is Pending until its job makes it
// Available. The rules, in order:
//
//	IPv6, IPAM pools and user CIDRs are not modelled → OperationUnsupported
//	CidrBlock a canonical IPv4 block of 10/8, 172.16/12, 192.168/16, /8 to /28 → InvalidCidrBlock.Malformed
//	VpcName, Description                                  → InvalidVpcName.Malformed, InvalidDescription.Malformed
//	at most VpcQuota VPCs per account and region (under the account's lock) → QuotaExceeded.Vpc
func (s *Service) createVpc(ctx context.Context, env *rpc.Env, req *CreateVpcRequest) (*CreateVpcResponse, error) {
	r, err := s.region(req.RegionId)
	if err != nil {
		return nil, err
	}
	if req.EnableIpv6 || req.Ipv6CidrBlock != "" || req.Ipv6Isp != "" {
		return nil, apierr.OperationUnsupported.Newf("ecsd does not serve IPv6 in VPCs: leave EnableIpv6, Ipv6CidrBlock and Ipv6Isp unset.")
	}
	if req.Ipv4IpamPoolId != "" || req.Ipv4CidrMask != nil || req.UserCidr != "" {
		return nil, apierr.OperationUnsupported.Newf("ecsd does not serve IPAM pools or user CIDRs: give the VPC's CidrBlock instead of Ipv4IpamPoolId, Ipv4CidrMask or UserCidr.")
	}
	cidr := req.CidrBlock
	if cidr == "" {
		cidr = DefaultVpcCidr
	}
	if _, err := vpcCIDR(cidr); err != nil {
		return nil, err
	}
	if err := checkName(apierr.InvalidVpcNameMalformed, "VpcName", req.VpcName); err != nil {
		return nil, err
	}
	if err := checkDescription(req.Description); err != nil {
		return nil, err
	}
	if err := checkTags(req.Tag); err != nil {
		return nil, err
	}
	if req.DryRun {
		return nil, apierr.DryRunOperation.New()
	}
	v := &store.Vpc{
		ID: NewID("vpc", r), AccountID: env.Caller.AccountID, RegionID: r.RegionId, CidrBlock: cidr,
		Name: req.VpcName, Description: req.Description, Status: store.NetPending,
		VRouterID: NewID("vrt", r), RouteTableID: NewID("vtb", r), ResourceGroupID: req.ResourceGroupId,
		DnsHostname: dnsHostname(req.EnableDnsHostname, "DISABLED"), CreationTime: env.Now,
	}
	if err := s.insertVpc(ctx, env.Tx, v); err != nil {
		return nil, err
	}
	if err := setTags(ctx, env.Tx.Q, v.ID, req.Tag); err != nil {
		return nil, err
	}
	return &CreateVpcResponse{VpcId: v.ID, VRouterId: v.VRouterID, RouteTableId: v.RouteTableID, ResourceGroupId: v.ResourceGroupID}, nil
}

// insertVpc counts the account's VPCs under its lock, so that concurrent
// creations cannot together pass the quota, then stores v and schedules
// its Available.
func (s *Service) insertVpc(ctx context.Context, tx *store.Tx, v *store.Vpc) error {
	if _, err := tx.AccountLock(ctx, v.AccountID); err != nil {
		return err
	}
	n, err := tx.VpcCount(ctx, v.AccountID, v.RegionID)
	if err != nil {
		return err
	}
	if n >= VpcQuota {
		return apierr.QuotaExceededVpc.Newf("The account already has %d VPCs in %s, its quota.", n, v.RegionID)
	}
	if err := tx.VpcInsert(ctx, v); err != nil {
		return err
	}
	return s.becomeAvailable(ctx, tx, "vpc", v.ID)
}

// vpcCIDR checks a VPC's CIDR block.
func vpcCIDR(s string) (netip.Prefix, error) {
	p, ok := parseCIDR(s)
	if !ok || p.Bits() < vpcMinBits || p.Bits() > vpcMaxBits || !inPrivateRange(p) {
		return netip.Prefix{}, apierr.InvalidCidrBlockMalformed.Newf(
			"The CIDR block %q is not valid: give 10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16 or a block inside one of them, with a mask of /%d to /%d, written from its first address.",
			s, vpcMinBits, vpcMaxBits)
	}
	return p, nil
}

func dnsHostname(enable *bool, current string) string {
	switch {
	case enable == nil:
		return current
	case *enable:
		return "ENABLED"
	default:
		return "DISABLED"
	}
}

// ownVpc returns the caller's VPC, locked for the transaction when lock is
// set; any other VPC is InvalidVpcId.NotFound.
func ownVpc(ctx context.Context, env *rpc.Env, regionID, id string, lock bool) (*store.Vpc, error) {
	if id == "" {
		return nil, apierr.MissingParameter.New("VpcId")
	}
	var v *store.Vpc
	var err error
	if lock {
		v, err = env.Tx.VpcLock(ctx, env.Caller.AccountID, regionID, id)
	} else {
		v, err = env.Q().VpcGet(ctx, env.Caller.AccountID, regionID, id)
	}
	if errors.Is(err, store.ErrNotFound) {
		return nil, apierr.InvalidVpcIDNotFound.Newf("Specified VPC %s does not exist in region %s.", id, regionID)
	}
	return v, err
}

// VpcView is a VPC as DescribeVpcs and DescribeVpcAttribute show it.
type VpcView struct {
	VpcId                string
	RegionId             string
	Status               string
	VpcName              string
	CreationTime         string
	CidrBlock            string
	VRouterId            string
	Description          string
	IsDefault            bool
	ResourceGroupId      string
	DnsHostnameStatus    string
	EnabledIpv6          bool
	Ipv6CidrBlock        string
	ClassicLinkEnabled   bool
	OwnerId              int64
	DhcpOptionsSetId     string
	DhcpOptionsSetStatus string
	CenStatus            string
	VSwitchIds           struct{ VSwitchId []string }
	UserCidrs            struct{ UserCidr []string }
	SecondaryCidrBlocks  struct{ SecondaryCidrBlock []string }
	Ipv6CidrBlocks       struct{ Ipv6CidrBlock []struct{} }
	Tags                 struct{ Tag []TagView }
}

func viewVpc(v *store.Vpc, vswitches []string, tags []store.Tag) VpcView {
	out := VpcView{
		VpcId: v.ID, RegionId: v.RegionID, Status: v.Status, VpcName: v.Name, CreationTime: timeString(v.CreationTime),
		CidrBlock: v.CidrBlock, VRouterId: v.VRouterID, Description: v.Description, IsDefault: v.IsDefault,
		ResourceGroupId: v.ResourceGroupID, DnsHostnameStatus: v.DnsHostname, OwnerId: ownerID(v.AccountID),
	}
	out.VSwitchIds.VSwitchId = append([]string{}, vswitches...)
	out.UserCidrs.UserCidr = []string{}
	out.SecondaryCidrBlocks.SecondaryCidrBlock = []string{}
	out.Ipv6CidrBlocks.Ipv6CidrBlock = []struct{}{}
	out.Tags.Tag = tagViews(tags)
	return out
}

// DescribeVpcsRequest is DescribeVpcs' input.
type DescribeVpcsRequest struct {
	rpc.AccountDelegation
	RegionId         string `param:"RegionId,required"`
	VpcId            string `param:"VpcId"`
	VpcName          string `param:"VpcName"`
	IsDefault        *bool  `param:"IsDefault"`
	ResourceGroupId  string `param:"ResourceGroupId"`
	DhcpOptionsSetId string `param:"DhcpOptionsSetId"`
	EnableIpv6       *bool  `param:"EnableIpv6"`
	VpcOwnerId       *int64 `param:"VpcOwnerId"`
	Tag              []Tag  `param:"Tag"`
	PageNumber       *int   `param:"PageNumber"`
	PageSize         *int   `param:"PageSize"`
	DryRun           bool   `param:"DryRun"`
}

// DescribeVpcsView is a VPC in DescribeVpcs, which names its route tables
// and NAT gateways as lists.
type DescribeVpcsView struct {
	VpcView
	RouterTableIds struct{ RouterTableIds []string }
	NatGatewayIds  struct{ NatGatewayIds []string }
}

// DescribeVpcsResponse is a page of VPCs.
type DescribeVpcsResponse struct {
	rpc.Response
	TotalCount int
	PageNumber int
	PageSize   int
	Vpcs       struct{ Vpc []DescribeVpcsView }
}

// describeVpcs handles DescribeVpcs: the caller's VPCs in the region,
// newest first. A filter on something ecsd never sets (a DHCP options set,
// IPv6, another owner) matches nothing.
func (s *Service) describeVpcs(ctx context.Context, env *rpc.Env, req *DescribeVpcsRequest) (*DescribeVpcsResponse, error) {
	if _, err := s.region(req.RegionId); err != nil {
		return nil, err
	}
	ids, err := splitIDs("VpcId", req.VpcId, 20)
	if err != nil {
		return nil, err
	}
	page, size, err := pageParams(req.PageNumber, req.PageSize)
	if err != nil {
		return nil, err
	}
	if req.DryRun {
		return nil, apierr.DryRunOperation.New()
	}
	resp := &DescribeVpcsResponse{PageNumber: page, PageSize: size}
	resp.Vpcs.Vpc = []DescribeVpcsView{}
	if req.DhcpOptionsSetId != "" || (req.EnableIpv6 != nil && *req.EnableIpv6) ||
		(req.VpcOwnerId != nil && *req.VpcOwnerId != ownerID(env.Caller.AccountID)) {
		return resp, nil
	}
	f := store.NetFilter{AccountID: env.Caller.AccountID, RegionID: req.RegionId, IDs: ids, Name: req.VpcName, IsDefault: req.IsDefault}
	all, _, err := env.Q().VpcList(ctx, f)
	if err != nil {
		return nil, err
	}
	q := env.Q()
	var keys []string
	for _, v := range all {
		keys = append(keys, v.ID)
	}
	tags, err := q.VpcTagsOf(ctx, keys)
	if err != nil {
		return nil, err
	}
	var match []*store.Vpc
	for _, v := range all {
		if (req.ResourceGroupId == "" || v.ResourceGroupID == req.ResourceGroupId) && hasTags(tags[v.ID], req.Tag) {
			match = append(match, v)
		}
	}
	resp.TotalCount = len(match)
	from := min((page-1)*size, len(match))
	match = match[from:min(from+size, len(match))]
	var pageIDs []string
	for _, v := range match {
		pageIDs = append(pageIDs, v.ID)
	}
	vsws, err := q.VSwitchIDsOf(ctx, pageIDs)
	if err != nil {
		return nil, err
	}
	for _, v := range match {
		view := DescribeVpcsView{VpcView: viewVpc(v, vsws[v.ID], tags[v.ID])}
		view.RouterTableIds.RouterTableIds = []string{v.RouteTableID}
		view.NatGatewayIds.NatGatewayIds = []string{}
		resp.Vpcs.Vpc = append(resp.Vpcs.Vpc, view)
	}
	return resp, nil
}

// hasTags reports whether a resource carries every tag of want (an empty
// value matches any value of the key).
func hasTags(have []store.Tag, want []Tag) bool {
	for _, w := range want {
		found := false
		for _, h := range have {
			if h.Key == w.Key && (w.Value == "" || h.Value == w.Value) {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	return true
}

// DescribeVpcAttributeRequest is DescribeVpcAttribute's input.
type DescribeVpcAttributeRequest struct {
	rpc.AccountDelegation
	RegionId  string `param:"RegionId"`
	VpcId     string `param:"VpcId,required"`
	IsDefault *bool  `param:"IsDefault"`
	DryRun    bool   `param:"DryRun"`
}

// DescribeVpcAttributeResponse is one VPC with what it holds.
type DescribeVpcAttributeResponse struct {
	rpc.Response
	VpcView
	SupportIpv4Gateway bool
	Ipv4GatewayId      string
	CloudResources     struct {
		CloudResourceSetType []CloudResource
	}
	AssociatedCens struct{ AssociatedCen []struct{} }
}

// CloudResource counts resources of one type in a VPC.
type CloudResource struct {
	ResourceType  string
	ResourceCount int
}

// describeVpcAttribute handles DescribeVpcAttribute.
func (s *Service) describeVpcAttribute(ctx context.Context, env *rpc.Env, req *DescribeVpcAttributeRequest) (*DescribeVpcAttributeResponse, error) {
	if req.RegionId != "" {
		if _, err := s.region(req.RegionId); err != nil {
			return nil, err
		}
	}
	if req.DryRun {
		return nil, apierr.DryRunOperation.New()
	}
	v, err := ownVpc(ctx, env, req.RegionId, req.VpcId, false)
	if err != nil {
		return nil, err
	}
	if req.IsDefault != nil && *req.IsDefault != v.IsDefault {
		return nil, apierr.InvalidVpcIDNotFound.Newf("Specified VPC %s is not a VPC with IsDefault=%t.", v.ID, *req.IsDefault)
	}
	q := env.Q()
	vsws, err := q.VSwitchIDsOf(ctx, []string{v.ID})
	if err != nil {
		return nil, err
	}
	tags, err := q.VpcTagsOf(ctx, []string{v.ID})
	if err != nil {
		return nil, err
	}
	deps, err := q.VpcDependentsOf(ctx, v.ID)
	if err != nil {
		return nil, err
	}
	resp := &DescribeVpcAttributeResponse{VpcView: viewVpc(v, vsws[v.ID], tags[v.ID])}
	resp.CloudResources.CloudResourceSetType = []CloudResource{
		{ResourceType: "VSwitch", ResourceCount: deps.VSwitches},
		{ResourceType: "SecurityGroup", ResourceCount: deps.SecurityGroups},
		{ResourceType: "VRouter", ResourceCount: 1},
		{ResourceType: "RouteTable", ResourceCount: 1},
	}
	resp.AssociatedCens.AssociatedCen = []struct{}{}
	return resp, nil
}

// ModifyVpcAttributeRequest is ModifyVpcAttribute's input.
type ModifyVpcAttributeRequest struct {
	rpc.AccountDelegation
	RegionId          string  `param:"RegionId"`
	VpcId             string  `param:"VpcId,required"`
	VpcName           *string `param:"VpcName"`
	Description       *string `param:"Description"`
	CidrBlock         string  `param:"CidrBlock"`
	EnableIPv6        bool    `param:"EnableIPv6"`
	Ipv6CidrBlock     string  `param:"Ipv6CidrBlock"`
	Ipv6Isp           string  `param:"Ipv6Isp"`
	EnableDnsHostname *bool   `param:"EnableDnsHostname"`
}

// modifyVpcAttribute handles ModifyVpcAttribute:
//
//	the VPC is Available                                   → IncorrectVpcStatus
//	IPv6                                                   → OperationUnsupported
//	VpcName, Description                                   → InvalidVpcName.Malformed, InvalidDescription.Malformed
//	a new CidrBlock is valid and holds every vSwitch's     → InvalidCidrBlock.Malformed
func (s *Service) modifyVpcAttribute(ctx context.Context, env *rpc.Env, req *ModifyVpcAttributeRequest) (*rpc.Response, error) {
	v, err := ownVpc(ctx, env, req.RegionId, req.VpcId, true)
	if err != nil {
		return nil, err
	}
	if v.Status != store.NetAvailable {
		return nil, apierr.IncorrectVpcStatus.Newf("The VPC %s is %s; it can be modified once Available.", v.ID, v.Status)
	}
	if req.EnableIPv6 || req.Ipv6CidrBlock != "" || req.Ipv6Isp != "" {
		return nil, apierr.OperationUnsupported.Newf("ecsd does not serve IPv6 in VPCs: leave EnableIPv6, Ipv6CidrBlock and Ipv6Isp unset.")
	}
	if req.VpcName != nil {
		if err := checkName(apierr.InvalidVpcNameMalformed, "VpcName", *req.VpcName); err != nil {
			return nil, err
		}
		v.Name = *req.VpcName
	}
	if req.Description != nil {
		if err := checkDescription(*req.Description); err != nil {
			return nil, err
		}
		v.Description = *req.Description
	}
	if req.CidrBlock != "" && req.CidrBlock != v.CidrBlock {
		p, err := vpcCIDR(req.CidrBlock)
		if err != nil {
			return nil, err
		}
		cidrs, err := env.Tx.VSwitchCidrsOf(ctx, v.ID)
		if err != nil {
			return nil, err
		}
		for id, c := range cidrs {
			if !contains(p, netip.MustParsePrefix(c)) {
				return nil, apierr.InvalidCidrBlockMalformed.Newf("The CIDR block %s does not hold %s, the block of vSwitch %s.", req.CidrBlock, c, id)
			}
		}
		v.CidrBlock = p.String()
		if err := env.Tx.VpcSetCidr(ctx, v.ID, v.CidrBlock); err != nil {
			return nil, err
		}
	}
	v.DnsHostname = dnsHostname(req.EnableDnsHostname, v.DnsHostname)
	if err := env.Tx.VpcUpdate(ctx, v); err != nil {
		return nil, err
	}
	return &rpc.Response{}, nil
}

// DeleteVpcRequest is DeleteVpc's input.
type DeleteVpcRequest struct {
	rpc.AccountDelegation
	RegionId    string `param:"RegionId"`
	VpcId       string `param:"VpcId,required"`
	ForceDelete bool   `param:"ForceDelete"`
	DryRun      bool   `param:"DryRun"`
}

// deleteVpc handles DeleteVpc. ForceDelete only lets IPv4 and IPv6
// gateways go with the VPC, and ecsd has none, so it changes nothing here.
//
//	the VPC is Available        → IncorrectVpcStatus
//	it has no vSwitch           → DependencyViolation.VSwitch
//	it has no security group    → DependencyViolation.SecurityGroup
func (s *Service) deleteVpc(ctx context.Context, env *rpc.Env, req *DeleteVpcRequest) (*rpc.Response, error) {
	v, err := ownVpc(ctx, env, req.RegionId, req.VpcId, true)
	if err != nil {
		return nil, err
	}
	if v.Status != store.NetAvailable {
		return nil, apierr.IncorrectVpcStatus.Newf("The VPC %s is %s; it can be deleted once Available.", v.ID, v.Status)
	}
	deps, err := env.Tx.VpcDependentsOf(ctx, v.ID)
	if err != nil {
		return nil, err
	}
	if deps.VSwitches > 0 {
		return nil, apierr.DependencyViolationVSwitch.Newf("The VPC %s still has %d vSwitches; delete them first.", v.ID, deps.VSwitches)
	}
	if deps.SecurityGroups > 0 {
		return nil, apierr.DependencyViolationSecurityGroup.Newf("The VPC %s still has %d security groups; delete them first.", v.ID, deps.SecurityGroups)
	}
	if req.DryRun {
		return nil, apierr.DryRunOperation.New()
	}
	if err := env.Tx.VpcDelete(ctx, v.ID); err != nil {
		return nil, err
	}
	return &rpc.Response{}, nil
}

// DescribeRouteTableListRequest is DescribeRouteTableList's input.
type DescribeRouteTableListRequest struct {
	rpc.AccountDelegation
	RegionId        string `param:"RegionId,required"`
	VpcId           string `param:"VpcId"`
	RouteTableId    string `param:"RouteTableId"`
	RouteTableName  string `param:"RouteTableName"`
	RouteTableType  string `param:"RouteTableType"`
	RouterId        string `param:"RouterId"`
	RouterType      string `param:"RouterType"`
	ResourceGroupId string `param:"ResourceGroupId"`
	Tag             []Tag  `param:"Tag"`
	PageNumber      *int   `param:"PageNumber"`
	PageSize        *int   `param:"PageSize"`
}

// RouteTableView is a VPC's system route table.
type RouteTableView struct {
	RouteTableId           string
	RouteTableName         string
	RouteTableType         string
	RouterId               string
	RouterType             string
	VpcId                  string
	Description            string
	CreationTime           string
	Status                 string
	ResourceGroupId        string
	AssociateType          string
	RoutePropagationEnable bool
	OwnerId                int64
	VSwitchIds             struct{ VSwitchId []string }
	GatewayIds             struct{ GatewayIds []string }
	Tags                   struct{ Tag []TagView }
}

// DescribeRouteTableListResponse is a page of route tables.
type DescribeRouteTableListResponse struct {
	rpc.Response
	TotalCount      int
	PageNumber      int
	PageSize        int
	RouterTableList struct{ RouterTableListType []RouteTableView }
}

// describeRouteTableList handles DescribeRouteTableList: each VPC has its
// system route table, which every vSwitch of the VPC uses.
func (s *Service) describeRouteTableList(ctx context.Context, env *rpc.Env, req *DescribeRouteTableListRequest) (*DescribeRouteTableListResponse, error) {
	if _, err := s.region(req.RegionId); err != nil {
		return nil, err
	}
	page, size, err := pageParams(req.PageNumber, req.PageSize)
	if err != nil {
		return nil, err
	}
	resp := &DescribeRouteTableListResponse{PageNumber: page, PageSize: size}
	resp.RouterTableList.RouterTableListType = []RouteTableView{}
	if req.RouteTableName != "" || len(req.Tag) > 0 || (req.RouteTableType != "" && req.RouteTableType != "System") ||
		(req.RouterType != "" && req.RouterType != "VRouter") {
		return resp, nil // ecsd's route tables have no name or tags and are all system tables of vRouters
	}
	f := store.NetFilter{AccountID: env.Caller.AccountID, RegionID: req.RegionId}
	if req.VpcId != "" {
		f.IDs = []string{req.VpcId}
	}
	vpcs, _, err := env.Q().VpcList(ctx, f)
	if err != nil {
		return nil, err
	}
	var match []*store.Vpc
	for _, v := range vpcs {
		if (req.RouteTableId == "" || v.RouteTableID == req.RouteTableId) && (req.RouterId == "" || v.VRouterID == req.RouterId) &&
			(req.ResourceGroupId == "" || v.ResourceGroupID == req.ResourceGroupId) {
			match = append(match, v)
		}
	}
	resp.TotalCount = len(match)
	from := min((page-1)*size, len(match))
	match = match[from:min(from+size, len(match))]
	var ids []string
	for _, v := range match {
		ids = append(ids, v.ID)
	}
	vsws, err := env.Q().VSwitchIDsOf(ctx, ids)
	if err != nil {
		return nil, err
	}
	for _, v := range match {
		rt := RouteTableView{
			RouteTableId: v.RouteTableID, RouteTableType: "System", RouterId: v.VRouterID, RouterType: "VRouter", VpcId: v.ID,
			CreationTime: timeString(v.CreationTime), Status: "Available", ResourceGroupId: v.ResourceGroupID,
			AssociateType: "VSwitch", RoutePropagationEnable: true, OwnerId: ownerID(v.AccountID),
		}
		rt.VSwitchIds.VSwitchId = append([]string{}, vsws[v.ID]...)
		rt.GatewayIds.GatewayIds = []string{}
		rt.Tags.Tag = []TagView{}
		resp.RouterTableList.RouterTableListType = append(resp.RouterTableList.RouterTableListType, rt)
	}
	return resp, nil
}
