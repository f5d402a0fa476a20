package store

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
)

// StockLevel is a zone's stock of one instance type.
type StockLevel struct {
	ZoneID       string
	InstanceType string
	Available    int
}

// stockShards is how many rows hold a zone's stock of one type. Every
// spec change takes from one type's stock and gives to another's, and every
// account's changes meet there: on one row each they queued for each
// other's commits (on PostgreSQL the most waited-for lock under load). A
// take or a give picks a row no one holds (SKIP LOCKED), so changes of
// different accounts do not wait for each other; the stock is their sum.
const stockShards = 8

// StockSeed inserts the catalog's initial stock for every (zone, type) that
// has no row yet, spread evenly over its shards; rows already there (and
// changes made to them) stay. A few hundred rows go in one statement.
func (q Q) StockSeed(ctx context.Context, levels []StockLevel) error {
	const per = 300 / stockShards
	for lo := 0; lo < len(levels); lo += per {
		batch := levels[lo:min(lo+per, len(levels))]
		var b strings.Builder
		b.WriteString(`INSERT INTO stock (zone_id, instance_type, shard, available) VALUES `)
		args := make([]any, 0, 4*stockShards*len(batch))
		for _, l := range batch {
			for k, n := range spread(l.Available) {
				if len(args) > 0 {
					b.WriteString(", ")
				}
				fmt.Fprintf(&b, "($%d, $%d, $%d, $%d)", len(args)+1, len(args)+2, len(args)+3, len(args)+4)
				args = append(args, l.ZoneID, l.InstanceType, k, n)
			}
		}
		b.WriteString(` ON CONFLICT (zone_id, instance_type, shard) DO NOTHING`)
		if _, err := q.db.ExecContext(ctx, b.String(), args...); err != nil {
			return interpretError(err)
		}
	}
	return nil
}

// spread divides n over the shards, the remainder on shard 0.
func spread(n int) [stockShards]int {
	var out [stockShards]int
	for k := range out {
		out[k] = n / stockShards
	}
	out[0] += n % stockShards
	return out
}

// StockGet returns how many instances of a type the zone can still place,
// or ErrNotFound if the zone does not offer the type.
func (q Q) StockGet(ctx context.Context, zoneID, instanceType string) (int, error) {
	var n, rows int64
	err := q.db.QueryRowContext(ctx, `SELECT COALESCE(SUM(available), 0), COUNT(*) FROM stock WHERE zone_id = $1 AND instance_type = $2`,
		zoneID, instanceType).Scan(&n, &rows)
	if err == nil && rows == 0 {
		return 0, ErrNotFound
	}
	return int(n), interpretError(err)
}

// StockTake takes n from a zone's stock of a type, only if that much is
// left: concurrent buyers never take it below zero. It returns false when
// the stock is short, ErrNotFound when there is no row.
//
// It first takes all n from one shard that has them and that no one else
// holds; failing that, it locks every shard in shard order and takes from
// each in turn, which sees the whole stock.
func (t *Tx) StockTake(ctx context.Context, zoneID, instanceType string, n int) (bool, error) {
	if ok, err := t.stockShardAdd(ctx, zoneID, instanceType, -n, rand.IntN(stockShards)); err != nil || ok {
		return ok, err
	}
	return t.stockTakeAll(ctx, zoneID, instanceType, n)
}

// stockShardAdd adds delta to one shard of the stock that no one else
// holds and that stays at 0 or more, trying the shards from pick on. It
// reports false when no shard qualifies.
func (t *Tx) stockShardAdd(ctx context.Context, zoneID, instanceType string, delta, pick int) (bool, error) {
	res, err := t.db.ExecContext(ctx, `UPDATE stock SET available = available + $3
		WHERE zone_id = $1 AND instance_type = $2 AND available + $3 >= 0 AND shard = (
			SELECT shard FROM stock WHERE zone_id = $1 AND instance_type = $2 AND available + $3 >= 0
			ORDER BY (shard + $4) % `+strconv.Itoa(stockShards)+` LIMIT 1`+t.skipLocked()+`)`,
		zoneID, instanceType, delta, pick)
	if err != nil {
		return false, interpretError(err)
	}
	k, err := res.RowsAffected()
	return k == 1, interpretError(err)
}

