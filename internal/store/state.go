package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"
)

// StateTable is a table whose rows are ecsd's state: a reset empties it and
// a snapshot carries it, column by column as the database has them.
type StateTable struct {
	Name string
	// OrderBy gives the export a stable order (the key, usually).
	OrderBy string
	// Generated names a column the database assigns (an identity): it is
	// not exported, and imported rows get new values in the same order.
	// New values are always above the old ones (sequences are never
	// reset), so work that read an old row cannot mistake a new one for it.
	Generated string
	// Keep is an SQL condition for rows that are not state: a reset or an
	// import leaves them, an export skips them.
	Keep string
}

// StateTables lists every table of the state, parents before children
// (imports insert in this order, resets delete in the reverse order). A
// new table is one line here, or one in NotState with the reason.
var StateTables = []StateTable{
	{Name: "accounts", OrderBy: "id"},
	{Name: "access_keys", OrderBy: "id"},
	{Name: "resource_groups", OrderBy: "id"},
	{Name: "key_pairs", OrderBy: "id"},
	{Name: "ledger_entries", OrderBy: "id", Generated: "id"},
	{Name: "settings", OrderBy: "name", Keep: "name = 'admin.token'"},
	{Name: "stock", OrderBy: "zone_id, instance_type, shard"},
	{Name: "vpcs", OrderBy: "id"},
	{Name: "vswitches", OrderBy: "id"},
	{Name: "vpc_tags", OrderBy: "resource_id, tag_key"},
	{Name: "security_groups", OrderBy: "id"},
	{Name: "security_group_rules", OrderBy: "id"},
	{Name: "instances", OrderBy: "id"},
	{Name: "instance_tags", OrderBy: "instance_id, tag_key"},
	{Name: "network_interfaces", OrderBy: "id"},
	{Name: "private_ips", OrderBy: "vpc_id, ip"},
	{Name: "instance_security_groups", OrderBy: "instance_id, group_id"},
	{Name: "disks", OrderBy: "id"},
	{Name: "instance_internet", OrderBy: "instance_id"},
	{Name: "disk_tags", OrderBy: "disk_id, tag_key"},
	{Name: "orders", OrderBy: "id"},
	{Name: "order_instances", OrderBy: "order_id, instance_id"},
	{Name: "downgrade_counts", OrderBy: "account_id, month_start"},
	{Name: "idempotency_records", OrderBy: "account_id, action, client_token"},
	{Name: "timers", OrderBy: "id", Generated: "id"},
	{Name: "faults", OrderBy: "id", Generated: "id"},
	{Name: "ram_users", OrderBy: "account_id, user_name"},
	{Name: "ram_policies", OrderBy: "account_id, policy_name"},
	{Name: "ram_policy_versions", OrderBy: "account_id, policy_name, version_id"},
	{Name: "ram_user_policies", OrderBy: "account_id, user_name, policy_type, policy_name"},
}

// NotState lists the store's other tables and why a reset and a snapshot
// leave them alone. A test fails when a table is in neither list.
var NotState = map[string]string{
	"nonces":             "replay protection on the wall clock, not state: forgetting nonces would let a captured request be replayed",
	"goose_db_version":   "the schema's migration history",
	"river_job":          "River's queue: pending jobs travel in a snapshot as Jobs (kind and arguments), not as River's rows",
	"river_leader":       "River's leader election among running processes",
	"river_migration":    "River's schema history",
	"river_notification": "River's notifications between running processes (SQLite)",
	"river_queue":        "River's queue settings",
	"sqlite_sequence":    "SQLite's own counters behind AUTOINCREMENT",
	"call_log":           "a record of the calls made, kept across resets so that a failed run's calls stay readable; bounded by its own retention",
	"throttle_buckets":   "the rate limits' tokens among running replicas",
	"write_probe":        "the readiness probe's scratch row",
	"instance_counts":    "derived: kept by triggers from instances as they are deleted and loaded",
	"disk_capacity":      "derived: kept by triggers from disks as they are deleted and loaded",
	"disk_counts":        "derived: kept by triggers from disks as they are deleted and loaded",
	"order_counts":       "derived: kept by triggers from orders as they are deleted and loaded",
}

// StateTableNamed returns the state table called name.
func StateTableNamed(name string) (StateTable, bool) {
	for _, t := range StateTables {
		if t.Name == name {
			return t, true
		}
	}
	return StateTable{}, false
}

