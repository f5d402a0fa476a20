package store

import (
	"context"
	"database/sql"
)

// MigrateTo applies the migrations up to version v, for tests of a later
// migration's data changes.
func (s *Store) MigrateTo(ctx context.Context, v int64) error {
	p, done, err := s.provider()
	if err != nil {
		return err
	}
	defer done()
	_, err = p.UpTo(ctx, v)
	return err
}

// WithStatementHook returns the store's queries with hook called before
// each statement they run, for tests that look at the plans of the real
// statements.
func (s *Store) WithStatementHook(hook func(query string, args []any)) Q {
	return Q{db: hookedDB{s.db, hook}}
}

type hookedDB struct {
	db   dbtx
	hook func(string, []any)
}

func (h hookedDB) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	h.hook(query, args)
	return h.db.ExecContext(ctx, query, args...)
}

func (h hookedDB) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	h.hook(query, args)
	return h.db.QueryContext(ctx, query, args...)
}

func (h hookedDB) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	h.hook(query, args)
	return h.db.QueryRowContext(ctx, query, args...)
}

// MarkUnavailable is markUnavailable, for the test of what it marks.
var MarkUnavailable = markUnavailable
