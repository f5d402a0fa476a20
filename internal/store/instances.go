package store

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Instance statuses, as the API reports them.
const (
	StatusPending  = "Pending"
	StatusStarting = "Starting"
	StatusRunning  = "Running"
	StatusStopping = "Stopping"
	StatusStopped  = "Stopped"
)

// Charge types.
const (
	PrePaid  = "PrePaid"
	PostPaid = "PostPaid"
)

// Instance is an ECS instance row.
type Instance struct {
	ID                   string
	AccountID            string
	RegionID             string
	ZoneID               string
	InstanceType         string
	ImageID              string
	Name                 string
	Description          string
	HostName             string
	Status               string
	ChargeType           string
	ExpiredTime          time.Time // PrePaid: end of the subscription; PostPaid: zero
	Expired              bool      // the subscription ran out and was not renewed
	AutoRenew            bool
	AutoRenewPeriod      int
	StoppedMode          string
	VpcID                string
	VSwitchID            string
	SecurityGroupID      string
	PrivateIP            string
	EniCount             int
	SecondaryIPCount     int
	Ipv6Count            int
	EniQueueNumber       int
	NestedVirtualization bool
	Hibernation          bool
	RAMRole              string
	LockReason           string
	CreationTime         time.Time
	StartTime            time.Time
	Version              int64
	// InFlightOrderID is the order of the spec change being applied.
	InFlightOrderID string
	// ElasticUntil is the end of a temporary upgrade, after which the
	// instance goes back to ElasticFromType.
	ElasticUntil    time.Time
	ElasticFromType string
	OnlineChanges   int
	LastChangeAt    time.Time
	Flags           InstanceFlags
	// AutoRenewUnit is the unit of AutoRenewPeriod (Month or Week).
	AutoRenewUnit string
	// Set by ModifyInstanceAttribute.
	DeletionProtection  bool
	CreditSpecification string
	UserData            string // Base64, as given
	PasswordHash        string
	// RenewalStatus is AutoRenewal when AutoRenew is set, else Normal or
	// NotRenewal as last set.
	RenewalStatus string
	// MaintenanceAction is ActionOnMaintenance ("" for the type's default).
	MaintenanceAction  string
	MaintenanceNotify  bool
	MaintenanceWindows []MaintenanceWindow
	Lifecycle          InstanceLifecycle
	// Set by RunInstances: the login key pair's name (kept when the key
	// pair is deleted, as ECS does), the resource group, a serial number
	// (a UUID) and the metadata service options.
	KeyPairName     string
	ResourceGroupID string
	SerialNumber    string
	Metadata        MetadataOptions
}

// MetadataOptions are an instance's metadata service options.
type MetadataOptions struct {
	HttpEndpoint string // enabled or disabled
	HttpTokens   string // optional or required
	HopLimit     int    // HttpPutResponseHopLimit, 1 to 64
}

// Renewal statuses of a subscription.
const (
	RenewalNormal      = "Normal"
	RenewalAutoRenewal = "AutoRenewal"
	RenewalNotRenewal  = "NotRenewal"
)

// MaintenanceWindow is a daily window for maintenance, "HH:mm:ssZ" times.
type MaintenanceWindow struct{ StartTime, EndTime string }

// InstanceFlags is state an instance gets from other products, set through
// the admin API.
type InstanceFlags struct {
	EipAddress                string `json:",omitempty"`
	StarterPackage            bool   `json:",omitempty"`
	RenewDowngradePlanned     bool   `json:",omitempty"`
	VpcAdvancedNetworkFeature bool   `json:",omitempty"`
	SystemDiskDetached        bool   `json:",omitempty"`
	SystemDiskMissing         bool   `json:",omitempty"`
	NoPurchaseRecord          bool   `json:",omitempty"`
	ImageNotAuthorized        bool   `json:",omitempty"`
}

const instanceColumns = `id, account_id, region_id, zone_id, instance_type, image_id, name, description, host_name,
	status, charge_type, expired_time, expired, auto_renew, auto_renew_period, stopped_mode, vpc_id, vswitch_id,
	security_group_id, private_ip, eni_count, secondary_ip_count, ipv6_count, eni_queue_number,
	nested_virtualization, hibernation, ram_role, lock_reason, creation_time, start_time, version,
	in_flight_order_id, elastic_until, elastic_from_type, online_changes, last_change_at, flags, auto_renew_unit,
	deletion_protection, credit_specification, user_data, password_hash,
	renewal_status, maintenance_action, maintenance_notify, maintenance_windows,
	key_pair_name, resource_group_id, serial_number, http_endpoint, http_tokens, http_put_response_hop_limit, ` + instanceLifecycleColumns

