// Package vpc is the VPC product (2016-04-28): VPCs, vSwitches and the
// system route table each VPC has, with their rules and codes. ECS places
// instances in its vSwitches and security groups in its VPCs; the default
// network (an account's default VPC, a zone's default vSwitch) is created
// here on first need.
package vpc

import (
	"context"
	"crypto/rand"
	"database/sql"
	"errors"
	"math/big"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"github.com/ecsd/ecsd/internal/apierr"
	"github.com/ecsd/ecsd/internal/catalog"
	"github.com/ecsd/ecsd/internal/rpc"
	"github.com/ecsd/ecsd/internal/store"
)

// JobInserter inserts River jobs in a transaction (a *river.Client does).
type JobInserter interface {
	InsertTx(ctx context.Context, tx *sql.Tx, args river.JobArgs, opts *river.InsertOpts) (*rivertype.JobInsertResult, error)
}

// Service is the VPC domain.
type Service struct {
	Catalog *catalog.Catalog
	Jobs    JobInserter
	// TransitionDelay is how long a new VPC or vSwitch stays Pending.
	TransitionDelay time.Duration
}

// Quotas of an account, as the VPC quota page gives them by default.
const (
	VpcQuota            = 10  // VPCs per account and region
	VSwitchQuota        = 150 // vSwitches per VPC
	DefaultVpcCidr      = "172.16.0.0/12"
	defaultVSwitchBits  = 20 // the default vSwitch of a zone: a /20 of the default VPC
	maxDescribePageSize = 50
)

// NewProduct returns the VPC product with its actions, sorted by name.
func NewProduct(s *Service) *rpc.Product {
	vpc, vsw := s.arnOf("vpc", "VpcId"), s.arnOf("vswitch", "VSwitchId")
	return &rpc.Product{
		Name:    "Vpc",
		Version: "2016-04-28",
		Denied:  apierr.ForbiddenRAM,
		Actions: []rpc.Action{
			{Name: "CreateVSwitch", RAM: "vpc:CreateVSwitch", Handle: rpc.Bind(s.createVSwitch), Write: true, Idempotent: true, Resources: vpc},
			{Name: "CreateVpc", RAM: "vpc:CreateVpc", Handle: rpc.Bind(s.createVpc), Write: true, Idempotent: true, Resources: arnAny("vpc")},
			{Name: "DeleteVSwitch", RAM: "vpc:DeleteVSwitch", Handle: rpc.Bind(s.deleteVSwitch), Write: true, Resources: vsw},
			{Name: "DeleteVpc", RAM: "vpc:DeleteVpc", Handle: rpc.Bind(s.deleteVpc), Write: true, Idempotent: true, Resources: vpc},
			{Name: "DescribeRouteTableList", RAM: "vpc:DescribeRouteTableList", Handle: rpc.Bind(s.describeRouteTableList)},
			{Name: "DescribeVSwitchAttributes", RAM: "vpc:DescribeVSwitchAttributes", Handle: rpc.Bind(s.describeVSwitchAttributes), Resources: vsw},
			{Name: "DescribeVSwitches", RAM: "vpc:DescribeVSwitches", Handle: rpc.Bind(s.describeVSwitches), Resources: arnAny("vswitch")},
			{Name: "DescribeVpcAttribute", RAM: "vpc:DescribeVpcAttribute", Handle: rpc.Bind(s.describeVpcAttribute), Resources: vpc},
			{Name: "DescribeVpcs", RAM: "vpc:DescribeVpcs", Handle: rpc.Bind(s.describeVpcs), Resources: arnAny("vpc")},
			{Name: "ModifyVSwitchAttribute", RAM: "vpc:ModifyVSwitchAttribute", Handle: rpc.Bind(s.modifyVSwitchAttribute), Write: true, Resources: vsw},
			{Name: "ModifyVpcAttribute", RAM: "vpc:ModifyVpcAttribute", Handle: rpc.Bind(s.modifyVpcAttribute), Write: true, Resources: vpc},
		},
	}
}

