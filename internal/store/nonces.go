package store

import (
	"cmp"
	"context"
	"errors"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// NonceUse records a signature nonce for a key until expires. It returns
// false if the nonce was already recorded and has not expired: the primary
// key decides, so replicas sharing the database agree. The nonces of the
// process's requests that arrive together are recorded by one statement (a
// request waits for its own batch, so the database still decides before it
// is answered, and replicas still agree). Every signed request records a
// nonce, reads included; one statement per request made that half of a
// read's cost, and on SQLite each one queued for the one write connection.
func (s *Store) NonceUse(ctx context.Context, accessKeyID, nonce string, now, expires time.Time) (bool, error) {
	r := &nonceReq{key: accessKeyID, nonce: nonce, now: micros(now), expires: micros(expires), done: make(chan nonceResult, 1)}
	select {
	case s.nonces.reqs <- r:
	case <-s.nonces.stop:
		return false, errStoreClosed
	case <-ctx.Done():
		return false, ctx.Err()
	}
	select {
	case res := <-r.done:
		return res.fresh, res.err
	case <-s.nonces.stop:
		return false, errStoreClosed
	case <-ctx.Done():
		return false, ctx.Err()
	}
}

var errStoreClosed = &UnavailableError{Err: errors.New("store: closed")}

// maxNonceBatch bounds one statement (3 parameters a nonce).
const maxNonceBatch = 200

type nonceReq struct {
	key, nonce   string
	now, expires int64
	done         chan nonceResult
}

type nonceResult struct {
	fresh bool
	err   error
}

// nonceBatcher records nonces in batches: each worker takes what has
// queued up while the previous statement ran, so a lone request waits for
// nothing and a busy server sends few statements.
type nonceBatcher struct {
	reqs     chan *nonceReq
	stop     chan struct{}
	stopOnce sync.Once
	wg       sync.WaitGroup
}

func startNonceBatcher(db dbtx, workers int) *nonceBatcher {
	b := &nonceBatcher{reqs: make(chan *nonceReq, maxNonceBatch), stop: make(chan struct{})}
	for range workers {
		b.wg.Go(func() {
			batch := make([]*nonceReq, 0, maxNonceBatch)
			for {
				select {
				case r := <-b.reqs:
					batch = append(batch[:0], r)
				case <-b.stop:
					return
				}
			more:
				for len(batch) < maxNonceBatch {
					select {
					case r := <-b.reqs:
						batch = append(batch, r)
					default:
						break more
					}
				}
				recordNonces(db, batch)
			}
		})
	}
	return b
}

func (b *nonceBatcher) close() {
	b.stopOnce.Do(func() { close(b.stop) })
	b.wg.Wait()
}

// recordNonces inserts a batch in one statement and answers each request.
// A nonce sent twice in one batch is a replay: the later requests are
// answered as used. Rows go in key order, so that batches of concurrent
// workers that share nonces take their locks in one order and cannot
// deadlock.
func recordNonces(db dbtx, batch []*nonceReq) {
	slices.SortStableFunc(batch, func(a, b *nonceReq) int {
		return cmp.Or(strings.Compare(a.key, b.key), strings.Compare(a.nonce, b.nonce))
	})
	type k struct{ key, nonce string }
	first := map[k]*nonceReq{}
	var sb strings.Builder
	sb.WriteString(`INSERT INTO nonces (access_key_id, nonce, expires_at) VALUES `)
	args := make([]any, 0, 3*len(batch)+1)
	now := batch[0].now
	for _, r := range batch {
		if _, dup := first[k{r.key, r.nonce}]; dup {
			r.done <- nonceResult{}
			continue
		}
		first[k{r.key, r.nonce}] = r
		if len(args) > 0 {
			sb.WriteString(", ")
		}
		n := len(args)
		sb.WriteString("($" + strconv.Itoa(n+1) + ", $" + strconv.Itoa(n+2) + ", $" + strconv.Itoa(n+3) + ")")
		args = append(args, r.key, r.nonce, r.expires)
		now = min(now, r.now) // the earliest: a nonce is reused only once expired for every request of the batch
	}
	args = append(args, now)
	sb.WriteString(` ON CONFLICT (access_key_id, nonce) DO UPDATE SET expires_at = excluded.expires_at
		WHERE nonces.expires_at <= $` + strconv.Itoa(len(args)) + ` RETURNING access_key_id, nonce`)
	// Not a request's context: the statement answers every request of
	// the batch, whichever of them gave up.
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	fresh := map[k]bool{}
	rows, err := db.QueryContext(ctx, sb.String(), args...)
	if err == nil {
		for rows.Next() {
			var r k
			if err = rows.Scan(&r.key, &r.nonce); err != nil {
				break
			}
			fresh[r] = true
		}
		rows.Close()
		if err == nil {
			err = rows.Err()
		}
	}
	err = interpretError(err)
	for key, r := range first {
		r.done <- nonceResult{fresh: err == nil && fresh[key], err: err}
	}
}

// NonceDeleteExpired removes nonces that expired before now and returns how
// many it removed.
func (s *Store) NonceDeleteExpired(ctx context.Context, now time.Time) (int64, error) {
	res, err := s.nonceDB.ExecContext(ctx, `DELETE FROM nonces WHERE expires_at <= $1`, micros(now))
	if err != nil {
		return 0, interpretError(err)
	}
	n, err := res.RowsAffected()
	return n, interpretError(err)
}