func scanInstance(row scanner) (*Instance, error) {
	var i Instance
	var expired, created, started, elastic, online, lastChange int64
	var autoRenewPeriod, eni, secIP, ipv6, queue, hops int64
	var flags, windows string
	lifecycle, finishLifecycle := i.Lifecycle.scanTargets()
	err := row.Scan(append([]any{&i.ID, &i.AccountID, &i.RegionID, &i.ZoneID, &i.InstanceType, &i.ImageID, &i.Name, &i.Description, &i.HostName,
		&i.Status, &i.ChargeType, &expired, &i.Expired, &i.AutoRenew, &autoRenewPeriod, &i.StoppedMode, &i.VpcID, &i.VSwitchID,
		&i.SecurityGroupID, &i.PrivateIP, &eni, &secIP, &ipv6, &queue,
		&i.NestedVirtualization, &i.Hibernation, &i.RAMRole, &i.LockReason, &created, &started, &i.Version,
		&i.InFlightOrderID, &elastic, &i.ElasticFromType, &online, &lastChange, &flags, &i.AutoRenewUnit,
		&i.DeletionProtection, &i.CreditSpecification, &i.UserData, &i.PasswordHash,
		&i.RenewalStatus, &i.MaintenanceAction, &i.MaintenanceNotify, &windows,
		&i.KeyPairName, &i.ResourceGroupID, &i.SerialNumber, &i.Metadata.HttpEndpoint, &i.Metadata.HttpTokens, &hops}, lifecycle...)...)
	if err != nil {
		return nil, interpretError(err)
	}
	finishLifecycle()
	if i.AutoRenew {
		i.RenewalStatus = RenewalAutoRenewal
	} else if i.RenewalStatus == RenewalAutoRenewal {
		i.RenewalStatus = RenewalNormal // auto-renewal was turned off elsewhere (a change of charge type)
	}
	if err := json.Unmarshal([]byte(windows), &i.MaintenanceWindows); err != nil {
		return nil, fmt.Errorf("instance %s maintenance windows: %w", i.ID, err)
	}
	if elastic != 0 {
		i.ElasticUntil = fromMicros(elastic)
	}
	if lastChange != 0 {
		i.LastChangeAt = fromMicros(lastChange)
	}
	i.OnlineChanges = int(online)
	if err := json.Unmarshal([]byte(flags), &i.Flags); err != nil {
		return nil, fmt.Errorf("instance %s flags: %w", i.ID, err)
	}
	if expired != 0 {
		i.ExpiredTime = fromMicros(expired)
	}
	i.CreationTime = fromMicros(created)
	if started != 0 {
		i.StartTime = fromMicros(started)
	}
	i.Metadata.HopLimit = int(hops)
	i.AutoRenewPeriod, i.EniCount, i.SecondaryIPCount, i.Ipv6Count, i.EniQueueNumber = int(autoRenewPeriod), int(eni), int(secIP), int(ipv6), int(queue)
	return &i, nil
}

func optMicros(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return micros(t)
}

// InstanceInsert stores a new instance.
func (q Q) InstanceInsert(ctx context.Context, i *Instance) error {
	flags, err := json.Marshal(i.Flags)
	if err != nil {
		return err
	}
	windows, err := jsonList(i.MaintenanceWindows)
	if err != nil {
		return err
	}
	if i.RenewalStatus == "" {
		i.RenewalStatus = RenewalNormal
	}
	_, err = q.db.ExecContext(ctx, `INSERT INTO instances (`+instanceColumns+`) VALUES
		($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24, $25, $26, $27, $28, $29, $30, $31,
		 $32, $33, $34, $35, $36, $37, $38, $39, $40, $41, $42, $43, $44, $45, $46,
		 $47, $48, $49, $50, $51, $52, $53, $54, $55, $56, $57)`, append([]any{
		i.ID, i.AccountID, i.RegionID, i.ZoneID, i.InstanceType, i.ImageID, i.Name, i.Description, i.HostName,
		i.Status, i.ChargeType, optMicros(i.ExpiredTime), i.Expired, i.AutoRenew, i.AutoRenewPeriod, i.StoppedMode, i.VpcID, i.VSwitchID,
		i.SecurityGroupID, i.PrivateIP, i.EniCount, i.SecondaryIPCount, i.Ipv6Count, i.EniQueueNumber,
		i.NestedVirtualization, i.Hibernation, i.RAMRole, i.LockReason, micros(i.CreationTime), optMicros(i.StartTime), i.Version,
		i.InFlightOrderID, optMicros(i.ElasticUntil), i.ElasticFromType, i.OnlineChanges, optMicros(i.LastChangeAt), string(flags), i.AutoRenewUnit,
		i.DeletionProtection, i.CreditSpecification, i.UserData, i.PasswordHash,
		i.RenewalStatus, i.MaintenanceAction, i.MaintenanceNotify, windows,
		i.KeyPairName, i.ResourceGroupID, i.SerialNumber, i.Metadata.HttpEndpoint, i.Metadata.HttpTokens, i.Metadata.HopLimit}, i.Lifecycle.args()...)...)
	return interpretError(err)
}

