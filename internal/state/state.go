// Package state handles ecsd's state as a whole: a reset to a fresh start,
// and snapshots that export it as one JSON document and load it back, on
// either store. Each is one transaction; the tables it covers are listed in
// store.StateTables. The document format is described in docs/snapshot.md.
package state

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"github.com/ecsd/ecsd/internal/account"
	"github.com/ecsd/ecsd/internal/catalog"
	"github.com/ecsd/ecsd/internal/clock"
	"github.com/ecsd/ecsd/internal/money"
	"github.com/ecsd/ecsd/internal/store"
)

// The snapshot format. Version goes up only when a document of the old
// version would mean something else to a new ecsd; added tables and
// columns do not change it (an older document lacks them, and they take
// their defaults).
const (
	Format  = "ecsd-snapshot"
	Version = 1
)

// Document is a snapshot: the whole state at one instant.
type Document struct {
	Format  string
	Version int
	// TakenAt is the wall-clock time of the export.
	TakenAt string
	// Clock is the domain clock at the export. A manual clock's time is
	// also in Tables.settings; it is what an import sets.
	Clock Clock
	// Tables holds every state table: its columns and its rows.
	Tables map[string]*store.TableRows
	// Jobs is the work in flight (River jobs not yet finished): applied
	// after an import as it would have been.
	Jobs []Job
}

// Clock is the domain clock in a document.
type Clock struct {
	Mode string
	Now  string
}

// Job is a pending River job: its kind, arguments and the wall-clock time
// it is due.
type Job struct {
	Kind        string
	Args        json.RawMessage
	ScheduledAt string
}

// Summary says what an import loaded.
type Summary struct {
	Rows map[string]int
	Jobs int
}

// Error is a document that cannot be loaded.
type Error = store.StateError

// Manager resets, exports and imports the state of one store.
type Manager struct {
	Store   *store.Store
	Jobs    *river.Client[*sql.Tx]
	Clock   clock.Clock
	Catalog *catalog.Catalog
	// ClockStart is where a reset puts a manual clock (zero: the wall
	// clock's now).
	ClockStart time.Time
	// DefaultAccessKeyID and DefaultAccessKeySecret are the default
	// account's keys after a reset (empty: new ones are generated).
	DefaultAccessKeyID     string
	DefaultAccessKeySecret string
	// Changed, if set, is told after a reset or an import commits.
	Changed func()
}

// DefaultBalance is the default account's opening balance.
const DefaultBalance = money.Amount(1_000_000) // 10000.00

// CreateDefault creates the default account unless the store has had one
// (a settings row decides, so that replicas starting together create one
// between them). It returns nil when there was nothing to do.
func CreateDefault(ctx context.Context, tx *store.Tx, now time.Time, keyID, secret string) (*account.Created, error) {
	return createDefault(ctx, tx, now, account.CreateParams{AccessKeyID: keyID, AccessKeySecret: secret})
}

func createDefault(ctx context.Context, tx *store.Tx, now time.Time, p account.CreateParams) (*account.Created, error) {
	won, err := tx.SettingInsert(ctx, "bootstrap.default_account", now.Format(time.RFC3339))
	if err != nil || !won {
		return nil, err
	}
	p.Name, p.Balance = "default", DefaultBalance
	return account.Create(ctx, tx, now, p)
}

// SeedStock gives every (zone, type) of the catalog its initial stock,
// unless the store already has a row for it.
func SeedStock(ctx context.Context, tx *store.Tx, cat *catalog.Catalog) error {
	initial := cat.InitialStock()
	levels := make([]store.StockLevel, len(initial))
	for i, st := range initial {
		levels[i] = store.StockLevel{ZoneID: st.ZoneId, InstanceType: st.InstanceType, Available: st.Available}
	}
	return tx.StockSeed(ctx, levels)
}

