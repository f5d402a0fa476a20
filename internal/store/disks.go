package store

import (
	"context"
	"strconv"
	"time"
)

// Disk kinds.
const (
	DiskSystem = "system"
	DiskData   = "data"
)

// Disk is a cloud disk.
type Disk struct {
	ID               string
	AccountID        string
	InstanceID       string // empty when detached
	RegionID         string
	ZoneID           string
	Type             string // DiskSystem or DiskData
	Category         string
	Size             int
	PerformanceLevel string
	Device           string
	Status           string
	CreationTime     time.Time
	// ChargeType is the disk's own: "" follows its instance.
	ChargeType string
}

const diskColumns = `id, account_id, COALESCE(instance_id, ''), region_id, zone_id, disk_type, category, size, performance_level, device, status, creation_time, charge_type`

func scanDisk(row scanner) (*Disk, error) {
	var d Disk
	var size, created int64
	if err := row.Scan(&d.ID, &d.AccountID, &d.InstanceID, &d.RegionID, &d.ZoneID, &d.Type, &d.Category, &size, &d.PerformanceLevel, &d.Device, &d.Status, &created, &d.ChargeType); err != nil {
		return nil, interpretError(err)
	}
	d.Size, d.CreationTime = int(size), fromMicros(created)
	return &d, nil
}

// DiskInsert stores a disk.
func (q Q) DiskInsert(ctx context.Context, d *Disk) error {
	var inst any
	if d.InstanceID != "" {
		inst = d.InstanceID
	}
	_, err := q.db.ExecContext(ctx, `INSERT INTO disks (id, account_id, instance_id, region_id, zone_id, disk_type, category, size, performance_level, device, status, creation_time, charge_type)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
		d.ID, d.AccountID, inst, d.RegionID, d.ZoneID, d.Type, d.Category, d.Size, d.PerformanceLevel, d.Device, d.Status, micros(d.CreationTime), d.ChargeType)
	return interpretError(err)
}

// DiskFilter selects disks for DiskList.
type DiskFilter struct {
	AccountID  string
	RegionID   string
	InstanceID string
	ZoneID     string
	DiskType   string
	Category   string
	IDs        []string
	// Tags: each key present, with one of its values (none: any value).
	Tags   map[string][]string
	Offset int
	Limit  int
}

// DiskList returns the matching disks (system disk first, then by device)
// and the total count.
func (q Q) DiskList(ctx context.Context, f DiskFilter) ([]*Disk, int, error) {
	cond := "account_id = $1"
	args := []any{f.AccountID}
	add := func(col, v string) {
		if v != "" {
			args = append(args, v)
			cond += " AND " + col + " = $" + strconv.Itoa(len(args))
		}
	}
	add("region_id", f.RegionID)
	add("instance_id", f.InstanceID)
	add("zone_id", f.ZoneID)
	add("disk_type", f.DiskType)
	add("category", f.Category)
	if f.IDs != nil {
		if len(f.IDs) == 0 {
			return nil, 0, nil
		}
		ph, more := inList(f.IDs, len(args))
		args = append(args, more...)
		cond += " AND id IN (" + ph + ")"
	}
	for _, c := range tagConditions("disk_tags", "disk_id", "disks.id", f.Tags, func(v any) string {
		args = append(args, v)
		return "$" + strconv.Itoa(len(args))
	}) {
		cond += " AND " + c
	}
	query := `SELECT ` + diskColumns + ` FROM disks WHERE ` + cond + ` ORDER BY creation_time, disk_type DESC, device, id`
	pageArgs := args
	if f.Limit > 0 {
		pageArgs = append(args[:len(args):len(args)], f.Limit, f.Offset)
		query += " LIMIT $" + strconv.Itoa(len(pageArgs)-1) + " OFFSET $" + strconv.Itoa(len(pageArgs))
	}
	out, err := queryAll(ctx, q.db, scanDisk, query, pageArgs...)
	if err != nil {
		return nil, 0, err
	}
	if f.RegionID != "" && len(args) == 2 && f.IDs == nil {
		// The whole region: its count is kept in disk_counts.
		var n int64
		err := q.db.QueryRowContext(ctx, `SELECT COALESCE(SUM(n), 0) FROM disk_counts WHERE account_id = $1 AND region_id = $2`,
			f.AccountID, f.RegionID).Scan(&n)
		return out, int(n), interpretError(err)
	}
	total, err := q.total(ctx, len(out), f.Offset == 0, f.Limit, `SELECT COUNT(*) FROM disks WHERE `+cond, args...)
	return out, total, err
}

// DiskSetCategory changes a disk's category and performance level.
func (q Q) DiskSetCategory(ctx context.Context, id, category, pl string) error {
	res, err := q.db.ExecContext(ctx, `UPDATE disks SET category = $2, performance_level = $3 WHERE id = $1`, id, category, pl)
	return affectedOne(res, err)
}

// DiskCapacityInZone is the size of an account's disks of a category in a
// zone, from disk_capacity (kept by triggers).
func (q Q) DiskCapacityInZone(ctx context.Context, accountID, zoneID, category string) (int, error) {
	var n int64
	err := q.db.QueryRowContext(ctx, `SELECT COALESCE(SUM(size), 0) FROM disk_capacity WHERE account_id = $1 AND zone_id = $2 AND category = $3`,
		accountID, zoneID, category).Scan(&n)
	return int(n), interpretError(err)
}

// DiskMoveZone moves an instance's disks to another zone (a change across zones).
func (q Q) DiskMoveZone(ctx context.Context, instanceID, zoneID string) error {
	_, err := q.db.ExecContext(ctx, `UPDATE disks SET zone_id = $2 WHERE instance_id = $1`, instanceID, zoneID)
	return interpretError(err)
}

// DiskSetChargeType sets the own charge type of an instance's data disks
// ("" follows the instance).
func (q Q) DiskSetChargeType(ctx context.Context, instanceID, chargeType string) error {
	_, err := q.db.ExecContext(ctx, `UPDATE disks SET charge_type = $2 WHERE instance_id = $1 AND disk_type = $3`, instanceID, chargeType, DiskData)
	return interpretError(err)
}

// DataDiskCounts is how many data disks each of the instances has.
func (q Q) DataDiskCounts(ctx context.Context, instanceIDs []string) (map[string]int, error) {
	out := map[string]int{}
	if len(instanceIDs) == 0 {
		return out, nil
	}
	ph, args := inList(instanceIDs, 0)
	rows, err := q.db.QueryContext(ctx, `SELECT instance_id, COUNT(*) FROM disks WHERE instance_id IN (`+ph+`) AND disk_type = 'data' GROUP BY instance_id`, args...)
	if err != nil {
		return nil, interpretError(err)
	}
	defer rows.Close()
	for rows.Next() {
		var id string
		var n int64
		if err := rows.Scan(&id, &n); err != nil {
			return nil, interpretError(err)
		}
		out[id] = int(n)
	}
	return out, interpretError(rows.Err())
}