// InstanceGetByID returns an instance of any account, or ErrNotFound.
func (q Q) InstanceGetByID(ctx context.Context, id string) (*Instance, error) {
	return scanInstance(q.db.QueryRowContext(ctx, `SELECT `+instanceColumns+` FROM instances WHERE id = $1`, id))
}

// InstanceGetOwned returns the account's instance in the region, or
// ErrNotFound when there is none — also when another account owns it.
func (q Q) InstanceGetOwned(ctx context.Context, accountID, regionID, id string) (*Instance, error) {
	return scanInstance(q.db.QueryRowContext(ctx,
		`SELECT `+instanceColumns+` FROM instances WHERE id = $1 AND account_id = $2 AND region_id = $3`, id, accountID, regionID))
}

// InstanceFilter selects instances for InstanceList. Empty fields match all.
type InstanceFilter struct {
	AccountID    string
	RegionID     string
	IDs          []string
	ZoneID       string
	Status       string
	InstanceType string
	ChargeType   string
	Name         string // exact, or a prefix when it ends in "*"
	// Tags: each key present, with one of its values (none: any value).
	Tags map[string][]string
	// Network: the instance's VPC, vSwitch, one of its security groups,
	// one of its private IPs.
	VpcID, VSwitchID, SecurityGroupID string
	PrivateIPs                        []string
	// Public internet: one of the public IPs, the InternetChargeType.
	PublicIPs          []string
	InternetChargeType string
	// Identity: the key pair, the resource group, the metadata options
	// (HopLimit 0 matches all).
	KeyPairName, ResourceGroupID, HttpEndpoint, HttpTokens string
	HopLimit                                               int
	// Types: one of these instance types (nil: any). ImageID and
	// LockReason: exact.
	Types               []string
	ImageID, LockReason string
	// Ipv6: one of the instance's ENIs holds one of these addresses.
	Ipv6 []string
	// Creation and expiry bounds, inclusive (zero: open); a pay-as-you-go
	// instance never expires.
	CreatedFrom, CreatedTo, ExpiresFrom, ExpiresTo time.Time
	// DeviceAvailable, when set, keeps the instances that have (true) or
	// have not (false) fewer data disks than DiskLimits gives their type.
	DeviceAvailable *bool
	DiskLimits      map[string]int
	// Paging: Offset/Limit, or After (a cursor from InstanceCursor).
	Offset int
	Limit  int
	After  string
}

// InstanceCursor is the NextToken cursor of an instance: lists are ordered
// by creation time then id, so a cursor survives inserts and deletes.
func InstanceCursor(i *Instance) string {
	return strconv.FormatInt(micros(i.CreationTime), 10) + "_" + i.ID
}

// splitCursor reads an InstanceCursor back: creation time in microseconds
// and id.
func splitCursor(c string) (int64, string) {
	ts, id, _ := strings.Cut(c, "_")
	us, _ := strconv.ParseInt(ts, 10, 64)
	return us, id
}

