package store

import "context"

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

// MarkUnavailable is markUnavailable, for the test of what it marks.
var MarkUnavailable = markUnavailable
