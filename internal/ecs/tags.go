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

// TagParam is one Tag.N of a request.
type TagParam struct {
	Key   string `param:"Key"`
	Value string `param:"Value"`
}

// Tag limits (TagResources): 20 tags a request and a resource, 50 resources
// a request, keys and values up to 128 characters.
const (
	maxTagsPerResource = 20
	maxTagResources    = 50
	maxTagLength       = 128
)

// checkTags applies the tag rules to Tag.N: RunInstances and TagResources
// both call it.
func checkTags(tags []TagParam) error {
	if len(tags) > maxTagsPerResource {
		return apierr.NumberExceedTags.Newf("The Tags parameter's number is exceed , Valid : %d: %d were given.", maxTagsPerResource, len(tags))
	}
	seen := map[string]bool{}
	for _, t := range tags {
		if t.Key == "" || len([]rune(t.Key)) > maxTagLength || reservedTag(t.Key) {
			return apierr.InvalidTagKeyMalformed.Newf("The specified Tag.n.Key %q is not valid: use 1 to 128 characters, not starting with aliyun or acs: and without http:// or https://.", t.Key)
		}
		if len([]rune(t.Value)) > maxTagLength || reservedTag(t.Value) {
			return apierr.InvalidTagValueMalformed.Newf("The specified Tag.n.Value %q of key %q is not valid: use at most 128 characters, not starting with aliyun or acs: and without http:// or https://.", t.Value, t.Key)
		}
		if seen[t.Key] {
			return apierr.DuplicateTagKey.Newf("The Tag.N.Key contain duplicate key: %q.", t.Key)
		}
		seen[t.Key] = true
	}
	return nil
}

func reservedTag(s string) bool {
	return strings.HasPrefix(s, "aliyun") || strings.HasPrefix(s, "acs:") || strings.Contains(s, "http://") || strings.Contains(s, "https://")
}

// tagFilter turns Tag.N of a describe action into a store filter: every key
// must be present, with the value when one is given.
func tagFilter(tags []TagParam) map[string][]string {
	f := map[string][]string{}
	for _, t := range tags {
		if _, ok := f[t.Key]; !ok {
			f[t.Key] = nil
		}
		if t.Value != "" {
			f[t.Key] = append(f[t.Key], t.Value)
		}
	}
	return f
}

func tagViews(tags []store.Tag) []TagView {
	out := []TagView{}
	for _, t := range tags {
		out = append(out, TagView{TagKey: t.Key, TagValue: t.Value, Key: t.Key, Value: t.Value})
	}
	return out
}

// taggable checks ResourceType: instance and disk are ecsd's resources.
func taggable(typ string) error {
	switch typ {
	case "":
		return apierr.MissingParameterResourceType.New()
	case store.ResourceInstance, store.ResourceDisk:
		return nil
	}
	return apierr.InvalidResourceTypeNotFound.Newf("The ResourceType provided does not exist in our records: %q; ecsd tags instance and disk.", typ)
}

// ownResources checks that every id names a resource of the type that the
// caller owns in the region (InvalidResourceId.NotFound), and that a RAM
// user may apply action to each (Forbidden.RAM).
func ownResources(ctx context.Context, env *rpc.Env, action, regionID, typ string, ids []string) error {
	q, accountID := env.Q(), env.Caller.AccountID
	if len(ids) == 0 {
		return apierr.MissingParameter.New("ResourceId.N")
	}
	if len(ids) > maxTagResources {
		return apierr.NumberExceedResourceIds.Newf("The ResourceIds parameter's number is exceed , Valid : %d: %d were given.", maxTagResources, len(ids))
	}
	var found map[string]bool
	switch typ {
	case store.ResourceInstance:
		list, _, err := q.InstanceList(ctx, store.InstanceFilter{AccountID: accountID, RegionID: regionID, IDs: ids})
		if err != nil {
			return err
		}
		found = map[string]bool{}
		for _, i := range list {
			found[i.ID] = true
		}
	case store.ResourceDisk:
		list, _, err := q.DiskList(ctx, store.DiskFilter{AccountID: accountID, RegionID: regionID, IDs: ids})
		if err != nil {
			return err
		}
		found = map[string]bool{}
		for _, d := range list {
			found[d.ID] = true
		}
	}
	rel := make([]string, len(ids))
	for k, id := range ids {
		if !found[id] {
			return apierr.InvalidResourceIdNotFound.Newf("The specified ResourceIds are not found in our records: no %s %s in region %s.", typ, id, regionID)
		}
		rel[k] = typ + "/" + id
	}
	return allowedOn(ctx, env, action, accountID, regionID, rel...)
}

