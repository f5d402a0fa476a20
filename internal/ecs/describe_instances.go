package ecs

import (
	"context"
	"encoding/base64"
	"strconv"
	"strings"

	"github.com/ecsd/ecsd/internal/apierr"
	"github.com/ecsd/ecsd/internal/billing"
	"github.com/ecsd/ecsd/internal/rpc"
	"github.com/ecsd/ecsd/internal/store"
)

// DescribeInstancesRequest is DescribeInstances' input (spec/alibaba-api.md §4.1).
type DescribeInstancesRequest struct {
	rpc.AccountDelegation
	RegionId           string     `param:"RegionId,required"`
	InstanceIds        []string   `param:"InstanceIds,json"`
	ZoneId             string     `param:"ZoneId"`
	Status             string     `param:"Status"`
	InstanceType       string     `param:"InstanceType"`
	InstanceChargeType string     `param:"InstanceChargeType"`
	InstanceName       string     `param:"InstanceName"`
	Tag                []TagParam `param:"Tag"`
	VpcId              string     `param:"VpcId"`
	VSwitchId          string     `param:"VSwitchId"`
	SecurityGroupId    string     `param:"SecurityGroupId"`
	PrivateIpAddresses []string   `param:"PrivateIpAddresses,json"`
	PageNumber         *int       `param:"PageNumber"`
	PageSize           *int       `param:"PageSize"`
	NextToken          string     `param:"NextToken"`
	MaxResults         *int       `param:"MaxResults"`
	DryRun             bool       `param:"DryRun"`
	// AdditionalAttributes asks for attributes beyond the default answer;
	// ecsd answers every attribute it models on every call, so it only
	// checks that each names one the API defines (Terraform sends four).
	AdditionalAttributes []string `param:"AdditionalAttributes"`
	// Filters that instanceFilters reads (filters.go).
	ImageId             string        `param:"ImageId"`
	InstanceTypeFamily  string        `param:"InstanceTypeFamily"`
	LockReason          string        `param:"LockReason"`
	InstanceNetworkType string        `param:"InstanceNetworkType"`
	IoOptimized         *bool         `param:"IoOptimized"`
	DeviceAvailable     *bool         `param:"DeviceAvailable"`
	InnerIpAddresses    []string      `param:"InnerIpAddresses,json"`
	EipAddresses        []string      `param:"EipAddresses,json"`
	Ipv6Address         []string      `param:"Ipv6Address"`
	HpcClusterId        string        `param:"HpcClusterId"`
	RdmaIpAddresses     string        `param:"RdmaIpAddresses"`
	Filter              []FilterParam `param:"Filter"`
	// NeedSaleCycle asks for SaleCycle, otherwise left out.
	NeedSaleCycle bool `param:"NeedSaleCycle"`
	// Public internet filters (internetFilter).
	PublicIpAddresses  []string `param:"PublicIpAddresses,json"`
	InternetChargeType string   `param:"InternetChargeType"`
	// Identity filters (instance_identity.go).
	ResourceGroupId         string `param:"ResourceGroupId"`
	KeyPairName             string `param:"KeyPairName"`
	HttpEndpoint            string `param:"HttpEndpoint"`
	HttpTokens              string `param:"HttpTokens"`
	HttpPutResponseHopLimit *int   `param:"HttpPutResponseHopLimit"`
}

// DescribeInstancesResponse lists instances.
type DescribeInstancesResponse struct {
	rpc.Response
	TotalCount int
	PageNumber int
	PageSize   int
	NextToken  string
	Instances  struct {
		Instance []InstanceView
	}
}

var instanceStatuses = map[string]bool{
	store.StatusPending: true, store.StatusStarting: true, store.StatusRunning: true,
	store.StatusStopping: true, store.StatusStopped: true,
}

// additionalAttributes are the values DescribeInstances' AdditionalAttributes
// takes. CPU_OPTIONS_TOPOLOGY_TYPE, which the Terraform provider sends, asks
// for CpuOptions, answered anyway: every instance has the default topology,
// so TopologyType is absent, as for an instance that never set one.
var additionalAttributes = map[string]bool{
	"META_OPTIONS": true, "DDH_CLUSTER": true, "NETWORK_PRIMARY_ENI_IP": true, "LOGIN_AS_NON_ROOT": true, "DISK_HIGH_DENSITY_MODE": true,
	"CPU_OPTIONS_TOPOLOGY_TYPE": true,
}

