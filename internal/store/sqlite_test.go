package store

import (
	"context"
	"database/sql"
	"errors"
	"testing"
	"time"
)

func openTestSQLite(t *testing.T) *Store {
	t.Helper()
	st, err := Open(context.Background(), t.TempDir(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if _, err := st.db.Exec(`CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT NOT NULL)`); err != nil {
		t.Fatal(err)
	}
	if _, err := st.db.Exec(`INSERT INTO t (id, v) VALUES (1, 'a'), (2, 'b'), (3, 'c')`); err != nil {
		t.Fatal(err)
	}
	return st
}

func TestReadOnly(t *testing.T) {
	for q, want := range map[string]bool{
		"SELECT 1":          true,
		"  select * from t": true,
		"-- name: JobGetByID :one\nSELECT * FROM t":        true,
		"/* c */ SELECT 1":                                 true,
		"EXPLAIN QUERY PLAN SELECT 1":                      true,
		"VALUES (1)":                                       true,
		"UPDATE t SET v = 'x' RETURNING id":                false,
		"-- name: JobSetState :many\nUPDATE t SET v = 'x'": false,
		"WITH x AS (SELECT 1) DELETE FROM t":               false,
		"INSERT INTO t VALUES (9, 'z')":                    false,
		"PRAGMA journal_mode":                              false,
		"-- only a comment":                                false,
		"SELECTED":                                         false,
	} {
		if got := readOnly(q); got != want {
			t.Errorf("readOnly(%q) = %v, want %v", q, got, want)
		}
	}
}

func TestSQLitePools(t *testing.T) {
	st := openTestSQLite(t)
	ctx := context.Background()

	t.Run("the read pool cannot write", func(t *testing.T) {
		if _, err := st.read.ExecContext(ctx, `UPDATE t SET v = 'x' WHERE id = 1`); err == nil {
			t.Fatal("a write through the read pool succeeded; query_only is not in effect")
		}
	})

	t.Run("writes outside a transaction go to the write connection", func(t *testing.T) {
		// Through the Store's own queries: they would fail on the read pool.
		if _, err := st.Q.db.ExecContext(ctx, `UPDATE t SET v = 'y' WHERE id = 1`); err != nil {
			t.Fatal(err)
		}
		var v string
		if err := st.Q.db.QueryRowContext(ctx, `UPDATE t SET v = v || '!' WHERE id = 1 RETURNING v`).Scan(&v); err != nil || v != "y!" {
			t.Fatalf("UPDATE ... RETURNING: %q, %v", v, err)
		}
		if err := st.Q.db.QueryRowContext(ctx, `-- name: Get :one
SELECT v FROM t WHERE id = 1`).Scan(&v); err != nil || v != "y!" {
			t.Fatalf("read back: %q, %v", v, err)
		}
	})

	t.Run("InTx waits its turn, and gives up when its context ends", func(t *testing.T) {
		err := st.InTx(ctx, func(tx *Tx) error {
			if len(st.writer.ch) != 1 {
				t.Error("turn free inside InTx")
			}
			cctx, cancel := context.WithCancel(ctx)
			cancel()
			if err := st.InTx(cctx, func(*Tx) error { return nil }); !errors.Is(err, context.Canceled) {
				t.Errorf("second writer: got %v, want context.Canceled", err)
			}
			// A read outside the transaction meanwhile is not blocked.
			var n int
			if err := st.Q.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM t`).Scan(&n); err != nil || n != 3 {
				t.Errorf("read beside the writer: %d, %v", n, err)
			}
			_, err := tx.tx.ExecContext(ctx, `UPDATE t SET v = 'in' WHERE id = 2`)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		if len(st.writer.ch) != 0 {
			t.Fatal("turn still held after InTx")
		}
	})
}

// A read's statements see one snapshot: a write committed between two of
// them is not seen by the second. A write sent through a read still goes to
// the write connection.
func TestReadSeesOneSnapshot(t *testing.T) {
	st := openTestSQLite(t)
	ctx := context.Background()
	value := func(q Q) string {
		t.Helper()
		var v string
		if err := q.db.QueryRowContext(ctx, `SELECT v FROM t WHERE id = 3`).Scan(&v); err != nil {
			t.Fatal(err)
		}
		return v
	}
	err := st.Read(ctx, func(q Q) error {
		before := value(q)
		if _, err := st.Q.db.ExecContext(ctx, `UPDATE t SET v = 'changed' WHERE id = 3`); err != nil {
			return err
		}
		if after := value(q); after != before {
			t.Errorf("the read saw a write made after it began: %q, then %q", before, after)
		}
		_, err := q.db.ExecContext(ctx, `UPDATE t SET v = 'through the read' WHERE id = 2`)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if v := value(st.Q); v != "changed" {
		t.Fatalf("after the read: %q, want the write made meanwhile", v)
	}
}

// Nonces live in nonces.db, shared by every process on the directory: a
// nonce used through one Store is refused through another.
func TestNoncesSharedBetweenProcesses(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	var stores [2]*Store
	for i := range stores {
		st, err := Open(ctx, dir, Options{})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { st.Close() })
		if err := st.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
		stores[i] = st
	}
	now := time.Now()
	if fresh, err := stores[0].NonceUse(ctx, "k", "n", now, now.Add(15*time.Minute)); err != nil || !fresh {
		t.Fatalf("first use: %v, %v", fresh, err)
	}
	if fresh, err := stores[1].NonceUse(ctx, "k", "n", now, now.Add(15*time.Minute)); err != nil || fresh {
		t.Fatalf("the other process accepted a used nonce: %v, %v", fresh, err)
	}
	var n int
	if err := stores[1].read.QueryRowContext(ctx, `SELECT COUNT(*) FROM sqlite_master WHERE name IN ('nonces', 'instances')`).Scan(&n); err != nil || n != 1 {
		t.Fatalf("ecsd.db has %d of the tables instances and nonces (%v), want instances only: nonce writes there would invalidate the readers' caches", n, err)
	}
}

func TestStatementCache(t *testing.T) {
	st := openTestSQLite(t)
	ctx := context.Background()
	const q = `SELECT v FROM t WHERE id >= $1 ORDER BY id`

	read := func(db interface {
		QueryContext(context.Context, string, ...any) (*sql.Rows, error)
	}, from int) []string {
		t.Helper()
		rows, err := db.QueryContext(ctx, q, from)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		var out []string
		for rows.Next() {
			var v string
			if err := rows.Scan(&v); err != nil {
				t.Fatal(err)
			}
			out = append(out, v)
		}
		return out
	}

	err := st.InTx(ctx, func(tx *Tx) error {
		// The same statement again while its first rows are open: the
		// second use must not reset the first.
		rows, err := tx.tx.QueryContext(ctx, q, 1)
		if err != nil {
			return err
		}
		defer rows.Close()
		var outer []string
		for rows.Next() {
			var v string
			if err := rows.Scan(&v); err != nil {
				return err
			}
			outer = append(outer, v)
			if inner := read(tx.tx, 2); len(inner) != 2 || inner[0] != "b" {
				t.Errorf("nested query: got %v, want [b c]", inner)
			}
		}
		if len(outer) != 3 || outer[2] != "c" {
			t.Errorf("outer query: got %v, want [a b c]", outer)
		}
		return rows.Err()
	})
	if err != nil {
		t.Fatal(err)
	}

	// Reused with other arguments, on one connection so that the cache is
	// the one looked at.
	conn, err := st.db.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if got := read(conn, 3); len(got) != 1 || got[0] != "c" {
		t.Fatalf("got %v, want [c]", got)
	}
	if got := read(conn, 1); len(got) != 3 {
		t.Fatalf("got %v, want [a b c]", got)
	}
	if _, err := conn.ExecContext(ctx, `SELEC nonsense`); err == nil {
		t.Fatal("a statement that does not parse succeeded")
	}
	err = conn.Raw(func(dc any) error {
		c := dc.(*cachingConn)
		if s, ok := c.stmts[q]; !ok || s.busy {
			t.Errorf("statement not cached, or left busy: %+v", s)
		}
		if _, ok := c.stmts[`SELEC nonsense`]; ok {
			t.Error("a statement that does not parse was cached")
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
