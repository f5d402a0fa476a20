package vpc

import (
	"context"
	"errors"
	"net/netip"
	"regexp"

	"github.com/ecsd/ecsd/internal/apierr"
	"github.com/ecsd/ecsd/internal/rpc"
	"github.com/ecsd/ecsd/internal/store"
)

// CreateVSwitchRequest is CreateVSwitch's input.
type CreateVSwitchRequest struct {
	rpc.AccountDelegation
	RegionId         string `param:"RegionId"`
	ZoneId           string `param:"ZoneId,required"`
	CidrBlock        string `param:"CidrBlock,required"`
	VpcId            string `param:"VpcId,required"`
	VSwitchName      string `param:"VSwitchName"`
	Description      string `param:"Description"`
	VpcIpv6CidrBlock string `param:"VpcIpv6CidrBlock"`
	Ipv6CidrBlock    *int   `param:"Ipv6CidrBlock"`
	EnableIpv6       bool   `param:"EnableIpv6"`
	Tag              []Tag  `param:"Tag"`
}

// CreateVSwitchResponse names the new vSwitch.
type CreateVSwitchResponse struct {
	rpc.Response
	VSwitchId string
}

// createVSwitch handles CreateVSwitch. The vSwitch is Pending until its job
// makes it Available. The rules, in order (the VPC's row is held, so that
// vSwitches of one VPC are checked one after the other):
//
//	the VPC is the caller's                               → InvalidVpcId.NotFound
//	the VPC is Available                                  → IncorrectVpcStatus
//	the zone is one of the VPC's region                   → InvalidZoneId.NotFound
//	IPv6                                                  → OperationUnsupported
//	CidrBlock a canonical IPv4 block, /16 to /29          → InvalidCidrBlock.Malformed
//	inside the VPC's block                                → InvalidParameter
//	overlapping no other vSwitch of the VPC               → InvalidCidrBlock.Overlapped
//	VSwitchName, Description                              → InvalidVSwitchName.Malformed, InvalidDescription.Malformed
//	at most VSwitchQuota vSwitches per VPC                → QuotaExceeded.VSwitch
func (s *Service) createVSwitch(ctx context.Context, env *rpc.Env, req *CreateVSwitchRequest) (*CreateVSwitchResponse, error) {
	if req.RegionId != "" {
		if _, err := s.region(req.RegionId); err != nil {
			return nil, err
		}
	}
	v, err := ownVpc(ctx, env, req.RegionId, req.VpcId, true)
	if err != nil {
		return nil, err
	}
	if v.Status != store.NetAvailable {
		return nil, apierr.IncorrectVpcStatus.Newf("The VPC %s is %s; vSwitches can be created in it once Available.", v.ID, v.Status)
	}
	r, _ := s.Catalog.Region(v.RegionID)
	if z, ok := s.Catalog.Zone(req.ZoneId); !ok || z.RegionId != v.RegionID {
		return nil, apierr.InvalidZoneIDNotFoundVSwitch.Newf("The zone %q is not a zone of %s, the region of VPC %s.", req.ZoneId, v.RegionID, v.ID)
	}
	if req.EnableIpv6 || req.VpcIpv6CidrBlock != "" || req.Ipv6CidrBlock != nil {
		return nil, apierr.OperationUnsupported.Newf("ecsd does not serve IPv6 in vSwitches: leave Ipv6CidrBlock and VpcIpv6CidrBlock unset.")
	}
	p, err := s.checkVSwitchCIDR(ctx, env.Tx, v, req.CidrBlock)
	if err != nil {
		return nil, err
	}
	if err := checkName(apierr.InvalidVSwitchNameMalformed, "VSwitchName", req.VSwitchName); err != nil {
		return nil, err
	}
	if err := checkDescription(req.Description); err != nil {
		return nil, err
	}
	if err := checkTags(req.Tag); err != nil {
		return nil, err
	}
	vsw := &store.VSwitch{
		ID: NewID("vsw", r), AccountID: v.AccountID, RegionID: v.RegionID, VpcID: v.ID, ZoneID: req.ZoneId,
		CidrBlock: p.String(), Name: req.VSwitchName, Description: req.Description, Status: store.NetPending,
		ResourceGroupID: v.ResourceGroupID, CreationTime: env.Now,
	}
	if err := env.Tx.VSwitchInsert(ctx, vsw); err != nil {
		return nil, err
	}
	if err := setTags(ctx, env.Tx.Q, vsw.ID, req.Tag); err != nil {
		return nil, err
	}
	if err := s.becomeAvailable(ctx, env.Tx, "vswitch", vsw.ID); err != nil {
		return nil, err
	}
	return &CreateVSwitchResponse{VSwitchId: vsw.ID}, nil
}