// InstanceList returns the matching instances, oldest first, and how many
// match in all (without paging).
func (q Q) InstanceList(ctx context.Context, f InstanceFilter) ([]*Instance, int, error) {
	var where []string
	var args []any
	arg := func(v any) string {
		args = append(args, v)
		return "$" + strconv.Itoa(len(args))
	}
	where = append(where, "account_id = "+arg(f.AccountID))
	if f.RegionID != "" {
		where = append(where, "region_id = "+arg(f.RegionID))
	}
	if f.IDs != nil {
		if len(f.IDs) == 0 {
			return nil, 0, nil
		}
		var ph []string
		for _, id := range f.IDs {
			ph = append(ph, arg(id))
		}
		where = append(where, "id IN ("+strings.Join(ph, ", ")+")")
	}
	// In a fixed order: the same filters make the same statement, which
	// the connections keep prepared.
	for _, c := range [...]struct{ col, v string }{{"zone_id", f.ZoneID}, {"status", f.Status}, {"instance_type", f.InstanceType}, {"charge_type", f.ChargeType},
		{"vpc_id", f.VpcID}, {"vswitch_id", f.VSwitchID}, {"image_id", f.ImageID}, {"lock_reason", f.LockReason},
		{"key_pair_name", f.KeyPairName}, {"resource_group_id", f.ResourceGroupID}, {"http_endpoint", f.HttpEndpoint}, {"http_tokens", f.HttpTokens}} {
		if c.v != "" {
			where = append(where, c.col+" = "+arg(c.v))
		}
	}
	if f.Name != "" {
		if prefix, ok := strings.CutSuffix(f.Name, "*"); ok {
			where = append(where, "substr(name, 1, "+arg(len(prefix))+") = "+arg(prefix))
		} else {
			where = append(where, "name = "+arg(f.Name))
		}
	}
	if f.HopLimit != 0 {
		where = append(where, "http_put_response_hop_limit = "+arg(f.HopLimit))
	}
	if f.SecurityGroupID != "" {
		where = append(where, "EXISTS (SELECT 1 FROM instance_security_groups m WHERE m.instance_id = instances.id AND m.group_id = "+arg(f.SecurityGroupID)+")")
	}
	if len(f.PrivateIPs) > 0 {
		var ph []string
		for _, ip := range f.PrivateIPs {
			ph = append(ph, arg(ip))
		}
		where = append(where, "private_ip IN ("+strings.Join(ph, ", ")+")")
	}
	where = append(where, internetConditions(f, arg)...)
	if f.Types != nil {
		if len(f.Types) == 0 {
			return nil, 0, nil
		}
		ph, more := inList(f.Types, len(args))
		args = append(args, more...)
		where = append(where, "instance_type IN ("+ph+")")
	}
	if len(f.Ipv6) > 0 {
		var like []string
		for _, ip := range f.Ipv6 {
			like = append(like, "n.ipv6_addresses LIKE "+arg(`%"`+ip+`"%`))
		}
		// A count, not EXISTS: PostgreSQL would make EXISTS a join that
		// scans every ENI; the count is looked up per instance by index.
		where = append(where, "(SELECT COUNT(*) FROM network_interfaces n WHERE n.instance_id = instances.id AND ("+strings.Join(like, " OR ")+")) > 0")
	}
	where = append(where, timeBounds(f, arg)...)
	if f.DeviceAvailable != nil {
		where = append(where, dataDiskSlots(f.DiskLimits, *f.DeviceAvailable, arg))
	}
	where = append(where, tagConditions("instance_tags", "instance_id", "instances.id", f.Tags, arg)...)
	cond := strings.Join(where, " AND ")
	if f.IDs != nil {
		return q.instanceListByIDs(ctx, f, cond, args)
	}
	countQuery, countArgs := `SELECT COUNT(*) FROM instances WHERE `+cond, args[:len(args):len(args)]
	if f.After != "" {
		us, id := splitCursor(f.After)
		a, b := arg(us), arg(id)
		// The first term bounds the index range; the second skips the
		// rows of the cursor's own instant up to its id.
		cond += " AND creation_time >= " + a + " AND (creation_time > " + a + " OR id > " + b + ")"
	}
	query := `SELECT ` + instanceColumns + ` FROM instances WHERE ` + cond + ` ORDER BY creation_time, id`
	if f.Limit > 0 {
		query += " LIMIT " + arg(f.Limit) + " OFFSET " + arg(f.Offset)
	}
	out, err := queryAll(ctx, q.db, scanInstance, query, args...)
	if err != nil {
		return nil, 0, err
	}
	if len(where) == 2 && f.RegionID != "" {
		// The whole region: its count is kept in instance_counts, so a
		// page of a large account costs no COUNT over it.
		total, err := q.InstanceCountInRegion(ctx, f.AccountID, f.RegionID)
		return out, total, err
	}
	total, err := q.total(ctx, len(out), f.Offset == 0 && f.After == "", f.Limit, countQuery, countArgs...)
	return out, total, err
}

