package ecs

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/binary"
	"fmt"
	"math/big"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"github.com/ecsd/ecsd/internal/apierr"
	"github.com/ecsd/ecsd/internal/auth"
	"github.com/ecsd/ecsd/internal/catalog"
	"github.com/ecsd/ecsd/internal/store"
)

// JobInserter inserts River jobs in a transaction (a *river.Client does).
type JobInserter interface {
	InsertTx(ctx context.Context, tx *sql.Tx, args river.JobArgs, opts *river.InsertOpts) (*rivertype.JobInsertResult, error)
}

// Service is the ECS domain: what the instance actions and their jobs share.
type Service struct {
	Catalog *catalog.Catalog
	Jobs    JobInserter
	// TransitionDelay is how long Pending, Starting and Stopping last.
	TransitionDelay time.Duration
	// ChangeDelay is how long an accepted spec change takes to apply.
	ChangeDelay time.Duration
	// UnpaidOrderTTL is how long an Unpaid order waits for payment.
	UnpaidOrderTTL time.Duration
	// DefaultVCPUQuota is the vCPUs an account may run per region when its
	// flags set no quota for the region.
	DefaultVCPUQuota int
	// MinChangeInterval is the least time between two spec changes of an
	// instance (the user guide's five minutes); 0 turns the rule off.
	MinChangeInterval time.Duration
}

// after schedules a job at a wall-clock delay from now. Delays of
// operations (Starting → Running) are wall time, whatever the domain clock
// says; deadlines of the domain (expiry) are timers on the domain clock.
func (s *Service) after(ctx context.Context, tx *store.Tx, delay time.Duration, args river.JobArgs) error {
	var opts *river.InsertOpts
	if delay > 0 {
		opts = &river.InsertOpts{ScheduledAt: time.Now().Add(delay)}
	}
	// Without a delay the job is available at once; a delayed one is made
	// available when due by every process (internal/jobs).
	_, err := s.Jobs.InsertTx(ctx, tx.SQL(), args, opts)
	return err
}

var instanceIDPattern = regexp.MustCompile(`^i-[a-z0-9]{4,30}$`)

// ownInstance returns the caller's instance in the region. An id that is not
// an instance id at all is InvalidInstanceId.NotFound with 400; a well-formed
// id that names none of the caller's instances (another account's included)
// is InvalidInstanceId.NotFound with 404.
func ownInstance(ctx context.Context, q store.Q, c auth.Caller, regionID, id string) (*store.Instance, error) {
	if !instanceIDPattern.MatchString(id) {
		return nil, apierr.InvalidInstanceIdNotFoundMalformed.Newf("The specified InstanceId does not exist: %q is not an instance id.", id)
	}
	var inst *store.Instance
	var err error
	if regionID == "" {
		// Clients that set no region (Go SDK v2 without RegionId) find the
		// instance by id alone.
		if inst, err = q.InstanceGetByID(ctx, id); err == nil && inst.AccountID != c.AccountID {
			err = store.ErrNotFound
		}
	} else {
		inst, err = q.InstanceGetOwned(ctx, c.AccountID, regionID, id)
	}
	if err == store.ErrNotFound {
		return nil, apierr.InvalidInstanceIdNotFound.Newf("The specified InstanceId does not exist: no instance %s in region %s.", id, regionID)
	}
	return inst, err
}

// region returns the catalog region or InvalidRegionId.NotFound.
func (s *Service) region(id string) (*catalog.Region, error) {
	if id == "" {
		return nil, apierr.MissingParameter.New("RegionId")
	}
	return getRegion(s.Catalog, id)
}

const idChars = "abcdefghijklmnopqrstuvwxyz0123456789"

// newID returns prefix + the region's id prefix + 18 lowercase letters and
// digits, the shape of ECS ids ("i-bp1..." in cn-hangzhou).
func newID(kind string, r *catalog.Region) string {
	return kind + "-" + r.InstanceIdPrefix + randomChars(18)
}

// randomChars returns n random lowercase letters and digits.
func randomChars(n int) string {
	b := make([]byte, n)
	max := big.NewInt(int64(len(idChars)))
	for i := range b {
		k, err := rand.Int(rand.Reader, max)
		if err != nil {
			panic(err)
		}
		b[i] = idChars[k.Int64()]
	}
	return string(b)
}

// zoneIndex is the zone's position in its region, for the zone's /64 of
// IPv6 addresses.
func zoneIndex(r *catalog.Region, zoneID string) int {
	for i, z := range r.Zones {
		if z.ZoneId == zoneID {
			return i
		}
	}
	return 0
}

// assignIPv6 returns n IPv6 addresses in the zone's /64 of the account's
// VPC (random interface ids: 64 bits do not collide).
func assignIPv6(r *catalog.Region, zoneID string, n int) []string {
	out := make([]string, n)
	for k := range out {
		var b [8]byte
		_, _ = rand.Read(b[:])
		out[k] = fmt.Sprintf("2408:4005:3c0:%x:%x:%x:%x:%x", zoneIndex(r, zoneID),
			binary.BigEndian.Uint16(b[0:]), binary.BigEndian.Uint16(b[2:]), binary.BigEndian.Uint16(b[4:]), binary.BigEndian.Uint16(b[6:]))
	}
	return out
}

func itoa(n int) string { return strconv.Itoa(n) }

// regionOfID returns the region whose id prefix an instance id carries
// ("i-bp…" is cn-hangzhou's), or "" when none does.
func (s *Service) regionOfID(id string) string {
	if !instanceIDPattern.MatchString(id) {
		return ""
	}
	for _, r := range s.Catalog.Regions() {
		if strings.HasPrefix(id[2:], r.InstanceIdPrefix) {
			return r.RegionId
		}
	}
	return ""
}