// checkVSwitchCIDR checks a new vSwitch's block against its VPC (whose row
// the caller holds) and the VPC's other vSwitches, and the VPC's quota.
func (s *Service) checkVSwitchCIDR(ctx context.Context, tx *store.Tx, v *store.Vpc, cidr string) (netip.Prefix, error) {
	p, ok := parseCIDR(cidr)
	if !ok || p.Bits() < vswitchMinBits || p.Bits() > vswitchMaxBits {
		return netip.Prefix{}, apierr.InvalidCidrBlockMalformed.Newf(
			"The CIDR block %q is not valid for a vSwitch: an IPv4 block with a mask of /%d to /%d, written from its first address.", cidr, vswitchMinBits, vswitchMaxBits)
	}
	if !contains(netip.MustParsePrefix(v.CidrBlock), p) {
		return netip.Prefix{}, apierr.InvalidParameter.Newf("Specified CIDR block is not valid in VPC: %s is not inside %s, the block of VPC %s.", cidr, v.CidrBlock, v.ID)
	}
	siblings, err := tx.VSwitchCidrsOf(ctx, v.ID)
	if err != nil {
		return netip.Prefix{}, err
	}
	for id, c := range siblings {
		if overlaps(netip.MustParsePrefix(c), p) {
			return netip.Prefix{}, apierr.InvalidCidrBlockOverlapped.Newf("Specified CIDR block %s overlapped with %s, the block of vSwitch %s.", cidr, c, id)
		}
	}
	if len(siblings) >= VSwitchQuota {
		return netip.Prefix{}, apierr.QuotaExceededVSwitch.Newf("The VPC %s already has %d vSwitches, its quota.", v.ID, len(siblings))
	}
	return p, nil
}

var vswitchIDPattern = regexp.MustCompile(`^vsw-[a-z0-9]{4,30}$`)

// OwnVSwitch returns the caller's vSwitch in the region ("" for any). An
// id that is not a vSwitch id at all is InvalidVSwitchId.NotFound with 400;
// one that names none of the caller's, with 404.
func OwnVSwitch(ctx context.Context, q store.Q, accountID, regionID, id string) (*store.VSwitch, error) {
	if !vswitchIDPattern.MatchString(id) {
		return nil, apierr.InvalidVSwitchIDNotFoundMalformed.Newf("The specified VSwitchId does not exist: %q is not a vSwitch id.", id)
	}
	v, err := q.VSwitchGet(ctx, accountID, regionID, id)
	if errors.Is(err, store.ErrNotFound) {
		return nil, apierr.InvalidVSwitchIDNotFound.Newf("The specified VSwitchId does not exist: no vSwitch %s in region %s.", id, regionID)
	}
	return v, err
}

// VSwitchView is a vSwitch as DescribeVSwitches and
// DescribeVSwitchAttributes show it.
type VSwitchView struct {
	VSwitchId               string
	VpcId                   string
	Status                  string
	CidrBlock               string
	ZoneId                  string
	AvailableIpAddressCount int
	Description             string
	VSwitchName             string
	CreationTime            string
	IsDefault               bool
	ResourceGroupId         string
	NetworkAclId            string
	OwnerId                 int64
	ShareType               string
	EnabledIpv6             bool
	Ipv6CidrBlock           string
	RouteTable              struct{ RouteTableId, RouteTableType string }
	Tags                    struct{ Tag []TagView }
}

// viewVSwitch shows a vSwitch; its free addresses are its usable ones less
// those taken, counted in the same read.
func viewVSwitch(v *store.VSwitch, routeTableID string, tags []store.Tag) VSwitchView {
	out := VSwitchView{
		VSwitchId: v.ID, VpcId: v.VpcID, Status: v.Status, CidrBlock: v.CidrBlock, ZoneId: v.ZoneID,
		AvailableIpAddressCount: Usable(netip.MustParsePrefix(v.CidrBlock)) - v.Used,
		Description:             v.Description, VSwitchName: v.Name, CreationTime: timeString(v.CreationTime), IsDefault: v.IsDefault,
		ResourceGroupId: v.ResourceGroupID, OwnerId: ownerID(v.AccountID), ShareType: "Sharing",
	}
	out.RouteTable.RouteTableId, out.RouteTable.RouteTableType = routeTableID, "System"
	out.Tags.Tag = tagViews(tags)
	return out
}

