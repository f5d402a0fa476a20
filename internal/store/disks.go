package store

import (
	"context"
	"strconv"
	"strings"
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
	ChargeType  string
	Name        string
	Description string
	// DeleteWithInstance: released with its instance; else left unattached
	// (Available, PostPaid) when the instance is released.
	DeleteWithInstance bool
}

const diskColumns = `id, account_id, COALESCE(instance_id, ''), region_id, zone_id, disk_type, category, size, performance_level, device, status, creation_time, charge_type, disk_name, description, delete_with_instance`

func scanDisk(row scanner) (*Disk, error) {
	var d Disk
	var size, created int64
	if err := row.Scan(&d.ID, &d.AccountID, &d.InstanceID, &d.RegionID, &d.ZoneID, &d.Type, &d.Category, &size, &d.PerformanceLevel, &d.Device, &d.Status, &created, &d.ChargeType, &d.Name, &d.Description, &d.DeleteWithInstance); err != nil {
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
	_, err := q.db.ExecContext(ctx, `INSERT INTO disks (id, account_id, instance_id, region_id, zone_id, disk_type, category, size, performance_level, device, status, creation_time, charge_type, disk_name, description, delete_with_instance)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)`,
		d.ID, d.AccountID, inst, d.RegionID, d.ZoneID, d.Type, d.Category, d.Size, d.PerformanceLevel, d.Device, d.Status, micros(d.CreationTime), d.ChargeType,
		d.Name, d.Description, d.DeleteWithInstance)
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
	Status string
	// ChargeType is the disk's own or, when it follows its instance, the
	// instance's (PostPaid when detached).
	ChargeType string
	// Portable: data disks (true) or system disks (false); nil: both.
	Portable *bool
	// Name: exact; DeleteWithInstance: nil matches both.
	Name               string
	DeleteWithInstance *bool
	// Creation bounds, inclusive (zero: open).
	CreatedFrom, CreatedTo time.Time
	// Paging: Offset/Limit, or After (a cursor from DiskCursor).
	Offset int
	Limit  int
	After  string
}

// DiskCursor is the NextToken cursor of a disk, in the list's order.
func DiskCursor(d *Disk) string {
	return strings.Join([]string{strconv.FormatInt(micros(d.CreationTime), 10), d.Type, d.Device, d.ID}, "|")
}

// ValidDiskCursor reports whether c is a DiskCursor.
func ValidDiskCursor(c string) bool {
	parts := strings.Split(c, "|")
	if len(parts) != 4 || !strings.HasPrefix(parts[3], "d-") {
		return false
	}
	_, err := strconv.ParseInt(parts[0], 10, 64)
	return err == nil
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
	add("status", f.Status)
	add("disk_name", f.Name)
	arg := func(v any) string {
		args = append(args, v)
		return "$" + strconv.Itoa(len(args))
	}
	if f.ChargeType != "" {
		cond += " AND COALESCE(NULLIF(charge_type, ''), (SELECT i.charge_type FROM instances i WHERE i.id = disks.instance_id), '" + PostPaid + "') = " + arg(f.ChargeType)
	}
	if f.Portable != nil {
		op := " <> "
		if *f.Portable {
			op = " = "
		}
		cond += " AND disk_type" + op + arg(DiskData)
	}
	if f.DeleteWithInstance != nil {
		cond += " AND delete_with_instance = " + arg(*f.DeleteWithInstance)
	}
	if !f.CreatedFrom.IsZero() {
		cond += " AND creation_time >= " + arg(micros(f.CreatedFrom))
	}
	if !f.CreatedTo.IsZero() {
		cond += " AND creation_time <= " + arg(micros(f.CreatedTo))
	}
	if f.IDs != nil {
		if len(f.IDs) == 0 {
			return nil, 0, nil
		}
		ph, more := inList(f.IDs, len(args))
		args = append(args, more...)
		cond += " AND id IN (" + ph + ")"
	}
	for _, c := range tagConditions("disk_tags", "disk_id", "disks.id", f.Tags, arg) {
		cond += " AND " + c
	}
	filtered := len(args) != 2 || f.IDs != nil
	countQuery, countArgs := `SELECT COUNT(*) FROM disks WHERE `+cond, args[:len(args):len(args)]
	pageCond := cond
	if f.After != "" {
		// The list's order, creation_time, disk_type DESC, device, id, as
		// a range: the first term bounds the index range.
		parts := strings.Split(f.After, "|")
		us, _ := strconv.ParseInt(parts[0], 10, 64)
		a, b, c, d := arg(us), arg(parts[1]), arg(parts[2]), arg(parts[3])
		pageCond += " AND creation_time >= " + a + " AND (creation_time > " + a + " OR disk_type < " + b +
			" OR (disk_type = " + b + " AND (device > " + c + " OR (device = " + c + " AND id > " + d + "))))"
	}
	query := `SELECT ` + diskColumns + ` FROM disks WHERE ` + pageCond + ` ORDER BY creation_time, disk_type DESC, device, id`
	if f.Limit > 0 {
		query += " LIMIT " + arg(f.Limit) + " OFFSET " + arg(f.Offset)
	}
	out, err := queryAll(ctx, q.db, scanDisk, query, args...)
	if err != nil {
		return nil, 0, err
	}
	if f.RegionID != "" && !filtered {
		// The whole region: its count is kept in disk_counts.
		var n int64
		err := q.db.QueryRowContext(ctx, `SELECT COALESCE(SUM(n), 0) FROM disk_counts WHERE account_id = $1 AND region_id = $2`,
			f.AccountID, f.RegionID).Scan(&n)
		return out, int(n), interpretError(err)
	}
	total, err := q.total(ctx, len(out), f.Offset == 0 && f.After == "", f.Limit, countQuery, countArgs...)
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

// DiskStatusAvailable is the status of a disk attached to no instance.
const DiskStatusAvailable = "Available"

// DiskGetOwned returns the account's disk, or ErrNotFound (also when
// another account owns it).
func (q Q) DiskGetOwned(ctx context.Context, accountID, id string) (*Disk, error) {
	return scanDisk(q.db.QueryRowContext(ctx, `SELECT `+diskColumns+` FROM disks WHERE id = $1 AND account_id = $2`, id, accountID))
}

// DiskDelete removes an unattached disk and its tags; ErrNotFound when no
// such disk is left (another call deleted it first).
func (q Q) DiskDelete(ctx context.Context, id string) error {
	if _, err := q.db.ExecContext(ctx, `DELETE FROM disk_tags WHERE disk_id = $1`, id); err != nil {
		return interpretError(err)
	}
	res, err := q.db.ExecContext(ctx, `DELETE FROM disks WHERE id = $1 AND instance_id IS NULL`, id)
	return affectedOne(res, err)
}

// diskDetachAll leaves the instance's remaining disks unattached: Available,
// with no device, pay-as-you-go on their own.
func (q Q) diskDetachAll(ctx context.Context, instanceID string) error {
	_, err := q.db.ExecContext(ctx, `UPDATE disks SET instance_id = NULL, status = $2, device = '', charge_type = $3 WHERE instance_id = $1`,
		instanceID, DiskStatusAvailable, PostPaid)
	return interpretError(err)
}

// dataDisksQuery counts the data disks of the instances ids
// (InstanceDetails).
func dataDisksQuery(ids []string, out map[string]int) rowQuery {
	ph, args := inList(ids, 0)
	return rowQuery{`SELECT instance_id, COUNT(*) FROM disks WHERE instance_id IN (` + ph + `) AND disk_type = 'data' GROUP BY instance_id`, args,
		func(r scanner) error {
			var id string
			var n int64
			if err := r.Scan(&id, &n); err != nil {
				return err
			}
			out[id] = int(n)
			return nil
		}}
}
