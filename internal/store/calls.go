package store

import (
	"context"
	"strconv"
	"strings"
	"time"
)

// Call is one RPC call of the call log, secrets already removed.
type Call struct {
	ID          int64
	At          time.Time
	RequestID   string
	AccountID   string
	AccessKeyID string
	UserName    string
	Product     string
	Version     string
	Action      string
	// InstanceIDs are the instances the call named, in its parameters or
	// (for a purchase) its answer.
	InstanceIDs []string
	Code        string // "" for success
	HTTPStatus  int
	Duration    time.Duration
	SourceIP    string
	Params      string // JSON object
	Answer      string // JSON
}

// CallFilter selects calls; empty fields match everything.
type CallFilter struct {
	AccountID  string
	Action     string
	InstanceID string
	// Code matches the code exactly; CodeSuccess selects the calls that
	// succeeded.
	Code  string
	Since time.Time
	// Before, if not 0, starts the page below this id (the paging cursor).
	Before int64
	Limit  int
}

// CodeSuccess is the Code filter that selects successful calls.
const CodeSuccess = "Success"

const callColumns = `id, at, request_id, account_id, access_key_id, user_name, product, version, action, instance_ids, code, http_status, duration_us, source_ip, params, answer`

// callInsertChunk is the most rows one INSERT statement takes. A batch
// goes in chunks whose sizes are powers of two (64, 32, ..., 1), so that
// seven statements are prepared and cached rather than one per batch size,
// and a batch of n rows takes at most n/64 + 6 statements: with single rows
// for the rest, a batch of 63 took 63, each a round trip on PostgreSQL.
const callInsertChunk = 64

// CallInsert writes a batch of calls in one transaction (see
// callInsertChunk). On SQLite the statement uses ? placeholders: the
// driver binds $N by looking each name up in a list, which costs the
// square of their number, and ? by position.
func (s *Store) CallInsert(ctx context.Context, calls []*Call) error {
	return s.InTx(ctx, func(tx *Tx) error {
		for len(calls) > 0 {
			n := callInsertChunk
			for n > len(calls) {
				n /= 2
			}
			if err := tx.callInsertRows(ctx, calls[:n], s.dialect == SQLite); err != nil {
				return err
			}
			calls = calls[n:]
		}
		return nil
	})
}

func (q Q) callInsertRows(ctx context.Context, calls []*Call, positional bool) error {
	const cols = 15
	var b strings.Builder
	b.WriteString(`INSERT INTO call_log (at, request_id, account_id, access_key_id, user_name, product, version, action, instance_ids, code, http_status, duration_us, source_ip, params, answer) VALUES `)
	args := make([]any, 0, len(calls)*cols)
	for i, c := range calls {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteByte('(')
		for j := range cols {
			if j > 0 {
				b.WriteByte(',')
			}
			if positional {
				b.WriteByte('?')
			} else {
				b.WriteByte('$')
				b.WriteString(strconv.Itoa(i*cols + j + 1))
			}
		}
		b.WriteByte(')')
		ids := ""
		if len(c.InstanceIDs) > 0 {
			ids = " " + strings.Join(c.InstanceIDs, " ") + " "
		}
		args = append(args, micros(c.At), c.RequestID, c.AccountID, c.AccessKeyID, c.UserName, c.Product, c.Version, c.Action,
			ids, c.Code, c.HTTPStatus, c.Duration.Microseconds(), c.SourceIP, c.Params, c.Answer)
	}
	_, err := q.db.ExecContext(ctx, b.String(), args...)
	return interpretError(err)
}

// CallList returns calls newest first, at most f.Limit of them.
func (q Q) CallList(ctx context.Context, f CallFilter) ([]*Call, error) {
	var where []string
	var args []any
	add := func(cond string, v any) {
		args = append(args, v)
		where = append(where, strings.ReplaceAll(cond, "?", "$"+strconv.Itoa(len(args))))
	}
	if f.AccountID != "" {
		add("account_id = ?", f.AccountID)
	}
	if f.Action != "" {
		add("action = ?", f.Action)
	}
	if f.InstanceID != "" {
		add("instance_ids LIKE ?", "% "+f.InstanceID+" %")
	}
	switch f.Code {
	case "":
	case CodeSuccess:
		add("code = ?", "")
	default:
		add("code = ?", f.Code)
	}
	if !f.Since.IsZero() {
		add("at >= ?", micros(f.Since))
	}
	if f.Before > 0 {
		add("id < ?", f.Before)
	}
	query := `SELECT ` + callColumns + ` FROM call_log`
	if len(where) > 0 {
		query += ` WHERE ` + strings.Join(where, " AND ")
	}
	query += ` ORDER BY id DESC`
	if f.Limit <= 0 {
		f.Limit = 1000
	}
	args = append(args, f.Limit)
	query += ` LIMIT $` + strconv.Itoa(len(args))
	return queryAll(ctx, q.db, scanCall, query, args...)
}

// CallGet returns one call by id.
func (q Q) CallGet(ctx context.Context, id int64) (*Call, error) {
	return scanCall(q.db.QueryRowContext(ctx, `SELECT `+callColumns+` FROM call_log WHERE id = $1`, id))
}

func scanCall(r scanner) (*Call, error) {
	var c Call
	var at, status, dur int64
	var ids string
	if err := r.Scan(&c.ID, &at, &c.RequestID, &c.AccountID, &c.AccessKeyID, &c.UserName, &c.Product, &c.Version, &c.Action,
		&ids, &c.Code, &status, &dur, &c.SourceIP, &c.Params, &c.Answer); err != nil {
		return nil, interpretError(err)
	}
	c.At, c.HTTPStatus, c.Duration = fromMicros(at), int(status), time.Duration(dur)*time.Microsecond
	c.InstanceIDs = strings.Fields(ids)
	return &c, nil
}

// CallPrune deletes at most batch calls, oldest first: those beyond the
// newest keep, and those older than before among the oldest batch (ids
// grow with time, so the oldest calls are the first by id; looking no
// further keeps a prune with nothing to do cheap). It returns how many it
// deleted; the caller repeats while a full batch went.
func (q Q) CallPrune(ctx context.Context, before time.Time, keep, batch int) (int64, error) {
	// Everything at or under floor goes: the (keep+1)-th newest id, or 0.
	var floor int64
	err := q.db.QueryRowContext(ctx, `SELECT id FROM call_log ORDER BY id DESC LIMIT 1 OFFSET $1`, keep).Scan(&floor)
	if err = interpretError(err); err != nil && err != ErrNotFound {
		return 0, err
	}
	res, err := q.db.ExecContext(ctx, `DELETE FROM call_log WHERE id IN (
		SELECT id FROM (SELECT id, at FROM call_log ORDER BY id LIMIT $3) oldest WHERE id <= $1 OR at < $2)`,
		floor, micros(before), batch)
	if err != nil {
		return 0, interpretError(err)
	}
	n, err := res.RowsAffected()
	return n, interpretError(err)
}

// CallCount is the number of calls kept.
func (q Q) CallCount(ctx context.Context) (int, error) {
	var n int
	err := q.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM call_log`).Scan(&n)
	return n, interpretError(err)
}