// TableNames lists the tables of the store's schema.
func (q Q) TableNames(ctx context.Context, d Dialect) ([]string, error) {
	query := `SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name`
	if d == Postgres {
		query = `SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name`
	}
	rows, err := q.db.QueryContext(ctx, query)
	if err != nil {
		return nil, interpretError(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			return nil, interpretError(err)
		}
		out = append(out, n)
	}
	return out, interpretError(rows.Err())
}

// Column kinds as a snapshot writes them: JSON booleans, integers and
// strings. Both engines' column types map onto these.
const (
	KindBool = "bool"
	KindInt  = "int"
	KindText = "text"
)

func columnKind(dbType string) string {
	t := strings.ToUpper(dbType)
	switch {
	case strings.Contains(t, "BOOL"):
		return KindBool
	case strings.Contains(t, "INT"):
		return KindInt
	default:
		return KindText
	}
}

// TableRows is a table's content: column names and, per row, a value per
// column (bool, int64, string or nil).
type TableRows struct {
	Columns []string `json:"Columns"`
	Rows    [][]any  `json:"Rows"`
}

// columns returns the table's column names and kinds, in table order, as
// the schema declares them.
func (q Q) columns(ctx context.Context, d Dialect, table string) ([]string, []string, error) {
	query := `SELECT name, type FROM pragma_table_info($1) ORDER BY cid`
	if d == Postgres {
		query = `SELECT column_name, data_type FROM information_schema.columns
			WHERE table_schema = current_schema() AND table_name = $1 ORDER BY ordinal_position`
	}
	rows, err := q.db.QueryContext(ctx, query, table)
	if err != nil {
		return nil, nil, interpretError(err)
	}
	defer rows.Close()
	var names, kinds []string
	for rows.Next() {
		var n, typ string
		if err := rows.Scan(&n, &typ); err != nil {
			return nil, nil, interpretError(err)
		}
		names, kinds = append(names, n), append(kinds, columnKind(typ))
	}
	if len(names) == 0 && rows.Err() == nil {
		return nil, nil, fmt.Errorf("table %s has no columns", table)
	}
	return names, kinds, interpretError(rows.Err())
}

// TableDump reads a state table whole, in its order, without its generated
// column and its kept rows.
func (q Q) TableDump(ctx context.Context, d Dialect, t StateTable) (*TableRows, error) {
	names, kinds, err := q.columns(ctx, d, t.Name)
	if err != nil {
		return nil, err
	}
	var cols []string
	var keep []int
	for i, n := range names {
		if n != t.Generated {
			cols, keep = append(cols, n), append(keep, i)
		}
	}
	query := `SELECT ` + strings.Join(cols, ", ") + ` FROM ` + t.Name
	if t.Keep != "" {
		query += ` WHERE NOT (` + t.Keep + `)`
	}
	rows, err := q.db.QueryContext(ctx, query+` ORDER BY `+t.OrderBy)
	if err != nil {
		return nil, interpretError(err)
	}
	defer rows.Close()
	out := &TableRows{Columns: cols, Rows: [][]any{}}
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return nil, interpretError(err)
		}
		for i, v := range vals {
			if vals[i], err = normalize(v, kinds[keep[i]]); err != nil {
				return nil, fmt.Errorf("%s.%s: %w", t.Name, cols[i], err)
			}
		}
		out.Rows = append(out.Rows, vals)
	}
	return out, interpretError(rows.Err())
}

// normalize turns what a driver scanned into the snapshot's value for the
// column's kind: SQLite gives its booleans as integers, PostgreSQL as bools.
func normalize(v any, kind string) (any, error) {
	if b, ok := v.([]byte); ok {
		v = string(b)
	}
	switch x := v.(type) {
	case nil:
		return nil, nil
	case bool:
		if kind == KindInt {
			if x {
				return int64(1), nil
			}
			return int64(0), nil
		}
		return x, nil
	case int64:
		if kind == KindBool {
			return x != 0, nil
		}
		return x, nil
	case string:
		return x, nil
	default:
		return fmt.Sprint(x), nil
	}
}

// StateError is a snapshot that cannot be loaded: Where names the place in
// the document, What says what is wrong there.
type StateError struct {
	Where string
	What  string
}

func (e *StateError) Error() string { return e.Where + ": " + e.What }

