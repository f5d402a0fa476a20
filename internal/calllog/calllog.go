// Package calllog records every RPC call in the store — who called which
// action with what (secrets removed), and what was answered — and reads the
// record back. The request path only hands a call to a bounded buffer; a
// writer goroutine encodes and inserts calls in batches, and prunes the
// table to its count and age limits.
package calllog

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/ecsd/ecsd/internal/rpc"
	"github.com/ecsd/ecsd/internal/store"
)

// Defaults of Config.
const (
	DefaultMaxCalls      = 100_000
	DefaultTTL           = 7 * 24 * time.Hour
	DefaultBuffer        = 10_000
	DefaultFlushInterval = 200 * time.Millisecond
	DefaultPruneInterval = time.Minute
	// maxBatch is the most calls one insert transaction carries.
	maxBatch = 512
	// pruneBatch is the most calls one DELETE removes, so that pruning a
	// large backlog never holds the database for long.
	pruneBatch = 5000
	// maxAnswerBytes bounds the answer kept per call.
	maxAnswerBytes = 16 << 10
	// maxBufferedBytes bounds the memory the buffer holds (answers and
	// request bodies waiting to be written), whatever their number.
	maxBufferedBytes = 64 << 20
)

// Config tunes a Recorder; zero fields take the defaults.
type Config struct {
	MaxCalls      int           // calls kept
	TTL           time.Duration // age of the oldest call kept (wall clock)
	Buffer        int           // calls waiting to be written; beyond it calls are dropped
	FlushInterval time.Duration
	PruneInterval time.Duration
	Log           *slog.Logger
}

// Recorder is the call log's writer. It implements rpc.Recorder.
type Recorder struct {
	store *store.Store
	cfg   Config

	in      chan *rpc.Call
	flushes chan chan error
	stop    chan struct{}
	done    chan struct{}
	once    sync.Once

	dropped  atomic.Uint64
	written  atomic.Uint64
	failures atomic.Uint64
	buffered atomic.Int64 // bytes held by calls not yet written
}

// New starts the writer. Close stops it after writing what is buffered.
func New(st *store.Store, cfg Config) *Recorder {
	if cfg.MaxCalls <= 0 {
		cfg.MaxCalls = DefaultMaxCalls
	}
	if cfg.TTL <= 0 {
		cfg.TTL = DefaultTTL
	}
	if cfg.Buffer <= 0 {
		cfg.Buffer = DefaultBuffer
	}
	if cfg.FlushInterval <= 0 {
		cfg.FlushInterval = DefaultFlushInterval
	}
	if cfg.PruneInterval <= 0 {
		cfg.PruneInterval = DefaultPruneInterval
	}
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	r := &Recorder{
		store: st, cfg: cfg,
		in:      make(chan *rpc.Call, cfg.Buffer),
		flushes: make(chan chan error),
		stop:    make(chan struct{}),
		done:    make(chan struct{}),
	}
	go r.run()
	return r
}

// Record queues a call without waiting. When the buffer is full (the
// store cannot keep up) the call is dropped and counted, rather than
// slowing the request.
func (r *Recorder) Record(c *rpc.Call) {
	n := size(c)
	if r.buffered.Add(n) > maxBufferedBytes {
		r.buffered.Add(-n)
		r.dropped.Add(1)
		return
	}
	select {
	case r.in <- c:
	default:
		r.buffered.Add(-n)
		r.dropped.Add(1)
	}
}

// size is about the memory a buffered call holds beyond its fixed part.
func size(c *rpc.Call) int64 {
	n := len(c.Answer)
	if c.Request != nil {
		n += len(c.Request.Body)
	}
	return int64(n)
}

// Store is where the calls are written.
func (r *Recorder) Store() *store.Store { return r.store }

// List writes this replica's buffer, then returns a page of calls.
func (r *Recorder) List(ctx context.Context, f store.CallFilter) (*Page, error) {
	if err := r.Flush(ctx); err != nil {
		return nil, err
	}
	return List(ctx, r.store.Q, f)
}