// Reset brings the state back to a fresh start, as on first start with an
// empty store: no accounts but the default one (with the configured keys),
// the catalog's stock, the manual clock at its start, no pending work. It
// returns the new default account.
func (m *Manager) Reset(ctx context.Context) (*account.Created, error) {
	start := m.ClockStart
	if start.IsZero() {
		start = time.Now().UTC()
	}
	now := start
	if _, manual := m.Clock.(*clock.Manual); !manual {
		now = m.Clock.Now()
	}
	var created *account.Created
	p := account.CreateParams{AccessKeyID: m.DefaultAccessKeyID, AccessKeySecret: m.DefaultAccessKeySecret}
	keepID := func(tx *store.Tx) error {
		// With configured keys the default account keeps its id too, so
		// that a call of the default account running across the reset
		// finds its account, as if it came just after.
		p.AccountID = ""
		if p.AccessKeyID != "" {
			k, err := tx.AccessKeyGetByID(ctx, p.AccessKeyID)
			if err != nil && !errors.Is(err, store.ErrNotFound) {
				return err
			}
			if err == nil && k.UserName == "" {
				p.AccountID = k.AccountID
			}
		}
		return nil
	}
	err := m.replace(ctx, keepID, func(tx *store.Tx) error {
		if err := m.seedClock(ctx, tx, start); err != nil {
			return err
		}
		var err error
		if created, err = createDefault(ctx, tx, now, p); err != nil {
			return err
		}
		return SeedStock(ctx, tx, m.Catalog)
	})
	return created, err
}

// replace runs before on the old state, empties it and runs fill, in one
// transaction, with writers kept out. Pending jobs of the old state are
// deleted with it; a job already running finishes on its own, and its
// compare-and-set (instance status, in-flight order id) finds nothing of
// the old state to act on. Timers of the old state are rows of it: a timer
// loop that listed one finds it gone (new timers never reuse an id).
// A transaction that cannot have the tables soon (writers hold them) is
// run again after a pause, for up to about ten seconds.
func (m *Manager) replace(ctx context.Context, before, fill func(tx *store.Tx) error) error {
	var err error
	for attempt := range 40 {
		if attempt > 0 {
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-time.After(time.Duration(10+rand.IntN(40)) * time.Millisecond):
			}
		}
		err = m.Store.InTx(ctx, func(tx *store.Tx) error {
			if err := tx.StateLock(ctx, m.Store.Dialect()); err != nil {
				return err
			}
			if before != nil {
				if err := before(tx); err != nil {
					return err
				}
			}
			if err := m.deleteJobs(ctx, tx); err != nil {
				return err
			}
			if err := tx.StateDelete(ctx); err != nil {
				return err
			}
			return fill(tx)
		})
		if !store.Retryable(err) {
			break
		}
	}
	if err == nil && m.Changed != nil {
		m.Changed()
	}
	return err
}

// pendingStates are the states of jobs that have work still to do.
var pendingStates = []rivertype.JobState{
	rivertype.JobStateAvailable, rivertype.JobStatePending, rivertype.JobStateRetryable, rivertype.JobStateScheduled,
}

func (m *Manager) deleteJobs(ctx context.Context, tx *store.Tx) error {
	for {
		res, err := m.Jobs.JobDeleteManyTx(ctx, tx.SQL(), river.NewJobDeleteManyParams().States(pendingStates...).First(10_000))
		if err != nil {
			return fmt.Errorf("delete pending jobs: %w", err)
		}
		if len(res.Jobs) == 0 {
			return nil
		}
	}
}

// seedClock puts a manual clock at t unless the state already set it.
func (m *Manager) seedClock(ctx context.Context, tx *store.Tx, t time.Time) error {
	if _, manual := m.Clock.(*clock.Manual); !manual {
		return nil
	}
	return clock.Seed(ctx, tx, t)
}