// TableLoad inserts rows into a state table (emptied before with
// StateDelete). The document's columns must be columns of the table;
// columns it lacks take their defaults, so snapshots taken before a column
// was added still load. where names the table in the document for errors.
func (t *Tx) TableLoad(ctx context.Context, d Dialect, st StateTable, data *TableRows, where string) error {
	names, kinds, err := t.columns(ctx, d, st.Name)
	if err != nil {
		return err
	}
	kindOf := make(map[string]string, len(names))
	for i, n := range names {
		kindOf[n] = kinds[i]
	}
	colKinds := make([]string, len(data.Columns))
	seen := map[string]bool{}
	for i, c := range data.Columns {
		k, ok := kindOf[c]
		switch {
		case !ok:
			return &StateError{Where: fmt.Sprintf("%s.Columns[%d]", where, i), What: fmt.Sprintf("table %s has no column %q", st.Name, c)}
		case c == st.Generated:
			return &StateError{Where: fmt.Sprintf("%s.Columns[%d]", where, i), What: fmt.Sprintf("column %q is assigned by the database and must not be given", c)}
		case seen[c]:
			return &StateError{Where: fmt.Sprintf("%s.Columns[%d]", where, i), What: fmt.Sprintf("column %q is listed twice", c)}
		}
		seen[c], colKinds[i] = true, k
	}
	if len(data.Rows) == 0 {
		return nil // an empty table: nothing to insert, whatever its columns
	}
	if len(data.Columns) == 0 {
		return &StateError{Where: where + ".Columns", What: "is empty; rows need the table's columns"}
	}
	// Every value is checked before anything is written.
	rows := make([][]any, len(data.Rows))
	for r, row := range data.Rows {
		if len(row) != len(data.Columns) {
			return &StateError{Where: fmt.Sprintf("%s.Rows[%d]", where, r), What: fmt.Sprintf("has %d values for %d columns", len(row), len(data.Columns))}
		}
		rows[r] = make([]any, len(row))
		for i, v := range row {
			var err error
			if rows[r][i], err = denormalize(v, colKinds[i]); err != nil {
				return &StateError{Where: fmt.Sprintf("%s.Rows[%d][%d] (%s)", where, r, i, data.Columns[i]), What: err.Error()}
			}
		}
	}
	// Many rows per statement (a round trip per row made loading a few
	// thousand rows take seconds on PostgreSQL). A batch the database
	// refuses is rolled back to its savepoint and tried row by row, to
	// name the row.
	per := max(1, loadBatchValues/len(data.Columns))
	for lo := 0; lo < len(rows); lo += per {
		batch := rows[lo:min(lo+per, len(rows))]
		if _, err := t.tx.ExecContext(ctx, `SAVEPOINT state_load`); err != nil {
			return interpretError(err)
		}
		err := t.insertRows(ctx, st.Name, data.Columns, batch)
		if err == nil {
			if _, err := t.tx.ExecContext(ctx, `RELEASE SAVEPOINT state_load`); err != nil {
				return interpretError(err)
			}
			continue
		}
		if _, rerr := t.tx.ExecContext(ctx, `ROLLBACK TO SAVEPOINT state_load`); rerr != nil {
			return errors.Join(err, rerr)
		}
		for r, row := range batch {
			if rerr := t.insertRows(ctx, st.Name, data.Columns, [][]any{row}); rerr != nil {
				return &StateError{Where: fmt.Sprintf("%s.Rows[%d]", where, lo+r), What: "the database refused the row: " + constraintMessage(rerr)}
			}
		}
		return &StateError{Where: fmt.Sprintf("%s.Rows[%d:%d]", where, lo, lo+len(batch)), What: "the database refused the rows: " + constraintMessage(err)}
	}
	return nil
}

// loadBatchValues is about how many values one INSERT of a load carries,
// well under both engines' limits on parameters. Not more: the SQLite
// driver binds each parameter by looking up its name, so a statement's
// cost grows with the square of its values (4000 made loads slower than a
// statement per row).
const loadBatchValues = 1000

