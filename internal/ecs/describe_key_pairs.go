package ecs

import (
	"context"
	"regexp"
	"strings"

	"github.com/ecsd/ecsd/internal/rpc"
	"github.com/ecsd/ecsd/internal/store"
)

// DescribeKeyPairsRequest is DescribeKeyPairs' input.
type DescribeKeyPairsRequest struct {
	rpc.AccountDelegation
	RegionId           string     `param:"RegionId,required"`
	KeyPairName        string     `param:"KeyPairName"` // * is a wildcard
	KeyPairFingerPrint string     `param:"KeyPairFingerPrint"`
	ResourceGroupId    string     `param:"ResourceGroupId"`
	IncludePublicKey   bool       `param:"IncludePublicKey"`
	PageNumber         *int       `param:"PageNumber"`
	PageSize           *int       `param:"PageSize"`
	_                  rpc.Refuse `refuse:"Tag" why:"key pairs carry no tags in ecsd"`
}

// DescribeKeyPairsResponse lists key pairs.
type DescribeKeyPairsResponse struct {
	rpc.Response
	TotalCount int
	PageNumber int
	PageSize   int
	KeyPairs   struct{ KeyPair []KeyPairView }
}

// KeyPairView is a key pair as DescribeKeyPairs reports it.
type KeyPairView struct {
	KeyPairName        string
	KeyPairFingerPrint string
	CreationTime       string
	ResourceGroupId    string
	PublicKey          string `json:",omitempty" xml:",omitempty"`
	Tags               struct{ Tag []TagView }
}

// describeKeyPairs handles DescribeKeyPairs: the caller's key pairs of the
// region, oldest first, filtered and paged (PageSize at most 50).
func (s *Service) describeKeyPairs(ctx context.Context, env *rpc.Env, req *DescribeKeyPairsRequest) (*DescribeKeyPairsResponse, error) {
	if _, err := s.region(req.RegionId); err != nil {
		return nil, err
	}
	page, err := rpc.Paging("PageNumber", req.PageNumber, req.PageSize, 10, 50)
	if err != nil {
		return nil, err
	}
	all, err := env.Q().KeyPairList(ctx, env.Caller.AccountID, req.RegionId)
	if err != nil {
		return nil, err
	}
	name := wildcard(req.KeyPairName)
	var match []*store.KeyPair
	for _, k := range all {
		if name.MatchString(k.Name) && (req.KeyPairFingerPrint == "" || k.Fingerprint == req.KeyPairFingerPrint) &&
			(req.ResourceGroupId == "" || k.ResourceGroupID == req.ResourceGroupId) {
			match = append(match, k)
		}
	}
	resp := &DescribeKeyPairsResponse{TotalCount: len(match), PageNumber: page.Number, PageSize: page.Size}
	resp.KeyPairs.KeyPair = []KeyPairView{}
	for _, k := range match[min(page.Offset(), len(match)):min(page.Offset()+page.Size, len(match))] {
		v := KeyPairView{KeyPairName: k.Name, KeyPairFingerPrint: k.Fingerprint, CreationTime: rpc.FormatTime(k.CreationTime), ResourceGroupId: k.ResourceGroupID}
		if req.IncludePublicKey {
			v.PublicKey = k.PublicKey
		}
		v.Tags.Tag = []TagView{}
		resp.KeyPairs.KeyPair = append(resp.KeyPairs.KeyPair, v)
	}
	return resp, nil
}

// wildcard matches a name where each * stands for any characters ("" and
// "*" match every name).
func wildcard(pattern string) *regexp.Regexp {
	parts := strings.Split(pattern, "*")
	for i, p := range parts {
		parts[i] = regexp.QuoteMeta(p)
	}
	if pattern == "" {
		return regexp.MustCompile(`.*`)
	}
	return regexp.MustCompile(`^` + strings.Join(parts, `.*`) + `$`)
}
