package store

import (
	"cmp"
	"context"
	"database/sql"
	"database/sql/driver"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
)

// InstanceDetails is what describing instances reads besides their own
// rows, by instance id: tags (by key), security groups (in the order
// joined), ENIs (by device index), the internet row (absent without one)
// and how many data disks each has.
type InstanceDetails struct {
	Tags      map[string][]Tag
	Groups    map[string][]string
	ENIs      map[string][]*NetworkInterface
	Internet  map[string]*Internet
	DataDisks map[string]int
}

// InstanceDetails reads the details of the instances ids. On PostgreSQL
// outside a transaction its five statements go in one round trip.
func (q Q) InstanceDetails(ctx context.Context, ids []string) (*InstanceDetails, error) {
	d := &InstanceDetails{Tags: map[string][]Tag{}, Groups: map[string][]string{}, ENIs: map[string][]*NetworkInterface{},
		Internet: map[string]*Internet{}, DataDisks: map[string]int{}}
	if len(ids) == 0 {
		return d, nil
	}
	err := q.each(ctx, tagsQuery(ResourceInstance, ids, d.Tags), groupsQuery(ids, d.Groups), enisQuery(ids, d.ENIs),
		internetQuery(ids, d.Internet), dataDisksQuery(ids, d.DataDisks))
	return d, err
}

// rowQuery is a statement and what to do with each row it returns.
type rowQuery struct {
	sql  string
	args []any
	row  func(scanner) error
}

// each runs the queries in turn. On PostgreSQL, on the pool, they are sent
// as one pipelined batch: a round trip each was most of a read's time
// there.
func (q Q) each(ctx context.Context, qs ...rowQuery) error {
	if pool, ok := q.db.(*sql.DB); ok && q.pg && len(qs) > 1 {
		return eachPipelined(ctx, pool, qs)
	}
	for _, rq := range qs {
		rows, err := q.db.QueryContext(ctx, rq.sql, rq.args...)
		if err != nil {
			return interpretError(err)
		}
		err = eachRow(rows.Next, rows, rq.row)
		rows.Close()
		if err = cmp.Or(err, rows.Err()); err != nil {
			return interpretError(err)
		}
	}
	return nil
}

func eachPipelined(ctx context.Context, pool *sql.DB, qs []rowQuery) error {
	conn, err := pool.Conn(ctx)
	if err != nil {
		return interpretError(err)
	}
	defer conn.Close()
	err = conn.Raw(func(dc any) error {
		c, ok := dc.(*stdlib.Conn)
		if !ok {
			return driver.ErrBadConn
		}
		b := &pgx.Batch{}
		for _, rq := range qs {
			b.Queue(rq.sql, rq.args...)
		}
		br := c.Conn().SendBatch(ctx, b)
		for _, rq := range qs {
			rows, err := br.Query()
			if err == nil {
				err = eachRow(rows.Next, rows, rq.row)
				rows.Close()
				err = cmp.Or(err, rows.Err())
			}
			if err != nil {
				br.Close()
				return err
			}
		}
		return br.Close()
	})
	return interpretError(err)
}

// eachRow hands every row to row, stopping at its first error.
func eachRow(next func() bool, r scanner, row func(scanner) error) error {
	for next() {
		if err := row(r); err != nil {
			return err
		}
	}
	return nil
}