// arnOf returns the resource function of an action on the VPC or vSwitch
// named by param: the resource as stored (its own region and account), or,
// when the caller has no such resource (the handler answers NotFound), the
// ARN the request names. RegionId beside the id never shapes the ARN.
func (s *Service) arnOf(kind, param string) rpc.ResourceFunc {
	return func(ctx context.Context, r rpc.ResourceRequest) ([]string, error) {
		id := r.Params[param]
		if id != "" {
			region, err := storedRegion(ctx, r, kind, id)
			if err == nil {
				return []string{ARN(r.Caller.AccountID, region, kind, id)}, nil
			}
			if !errors.Is(err, store.ErrNotFound) {
				return nil, err
			}
		}
		return []string{ARN(r.Caller.AccountID, r.Params["RegionId"], kind, id)}, nil
	}
}

// storedRegion is the region of the caller's VPC or vSwitch, or ErrNotFound.
func storedRegion(ctx context.Context, r rpc.ResourceRequest, kind, id string) (string, error) {
	if kind == "vswitch" {
		sw, err := r.Q.VSwitchGet(ctx, r.Caller.AccountID, "", id)
		if err != nil {
			return "", err
		}
		return sw.RegionID, nil
	}
	v, err := r.Q.VpcGet(ctx, r.Caller.AccountID, "", id)
	if err != nil {
		return "", err
	}
	return v.RegionID, nil
}

// arnAny is the resource of actions that list or create in the region they
// require.
func arnAny(kind string) rpc.ResourceFunc {
	return func(_ context.Context, r rpc.ResourceRequest) ([]string, error) {
		return []string{ARN(r.Caller.AccountID, r.Params["RegionId"], kind, "*")}, nil
	}
}

// ARN names a VPC-product resource; an empty region matches any.
func ARN(accountID, region, kind, id string) string {
	if region == "" {
		region = "*"
	}
	return "acs:vpc:" + region + ":" + accountID + ":" + kind + "/" + id
}

const idChars = "abcdefghijklmnopqrstuvwxyz0123456789"

// NewID returns kind + "-" + the region's id prefix + 18 lowercase letters
// and digits, the shape of Alibaba Cloud ids ("vpc-bp1...").
func NewID(kind string, r *catalog.Region) string {
	b := make([]byte, 18)
	max := big.NewInt(int64(len(idChars)))
	for i := range b {
		n, err := rand.Int(rand.Reader, max)
		if err != nil {
			panic(err)
		}
		b[i] = idChars[n.Int64()]
	}
	return kind + "-" + r.InstanceIdPrefix + string(b)
}

// region returns the catalog region or InvalidRegionId.NotFound.
func (s *Service) region(id string) (*catalog.Region, error) {
	if id == "" {
		return nil, apierr.MissingParameter.New("RegionId")
	}
	r, ok := s.Catalog.Region(id)
	if !ok {
		return nil, apierr.InvalidRegionIdNotFound.Newf("The specified RegionId %q does not exist.", id)
	}
	return r, nil
}

// Names and descriptions (CreateVpc, CreateVSwitch docs): a name is 1 to
// 128 characters, starts with a letter (or a Chinese character) and holds
// letters, digits, '.', '_' and '-'; a description is 1 to 256 characters.
// Neither starts with http:// or https://.
var namePattern = regexp.MustCompile(`^[\p{L}][\p{L}\p{N}._\-: ]{0,127}$`)

func checkName(def *apierr.Def, what, name string) error {
	if name == "" {
		return nil
	}
	if !namePattern.MatchString(name) || hasURLPrefix(name) {
		return def.Newf("The %s %q is not valid: 1 to 128 characters, starting with a letter, of letters, digits, '.', '_', '-' and ':', not starting with http:// or https://.", what, name)
	}
	return nil
}

func checkDescription(d string) error {
	if d == "" {
		return nil
	}
	if len([]rune(d)) > 256 || hasURLPrefix(d) {
		return apierr.InvalidDescriptionMalformed.Newf("The Description is not valid: at most 256 characters, not starting with http:// or https://.")
	}
	return nil
}

func hasURLPrefix(s string) bool {
	return strings.HasPrefix(s, "http://") || strings.HasPrefix(s, "https://")
}

// Tag is a resource tag in a request.
type Tag struct {
	Key   string `param:"Key"`
	Value string `param:"Value"`
}

