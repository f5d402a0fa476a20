package ecs

import (
	"context"
	"regexp"
	"strconv"
	"strings"

	"github.com/ecsd/ecsd/internal/apierr"
	"github.com/ecsd/ecsd/internal/rpc"
	"github.com/ecsd/ecsd/internal/store"
)

// DescribeNetworkInterfacesRequest is DescribeNetworkInterfaces' input:
// every filter of the API's request model.
type DescribeNetworkInterfacesRequest struct {
	rpc.AccountDelegation
	RegionId             string   `param:"RegionId,required"`
	NetworkInterfaceId   []string `param:"NetworkInterfaceId"`
	InstanceId           string   `param:"InstanceId"`
	VpcId                string   `param:"VpcId"`
	VSwitchId            string   `param:"VSwitchId"`
	SecurityGroupId      string   `param:"SecurityGroupId"`
	Type                 string   `param:"Type"`
	Status               string   `param:"Status"`
	PrimaryIpAddress     string   `param:"PrimaryIpAddress"`
	PrivateIpAddress     []string `param:"PrivateIpAddress"`
	Ipv6Address          []string `param:"Ipv6Address"`
	NetworkInterfaceName string   `param:"NetworkInterfaceName"`
	ResourceGroupId      string   `param:"ResourceGroupId"`
	ServiceManaged       *bool    `param:"ServiceManaged"`
	Tag                  []struct {
		Key   string `param:"Key"`
		Value string `param:"Value"`
	} `param:"Tag"`
	PageNumber *int   `param:"PageNumber"`
	PageSize   *int   `param:"PageSize"`
	NextToken  string `param:"NextToken"`
	MaxResults *int   `param:"MaxResults"`
}

// DescribeNetworkInterfacesResponse lists ENIs.
type DescribeNetworkInterfacesResponse struct {
	rpc.Response
	TotalCount           int
	PageNumber           int
	PageSize             int
	NextToken            string
	NetworkInterfaceSets struct {
		NetworkInterfaceSet []NetworkInterfaceSetView
	}
}

// NetworkInterfaceSetView is an ENI as DescribeNetworkInterfaces reports it.
type NetworkInterfaceSetView struct {
	NetworkInterfaceId          string
	NetworkInterfaceName        string
	Description                 string
	Status                      string
	Type                        string
	InstanceId                  string
	ZoneId                      string
	VpcId                       string
	VSwitchId                   string
	PrivateIpAddress            string
	MacAddress                  string
	CreationTime                string
	OwnerId                     string
	ResourceGroupId             string
	ServiceManaged              bool
	DeleteOnRelease             bool
	SourceDestCheck             bool
	NetworkInterfaceTrafficMode string
	QueueNumber                 int
	QueuePairNumber             int
	SecurityGroupIds            struct{ SecurityGroupId []string }
	PrivateIpSets               struct{ PrivateIpSet []PrivateIpSetView }
	Ipv6Sets                    struct{ Ipv6Set []Ipv6SetView }
	Ipv4PrefixSets              struct{ Ipv4PrefixSet []struct{ Ipv4Prefix string } }
	Ipv6PrefixSets              struct{ Ipv6PrefixSet []struct{ Ipv6Prefix string } }
	Tags                        struct{ Tag []TagView }
	AssociatedPublicIp          struct{ PublicIpAddress, AllocationId string }
	Attachment                  struct {
		InstanceId              string
		DeviceIndex             int
		NetworkCardIndex        int
		TrunkNetworkInterfaceId string
	}
}

var eniIDPattern = regexp.MustCompile(`^eni-[a-z0-9]{4,30}$`)

// eniStatuses are the statuses an ENI can have; ecsd's are attached
// (InUse) or not (Available).
var eniStatuses = map[string]bool{"Available": true, "Attaching": true, "InUse": true, "Detaching": true, "Deleting": true, "CreateFailed": true}