// timeBounds are the conditions of a filter's creation and expiry bounds.
func timeBounds(f InstanceFilter, arg func(any) string) []string {
	var out []string
	if !f.CreatedFrom.IsZero() {
		out = append(out, "creation_time >= "+arg(micros(f.CreatedFrom)))
	}
	if !f.CreatedTo.IsZero() {
		out = append(out, "creation_time <= "+arg(micros(f.CreatedTo)))
	}
	if !f.ExpiresFrom.IsZero() {
		out = append(out, "(expired_time = 0 OR expired_time >= "+arg(micros(f.ExpiresFrom))+")")
	}
	if !f.ExpiresTo.IsZero() {
		out = append(out, "(expired_time <> 0 AND expired_time <= "+arg(micros(f.ExpiresTo))+")")
	}
	return out
}

// dataDiskSlots is the condition that an instance has (free) or has not
// fewer data disks than its type's limit; a type without a limit has none.
func dataDiskSlots(limits map[string]int, free bool, arg func(any) string) string {
	byLimit := map[int][]string{}
	for t, n := range limits {
		byLimit[n] = append(byLimit[n], t)
	}
	limit := "0"
	if len(byLimit) > 0 {
		limit = "CASE"
		for _, n := range slices.Sorted(maps.Keys(byLimit)) {
			var ph []string
			for _, t := range slices.Sorted(slices.Values(byLimit[n])) {
				ph = append(ph, arg(t))
			}
			// The limit is a literal: as a parameter its type is unknown to PostgreSQL.
			limit += " WHEN instance_type IN (" + strings.Join(ph, ", ") + ") THEN " + strconv.Itoa(n)
		}
		limit += " ELSE 0 END"
	}
	op := " < "
	if !free {
		op = " >= "
	}
	return "(SELECT COUNT(*) FROM disks d WHERE d.instance_id = instances.id AND d.disk_type = 'data')" + op + limit
}

// instanceListByIDs serves a list that names its instances (at most 100):
// they are read by primary key and ordered and paged here, so the planner
// cannot prefer walking the account's creation-time index instead.
func (q Q) instanceListByIDs(ctx context.Context, f InstanceFilter, cond string, args []any) ([]*Instance, int, error) {
	all, err := queryAll(ctx, q.db, scanInstance, `SELECT `+instanceColumns+` FROM instances WHERE `+cond, args...)
	if err != nil {
		return nil, 0, err
	}
	slices.SortFunc(all, func(a, b *Instance) int {
		return cmp.Or(cmp.Compare(micros(a.CreationTime), micros(b.CreationTime)), strings.Compare(a.ID, b.ID))
	})
	out := all
	if f.After != "" {
		us, id := splitCursor(f.After)
		out = slices.DeleteFunc(slices.Clone(out), func(i *Instance) bool {
			c := micros(i.CreationTime)
			return c < us || (c == us && i.ID <= id)
		})
	}
	if f.Limit > 0 {
		out = out[min(max(f.Offset, 0), len(out)):]
		out = out[:min(f.Limit, len(out))]
	}
	return out, len(all), nil
}

// InstanceTransition moves an instance from one status to another, only if
// it is still in the expected status (a compare-and-set: of two concurrent
// StopInstance calls one wins). It returns false when the status had moved.
func (q Q) InstanceTransition(ctx context.Context, id, from, to string, now time.Time) (bool, error) {
	query := `UPDATE instances SET status = $3, version = version + 1 WHERE id = $1 AND status = $2`
	args := []any{id, from, to}
	if to == StatusRunning {
		query = `UPDATE instances SET status = $3, version = version + 1, start_time = $4 WHERE id = $1 AND status = $2`
		args = append(args, micros(now))
	}
	res, err := q.db.ExecContext(ctx, query, args...)
	if err != nil {
		return false, interpretError(err)
	}
	n, err := res.RowsAffected()
	return n == 1, interpretError(err)
}

// InstanceSetStoppedMode records how the instance was stopped.
func (q Q) InstanceSetStoppedMode(ctx context.Context, id, mode string) error {
	res, err := q.db.ExecContext(ctx, `UPDATE instances SET stopped_mode = $2 WHERE id = $1`, id, mode)
	return affectedOne(res, err)
}