// insertRows inserts rows in one statement.
func (t *Tx) insertRows(ctx context.Context, table string, columns []string, rows [][]any) error {
	var b strings.Builder
	b.WriteString(`INSERT INTO ` + table + ` (` + strings.Join(columns, ", ") + `) VALUES `)
	args := make([]any, 0, len(rows)*len(columns))
	for r, row := range rows {
		if r > 0 {
			b.WriteString(", ")
		}
		b.WriteByte('(')
		for i, v := range row {
			if i > 0 {
				b.WriteString(", ")
			}
			args = append(args, v)
			b.WriteString("$" + strconv.Itoa(len(args)))
		}
		b.WriteByte(')')
	}
	_, err := t.tx.ExecContext(ctx, b.String(), args...)
	return err
}

// denormalize checks a decoded JSON value against the column's kind and
// gives the driver its value.
func denormalize(v any, kind string) (any, error) {
	if v == nil {
		return nil, nil
	}
	switch kind {
	case KindBool:
		if b, ok := v.(bool); ok {
			return b, nil
		}
		return nil, fmt.Errorf("want true or false, got %s", describe(v))
	case KindInt:
		switch x := v.(type) {
		case json.Number:
			n, err := x.Int64()
			if err != nil {
				return nil, fmt.Errorf("want an integer, got %s", x)
			}
			return n, nil
		case int64:
			return x, nil
		}
		return nil, fmt.Errorf("want an integer, got %s", describe(v))
	default:
		if s, ok := v.(string); ok {
			return s, nil
		}
		return nil, fmt.Errorf("want a string, got %s", describe(v))
	}
}

func describe(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprintf("%T", v)
	}
	return string(b)
}

// constraintMessage says which rule a refused row broke, without driver
// noise.
func constraintMessage(err error) string {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		return pgErr.Message
	}
	return err.Error()
}

// StateLock keeps writers out of the state tables until the transaction
// ends (PostgreSQL; on SQLite the transaction already holds the one write
// lock). Readers go on seeing the old state until the commit. It gives up
// after a short wait (Retryable): a transaction that holds one of the
// tables and waits for another one this lock already took would otherwise
// deadlock with it, and PostgreSQL might pick the request as the victim.
func (t *Tx) StateLock(ctx context.Context, d Dialect) error {
	if d != Postgres {
		return nil
	}
	names := make([]string, len(StateTables))
	for i, st := range StateTables {
		names[i] = st.Name
	}
	if _, err := t.tx.ExecContext(ctx, `SET LOCAL lock_timeout = '200ms'`); err != nil {
		return interpretError(err)
	}
	if _, err := t.tx.ExecContext(ctx, `LOCK TABLE `+strings.Join(names, ", ")+` IN EXCLUSIVE MODE`); err != nil {
		return interpretError(err)
	}
	_, err := t.tx.ExecContext(ctx, `SET LOCAL lock_timeout = DEFAULT`)
	return interpretError(err)
}

// StateDelete empties every state table (but its kept rows), children
// first.
func (t *Tx) StateDelete(ctx context.Context) error {
	for i := len(StateTables) - 1; i >= 0; i-- {
		st := StateTables[i]
		query := `DELETE FROM ` + st.Name
		if st.Keep != "" {
			query += ` WHERE NOT (` + st.Keep + `)`
		}
		if _, err := t.tx.ExecContext(ctx, query); err != nil {
			return fmt.Errorf("empty %s: %w", st.Name, interpretError(err))
		}
	}
	return nil
}

// Retryable reports whether a transaction failed only for meeting another
// one (a deadlock, a serialization failure, a lock not had in time), so
// running it again can succeed.
func Retryable(err error) bool {
	var pgErr *pgconn.PgError
	if !errors.As(err, &pgErr) {
		return false
	}
	switch pgErr.Code {
	case "40P01", "40001", "55P03":
		return true
	}
	return false
}

// ReadTx runs fn in a read-only transaction that sees one consistent state
// (REPEATABLE READ on PostgreSQL; a read transaction on SQLite, which in
// WAL mode sees the database as of its first read).
func (s *Store) ReadTx(ctx context.Context, fn func(*Tx) error) error {
	db := s.db
	opts := &sql.TxOptions{Isolation: sql.LevelRepeatableRead, ReadOnly: true}
	if s.read != nil {
		db, opts = s.read, nil
	}
	stx, err := db.BeginTx(ctx, opts)
	if err != nil {
		return interpretError(err)
	}
	defer stx.Rollback()
	return fn(&Tx{Q: Q{db: stx, pg: s.dialect == Postgres}, tx: stx})
}