// describeNetworkInterfaces handles DescribeNetworkInterfaces. Named ENIs
// that the caller does not have are InvalidEniId.NotFound. Filters on what
// ecsd's ENIs never carry (names, tags, resource groups, service
// management, trunking) are honoured: they match nothing.
func (s *Service) describeNetworkInterfaces(ctx context.Context, env *rpc.Env, req *DescribeNetworkInterfacesRequest) (*DescribeNetworkInterfacesResponse, error) {
	if _, err := s.region(req.RegionId); err != nil {
		return nil, err
	}
	if len(req.NetworkInterfaceId) > 100 {
		return nil, apierr.InvalidParameter.Newf("The specified parameter NetworkInterfaceId is not valid: at most 100 ids are allowed.")
	}
	for _, id := range req.NetworkInterfaceId {
		if !eniIDPattern.MatchString(id) {
			return nil, apierr.InvalidEniIDNotFound.Newf("The specified network interface %q does not exist.", id)
		}
	}
	switch req.Type {
	case "", store.EniPrimary, store.EniSecondary, "Trunk", "Member":
	default:
		return nil, apierr.InvalidParameter.Newf("The specified parameter Type %q is not valid; use Primary, Secondary, Trunk or Member.", req.Type)
	}
	if req.Status != "" && !eniStatuses[req.Status] {
		return nil, apierr.InvalidParameter.Newf("The specified parameter Status %q is not valid; use Available, Attaching, InUse, Detaching, Deleting or CreateFailed.", req.Status)
	}
	if len(req.PrivateIpAddress) > 100 || len(req.Ipv6Address) > 100 {
		return nil, apierr.InvalidParameter.Newf("The specified parameter PrivateIpAddress or Ipv6Address is not valid: at most 100 addresses are allowed.")
	}
	if len(req.Tag) > 20 {
		return nil, apierr.InvalidParameter.Newf("The specified parameter Tag is not valid: at most 20 tags are allowed.")
	}
	resp := &DescribeNetworkInterfacesResponse{}
	offset, limit := 0, 0
	if req.NextToken != "" || req.MaxResults != nil {
		// Documented: below 10 gives 10; above 500 is refused, not clamped.
		n, err := rpc.Limit("MaxResults", req.MaxResults, 10, 1, 500)
		if err != nil {
			return nil, err
		}
		limit = max(n, 10)
		if req.NextToken != "" {
			n, err := strconv.Atoi(req.NextToken)
			if err != nil || n < 0 {
				return nil, apierr.InvalidNextToken.Newf("The specified NextToken %q is not valid: pass the NextToken of the previous page unchanged.", req.NextToken)
			}
			offset = n
		}
		resp.PageNumber, resp.PageSize = 1, limit
	} else {
		pg, err := rpc.Paging("PageNumber", req.PageNumber, req.PageSize, 10, 1000)
		if err != nil {
			return nil, err
		}
		page, size := pg.Number, pg.Size
		offset, limit = (page-1)*size, size
		resp.PageNumber, resp.PageSize = page, size
	}
	resp.NetworkInterfaceSets.NetworkInterfaceSet = []NetworkInterfaceSetView{}
	// Attributes no ecsd ENI has: such a filter matches nothing.
	never := req.NetworkInterfaceName != "" || req.ResourceGroupId != "" || len(req.Tag) > 0 ||
		(req.ServiceManaged != nil && *req.ServiceManaged) || req.Type == "Trunk" || req.Type == "Member" ||
		(req.Status != "" && req.Status != "InUse")
	f := store.NetworkInterfaceFilter{
		AccountID: env.Caller.AccountID, RegionID: req.RegionId, InstanceID: req.InstanceId, VpcID: req.VpcId, VSwitchID: req.VSwitchId,
		SecurityGroupID: req.SecurityGroupId, Type: req.Type, PrimaryIP: req.PrimaryIpAddress, PrivateIPs: req.PrivateIpAddress,
		Ipv6Addresses: req.Ipv6Address,
	}
	if len(req.NetworkInterfaceId) > 0 {
		// Named ENIs must all exist, whatever the other filters say.
		named, _, err := env.Q().NetworkInterfaceList(ctx, store.NetworkInterfaceFilter{AccountID: env.Caller.AccountID, RegionID: req.RegionId, IDs: req.NetworkInterfaceId})
		if err != nil {
			return nil, err
		}
		if missing := missingENIs(req.NetworkInterfaceId, named); len(missing) > 0 {
			return nil, apierr.InvalidEniIDNotFound.Newf("The specified network interface %s does not exist in region %s.", strings.Join(missing, ", "), req.RegionId)
		}
		f.IDs = req.NetworkInterfaceId
	}
	if never {
		return resp, nil
	}
	f.Offset, f.Limit = offset, limit
	list, total, err := env.Q().NetworkInterfaceList(ctx, f)
	if err != nil {
		return nil, err
	}
	resp.TotalCount = total
	if req.NextToken != "" || req.MaxResults != nil {
		if offset+len(list) < total {
			resp.NextToken = strconv.Itoa(offset + len(list))
		}
	}
	for _, n := range list {
		resp.NetworkInterfaceSets.NetworkInterfaceSet = append(resp.NetworkInterfaceSets.NetworkInterfaceSet, viewENI(n))
	}
	return resp, nil
}

func missingENIs(ids []string, found []*store.NetworkInterface) []string {
	have := map[string]bool{}
	for _, n := range found {
		have[n.ID] = true
	}
	var out []string
	for _, id := range ids {
		if !have[id] {
			out = append(out, id)
		}
	}
	return out
}

func viewENI(n *store.NetworkInterface) NetworkInterfaceSetView {
	v := NetworkInterfaceSetView{
		NetworkInterfaceId: n.ID, Status: "InUse", Type: n.Type, InstanceId: n.InstanceID, ZoneId: n.ZoneID, VpcId: n.VpcID,
		VSwitchId: n.VSwitchID, PrivateIpAddress: n.PrivateIP, MacAddress: n.MacAddress, CreationTime: rpc.FormatTime(n.CreationTime),
		OwnerId: n.AccountID, DeleteOnRelease: true, NetworkInterfaceTrafficMode: "Standard",
		QueueNumber: n.QueueNumber, QueuePairNumber: n.QueueNumber,
	}
	if n.InstanceID == "" {
		v.Status = "Available"
	}
	v.SecurityGroupIds.SecurityGroupId = []string{n.SecurityGroupID}
	v.PrivateIpSets.PrivateIpSet, v.Ipv6Sets.Ipv6Set = addressViews(n)
	v.Ipv4PrefixSets.Ipv4PrefixSet = []struct{ Ipv4Prefix string }{}
	v.Ipv6PrefixSets.Ipv6PrefixSet = []struct{ Ipv6Prefix string }{}
	v.Tags.Tag = []TagView{}
	v.Attachment.InstanceId, v.Attachment.DeviceIndex = n.InstanceID, n.DeviceIndex
	return v
}