// InstanceSetExpiry sets a subscription's end and whether it has run out.
func (q Q) InstanceSetExpiry(ctx context.Context, id string, expiredTime time.Time, expired bool) error {
	res, err := q.db.ExecContext(ctx, `UPDATE instances SET expired_time = $2, expired = $3, version = version + 1 WHERE id = $1`,
		id, micros(expiredTime), expired)
	return affectedOne(res, err)
}

// InstanceDelete removes an instance, its tags, its network interfaces
// and the disks deleted with it; its other disks stay, unattached.
func (q Q) InstanceDelete(ctx context.Context, id string) error {
	if _, err := q.db.ExecContext(ctx, `DELETE FROM disk_tags WHERE disk_id IN (SELECT id FROM disks WHERE instance_id = $1 AND delete_with_instance = TRUE)`, id); err != nil {
		return interpretError(err)
	}
	if _, err := q.db.ExecContext(ctx, `DELETE FROM disks WHERE instance_id = $1 AND delete_with_instance = TRUE`, id); err != nil {
		return interpretError(err)
	}
	if err := q.diskDetachAll(ctx, id); err != nil {
		return err
	}
	if _, err := q.db.ExecContext(ctx, `DELETE FROM network_interfaces WHERE instance_id = $1`, id); err != nil {
		return interpretError(err)
	}
	if _, err := q.db.ExecContext(ctx, `DELETE FROM instance_tags WHERE instance_id = $1`, id); err != nil {
		return interpretError(err)
	}
	if err := q.internetDelete(ctx, id); err != nil {
		return err
	}
	res, err := q.db.ExecContext(ctx, `DELETE FROM instances WHERE id = $1`, id)
	return affectedOne(res, err)
}

// InstanceTypesInRegion counts, for quota checks, an account's instances in
// a region by type and, while a change of one is in flight, the type it is
// changing to (vCPUs come from the catalog). An accepted change holds its
// target's vCPUs from acceptance, paid or not, so that changes accepted
// before the first is applied cannot together pass the quota. The counts
// come from instance_counts (kept by triggers), and only the instances with
// a change in flight are read, so the cost does not grow with the account.
func (q Q) InstanceTypesInRegion(ctx context.Context, accountID, regionID string) ([]InstanceTypes, error) {
	scanTypes := func(r scanner) (*InstanceTypes, error) {
		var t InstanceTypes
		return &t, interpretError(r.Scan(&t.Type, &t.Changing, &t.Count))
	}
	byType, err := queryAll(ctx, q.db, scanTypes,
		`SELECT instance_type, '', n FROM instance_counts WHERE account_id = $1 AND region_id = $2 AND n <> 0`, accountID, regionID)
	if err != nil {
		return nil, err
	}
	changing, err := queryAll(ctx, q.db, scanTypes,
		`SELECT i.instance_type, COALESCE((SELECT o.instance_type FROM orders o WHERE o.id = i.in_flight_order_id), ''), 1
		FROM instances i WHERE i.account_id = $1 AND i.region_id = $2 AND i.in_flight_order_id <> ''`, accountID, regionID)
	if err != nil {
		return nil, err
	}
	counts := map[InstanceTypes]int{}
	for _, t := range byType {
		counts[InstanceTypes{Type: t.Type}] += t.Count
	}
	for _, t := range changing {
		counts[InstanceTypes{Type: t.Type}]--
		counts[InstanceTypes{Type: t.Type, Changing: t.Changing}]++
	}
	var out []InstanceTypes
	for _, k := range slices.SortedFunc(maps.Keys(counts), func(a, b InstanceTypes) int {
		return cmp.Or(cmp.Compare(a.Type, b.Type), cmp.Compare(a.Changing, b.Changing))
	}) {
		if n := counts[k]; n != 0 {
			k.Count = n
			out = append(out, k)
		}
	}
	return out, nil
}

// InstanceCountInRegion is how many instances the account has in the
// region, from instance_counts.
func (q Q) InstanceCountInRegion(ctx context.Context, accountID, regionID string) (int, error) {
	var n int64
	err := q.db.QueryRowContext(ctx, `SELECT COALESCE(SUM(n), 0) FROM instance_counts WHERE account_id = $1 AND region_id = $2`,
		accountID, regionID).Scan(&n)
	return int(n), interpretError(err)
}

// InstanceTypes counts instances of one type changing to another ("" when
// no change is in flight).
type InstanceTypes struct {
	Type, Changing string
	Count          int
}

