package ecs

import (
	"context"
	"encoding/base64"
	"slices"
	"strings"

	"github.com/ecsd/ecsd/internal/apierr"
	"github.com/ecsd/ecsd/internal/rpc"
	"github.com/ecsd/ecsd/internal/store"
)

// DescribeDisksRequest is DescribeDisks' input. Filters combine with AND;
// those about features no ecsd disk has (encryption, sharing, multi-attach,
// snapshots) are honoured too: asking for the feature matches no disk.
type DescribeDisksRequest struct {
	rpc.AccountDelegation
	RegionId             string        `param:"RegionId,required"`
	ZoneId               string        `param:"ZoneId"`
	DiskIds              []string      `param:"DiskIds,json"`
	InstanceId           string        `param:"InstanceId"`
	DiskType             string        `param:"DiskType"`
	Category             string        `param:"Category"`
	Tag                  []TagParam    `param:"Tag"`
	Status               string        `param:"Status"`
	DiskChargeType       string        `param:"DiskChargeType"`
	Portable             *bool         `param:"Portable"`
	Filter               []FilterParam `param:"Filter"`
	Encrypted            *bool         `param:"Encrypted"`
	KMSKeyId             string        `param:"KMSKeyId"`
	EnableShared         *bool         `param:"EnableShared"`
	MultiAttach          string        `param:"MultiAttach"`
	SnapshotId           string        `param:"SnapshotId"`
	AutoSnapshotPolicyId string        `param:"AutoSnapshotPolicyId"`
	PageNumber           *int          `param:"PageNumber"`
	PageSize             *int          `param:"PageSize"`
	NextToken            string        `param:"NextToken"`
	MaxResults           *int          `param:"MaxResults"`
	DryRun               bool          `param:"DryRun"`
	DiskName             string        `param:"DiskName"`
	DeleteWithInstance   *bool         `param:"DeleteWithInstance"`
	_                    rpc.Refuse    `refuse:"LockReason" why:"disk operation locks are not modelled"`
	_                    rpc.Refuse    `refuse:"EnableAutoSnapshot,EnableAutomatedSnapshotPolicy,DeleteAutoSnapshot" why:"automatic snapshots are not modelled"`
	_                    rpc.Refuse    `refuse:"ResourceGroupId" why:"resource groups of disks are not modelled"`
	_                    rpc.Refuse    `refuse:"AdditionalAttributes" why:"disk performance attributes are not modelled"`
}

// DescribeDisksResponse lists disks.
type DescribeDisksResponse struct {
	rpc.Response
	TotalCount int
	PageNumber int
	PageSize   int
	NextToken  string
	Disks      struct {
		Disk []DiskView
	}
}

// DiskView is a disk as DescribeDisks reports it.
type DiskView struct {
	DiskId             string
	DiskName           string
	Description        string
	RegionId           string
	ZoneId             string
	Type               string
	Category           string
	Size               int
	PerformanceLevel   string
	Device             string
	Status             string
	InstanceId         string
	CreationTime       string
	AttachedTime       string
	DiskChargeType     string
	ExpiredTime        string
	Portable           bool
	DeleteWithInstance bool
	Encrypted          bool
	ImageId            string
	// Tags is always present, empty when the disk has none: Terraform
	// reads a missing list as a change of volume_tags.
	Tags struct{ Tag []TagView }
}