// stockTakeAll is StockTake over every shard of the stock, locked in
// shard order.
func (t *Tx) stockTakeAll(ctx context.Context, zoneID, instanceType string, n int) (bool, error) {
	lock := ""
	if t.pg {
		lock = " FOR UPDATE"
	}
	rows, err := t.db.QueryContext(ctx, `SELECT shard, available FROM stock WHERE zone_id = $1 AND instance_type = $2 ORDER BY shard`+lock,
		zoneID, instanceType)
	if err != nil {
		return false, interpretError(err)
	}
	type shard struct{ k, available int64 }
	var shards []shard
	total := int64(0)
	for rows.Next() {
		var s shard
		if err := rows.Scan(&s.k, &s.available); err != nil {
			rows.Close()
			return false, interpretError(err)
		}
		shards, total = append(shards, s), total+s.available
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return false, interpretError(err)
	}
	if len(shards) == 0 {
		return false, ErrNotFound
	}
	if total < int64(n) {
		return false, nil
	}
	left := int64(n)
	for _, s := range shards {
		take := min(left, s.available)
		if take == 0 {
			continue
		}
		if _, err := t.db.ExecContext(ctx, `UPDATE stock SET available = available - $4 WHERE zone_id = $1 AND instance_type = $2 AND shard = $3`,
			zoneID, instanceType, s.k, take); err != nil {
			return false, interpretError(err)
		}
		if left -= take; left == 0 {
			break
		}
	}
	return true, nil
}

// StockGive returns n to a zone's stock (an instance was released or
// changed type): to a shard no one holds, else to one picked at random,
// created if the type was never stocked there.
func (t *Tx) StockGive(ctx context.Context, zoneID, instanceType string, n int) error {
	pick := rand.IntN(stockShards)
	if ok, err := t.stockShardAdd(ctx, zoneID, instanceType, n, pick); err != nil || ok {
		return err
	}
	_, err := t.db.ExecContext(ctx, `INSERT INTO stock (zone_id, instance_type, shard, available) VALUES ($1, $2, $3, $4)
		ON CONFLICT (zone_id, instance_type, shard) DO UPDATE SET available = stock.available + excluded.available`, zoneID, instanceType, pick, n)
	return interpretError(err)
}

// skipLocked is the clause that has a pick of one shard pass over shards
// other transactions hold (PostgreSQL; SQLite runs one writer at a time).
func (t *Tx) skipLocked() string {
	if t.pg {
		return " FOR UPDATE SKIP LOCKED"
	}
	return ""
}

// StockMove moves stock from one type to another as an instance changes
// type: it gives n of fromType back in fromZone, and takes n of toType in
// toZone only if that much is left (false when short or never stocked; the
// caller then rolls back, except a revert, which goes back whatever the
// stock). Each picks a shard no one holds, so moves of different accounts
// between the same two types do not wait for each other.
func (t *Tx) StockMove(ctx context.Context, fromZone, fromType, toZone, toType string, n int) (bool, error) {
	if err := t.StockGive(ctx, fromZone, fromType, n); err != nil {
		return false, err
	}
	took, err := t.StockTake(ctx, toZone, toType, n)
	if err == ErrNotFound {
		return false, nil
	}
	return took, err
}

// StockSet sets a zone's stock of a type, as the operator says, spread
// over its shards.
func (t *Tx) StockSet(ctx context.Context, zoneID, instanceType string, available int) error {
	if _, err := t.db.ExecContext(ctx, `DELETE FROM stock WHERE zone_id = $1 AND instance_type = $2`, zoneID, instanceType); err != nil {
		return interpretError(err)
	}
	var b strings.Builder
	b.WriteString(`INSERT INTO stock (zone_id, instance_type, shard, available) VALUES `)
	args := []any{zoneID, instanceType}
	for k, n := range spread(available) {
		if k > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "($1, $2, $%d, $%d)", len(args)+1, len(args)+2)
		args = append(args, k, n)
	}
	_, err := t.db.ExecContext(ctx, b.String(), args...)
	return interpretError(err)
}