// Get writes this replica's buffer, then returns one call.
func (r *Recorder) Get(ctx context.Context, callID string) (*Entry, error) {
	if err := r.Flush(ctx); err != nil {
		return nil, err
	}
	return Get(ctx, r.store.Q, callID)
}

// Dropped is the number of calls dropped because the buffer was full.
func (r *Recorder) Dropped() uint64 { return r.dropped.Load() }

// Written is the number of calls written.
func (r *Recorder) Written() uint64 { return r.written.Load() }

// Flush writes every call queued before it was called, so that a reader
// on this replica sees its own calls.
func (r *Recorder) Flush(ctx context.Context) error {
	ch := make(chan error, 1)
	select {
	case r.flushes <- ch:
	case <-r.done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
	select {
	case err := <-ch:
		return err
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Close writes what is buffered and stops the writer. Calls recorded after
// Close are not written.
func (r *Recorder) Close() {
	r.once.Do(func() { close(r.stop) })
	<-r.done
}

// Prune deletes calls beyond the count and age limits now, in batches.
func (r *Recorder) Prune(ctx context.Context) error {
	before := time.Now().Add(-r.cfg.TTL)
	for {
		n, err := r.store.CallPrune(ctx, before, r.cfg.MaxCalls, pruneBatch)
		if err != nil || n < pruneBatch {
			return err
		}
	}
}

func (r *Recorder) run() {
	defer close(r.done)
	flushTick := time.NewTicker(r.cfg.FlushInterval)
	defer flushTick.Stop()
	pruneTick := time.NewTicker(r.cfg.PruneInterval)
	defer pruneTick.Stop()
	batch := make([]*rpc.Call, 0, maxBatch)
	write := func() error {
		err := r.write(batch)
		clear(batch)
		batch = batch[:0]
		return err
	}
	// drain moves what is queued now into batches, writing full ones.
	drain := func() error {
		var errs error
		for n := len(r.in); n > 0; n-- {
			batch = append(batch, <-r.in)
			if len(batch) == maxBatch {
				if err := write(); err != nil {
					errs = err
				}
			}
		}
		if err := write(); err != nil {
			errs = err
		}
		return errs
	}
	for {
		select {
		case c := <-r.in:
			batch = append(batch, c)
			if len(batch) == maxBatch {
				_ = write()
			}
		case <-flushTick.C:
			_ = write()
		case ch := <-r.flushes:
			ch <- drain()
		case <-pruneTick.C:
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			if err := r.Prune(ctx); err != nil {
				r.cfg.Log.Warn("call log: prune", "err", err)
			}
			cancel()
		case <-r.stop:
			_ = drain()
			return
		}
	}
}

// write encodes and inserts a batch in one transaction. A batch that
// cannot be written is logged and given up, so that a database outage
// does not grow memory without bound.
func (r *Recorder) write(batch []*rpc.Call) error {
	if len(batch) == 0 {
		return nil
	}
	rows := make([]*store.Call, len(batch))
	for i, c := range batch {
		rows[i] = Encode(c)
		r.buffered.Add(-size(c))
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	err := r.store.CallInsert(ctx, rows)
	if err != nil {
		r.failures.Add(1)
		r.cfg.Log.Error("call log: write", "calls", len(rows), "err", err)
		return err
	}
	r.written.Add(uint64(len(rows)))
	return nil
}

// Encode turns a call into its stored form: parameters and answer as JSON
// with secrets removed, the instances it names, who made it.
func Encode(c *rpc.Call) *store.Call {
	row := &store.Call{
		At: c.Start.UTC(), RequestID: c.RequestID, Duration: c.Duration, HTTPStatus: c.Status,
		AccountID: c.Caller.AccountID, AccessKeyID: c.Caller.AccessKeyID, UserName: c.Caller.UserName,
		Product: c.Product, Action: c.Action, Params: "{}",
	}
	ids := map[string]bool{}
	if req := c.Request; req != nil {
		row.SourceIP = req.RemoteIP
		row.Version = firstOf(req.Params["Version"], req.Header.Get("x-acs-version"))
		if row.Action == "" {
			row.Action = firstOf(req.Params["Action"], req.Header.Get("x-acs-action"))
		}
		if row.AccessKeyID == "" {
			row.AccessKeyID = firstOf(req.Params["AccessKeyId"], acs3KeyID(req.Header.Get("Authorization")))
		}
		if b, err := marshal(redactParams(req.Params)); err == nil {
			row.Params = string(b)
		}
		for k, v := range req.Params {
			if k == "InstanceId" || strings.HasPrefix(k, "InstanceId.") || k == "InstanceIds" {
				addInstanceIDs(ids, v)
			}
		}
	}
	if c.Err != nil {
		row.Code = c.Err.Def.Code
		ans := map[string]any{"Code": c.Err.Def.Code, "Message": c.Err.Message}
		if len(c.Err.Detail) > 0 {
			ans["AccessDeniedDetail"] = c.Err.Detail
		}
		b, _ := json.Marshal(ans)
		row.Answer = string(b)
	} else {
		row.Answer = answerJSON(c.Answer, c.XML)
		answerInstanceIDs(ids, c.Answer, c.XML)
	}
	for id := range ids {
		row.InstanceIDs = append(row.InstanceIDs, id)
	}
	return row
}

// marshal is json.Marshal without escaping <, > and &: the log shows XML
// answers and parameters as they were.
func marshal(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimRight(buf.Bytes(), "\n"), nil
}

func firstOf(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// acs3KeyID reads the AccessKeyId of an ACS3 Authorization header
// ("ACS3-HMAC-SHA256 Credential=LTAI...,SignedHeaders=...,Signature=...").
func acs3KeyID(h string) string {
	_, rest, ok := strings.Cut(h, "Credential=")
	if !ok {
		return ""
	}
	id, _, _ := strings.Cut(rest, ",")
	return strings.TrimSpace(id)
}

// addInstanceIDs adds an instance id, or each id of a JSON array of them.
func addInstanceIDs(ids map[string]bool, v string) {
	v = strings.TrimSpace(v)
	if strings.HasPrefix(v, "[") {
		var list []string
		if json.Unmarshal([]byte(v), &list) == nil {
			for _, id := range list {
				addInstanceIDs(ids, id)
			}
		}
		return
	}
	if strings.HasPrefix(v, "i-") && len(v) < 64 && !strings.ContainsAny(v, " %") {
		ids[v] = true
	}
}

// answerInstanceIDs adds the instances a purchase answered with
// (InstanceIdSets.InstanceIdSet, in JSON or XML).
func answerInstanceIDs(ids map[string]bool, raw []byte, isXML bool) {
	if !bytes.Contains(raw, []byte("InstanceIdSet")) {
		return
	}
	if isXML {
		for _, m := range xmlInstanceIDSet.FindAllSubmatch(raw, -1) {
			addInstanceIDs(ids, string(m[1]))
		}
		return
	}
	var ans struct {
		InstanceIdSets struct{ InstanceIdSet []string }
	}
	if json.Unmarshal(raw, &ans) == nil {
		for _, id := range ans.InstanceIdSets.InstanceIdSet {
			addInstanceIDs(ids, id)
		}
	}
}

var xmlInstanceIDSet = regexp.MustCompile(`<InstanceIdSet>([^<]*)</InstanceIdSet>`)

// answerJSON is the answer as kept: JSON as sent, XML as a JSON string,
// secrets removed, at most maxAnswerBytes.
func answerJSON(body []byte, isXML bool) string {
	body = bytes.TrimSpace(body)
	var out []byte
	if isXML {
		out, _ = marshal(string(redactXML(body)))
	} else {
		out = redactJSON(body)
	}
	if len(out) > maxAnswerBytes {
		out, _ = json.Marshal(map[string]any{"Truncated": true, "Bytes": len(out), "Prefix": string(out[:maxAnswerBytes/4])})
	}
	return string(out)
}