// TagView is a tag in an answer.
type TagView struct{ Key, Value string }

func checkTags(tags []Tag) error {
	if len(tags) > 20 {
		return apierr.InvalidParameter.Newf("At most 20 tags can be set on a resource.")
	}
	for _, t := range tags {
		if t.Key == "" || len(t.Key) > 128 || strings.HasPrefix(t.Key, "aliyun") || strings.HasPrefix(t.Key, "acs:") || hasURLPrefix(t.Key) {
			return apierr.InvalidParameter.Newf("The tag key %q is not valid: 1 to 128 characters, not starting with aliyun, acs:, http:// or https://.", t.Key)
		}
		if len(t.Value) > 128 || hasURLPrefix(t.Value) {
			return apierr.InvalidParameter.Newf("The tag value %q is not valid: at most 128 characters, not starting with http:// or https://.", t.Value)
		}
	}
	return nil
}

func setTags(ctx context.Context, q store.Q, id string, tags []Tag) error {
	for _, t := range tags {
		if err := q.VpcTagSet(ctx, id, t.Key, t.Value); err != nil {
			return err
		}
	}
	return nil
}

func tagViews(tags []store.Tag) []TagView {
	out := make([]TagView, 0, len(tags))
	for _, t := range tags {
		out = append(out, TagView(t))
	}
	return out
}

// ownerID is the account id as the numeric OwnerId of answers.
func ownerID(accountID string) int64 {
	n, _ := strconv.ParseInt(accountID, 10, 64)
	return n
}

// pageParams reads PageNumber and PageSize (defaults 1 and 10).
func pageParams(number, size *int) (int, int, error) {
	p, err := rpc.Paging("PageNumber", number, size, 10, maxDescribePageSize)
	return p.Number, p.Size, err
}

// splitIDs reads a comma-separated id list (VpcId, VSwitchId of the
// Describe actions): at most max ids.
func splitIDs(param, s string, max int) ([]string, error) {
	if s == "" {
		return nil, nil
	}
	var out []string
	for _, id := range strings.Split(s, ",") {
		if id = strings.TrimSpace(id); id != "" {
			out = append(out, id)
		}
	}
	if len(out) > max {
		return nil, apierr.InvalidParameter.Newf("The parameter %s holds %d ids; at most %d are allowed.", param, len(out), max)
	}
	return out, nil
}

func timeString(t time.Time) string { return rpc.FormatTimeSeconds(t) }

// TransitionArgs ends a VPC's or vSwitch's Pending after the delay.
type TransitionArgs struct {
	Resource string `json:"resource"` // "vpc" or "vswitch"
	ID       string `json:"id"`
}

func (TransitionArgs) Kind() string { return "vpc_transition" }

// TransitionWorker makes Pending resources Available. The status
// compare-and-set makes a second run of a job a no-op.
type TransitionWorker struct {
	river.WorkerDefaults[TransitionArgs]
	Store *store.Store
}

func (w *TransitionWorker) Work(ctx context.Context, job *river.Job[TransitionArgs]) error {
	return w.Store.InTx(ctx, func(tx *store.Tx) error {
		var err error
		if job.Args.Resource == "vswitch" {
			_, err = tx.VSwitchTransition(ctx, job.Args.ID, store.NetPending, store.NetAvailable)
		} else {
			_, err = tx.VpcTransition(ctx, job.Args.ID, store.NetPending, store.NetAvailable)
		}
		return err
	})
}

// AddWorkers registers the VPC workers with River.
func (s *Service) AddWorkers(workers *river.Workers, st *store.Store) {
	river.AddWorker(workers, &TransitionWorker{Store: st})
}

// becomeAvailable schedules the end of a new resource's Pending. Without a
// delay the job runs at once.
func (s *Service) becomeAvailable(ctx context.Context, tx *store.Tx, kind, id string) error {
	var opts *river.InsertOpts
	if s.TransitionDelay > 0 {
		opts = &river.InsertOpts{ScheduledAt: time.Now().Add(s.TransitionDelay)}
	}
	_, err := s.Jobs.InsertTx(ctx, tx.SQL(), TransitionArgs{Resource: kind, ID: id}, opts)
	return err
}