// Export reads the whole state in one read transaction.
func (m *Manager) Export(ctx context.Context) (*Document, error) {
	mode := clock.ModeReal
	if _, manual := m.Clock.(*clock.Manual); manual {
		mode = clock.ModeManual
	}
	doc := &Document{
		Format: Format, Version: Version, TakenAt: time.Now().UTC().Format(time.RFC3339Nano),
		Clock:  Clock{Mode: mode, Now: m.Clock.Now().Format(time.RFC3339Nano)},
		Tables: map[string]*store.TableRows{}, Jobs: []Job{},
	}
	err := m.Store.ReadTx(ctx, func(tx *store.Tx) error {
		for _, t := range store.StateTables {
			rows, err := tx.TableDump(ctx, m.Store.Dialect(), t)
			if err != nil {
				return fmt.Errorf("export %s: %w", t.Name, err)
			}
			doc.Tables[t.Name] = rows
		}
		params := river.NewJobListParams().States(append(pendingStates, rivertype.JobStateRunning)...).First(10_000)
		for {
			res, err := m.Jobs.JobListTx(ctx, tx.SQL(), params)
			if err != nil {
				return fmt.Errorf("export jobs: %w", err)
			}
			for _, j := range res.Jobs {
				doc.Jobs = append(doc.Jobs, Job{Kind: j.Kind, Args: json.RawMessage(j.EncodedArgs), ScheduledAt: j.ScheduledAt.UTC().Format(time.RFC3339Nano)})
			}
			if len(res.Jobs) < 10_000 {
				return nil
			}
			params = params.After(res.LastCursor)
		}
	})
	if err != nil {
		return nil, err
	}
	return doc, nil
}

// MaxDocument is the largest document Import reads.
const MaxDocument = 512 << 20

// Import replaces the state with a document's, in one transaction: if
// anything in it is wrong, nothing changes. A document that cannot be
// loaded is an *Error saying where and what.
func (m *Manager) Import(ctx context.Context, r io.Reader) (*Summary, error) {
	doc, err := Decode(r)
	if err != nil {
		return nil, err
	}
	sum := &Summary{Rows: map[string]int{}, Jobs: len(doc.Jobs)}
	err = m.replace(ctx, nil, func(tx *store.Tx) error {
		for _, t := range store.StateTables {
			data := doc.Tables[t.Name]
			if data == nil {
				continue
			}
			if err := tx.TableLoad(ctx, m.Store.Dialect(), t, data, "Tables."+t.Name); err != nil {
				return err
			}
			sum.Rows[t.Name] = len(data.Rows)
		}
		now, _ := time.Parse(time.RFC3339Nano, doc.Clock.Now)
		if err := m.seedClock(ctx, tx, now); err != nil {
			return err
		}
		// The document's state has had its default account: a restart
		// must not add one.
		if _, err := tx.SettingInsert(ctx, "bootstrap.default_account", now.Format(time.RFC3339)); err != nil {
			return err
		}
		return m.insertJobs(ctx, tx, doc.Jobs)
	})
	if err != nil {
		return nil, err
	}
	return sum, nil
}