// describeDisks handles DescribeDisks.
func (s *Service) describeDisks(ctx context.Context, env *rpc.Env, req *DescribeDisksRequest) (*DescribeDisksResponse, error) {
	if _, err := s.region(req.RegionId); err != nil {
		return nil, err
	}
	kind := ""
	switch req.DiskType {
	case "", "all":
	case store.DiskSystem, store.DiskData:
		kind = req.DiskType
	default:
		return nil, apierr.InvalidParameter.Newf("The specified parameter DiskType %q is not valid; use all, system or data.", req.DiskType)
	}
	f := store.DiskFilter{
		AccountID: env.Caller.AccountID, RegionID: req.RegionId, ZoneID: req.ZoneId, InstanceID: req.InstanceId,
		DiskType: kind, Category: req.Category, Portable: req.Portable,
		Name: req.DiskName, DeleteWithInstance: req.DeleteWithInstance,
	}
	if req.Category == "all" {
		f.Category = ""
	}
	none, err := diskFilters(req, &f)
	if err != nil {
		return nil, err
	}
	if req.DiskIds != nil {
		if len(req.DiskIds) > 100 {
			return nil, apierr.InvalidParameter.Newf("The specified parameter DiskIds is not valid: at most 100 ids are allowed.")
		}
		f.IDs = req.DiskIds // "[]" matches nothing, as documented
	}
	if len(req.Tag) > 0 {
		f.Tags = tagFilter(req.Tag)
	}
	resp := &DescribeDisksResponse{}
	// MaxResults: documented below 10 gives 10; above 500 is refused.
	pg, err := rpc.BothPaging(req.PageNumber, req.PageSize, req.MaxResults, req.NextToken, 100, 10, 500)
	if err != nil {
		return nil, err
	}
	if req.NextToken != "" {
		if f.After, err = decodeDiskCursor(req.NextToken); err != nil {
			return nil, err
		}
	}
	f.Offset, f.Limit = pg.Offset, pg.Limit
	resp.PageNumber, resp.PageSize = pg.Number, pg.Size
	if req.DryRun {
		return nil, apierr.DryRunOperation.New()
	}
	var disks []*store.Disk
	if !none {
		if disks, resp.TotalCount, err = env.Q().DiskList(ctx, f); err != nil {
			return nil, err
		}
	}
	if pg.Token && len(disks) > resp.PageSize {
		disks = disks[:resp.PageSize]
		resp.NextToken = encodeCursor(store.DiskCursor(disks[len(disks)-1]))
	}
	ids := make([]string, len(disks))
	for k, d := range disks {
		ids[k] = d.ID
	}
	tags, err := env.Q().ResourceTags(ctx, store.ResourceDisk, ids)
	if err != nil {
		return nil, err
	}
	resp.Disks.Disk = []DiskView{}
	for _, d := range disks {
		v := DiskView{
			DiskId: d.ID, DiskName: d.Name, Description: d.Description, RegionId: d.RegionID, ZoneId: d.ZoneID, Type: d.Type, Category: d.Category, Size: d.Size,
			PerformanceLevel: d.PerformanceLevel, Device: d.Device, Status: d.Status, InstanceId: d.InstanceID,
			CreationTime:   rpc.FormatTime(d.CreationTime),
			DiskChargeType: store.PostPaid, DeleteWithInstance: d.DeleteWithInstance, Portable: d.Type == store.DiskData,
		}
		if d.InstanceID != "" {
			v.AttachedTime = rpc.FormatTime(d.CreationTime)
			if inst, err := env.Q().InstanceGetByID(ctx, d.InstanceID); err == nil {
				v.DiskChargeType = inst.ChargeType
				if inst.ChargeType == store.PrePaid {
					v.ExpiredTime = rpc.FormatTime(inst.ExpiredTime)
				}
				if d.Type == store.DiskSystem {
					v.ImageId = inst.ImageID
				}
			}
		}
		if d.ChargeType != "" {
			v.DiskChargeType, v.ExpiredTime = d.ChargeType, ""
		}
		v.Tags.Tag = tagViews(tags[d.ID])
		resp.Disks.Disk = append(resp.Disks.Disk, v)
	}
	return resp, nil
}

// diskStatuses are the values of DescribeDisks' Status filter.
var diskStatuses = []string{"In_use", "Available", "Attaching", "Detaching", "Creating", "ReIniting", "All"}

// diskFilters adds DescribeDisks' filters beyond the columns it maps one to
// one to f. none is true when a filter asks for a feature no ecsd disk has.
func diskFilters(req *DescribeDisksRequest, f *store.DiskFilter) (none bool, err error) {
	if req.Status != "" && !slices.Contains(diskStatuses, req.Status) {
		return false, apierr.InvalidParameter.Newf("The specified parameter Status %q is not valid; use %s.", req.Status, strings.Join(diskStatuses, ", "))
	}
	if req.Status != "All" {
		f.Status = req.Status
	}
	switch req.DiskChargeType {
	case "", store.PrePaid, store.PostPaid:
		f.ChargeType = req.DiskChargeType
	default:
		return false, apierr.InvalidParameter.Newf("The specified parameter DiskChargeType %q is not valid; use PrePaid or PostPaid.", req.DiskChargeType)
	}
	switch req.MultiAttach {
	case "", "Disabled":
	case "Enabled", "LegacyShared":
		none = true
	default:
		return false, apierr.InvalidParameter.Newf("The specified parameter MultiAttach %q is not valid; use Disabled, Enabled or LegacyShared.", req.MultiAttach)
	}
	bounds, err := timeFilters(req.Filter, "CreationStartTime", "CreationEndTime")
	if err != nil {
		return false, err
	}
	f.CreatedFrom, f.CreatedTo = bounds["CreationStartTime"], bounds["CreationEndTime"]
	if isTrue(req.Encrypted) || req.KMSKeyId != "" || isTrue(req.EnableShared) || req.SnapshotId != "" || req.AutoSnapshotPolicyId != "" {
		none = true
	}
	return none, nil
}

// isTrue is a *bool's value, false when unset.
func isTrue(b *bool) bool { return b != nil && *b }

// decodeDiskCursor reads a DescribeDisks NextToken.
func decodeDiskCursor(token string) (string, error) {
	if b, err := base64.RawURLEncoding.DecodeString(token); err == nil && store.ValidDiskCursor(string(b)) {
		return string(b), nil
	}
	return "", apierr.InvalidNextToken.Newf("The specified NextToken %q is not valid: pass the NextToken of the previous page unchanged.", token)
}
