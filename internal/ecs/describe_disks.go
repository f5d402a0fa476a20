package ecs

import (
	"context"

	"github.com/ecsd/ecsd/internal/apierr"
	"github.com/ecsd/ecsd/internal/rpc"
	"github.com/ecsd/ecsd/internal/store"
)

// DescribeDisksRequest is DescribeDisks' input.
type DescribeDisksRequest struct {
	rpc.AccountDelegation
	RegionId   string     `param:"RegionId,required"`
	ZoneId     string     `param:"ZoneId"`
	DiskIds    []string   `param:"DiskIds,json"`
	InstanceId string     `param:"InstanceId"`
	DiskType   string     `param:"DiskType"`
	Category   string     `param:"Category"`
	Tag        []TagParam `param:"Tag"`
	PageNumber *int       `param:"PageNumber"`
	PageSize   *int       `param:"PageSize"`
	_          rpc.Refuse `refuse:"DiskName,Status,DiskChargeType,Portable,DeleteWithInstance,LockReason,Filter,AdditionalAttributes" why:"this disk filter is not modelled"`
	_          rpc.Refuse `refuse:"SnapshotId,AutoSnapshotPolicyId,DeleteAutoSnapshot,EnableAutoSnapshot,EnableAutomatedSnapshotPolicy,EnableShared,MultiAttach,Encrypted,KMSKeyId,ResourceGroupId" why:"snapshots, shared and encrypted disks and resource groups are not modelled"`
	_          rpc.Refuse `refuse:"MaxResults,NextToken" why:"DescribeDisks pages by PageNumber and PageSize in ecsd"`
	_          rpc.Refuse `refuse:"DryRun=false" why:"DescribeDisks has no dry run in ecsd"`
}

// DescribeDisksResponse lists disks.
type DescribeDisksResponse struct {
	rpc.Response
	TotalCount int
	PageNumber int
	PageSize   int
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
	page, err := rpc.Paging("PageNumber", req.PageNumber, req.PageSize, 10, 100)
	if err != nil {
		return nil, err
	}
	f := store.DiskFilter{
		AccountID: env.Caller.AccountID, RegionID: req.RegionId, ZoneID: req.ZoneId, InstanceID: req.InstanceId,
		DiskType: kind, Category: req.Category, Offset: page.Offset(), Limit: page.Size,
	}
	if len(req.DiskIds) > 0 {
		f.IDs = req.DiskIds
	}
	if len(req.Tag) > 0 {
		f.Tags = tagFilter(req.Tag)
	}
	disks, total, err := env.Q().DiskList(ctx, f)
	if err != nil {
		return nil, err
	}
	ids := make([]string, len(disks))
	for k, d := range disks {
		ids[k] = d.ID
	}
	tags, err := env.Q().ResourceTags(ctx, store.ResourceDisk, ids)
	if err != nil {
		return nil, err
	}
	resp := &DescribeDisksResponse{TotalCount: total, PageNumber: page.Number, PageSize: page.Size}
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