// DescribeVSwitchesRequest is DescribeVSwitches' input.
type DescribeVSwitchesRequest struct {
	rpc.AccountDelegation
	RegionId        string `param:"RegionId"`
	VpcId           string `param:"VpcId"`
	VSwitchId       string `param:"VSwitchId"`
	ZoneId          string `param:"ZoneId"`
	VSwitchName     string `param:"VSwitchName"`
	IsDefault       *bool  `param:"IsDefault"`
	ResourceGroupId string `param:"ResourceGroupId"`
	RouteTableId    string `param:"RouteTableId"`
	VSwitchOwnerId  *int64 `param:"VSwitchOwnerId"`
	EnableIpv6      *bool  `param:"EnableIpv6"`
	Tag             []Tag  `param:"Tag"`
	PageNumber      *int   `param:"PageNumber"`
	PageSize        *int   `param:"PageSize"`
	DryRun          bool   `param:"DryRun"`
}

// DescribeVSwitchesResponse is a page of vSwitches.
type DescribeVSwitchesResponse struct {
	rpc.Response
	TotalCount int
	PageNumber int
	PageSize   int
	VSwitches  struct{ VSwitch []VSwitchView }
}

// describeVSwitches handles DescribeVSwitches: the caller's vSwitches,
// newest first. RegionId or VpcId is required.
func (s *Service) describeVSwitches(ctx context.Context, env *rpc.Env, req *DescribeVSwitchesRequest) (*DescribeVSwitchesResponse, error) {
	if req.RegionId == "" && req.VpcId == "" {
		return nil, apierr.MissingParameter.New("RegionId")
	}
	if req.RegionId != "" {
		if _, err := s.region(req.RegionId); err != nil {
			return nil, err
		}
	}
	ids, err := splitIDs("VSwitchId", req.VSwitchId, 20)
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
	resp := &DescribeVSwitchesResponse{PageNumber: page, PageSize: size}
	resp.VSwitches.VSwitch = []VSwitchView{}
	if (req.EnableIpv6 != nil && *req.EnableIpv6) || (req.VSwitchOwnerId != nil && *req.VSwitchOwnerId != ownerID(env.Caller.AccountID)) {
		return resp, nil
	}
	q := env.Q()
	f := store.NetFilter{AccountID: env.Caller.AccountID, RegionID: req.RegionId, IDs: ids, VpcID: req.VpcId,
		ZoneID: req.ZoneId, Name: req.VSwitchName, IsDefault: req.IsDefault}
	all, _, err := q.VSwitchList(ctx, f)
	if err != nil {
		return nil, err
	}
	var keys []string
	for _, v := range all {
		keys = append(keys, v.ID)
	}
	tags, err := q.VpcTagsOf(ctx, keys)
	if err != nil {
		return nil, err
	}
	routeTables := map[string]string{}
	var match []*store.VSwitch
	for _, v := range all {
		rt, ok := routeTables[v.VpcID]
		if !ok {
			vpc, err := q.VpcGet(ctx, v.AccountID, "", v.VpcID)
			if err != nil {
				return nil, err
			}
			rt, routeTables[v.VpcID] = vpc.RouteTableID, vpc.RouteTableID
		}
		if (req.ResourceGroupId == "" || v.ResourceGroupID == req.ResourceGroupId) && (req.RouteTableId == "" || rt == req.RouteTableId) &&
			hasTags(tags[v.ID], req.Tag) {
			match = append(match, v)
		}
	}
	resp.TotalCount = len(match)
	from := min((page-1)*size, len(match))
	for _, v := range match[from:min(from+size, len(match))] {
		resp.VSwitches.VSwitch = append(resp.VSwitches.VSwitch, viewVSwitch(v, routeTables[v.VpcID], tags[v.ID]))
	}
	return resp, nil
}

// DescribeVSwitchAttributesRequest is DescribeVSwitchAttributes' input.
type DescribeVSwitchAttributesRequest struct {
	rpc.AccountDelegation
	RegionId  string `param:"RegionId"`
	VSwitchId string `param:"VSwitchId,required"`
	DryRun    bool   `param:"DryRun"`
}

// DescribeVSwitchAttributesResponse is one vSwitch.
type DescribeVSwitchAttributesResponse struct {
	rpc.Response
	VSwitchView
	CloudResources struct {
		CloudResourceSetType []CloudResource
	}
}

// describeVSwitchAttributes handles DescribeVSwitchAttributes.
func (s *Service) describeVSwitchAttributes(ctx context.Context, env *rpc.Env, req *DescribeVSwitchAttributesRequest) (*DescribeVSwitchAttributesResponse, error) {
	if req.RegionId != "" {
		if _, err := s.region(req.RegionId); err != nil {
			return nil, err
		}
	}
	if req.DryRun {
		return nil, apierr.DryRunOperation.New()
	}
	q := env.Q()
	v, err := OwnVSwitch(ctx, q, env.Caller.AccountID, req.RegionId, req.VSwitchId)
	if err != nil {
		return nil, err
	}
	vpc, err := q.VpcGet(ctx, v.AccountID, "", v.VpcID)
	if err != nil {
		return nil, err
	}
	tags, err := q.VpcTagsOf(ctx, []string{v.ID})
	if err != nil {
		return nil, err
	}
	n, err := q.VSwitchInstanceCount(ctx, v.ID)
	if err != nil {
		return nil, err
	}
	resp := &DescribeVSwitchAttributesResponse{VSwitchView: viewVSwitch(v, vpc.RouteTableID, tags[v.ID])}
	resp.CloudResources.CloudResourceSetType = []CloudResource{{ResourceType: "ECS", ResourceCount: n}}
	return resp, nil
}