// TagResourcesRequest is TagResources' input.
type TagResourcesRequest struct {
	RegionId     string     `param:"RegionId,required"`
	ResourceType string     `param:"ResourceType"`
	ResourceId   []string   `param:"ResourceId"`
	Tag          []TagParam `param:"Tag"`
}

// TagResourcesResponse is its answer.
type TagResourcesResponse struct{ rpc.Response }

// tagResources handles TagResources: the tags are set on every resource
// (a key already there takes the new value); a resource may carry 20.
func (s *Service) tagResources(ctx context.Context, env *rpc.Env, req *TagResourcesRequest) (*TagResourcesResponse, error) {
	if _, err := s.region(req.RegionId); err != nil {
		return nil, err
	}
	if err := taggable(req.ResourceType); err != nil {
		return nil, err
	}
	if len(req.Tag) == 0 {
		return nil, apierr.MissingParameterTags.New()
	}
	if err := checkTags(req.Tag); err != nil {
		return nil, err
	}
	tx := env.Tx
	if err := ownResources(ctx, env, "ecs:TagResources", req.RegionId, req.ResourceType, req.ResourceId); err != nil {
		return nil, err
	}
	for _, id := range req.ResourceId {
		for _, t := range req.Tag {
			if err := tx.ResourceTagSet(ctx, req.ResourceType, id, t.Key, t.Value); err != nil {
				return nil, err
			}
		}
	}
	// Counted after the writes, in their transaction: keys already there
	// count once, and a failure leaves nothing behind.
	have, err := tx.ResourceTags(ctx, req.ResourceType, req.ResourceId)
	if err != nil {
		return nil, err
	}
	for _, id := range req.ResourceId {
		if n := len(have[id]); n > maxTagsPerResource {
			return nil, apierr.OperationDeniedQuotaExceed.Newf("The quota of tags on resource is beyond permitted range: %s would carry %d tags; the limit is %d.", id, n, maxTagsPerResource)
		}
	}
	return &TagResourcesResponse{}, nil
}

// UntagResourcesRequest is UntagResources' input.
type UntagResourcesRequest struct {
	RegionId     string   `param:"RegionId,required"`
	ResourceType string   `param:"ResourceType"`
	ResourceId   []string `param:"ResourceId"`
	TagKey       []string `param:"TagKey"`
	All          bool     `param:"All"`
}

// UntagResourcesResponse is its answer.
type UntagResourcesResponse struct{ rpc.Response }

// untagResources handles UntagResources: the keys' tags go, or with All
// (and no TagKey.N) every tag of the resources. A key a resource does not
// carry is no error.
func (s *Service) untagResources(ctx context.Context, env *rpc.Env, req *UntagResourcesRequest) (*UntagResourcesResponse, error) {
	if _, err := s.region(req.RegionId); err != nil {
		return nil, err
	}
	if err := taggable(req.ResourceType); err != nil {
		return nil, err
	}
	if len(req.TagKey) > maxTagsPerResource {
		return nil, apierr.NumberExceedTags.Newf("The Tags parameter's number is exceed , Valid : %d: %d TagKey.N were given.", maxTagsPerResource, len(req.TagKey))
	}
	tx := env.Tx
	if err := ownResources(ctx, env, "ecs:UntagResources", req.RegionId, req.ResourceType, req.ResourceId); err != nil {
		return nil, err
	}
	keys := req.TagKey
	switch {
	case len(keys) > 0:
	case req.All:
		keys = nil
	default:
		return &UntagResourcesResponse{}, nil
	}
	for _, id := range req.ResourceId {
		if err := tx.ResourceTagDelete(ctx, req.ResourceType, id, keys); err != nil {
			return nil, err
		}
	}
	return &UntagResourcesResponse{}, nil
}