// describeInstances handles DescribeInstances, with both paging styles:
// PageNumber/PageSize, and NextToken/MaxResults (a cursor that survives
// inserts and deletes between pages).
func (s *Service) describeInstances(ctx context.Context, env *rpc.Env, req *DescribeInstancesRequest) (*DescribeInstancesResponse, error) {
	if _, err := s.region(req.RegionId); err != nil {
		return nil, err
	}
	if req.Status != "" && !instanceStatuses[req.Status] {
		return nil, apierr.InvalidStatusNotFound.Newf("The specified Status %q is not found; use Pending, Starting, Running, Stopping or Stopped.", req.Status)
	}
	if req.InstanceChargeType != "" && req.InstanceChargeType != store.PrePaid && req.InstanceChargeType != store.PostPaid {
		return nil, apierr.InvalidInstanceChargeTypeNotFound.Newf("The specified InstanceChargeType %q is not found; use PrePaid or PostPaid.", req.InstanceChargeType)
	}
	for _, a := range req.AdditionalAttributes {
		if !additionalAttributes[a] {
			return nil, apierr.InvalidParameter.Newf("The specified parameter AdditionalAttributes %q is not valid; use META_OPTIONS, DDH_CLUSTER, NETWORK_PRIMARY_ENI_IP, LOGIN_AS_NON_ROOT, DISK_HIGH_DENSITY_MODE or CPU_OPTIONS_TOPOLOGY_TYPE.", a)
		}
	}
	if len(req.InstanceIds) > 100 {
		return nil, apierr.InvalidParameter.Newf("The specified parameter InstanceIds is not valid: at most 100 ids are allowed.")
	}
	f := store.InstanceFilter{
		AccountID: env.Caller.AccountID, RegionID: req.RegionId, IDs: req.InstanceIds, ZoneID: req.ZoneId,
		Status: req.Status, InstanceType: req.InstanceType, ChargeType: req.InstanceChargeType, Name: req.InstanceName,
		VpcID: req.VpcId, VSwitchID: req.VSwitchId, SecurityGroupID: req.SecurityGroupId, PrivateIPs: req.PrivateIpAddresses,
		ResourceGroupID: req.ResourceGroupId, KeyPairName: req.KeyPairName, ImageID: req.ImageId,
	}
	none, err := instanceFilters(s.Catalog, req, &f)
	if err != nil {
		return nil, err
	}
	if err := internetFilter(req, &f); err != nil {
		return nil, err
	}
	// The metadata filters take the values RunInstances takes.
	meta, err := metadataOptions(store.MetadataOptions{}, req.HttpEndpoint, req.HttpTokens, req.HttpPutResponseHopLimit)
	if err != nil {
		return nil, err
	}
	f.HttpEndpoint, f.HttpTokens, f.HopLimit = meta.HttpEndpoint, meta.HttpTokens, meta.HopLimit
	if len(req.PrivateIpAddresses) > 100 {
		return nil, apierr.InvalidParameter.Newf("The specified parameter PrivateIpAddresses is not valid: at most 100 addresses are allowed.")
	}
	if req.InstanceIds != nil && len(req.InstanceIds) == 0 {
		f.IDs = nil // "[]" filters nothing, as ECS treats it
	}
	if len(req.Tag) > 0 {
		f.Tags = tagFilter(req.Tag)
	}
	resp := &DescribeInstancesResponse{}
	// MaxResults: documented below 10 gives 10; above 100 is refused rather
	// than clamped, so a client learns its page size is not honoured.
	pg, err := rpc.BothPaging(req.PageNumber, req.PageSize, req.MaxResults, req.NextToken, 100, 10, 100)
	if err != nil {
		return nil, err
	}
	if req.NextToken != "" {
		if f.After, err = decodeCursor(req.NextToken); err != nil {
			return nil, err
		}
	}
	f.Offset, f.Limit = pg.Offset, pg.Limit
	resp.PageNumber, resp.PageSize = pg.Number, pg.Size
	var list []*store.Instance
	var total int
	if !none {
		if list, total, err = env.Q().InstanceList(ctx, f); err != nil {
			return nil, err
		}
	}
	if pg.Token && len(list) > resp.PageSize {
		list = list[:resp.PageSize]
		resp.NextToken = encodeCursor(store.InstanceCursor(list[len(list)-1]))
	}
	if req.DryRun {
		return nil, apierr.DryRunOperation.New()
	}
	views, err := s.instanceViews(ctx, env.Q(), list)
	if err != nil {
		return nil, err
	}
	for k := range views {
		if !req.NeedSaleCycle {
			views[k].SaleCycle = ""
		}
	}
	resp.TotalCount = total
	resp.Instances.Instance = views
	return resp, nil
}

func encodeCursor(c string) string { return base64.RawURLEncoding.EncodeToString([]byte(c)) }

func decodeCursor(token string) (string, error) {
	b, err := base64.RawURLEncoding.DecodeString(token)
	if err == nil {
		ts, id, ok := strings.Cut(string(b), "_")
		if _, perr := strconv.ParseInt(ts, 10, 64); ok && perr == nil && strings.HasPrefix(id, "i-") {
			return string(b), nil
		}
	}
	return "", apierr.InvalidNextToken.Newf("The specified NextToken %q is not valid: pass the NextToken of the previous page unchanged.", token)
}

// internetFilter reads the public internet filters: PublicIpAddresses (a
// JSON list, at most 100) and InternetChargeType
// (InvalidInternetChargeType.ValueNotSupported, 404, for another value).
func internetFilter(req *DescribeInstancesRequest, f *store.InstanceFilter) error {
	if len(req.PublicIpAddresses) > 100 {
		return apierr.InvalidParameter.Newf("The specified parameter PublicIpAddresses is not valid: at most 100 addresses are allowed.")
	}
	switch req.InternetChargeType {
	case "", billing.PayByBandwidth, billing.PayByTraffic:
	default:
		return apierr.InvalidInternetChargeTypeValueNotSupportedFilter.Newf("The specified InternetChargeType %q is not valid; use PayByBandwidth or PayByTraffic.", req.InternetChargeType)
	}
	f.PublicIPs, f.InternetChargeType = req.PublicIpAddresses, req.InternetChargeType
	return nil
}

// groupsOf is an instance's security groups, as joined; an instance made
// before groups were rows shows the one it recorded.
func groupsOf(i *store.Instance, groups map[string][]string) []string {
	if g := groups[i.ID]; len(g) > 0 {
		return g
	}
	return []string{i.SecurityGroupID}
}