// ModifyVSwitchAttributeRequest is ModifyVSwitchAttribute's input.
type ModifyVSwitchAttributeRequest struct {
	rpc.AccountDelegation
	RegionId         string  `param:"RegionId"`
	VSwitchId        string  `param:"VSwitchId,required"`
	VSwitchName      *string `param:"VSwitchName"`
	Description      *string `param:"Description"`
	EnableIPv6       bool    `param:"EnableIPv6"`
	VpcIpv6CidrBlock string  `param:"VpcIpv6CidrBlock"`
	Ipv6CidrBlock    *int    `param:"Ipv6CidrBlock"`
}

// modifyVSwitchAttribute handles ModifyVSwitchAttribute:
//
//	the vSwitch is Available     → IncorrectVSwitchStatus
//	IPv6                         → OperationUnsupported
//	VSwitchName, Description     → InvalidVSwitchName.Malformed, InvalidDescription.Malformed
func (s *Service) modifyVSwitchAttribute(ctx context.Context, env *rpc.Env, req *ModifyVSwitchAttributeRequest) (*rpc.Response, error) {
	v, err := OwnVSwitch(ctx, env.Tx.Q, env.Caller.AccountID, req.RegionId, req.VSwitchId)
	if err != nil {
		return nil, err
	}
	if v.Status != store.NetAvailable {
		return nil, apierr.IncorrectVSwitchStatus.Newf("The vSwitch %s is %s; it can be modified once Available.", v.ID, v.Status)
	}
	if req.EnableIPv6 || req.VpcIpv6CidrBlock != "" || req.Ipv6CidrBlock != nil {
		return nil, apierr.OperationUnsupported.Newf("ecsd does not serve IPv6 in vSwitches: leave EnableIPv6, Ipv6CidrBlock and VpcIpv6CidrBlock unset.")
	}
	if req.VSwitchName != nil {
		if err := checkName(apierr.InvalidVSwitchNameMalformed, "VSwitchName", *req.VSwitchName); err != nil {
			return nil, err
		}
		v.Name = *req.VSwitchName
	}
	if req.Description != nil {
		if err := checkDescription(*req.Description); err != nil {
			return nil, err
		}
		v.Description = *req.Description
	}
	if err := env.Tx.VSwitchUpdate(ctx, v); err != nil {
		return nil, err
	}
	return &rpc.Response{}, nil
}

// DeleteVSwitchRequest is DeleteVSwitch's input.
type DeleteVSwitchRequest struct {
	rpc.AccountDelegation
	RegionId  string `param:"RegionId"`
	VSwitchId string `param:"VSwitchId,required"`
	DryRun    bool   `param:"DryRun"`
}

// deleteVSwitch handles DeleteVSwitch. The VPC's row is held, so that a
// purchase into the vSwitch and its deletion take turns.
//
//	the vSwitch is Available     → IncorrectVSwitchStatus
//	no instance is in it         → DependencyViolation
func (s *Service) deleteVSwitch(ctx context.Context, env *rpc.Env, req *DeleteVSwitchRequest) (*rpc.Response, error) {
	v, err := OwnVSwitch(ctx, env.Tx.Q, env.Caller.AccountID, req.RegionId, req.VSwitchId)
	if err != nil {
		return nil, err
	}
	if _, err := env.Tx.VpcLock(ctx, v.AccountID, "", v.VpcID); err != nil {
		return nil, err
	}
	if v.Status != store.NetAvailable {
		return nil, apierr.IncorrectVSwitchStatus.Newf("The vSwitch %s is %s; it can be deleted once Available.", v.ID, v.Status)
	}
	n, err := env.Tx.VSwitchInstanceCount(ctx, v.ID)
	if err != nil {
		return nil, err
	}
	if n > 0 || v.Used > 0 {
		return nil, apierr.DependencyViolation.Newf("The vSwitch %s still has %d instances; release them first.", v.ID, max(n, v.Used))
	}
	if req.DryRun {
		return nil, apierr.DryRunOperation.New()
	}
	if err := env.Tx.VSwitchDelete(ctx, v.ID); err != nil {
		return nil, err
	}
	return &rpc.Response{}, nil
}
