package calllog

import (
	"context"
	"encoding/json"
	"errors"
	"net/url"
	"strconv"
	"time"

	"github.com/ecsd/ecsd/internal/apierr"
	"github.com/ecsd/ecsd/internal/store"
)

// Paging of the call log: newest first, MaxResults a page.
const (
	DefaultMaxResults = 50
	MaxMaxResults     = 100
)

// Entry is a call as the admin API and the console show it.
type Entry struct {
	CallId      string
	Time        string // RFC 3339, wall clock
	RequestId   string
	AccountId   string
	AccessKeyId string
	UserName    string // the RAM user; "" for the main account
	Product     string
	Version     string
	Action      string
	InstanceIds []string
	Code        string // "" when the call succeeded
	HttpStatus  int
	DurationMs  float64
	SourceIp    string
	Parameters  json.RawMessage // secrets replaced by "***"
	Answer      json.RawMessage // the error's Code and Message, or the answer's body
}

// Page is one page of calls; NextToken, when not empty, fetches the next.
type Page struct {
	Calls      []Entry
	NextToken  string
	MaxResults int
}

// queryParams are the parameters of a call log query.
var queryParams = map[string]bool{
	"AccountId": true, "Action": true, "InstanceId": true, "Code": true, "Since": true,
	"MaxResults": true, "NextToken": true,
}

// ParseFilter reads a query (AccountId, Action, InstanceId, Code, Since,
// MaxResults, NextToken) and refuses anything else, so that a misspelt
// filter never passes as "no filter".
func ParseFilter(q url.Values) (store.CallFilter, error) {
	f := store.CallFilter{
		AccountID: q.Get("AccountId"), Action: q.Get("Action"), InstanceID: q.Get("InstanceId"),
		Code: q.Get("Code"), Limit: DefaultMaxResults,
	}
	for k := range q {
		if !queryParams[k] {
			return f, apierr.InvalidParameter.Newf("%s is not a filter of the call log; use AccountId, Action, InstanceId, Code, Since, MaxResults and NextToken.", k)
		}
	}
	if s := q.Get("Since"); s != "" {
		t, err := time.Parse(time.RFC3339, s)
		if err != nil {
			return f, apierr.InvalidParameter.Newf("Since must be an RFC 3339 time such as \"2026-01-01T00:00:00Z\".")
		}
		f.Since = t
	}
	if s := q.Get("MaxResults"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > MaxMaxResults {
			return f, apierr.InvalidParameter.Newf("MaxResults must be 1 to %d.", MaxMaxResults)
		}
		f.Limit = n
	}
	if s := q.Get("NextToken"); s != "" {
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil || n < 1 {
			return f, apierr.InvalidParameter.Newf("NextToken %q is not one this call log gave.", s)
		}
		f.Before = n
	}
	return f, nil
}

// List returns a page of calls matching f, newest first.
func List(ctx context.Context, q store.Q, f store.CallFilter) (*Page, error) {
	limit := f.Limit
	f.Limit = limit + 1 // one more tells whether a next page exists
	calls, err := q.CallList(ctx, f)
	if err != nil {
		return nil, err
	}
	p := &Page{Calls: []Entry{}, MaxResults: limit}
	for i, c := range calls {
		if i == limit {
			p.NextToken = strconv.FormatInt(calls[i-1].ID, 10)
			break
		}
		p.Calls = append(p.Calls, View(c))
	}
	return p, nil
}

// Get returns one call by its CallId.
func Get(ctx context.Context, q store.Q, callID string) (*Entry, error) {
	id, err := strconv.ParseInt(callID, 10, 64)
	if err != nil {
		return nil, apierr.InvalidCallIDNotFound.New()
	}
	c, err := q.CallGet(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return nil, apierr.InvalidCallIDNotFound.New()
	}
	if err != nil {
		return nil, err
	}
	e := View(c)
	return &e, nil
}

// View is the Entry of a stored call.
func View(c *store.Call) Entry {
	ids := c.InstanceIDs
	if ids == nil {
		ids = []string{}
	}
	return Entry{
		CallId: strconv.FormatInt(c.ID, 10), Time: c.At.Format(time.RFC3339Nano), RequestId: c.RequestID,
		AccountId: c.AccountID, AccessKeyId: c.AccessKeyID, UserName: c.UserName,
		Product: c.Product, Version: c.Version, Action: c.Action, InstanceIds: ids,
		Code: c.Code, HttpStatus: c.HTTPStatus, DurationMs: float64(c.Duration.Microseconds()) / 1000,
		SourceIp: c.SourceIP, Parameters: json.RawMessage(c.Params), Answer: json.RawMessage(c.Answer),
	}
}
