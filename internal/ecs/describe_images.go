package ecs

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/ecsd/ecsd/internal/apierr"

	"github.com/ecsd/ecsd/internal/catalog"
	"github.com/ecsd/ecsd/internal/rpc"
)

// DescribeImages paging: PageSize defaults to 10 and is at most 100.
const (
	defaultImagesPageSize = 10
	maxImagesPageSize     = 100
)

// DescribeImagesRequest is DescribeImages' input. Every filter is optional.
type DescribeImagesRequest struct {
	rpc.AccountDelegation
	RegionId string `param:"RegionId,required"`
	// ImageId is one id or several separated by commas.
	ImageId string `param:"ImageId"`
	// ImageName matches images whose name contains it.
	ImageName    string `param:"ImageName"`
	OSType       string `param:"OSType"`       // linux or windows
	Architecture string `param:"Architecture"` // x86_64 or arm64
	// Status is one status or several separated by commas; default Available.
	Status          string `param:"Status"`
	ImageOwnerAlias string `param:"ImageOwnerAlias"` // system, self, others, marketplace
	// InstanceType keeps the images that can run on the type: those of
	// its CPU architecture.
	InstanceType         string `param:"InstanceType"`
	IsSupportIoOptimized *bool  `param:"IsSupportIoOptimized"`
	IsPublic             *bool  `param:"IsPublic"`
	// ActionType is CreateEcs or ChangeOS: every catalog image serves both.
	ActionType string `param:"ActionType"`
	// ShowExpired: no catalog image expires, so either value lists the same.
	ShowExpired *bool `param:"ShowExpired"`
	// Catalog images have no family, owner account, snapshot or tag: a
	// filter on one matches no image.
	ImageFamily  string        `param:"ImageFamily"`
	ImageOwnerId *int64        `param:"ImageOwnerId"`
	SnapshotId   string        `param:"SnapshotId"`
	Tag          []TagParam    `param:"Tag"`
	Filter       []FilterParam `param:"Filter"`
	PageNumber   *int          `param:"PageNumber"`
	PageSize     *int          `param:"PageSize"`
	DryRun       bool          `param:"DryRun"`
	_            rpc.Refuse    `refuse:"Usage" why:"which images an account's instances use is not tracked"`
	_            rpc.Refuse    `refuse:"IsSupportCloudinit" why:"the catalog does not record cloud-init support"`
	_            rpc.Refuse    `refuse:"ResourceGroupId" why:"resource groups of images are not modelled"`
}

// DescribeImagesResponse is one page of images.
type DescribeImagesResponse struct {
	rpc.Response
	RegionId   string
	TotalCount int
	PageNumber int
	PageSize   int
	Images     struct {
		Image []ImageItem
	}
}

// ImageItem is one image.
type ImageItem struct {
	ImageId              string
	ImageName            string
	OSType               string
	OSName               string
	OSNameEn             string
	Architecture         string
	Platform             string
	Size                 int // GiB
	Status               string
	ImageOwnerAlias      string
	IsSupportIoOptimized bool
	BootMode             string
	CreationTime         string
	IsPublic             bool
	Progress             string
	Usage                string
}

// describeImages handles DescribeImages. Every catalog image is a public
// image available in every region, listed in catalog order. Returns
// InvalidRegionId.NotFound, and InvalidParameter for a PageNumber below 1 or
// a PageSize outside 1–100.
func describeImages(ctx context.Context, env *rpc.Env, req *DescribeImagesRequest) (*DescribeImagesResponse, error) {
	if _, err := getRegion(env.Catalog, req.RegionId); err != nil {
		return nil, err
	}
	pg, err := rpc.Paging("PageNumber", req.PageNumber, req.PageSize, defaultImagesPageSize, maxImagesPageSize)
	if err != nil {
		return nil, err
	}
	page, size := pg.Number, pg.Size
	m, err := req.matcher(env.Catalog)
	if err != nil {
		return nil, err
	}
	if req.DryRun {
		return nil, apierr.DryRunOperation.New()
	}
	var matched []*catalog.Image
	for _, im := range env.Catalog.Images() {
		if m(im) {
			matched = append(matched, im)
		}
	}
	resp := &DescribeImagesResponse{RegionId: req.RegionId, TotalCount: len(matched), PageNumber: page, PageSize: size}
	resp.Images.Image = []ImageItem{}
	if from := pg.Offset(); from < len(matched) {
		for _, im := range matched[from:min(from+size, len(matched))] {
			resp.Images.Image = append(resp.Images.Image, imageItem(im))
		}
	}
	return resp, nil
}

