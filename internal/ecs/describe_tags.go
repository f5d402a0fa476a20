package ecs

import (
	"context"
	"slices"

	"github.com/ecsd/ecsd/internal/apierr"
	"github.com/ecsd/ecsd/internal/rpc"
	"github.com/ecsd/ecsd/internal/store"
)

// DescribeTagsRequest is DescribeTags' input (the older tag action, which
// the provider's alicloud_images still calls).
type DescribeTagsRequest struct {
	rpc.AccountDelegation
	RegionId     string     `param:"RegionId,required"`
	ResourceType string     `param:"ResourceType"`
	ResourceId   string     `param:"ResourceId"`
	Tag          []TagParam `param:"Tag"`
	Category     string     `param:"Category"`
	PageNumber   *int       `param:"PageNumber"`
	PageSize     *int       `param:"PageSize"`
}

// DescribeTagsResponse lists tags.
type DescribeTagsResponse struct {
	rpc.Response
	TotalCount int
	PageNumber int
	PageSize   int
	Tags       struct{ Tag []DescribeTagView }
}

// DescribeTagView is one tag.
type DescribeTagView struct {
	TagKey, TagValue  string
	ResourceTypeCount struct{}
}

// describeTags handles DescribeTags for one resource: an instance's or a
// disk's tags, a security group's; images carry none in ecsd. Without a
// ResourceId it answers nothing (ecsd does not count tags over resources).
func (s *Service) describeTags(ctx context.Context, env *rpc.Env, req *DescribeTagsRequest) (*DescribeTagsResponse, error) {
	if _, err := s.region(req.RegionId); err != nil {
		return nil, err
	}
	pg, err := rpc.Paging("PageNumber", req.PageNumber, req.PageSize, 50, 100)
	if err != nil {
		return nil, err
	}
	page, size := pg.Number, pg.Size
	resp := &DescribeTagsResponse{PageNumber: page, PageSize: size}
	resp.Tags.Tag = []DescribeTagView{}
	var tags []store.Tag
	switch req.ResourceType {
	case "", "image", "snapshot", "ddh", "eni", "launchtemplate", "keypair":
		// nothing of these carries tags in ecsd
	case store.ResourceInstance, store.ResourceDisk:
		if req.ResourceId != "" {
			if err := ownResources(ctx, env, "ecs:DescribeTags", req.RegionId, req.ResourceType, []string{req.ResourceId}); err != nil {
				return nil, err
			}
			m, err := env.Q().ResourceTags(ctx, req.ResourceType, []string{req.ResourceId})
			if err != nil {
				return nil, err
			}
			tags = m[req.ResourceId]
		}
	case "securitygroup":
		if req.ResourceId != "" {
			if _, err := ownGroup(ctx, env, req.RegionId, req.ResourceId, false); err != nil {
				return nil, err
			}
			m, err := env.Q().VpcTagsOf(ctx, []string{req.ResourceId})
			if err != nil {
				return nil, err
			}
			tags = m[req.ResourceId]
		}
	default:
		return nil, apierr.InvalidResourceTypeNotFound.Newf("The ResourceType provided does not exist in our records: %q.", req.ResourceType)
	}
	want := tagFilter(req.Tag)
	for _, t := range tags {
		if values, ok := want[t.Key]; len(want) > 0 && (!ok || (len(values) > 0 && !slices.Contains(values, t.Value))) {
			continue
		}
		resp.Tags.Tag = append(resp.Tags.Tag, DescribeTagView{TagKey: t.Key, TagValue: t.Value})
	}
	resp.TotalCount = len(resp.Tags.Tag)
	from := min((page-1)*size, len(resp.Tags.Tag))
	resp.Tags.Tag = resp.Tags.Tag[from:min(from+size, len(resp.Tags.Tag))]
	return resp, nil
}
