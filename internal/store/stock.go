package store

import (
	"context"
	"fmt"
	"strings"
)

// StockLevel is a zone's stock of one instance type.
type StockLevel struct {
	ZoneID       string
	InstanceType string
	Available    int
}

// StockSeed inserts the catalog's initial stock for every (zone, type) that
// has no row yet; rows already there (and changes made to them) stay. A few
// hundred rows go in one statement.
func (q Q) StockSeed(ctx context.Context, levels []StockLevel) error {
	const per = 300
	for lo := 0; lo < len(levels); lo += per {
		batch := levels[lo:min(lo+per, len(levels))]
		var b strings.Builder
		b.WriteString(`INSERT INTO stock (zone_id, instance_type, available) VALUES `)
		args := make([]any, 0, 3*len(batch))
		for i, l := range batch {
			if i > 0 {
				b.WriteString(", ")
			}
			fmt.Fprintf(&b, "($%d, $%d, $%d)", 3*i+1, 3*i+2, 3*i+3)
			args = append(args, l.ZoneID, l.InstanceType, l.Available)
		}
		b.WriteString(` ON CONFLICT (zone_id, instance_type) DO NOTHING`)
		if _, err := q.db.ExecContext(ctx, b.String(), args...); err != nil {
			return interpretError(err)
		}
	}
	return nil
}

// StockGet returns how many instances of a type the zone can still place,
// or ErrNotFound if the zone does not offer the type.
func (q Q) StockGet(ctx context.Context, zoneID, instanceType string) (int, error) {
	var n int64
	err := q.db.QueryRowContext(ctx, `SELECT available FROM stock WHERE zone_id = $1 AND instance_type = $2`, zoneID, instanceType).Scan(&n)
	return int(n), interpretError(err)
}

// StockTake takes n from a zone's stock of a type, only if that much is
// left: a compare-and-set, so concurrent buyers never take it below zero.
// It returns false when the stock is short, ErrNotFound when there is no row.
func (q Q) StockTake(ctx context.Context, zoneID, instanceType string, n int) (bool, error) {
	res, err := q.db.ExecContext(ctx, `UPDATE stock SET available = available - $3 WHERE zone_id = $1 AND instance_type = $2 AND available >= $3`,
		zoneID, instanceType, n)
	if err != nil {
		return false, interpretError(err)
	}
	k, err := res.RowsAffected()
	if err != nil {
		return false, interpretError(err)
	}
	if k == 0 {
		if _, err := q.StockGet(ctx, zoneID, instanceType); err != nil {
			return false, err
		}
		return false, nil
	}
	return true, nil
}

// StockGive returns n to a zone's stock (an instance was released).
func (q Q) StockGive(ctx context.Context, zoneID, instanceType string, n int) error {
	_, err := q.db.ExecContext(ctx, `INSERT INTO stock (zone_id, instance_type, available) VALUES ($1, $2, $3)
		ON CONFLICT (zone_id, instance_type) DO UPDATE SET available = stock.available + excluded.available`, zoneID, instanceType, n)
	return interpretError(err)
}

// StockMove moves stock from one type to another as an instance changes
// type: it takes n of toType in toZone, only if that much is left (false
// when short or never stocked), and gives n of fromType back in fromZone.
// The two rows are locked in key order, so that opposite moves at the same
// time (an upgrade and a downgrade between the same two types) cannot
// deadlock each other on PostgreSQL. There both rows are locked and written
// by one statement, so that rows every account shares are held a round
// trip less.
func (t *Tx) StockMove(ctx context.Context, fromZone, fromType, toZone, toType string, n int) (bool, error) {
	if t.pg && (fromZone != toZone || fromType != toType) {
		took, gave, err := t.stockMovePostgres(ctx, fromZone, fromType, toZone, toType, n)
		if err != nil || gave {
			return took, err
		}
		// The old type was never stocked in that zone: no row to give
		// back to. The statement changed nothing; the steps below
		// create the row.
	}
	var took bool
	take := func() error {
		ok, err := t.StockTake(ctx, toZone, toType, n)
		if err == ErrNotFound {
			return nil
		}
		took = ok
		return err
	}
	give := func() error { return t.StockGive(ctx, fromZone, fromType, n) }
	steps := [2]func() error{take, give}
	if fromZone < toZone || (fromZone == toZone && fromType < toType) {
		steps = [2]func() error{give, take}
	}
	for _, step := range steps {
		if err := step(); err != nil {
			return false, err
		}
	}
	return took, nil
}

// stockMovePostgres is StockMove in one statement: the two rows locked in
// key order (ORDER BY ... FOR UPDATE), the new type's taken only if n are
// left, the old type's given back, both only when the old type's row
// exists (gave false: nothing changed).
func (t *Tx) stockMovePostgres(ctx context.Context, fromZone, fromType, toZone, toType string, n int) (took, gave bool, err error) {
	var taken, given int
	err = t.db.QueryRowContext(ctx, `WITH locked AS (
			SELECT zone_id, instance_type, available FROM stock
			WHERE (zone_id = $1 AND instance_type = $2) OR (zone_id = $3 AND instance_type = $4)
			ORDER BY zone_id, instance_type FOR UPDATE
		), moved AS (
			UPDATE stock s SET available = s.available + CASE WHEN s.zone_id = $1 AND s.instance_type = $2 THEN $5::bigint ELSE -$5::bigint END
			FROM locked l
			WHERE s.zone_id = l.zone_id AND s.instance_type = l.instance_type
			  AND EXISTS (SELECT 1 FROM locked g WHERE g.zone_id = $1 AND g.instance_type = $2)
			  AND ((s.zone_id = $1 AND s.instance_type = $2) OR s.available >= $5)
			RETURNING s.zone_id, s.instance_type
		)
		SELECT COUNT(*) FILTER (WHERE zone_id = $3 AND instance_type = $4), COUNT(*) FILTER (WHERE zone_id = $1 AND instance_type = $2) FROM moved`,
		fromZone, fromType, toZone, toType, n).Scan(&taken, &given)
	if err != nil {
		return false, false, interpretError(err)
	}
	return taken == 1, given == 1, nil
}

// StockSet sets a zone's stock of a type, as the operator says.
func (q Q) StockSet(ctx context.Context, zoneID, instanceType string, available int) error {
	_, err := q.db.ExecContext(ctx, `INSERT INTO stock (zone_id, instance_type, available) VALUES ($1, $2, $3)
		ON CONFLICT (zone_id, instance_type) DO UPDATE SET available = excluded.available`, zoneID, instanceType, available)
	return interpretError(err)
}