// ListTagResourcesRequest is ListTagResources' input.
type ListTagResourcesRequest struct {
	RegionId     string     `param:"RegionId,required"`
	ResourceType string     `param:"ResourceType"`
	ResourceId   []string   `param:"ResourceId"`
	Tag          []TagParam `param:"Tag"`
	TagFilter    []struct {
		TagKey    string   `param:"TagKey"`
		TagValues []string `param:"TagValues"`
	} `param:"TagFilter"`
	NextToken string `param:"NextToken"`
}

// ListTagResourcesResponse lists tags, one row per resource and key.
type ListTagResourcesResponse struct {
	rpc.Response
	NextToken    string
	TagResources struct {
		TagResource []TagResourceView
	}
}

// TagResourceView is one tag of one resource.
type TagResourceView struct {
	ResourceType, ResourceId, TagKey, TagValue string
}

// tagPageSize is how many tags a page of ListTagResources holds.
const tagPageSize = 50

// listTagResources handles ListTagResources: the tags of the resources
// named, or of the resources that carry the tags named, or of every
// resource of the type; 50 a page, with NextToken.
func (s *Service) listTagResources(ctx context.Context, env *rpc.Env, req *ListTagResourcesRequest) (*ListTagResourcesResponse, error) {
	if _, err := s.region(req.RegionId); err != nil {
		return nil, err
	}
	if err := taggable(req.ResourceType); err != nil {
		return nil, err
	}
	if len(req.ResourceId) > maxTagResources {
		return nil, apierr.NumberExceedResourceIds.Newf("The ResourceIds parameter's number is exceed , Valid : %d: %d were given.", maxTagResources, len(req.ResourceId))
	}
	if len(req.Tag)+len(req.TagFilter) > maxTagsPerResource {
		return nil, apierr.NumberExceedTags.Newf("The Tags parameter's number is exceed , Valid : %d.", maxTagsPerResource)
	}
	f := store.TagFilter{AccountID: env.Caller.AccountID, RegionID: req.RegionId, ResourceType: req.ResourceType, Limit: tagPageSize + 1}
	if len(req.ResourceId) > 0 {
		f.IDs = req.ResourceId
	}
	if len(req.Tag) > 0 || len(req.TagFilter) > 0 {
		f.Tags = tagFilter(req.Tag)
		for _, tf := range req.TagFilter {
			if tf.TagKey == "" {
				return nil, apierr.InvalidTagKeyMalformed.Newf("The specified TagFilter.N.TagKey is empty.")
			}
			f.Tags[tf.TagKey] = append(f.Tags[tf.TagKey], tf.TagValues...)
		}
	}
	if req.NextToken != "" {
		raw, err := base64.RawURLEncoding.DecodeString(req.NextToken)
		id, key, ok := strings.Cut(string(raw), "\x00")
		if err != nil || !ok || id == "" {
			return nil, apierr.InvalidNextToken.Newf("The specified NextToken %q is not valid: pass the NextToken of the previous page unchanged.", req.NextToken)
		}
		f.AfterID, f.AfterKey = id, key
	}
	tags, err := env.Q().ResourceTagList(ctx, f)
	if err != nil {
		return nil, err
	}
	resp := &ListTagResourcesResponse{}
	if len(tags) > tagPageSize {
		tags = tags[:tagPageSize]
		last := tags[len(tags)-1]
		resp.NextToken = base64.RawURLEncoding.EncodeToString([]byte(last.ResourceID + "\x00" + last.Key))
	}
	resp.TagResources.TagResource = []TagResourceView{}
	for _, t := range tags {
		resp.TagResources.TagResource = append(resp.TagResources.TagResource, TagResourceView{ResourceType: t.ResourceType, ResourceId: t.ResourceID, TagKey: t.Key, TagValue: t.Value})
	}
	return resp, nil
}

// resourceARNs is the resource function of the tag actions: each
// ResourceId.N as an ARN of its ResourceType.
func resourceARNs(accountID string, p map[string]string) []string {
	var out []string
	for k, v := range p {
		if rest, ok := strings.CutPrefix(k, "ResourceId."); ok && !strings.Contains(rest, ".") {
			out = append(out, arn(accountID, p["RegionId"], p["ResourceType"]+"/"+v))
		}
	}
	if len(out) == 0 {
		return []string{arn(accountID, p["RegionId"], p["ResourceType"]+"/*")}
	}
	slices.Sort(out)
	return out
}