// Decode reads and checks a document: its format and version, its table
// names and its jobs. Rows are checked against the store's columns when
// they are loaded.
func Decode(r io.Reader) (*Document, error) {
	raw, err := io.ReadAll(io.LimitReader(r, MaxDocument+1))
	if err != nil {
		return nil, err
	}
	if len(raw) > MaxDocument {
		return nil, &Error{Where: "document", What: fmt.Sprintf("larger than %d bytes", MaxDocument)}
	}
	// The header first, so that a document of another version is refused
	// for its version, not for whatever else it holds.
	var head struct {
		Format  string
		Version json.Number
	}
	if err := json.Unmarshal(raw, &head); err != nil {
		return nil, syntaxError(raw, err)
	}
	if head.Format != Format {
		return nil, &Error{Where: "Format", What: fmt.Sprintf("is %q; an ecsd snapshot has %q", head.Format, Format)}
	}
	v, err := head.Version.Int64()
	switch {
	case err != nil || v < 1:
		return nil, &Error{Where: "Version", What: fmt.Sprintf("is %q; this ecsd reads snapshot version %d", head.Version, Version)}
	case v > Version:
		return nil, &Error{Where: "Version", What: fmt.Sprintf("is %d, newer than this ecsd reads (%d): load it with the ecsd that wrote it, or a newer one", v, Version)}
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	dec.DisallowUnknownFields()
	var doc Document
	if err := dec.Decode(&doc); err != nil {
		return nil, syntaxError(raw, err)
	}
	if _, err := time.Parse(time.RFC3339Nano, doc.Clock.Now); err != nil {
		return nil, &Error{Where: "Clock.Now", What: fmt.Sprintf("%q is not an RFC 3339 time", doc.Clock.Now)}
	}
	for name, t := range doc.Tables {
		if _, ok := store.StateTableNamed(name); !ok {
			return nil, &Error{Where: "Tables." + name, What: "this ecsd has no such table (a snapshot of a newer ecsd?)"}
		}
		if t == nil {
			return nil, &Error{Where: "Tables." + name, What: "is null; give {\"Columns\":[...],\"Rows\":[...]}"}
		}
	}
	for i, j := range doc.Jobs {
		where := fmt.Sprintf("Jobs[%d]", i)
		if j.Kind == "" {
			return nil, &Error{Where: where + ".Kind", What: "is missing"}
		}
		if !bytes.HasPrefix(bytes.TrimSpace(j.Args), []byte("{")) {
			return nil, &Error{Where: where + ".Args", What: "must be a JSON object"}
		}
		if _, err := time.Parse(time.RFC3339Nano, j.ScheduledAt); err != nil {
			return nil, &Error{Where: where + ".ScheduledAt", What: fmt.Sprintf("%q is not an RFC 3339 time", j.ScheduledAt)}
		}
	}
	return &doc, nil
}

// syntaxError locates a JSON decoding error in the document.
func syntaxError(raw []byte, err error) error {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		line, col := position(raw, se.Offset)
		return &Error{Where: fmt.Sprintf("line %d, column %d", line, col), What: "not valid JSON: " + se.Error()}
	case errors.As(err, &te):
		line, col := position(raw, te.Offset)
		where := fmt.Sprintf("line %d, column %d", line, col)
		if te.Field != "" {
			where = te.Field + " (" + where + ")"
		}
		return &Error{Where: where, What: fmt.Sprintf("a JSON %s where %s belongs", te.Value, te.Type)}
	case strings.HasPrefix(err.Error(), "json: unknown field"):
		return &Error{Where: "document", What: strings.TrimPrefix(err.Error(), "json: ")}
	}
	return &Error{Where: "document", What: err.Error()}
}

func position(raw []byte, off int64) (line, col int) {
	if off > int64(len(raw)) {
		off = int64(len(raw))
	}
	before := raw[:off]
	line = bytes.Count(before, []byte("\n")) + 1
	col = int(off) - bytes.LastIndexByte(before, '\n')
	return line, col
}

// rawArgs re-inserts a job from its kind and encoded arguments.
type rawArgs struct {
	kind string
	args json.RawMessage
}

func (a rawArgs) Kind() string                 { return a.kind }
func (a rawArgs) MarshalJSON() ([]byte, error) { return a.args, nil }

// insertJobs re-creates the document's pending jobs. Their due times are
// wall-clock times; one already past is due at once.
func (m *Manager) insertJobs(ctx context.Context, tx *store.Tx, jobs []Job) error {
	if len(jobs) == 0 {
		return nil
	}
	now := time.Now()
	params := make([]river.InsertManyParams, len(jobs))
	for i, j := range jobs {
		var opts *river.InsertOpts
		if at, _ := time.Parse(time.RFC3339Nano, j.ScheduledAt); at.After(now) {
			opts = &river.InsertOpts{ScheduledAt: at}
		}
		params[i] = river.InsertManyParams{Args: rawArgs{kind: j.Kind, args: j.Args}, InsertOpts: opts}
	}
	// One at a time, so that a job River refuses is named.
	for i, p := range params {
		if _, err := m.Jobs.InsertManyTx(ctx, tx.SQL(), []river.InsertManyParams{p}); err != nil {
			if strings.Contains(err.Error(), "not registered") {
				return &Error{Where: fmt.Sprintf("Jobs[%d].Kind", i), What: fmt.Sprintf("%q is not a kind of job this ecsd runs", jobs[i].Kind)}
			}
			return fmt.Errorf("Jobs[%d]: %w", i, err)
		}
	}
	return nil
}