// inList returns "$k+1, $k+2, ..." and the values as arguments.
func inList(vals []string, k int) (string, []any) {
	ph := make([]string, len(vals))
	args := make([]any, len(vals))
	for i, v := range vals {
		ph[i] = "$" + strconv.Itoa(k+i+1)
		args[i] = v
	}
	return strings.Join(ph, ", "), args
}

// InstanceSetFlags replaces an instance's flags (and its operation lock).
func (q Q) InstanceSetFlags(ctx context.Context, id string, f InstanceFlags, lockReason string) error {
	b, err := json.Marshal(f)
	if err != nil {
		return err
	}
	res, err := q.db.ExecContext(ctx, `UPDATE instances SET flags = $2, lock_reason = $3, version = version + 1 WHERE id = $1`, id, string(b), lockReason)
	return affectedOne(res, err)
}

// InstanceClaimChange marks a change (of type or of charge type) in
// flight, only if none is and the instance still has the charge type the
// change was checked against: the compare-and-set that lets one of several
// concurrent changes win. It returns false when another change holds the
// instance or has changed its charge type.
func (q Q) InstanceClaimChange(ctx context.Context, id, orderID, chargeType string) (bool, error) {
	res, err := q.db.ExecContext(ctx, `UPDATE instances SET in_flight_order_id = $2, version = version + 1
		WHERE id = $1 AND in_flight_order_id = '' AND charge_type = $3`, id, orderID, chargeType)
	if err != nil {
		return false, interpretError(err)
	}
	n, err := res.RowsAffected()
	return n == 1, interpretError(err)
}

// SpecChange is what applying a change writes.
type SpecChange struct {
	InstanceType    string
	ZoneID          string
	VSwitchID       string
	PrivateIP       string
	ElasticUntil    time.Time
	ElasticFromType string
	Online          bool
	At              time.Time
}

// InstanceApplyChange applies the in-flight change of orderID and clears it,
// only if that order still holds the instance (a job run twice applies it
// once). It returns false when it did nothing.
func (q Q) InstanceApplyChange(ctx context.Context, id, orderID string, c SpecChange) (bool, error) {
	online := "0"
	if c.Online {
		online = "online_changes + 1"
	}
	res, err := q.db.ExecContext(ctx, `UPDATE instances SET instance_type = $3, zone_id = $4, vswitch_id = $5, private_ip = $6,
		elastic_until = $7, elastic_from_type = $8, online_changes = `+online+`, last_change_at = $9, in_flight_order_id = '', version = version + 1
		WHERE id = $1 AND in_flight_order_id = $2`,
		id, orderID, c.InstanceType, c.ZoneID, c.VSwitchID, c.PrivateIP, optMicros(c.ElasticUntil), c.ElasticFromType, micros(c.At))
	if err != nil {
		return false, interpretError(err)
	}
	n, err := res.RowsAffected()
	if err != nil || n != 1 {
		return false, interpretError(err)
	}
	// A move across zones moves the primary ENI with the instance.
	_, err = q.db.ExecContext(ctx, `UPDATE network_interfaces SET zone_id = $2, vswitch_id = $3, private_ip = $4
		WHERE instance_id = $1 AND eni_type = 'Primary'`, id, c.ZoneID, c.VSwitchID, c.PrivateIP)
	return true, interpretError(err)
}

// InstanceReleaseChange clears an in-flight change that will not be
// applied (its order was cancelled).
func (q Q) InstanceReleaseChange(ctx context.Context, id, orderID string) error {
	_, err := q.db.ExecContext(ctx, `UPDATE instances SET in_flight_order_id = '', version = version + 1 WHERE id = $1 AND in_flight_order_id = $2`, id, orderID)
	return interpretError(err)
}

// InstanceResetOnlineChanges clears the count of online changes (a start
// or reboot applies them).
func (q Q) InstanceResetOnlineChanges(ctx context.Context, id string) error {
	_, err := q.db.ExecContext(ctx, `UPDATE instances SET online_changes = 0 WHERE id = $1`, id)
	return interpretError(err)
}

// InstanceLock takes the instance row's write lock for the rest of the
// transaction and returns the row as it is under that lock (a no-op
// update, as AccountLock). Write paths that touch an instance and money
// call it before the account's lock: see "Lock order" in doc.go.
func (q Q) InstanceLock(ctx context.Context, id string) (*Instance, error) {
	return scanInstance(q.db.QueryRowContext(ctx,
		`UPDATE instances SET version = version WHERE id = $1 RETURNING `+instanceColumns, id))
}

