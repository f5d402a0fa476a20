package store

import (
	"context"

	"github.com/jackc/pgx/v5"
)

// AnalyzeGrown has PostgreSQL gather the statistics of every table of the
// store whose rows changed by more than 50 and a tenth since they were
// last gathered, as autovacuum's analyze does by default, and returns
// their names. ecsd's tables grow from empty in minutes; a server with
// autovacuum off (or behind) planned the details of a page of 100 from
// the statistics of empty tables, as sequential scans: 0.5 s a page at
// 100,000 instances. A no-op on SQLite, whose plans follow the indexes.
func (s *Store) AnalyzeGrown(ctx context.Context) ([]string, error) {
	if s.dialect != Postgres {
		return nil, nil
	}
	tables, err := queryAll(ctx, s.db, func(r scanner) (*string, error) {
		var name string
		return &name, r.Scan(&name)
	}, `SELECT relname FROM pg_stat_user_tables
		WHERE schemaname = current_schema() AND n_mod_since_analyze > 50 + 0.1 * GREATEST(n_live_tup, 0)
		ORDER BY relname`)
	if err != nil {
		return nil, err
	}
	var done []string
	for _, t := range tables {
		if _, err := s.db.ExecContext(ctx, `ANALYZE `+pgx.Identifier{*t}.Sanitize()); err != nil {
			return done, interpretError(err)
		}
		done = append(done, *t)
	}
	return done, nil
}
