package ecs

import (
	"context"
	"slices"
	"strings"

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
	Status          string     `param:"Status"`
	ImageOwnerAlias string     `param:"ImageOwnerAlias"` // system, self, others, marketplace
	PageNumber      *int       `param:"PageNumber"`
	PageSize        *int       `param:"PageSize"`
	_               rpc.Refuse `refuse:"ImageFamily,InstanceType,Usage,IsPublic,IsSupportCloudinit,IsSupportIoOptimized,ShowExpired,ActionType,ImageOwnerId,Filter,Tag" why:"this image filter is not modelled"`
	_               rpc.Refuse `refuse:"SnapshotId,ResourceGroupId" why:"snapshots and resource groups are not modelled"`
	_               rpc.Refuse `refuse:"DryRun=false" why:"DescribeImages has no dry run in ecsd"`
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

	var matched []*catalog.Image
	for _, im := range env.Catalog.Images() {
		if req.matches(im) {
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

// matches reports whether im passes every filter of req.
func (req *DescribeImagesRequest) matches(im *catalog.Image) bool {
	statuses := []string{"Available"}
	if req.Status != "" {
		statuses = splitList(req.Status)
	}
	switch {
	case req.ImageId != "" && !slices.Contains(splitList(req.ImageId), im.ImageId),
		req.ImageName != "" && !strings.Contains(im.ImageName, req.ImageName),
		req.OSType != "" && !strings.EqualFold(req.OSType, im.OSType),
		req.Architecture != "" && req.Architecture != im.Architecture,
		req.ImageOwnerAlias != "" && req.ImageOwnerAlias != im.ImageOwnerAlias,
		!slices.Contains(statuses, im.Status):
		return false
	}
	return true
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