// matcher validates req's filters and returns whether an image passes
// them all. Returns InvalidInstanceType.NotFound for a type the catalog
// lacks, and InvalidParameter for a bad ActionType or Filter.N.
func (req *DescribeImagesRequest) matcher(cat *catalog.Catalog) (func(*catalog.Image) bool, error) {
	statuses := []string{"Available"}
	if req.Status != "" {
		statuses = splitList(req.Status)
	}
	arch := ""
	if req.InstanceType != "" {
		t, ok := cat.Type(req.InstanceType)
		if !ok {
			return nil, apierr.InvalidInstanceTypeNotFound.Newf("The specified InstanceType %q does not exist; call DescribeInstanceTypes for the types.", req.InstanceType)
		}
		arch = map[string]string{"X86": "x86_64", "ARM": "arm64"}[t.CpuArchitecture]
	}
	switch req.ActionType {
	case "", "CreateEcs", "ChangeOS":
	default:
		return nil, apierr.InvalidParameter.Newf("The specified parameter ActionType %q is not valid; use CreateEcs or ChangeOS.", req.ActionType)
	}
	bounds, err := timeFilters(req.Filter, "CreationStartTime", "CreationEndTime")
	if err != nil {
		return nil, err
	}
	none := req.ImageFamily != "" || req.ImageOwnerId != nil || req.SnapshotId != "" || len(req.Tag) > 0
	return func(im *catalog.Image) bool {
		created, _ := time.Parse(time.RFC3339, im.CreationTime)
		switch {
		case none,
			req.ImageId != "" && !slices.Contains(splitList(req.ImageId), im.ImageId),
			req.ImageName != "" && !strings.Contains(im.ImageName, req.ImageName),
			req.OSType != "" && !strings.EqualFold(req.OSType, im.OSType),
			req.Architecture != "" && req.Architecture != im.Architecture,
			req.ImageOwnerAlias != "" && req.ImageOwnerAlias != im.ImageOwnerAlias,
			req.InstanceType != "" && arch != im.Architecture,
			req.IsSupportIoOptimized != nil && *req.IsSupportIoOptimized != im.IsSupportIoOptimized,
			req.IsPublic != nil && *req.IsPublic != (im.ImageOwnerAlias == "system"),
			!bounds["CreationStartTime"].IsZero() && created.Before(bounds["CreationStartTime"]),
			!bounds["CreationEndTime"].IsZero() && created.After(bounds["CreationEndTime"]),
			!slices.Contains(statuses, im.Status):
			return false
		}
		return true
	}, nil
}

// splitList splits a comma-separated parameter, dropping blanks.
func splitList(s string) []string {
	var out []string
	for _, v := range strings.Split(s, ",") {
		if v = strings.TrimSpace(v); v != "" {
			out = append(out, v)
		}
	}
	return out
}

func imageItem(im *catalog.Image) ImageItem {
	return ImageItem{
		ImageId:              im.ImageId,
		ImageName:            im.ImageName,
		OSType:               im.OSType,
		OSName:               im.OSName,
		OSNameEn:             im.OSNameEn,
		Architecture:         im.Architecture,
		Platform:             im.Platform,
		Size:                 im.Size,
		Status:               im.Status,
		ImageOwnerAlias:      im.ImageOwnerAlias,
		IsSupportIoOptimized: im.IsSupportIoOptimized,
		BootMode:             im.BootMode,
		CreationTime:         im.CreationTime,
		IsPublic:             im.ImageOwnerAlias == "system",
		Progress:             progress(im.Status),
		Usage:                "instance",
	}
}

// progress is an image's creation progress: ecsd images are finished or not.
func progress(status string) string {
	if status == "Available" {
		return "100%"
	}
	return ""
}