// jsonList marshals a list, nil as [].
func jsonList[T any](list []T) (string, error) {
	if list == nil {
		list = []T{}
	}
	b, err := json.Marshal(list)
	return string(b), err
}

// InstanceSetRenewal sets how a subscription is renewed at its end: auto
// renewal (by period units) only with RenewalAutoRenewal.
func (q Q) InstanceSetRenewal(ctx context.Context, id, status string, period int, unit string) error {
	res, err := q.db.ExecContext(ctx, `UPDATE instances SET renewal_status = $2, auto_renew = $3, auto_renew_period = $4, auto_renew_unit = $5,
		version = version + 1 WHERE id = $1`, id, status, status == RenewalAutoRenewal, period, unit)
	return affectedOne(res, err)
}

// InstanceSetMaintenance sets an instance's maintenance attributes.
func (q Q) InstanceSetMaintenance(ctx context.Context, id, action string, notify bool, windows []MaintenanceWindow) error {
	w, err := jsonList(windows)
	if err != nil {
		return err
	}
	res, err := q.db.ExecContext(ctx, `UPDATE instances SET maintenance_action = $2, maintenance_notify = $3, maintenance_windows = $4,
		version = version + 1 WHERE id = $1`, id, action, notify, w)
	return affectedOne(res, err)
}

// ChargeTypeChange is what a change of charge type writes.
type ChargeTypeChange struct {
	ChargeType      string
	ExpiredTime     time.Time // zero for PostPaid
	AutoRenew       bool
	AutoRenewPeriod int
	AutoRenewUnit   string
}

// InstanceApplyChargeType applies the change of charge type that claimID
// holds in flight and clears the claim (false: the claim was gone).
func (q Q) InstanceApplyChargeType(ctx context.Context, id, claimID string, c ChargeTypeChange) (bool, error) {
	res, err := q.db.ExecContext(ctx, `UPDATE instances SET charge_type = $3, expired_time = $4, expired = FALSE, auto_renew = $5,
		auto_renew_period = $6, auto_renew_unit = $7, in_flight_order_id = '', version = version + 1
		WHERE id = $1 AND in_flight_order_id = $2`,
		id, claimID, c.ChargeType, optMicros(c.ExpiredTime), c.AutoRenew, c.AutoRenewPeriod, c.AutoRenewUnit)
	if err != nil {
		return false, interpretError(err)
	}
	n, err := res.RowsAffected()
	return n == 1, interpretError(err)
}

// InstanceAttributes are what ModifyInstanceAttribute sets; nil fields stay.
type InstanceAttributes struct {
	Name, Description, HostName, UserData, PasswordHash, CreditSpecification, SecurityGroupID *string
	DeletionProtection                                                                        *bool
	EniQueueNumber                                                                            *int
}

// InstanceSetAttributes writes the attributes that are set, each column on
// its own, so that concurrent changes of different attributes both stay.
func (q Q) InstanceSetAttributes(ctx context.Context, id string, a InstanceAttributes) error {
	res, err := q.db.ExecContext(ctx, `UPDATE instances SET name = COALESCE($2, name), description = COALESCE($3, description),
		host_name = COALESCE($4, host_name), user_data = COALESCE($5, user_data), password_hash = COALESCE($6, password_hash),
		credit_specification = COALESCE($7, credit_specification), security_group_id = COALESCE($8, security_group_id),
		deletion_protection = COALESCE($9, deletion_protection), eni_queue_number = COALESCE($10, eni_queue_number),
		version = version + 1 WHERE id = $1`,
		id, a.Name, a.Description, a.HostName, a.UserData, a.PasswordHash, a.CreditSpecification, a.SecurityGroupID, a.DeletionProtection, a.EniQueueNumber)
	return affectedOne(res, err)
}

// InstanceSetMetadataOptions writes the metadata options that are set ("" and
// 0 keep the stored value).
func (q Q) InstanceSetMetadataOptions(ctx context.Context, id string, m MetadataOptions) error {
	res, err := q.db.ExecContext(ctx, `UPDATE instances SET http_endpoint = COALESCE(NULLIF($2, ''), http_endpoint),
		http_tokens = COALESCE(NULLIF($3, ''), http_tokens), http_put_response_hop_limit = COALESCE(NULLIF($4, 0), http_put_response_hop_limit),
		version = version + 1 WHERE id = $1`, id, m.HttpEndpoint, m.HttpTokens, m.HopLimit)
	return affectedOne(res, err)
}
