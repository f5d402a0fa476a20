// Package apierr holds the one error catalog of ecsd: every code the project
// emits, with its HTTP status and message template. Only the rpc package turns
// an *Error into a response; everything else returns catalog errors.
package apierr

import (
	"errors"
	"fmt"
	"sort"
	"strings"
)

// Def is one row of the catalog: a code, the HTTP status it is sent with and
// its message template. A template may hold %s placeholders, filled by New.
type Def struct {
	Status  int
	Code    string
	Message string
}

var all []*Def

// def records a row for All. Rows are package variables, so a typo in a code
// name is a compile error rather than a wrong response.
func def(status int, code, message string) *Def {
	d := &Def{Status: status, Code: code, Message: message}
	all = append(all, d)
	return d
}

// All returns every row of the catalog, sorted by code then status.
func All() []*Def {
	out := append([]*Def(nil), all...)
	sort.Slice(out, func(i, j int) bool {
		if out[i].Code != out[j].Code {
			return out[i].Code < out[j].Code
		}
		return out[i].Status < out[j].Status
	})
	return out
}

// New returns an error of this row. args fill the %s placeholders of the
// template in order; missing ones become empty, extra ones are appended.
func (d *Def) New(args ...any) *Error {
	return &Error{Def: d, Message: render(d.Message, args)}
}

// Newf returns an error of this row whose message is given in full. Use it
// where the catalog template is only "%s" or where a more precise message
// helps the caller fix the request.
func (d *Def) Newf(format string, args ...any) *Error {
	return &Error{Def: d, Message: fmt.Sprintf(format, args...)}
}

// Is reports whether err is an *Error of this row.
func (d *Def) Is(err error) bool {
	var e *Error
	return errors.As(err, &e) && e.Def == d
}

// Error is an API error: a catalog row, the rendered message and an optional
// cause. The cause is for the operator's log and is never sent to a client.
type Error struct {
	Def     *Def
	Message string
	Cause   error
	// Header holds extra response headers (throttling sends x-ratelimit-user-api).
	Header map[string]string
	// Detail is an extra JSON object sent with the error (AccessDeniedDetail).
	Detail map[string]any
}

func (e *Error) Error() string {
	if e.Cause != nil {
		return e.Def.Code + ": " + e.Message + ": " + e.Cause.Error()
	}
	return e.Def.Code + ": " + e.Message
}

func (e *Error) Unwrap() error { return e.Cause }

// Wrap attaches a cause for the log.
func (e *Error) Wrap(cause error) *Error { e.Cause = cause; return e }

// WithHeader adds a response header.
func (e *Error) WithHeader(k, v string) *Error {
	if e.Header == nil {
		e.Header = map[string]string{}
	}
	e.Header[k] = v
	return e
}

// As returns err as an *Error; an error that says the store is unavailable
// (it has an Unavailable method that returns true, as the store's do) is
// ServiceUnavailable, which clients retry; anything else not from the
// catalog is InternalError.
func As(err error) *Error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	var u interface{ Unavailable() bool }
	if errors.As(err, &u) && u.Unavailable() {
		return ServiceUnavailable.New().Wrap(err)
	}
	return InternalError.New().Wrap(err)
}

func render(tmpl string, args []any) string {
	var b strings.Builder
	i := 0
	for {
		k := strings.Index(tmpl, "%s")
		if k < 0 {
			b.WriteString(tmpl)
			break
		}
		b.WriteString(tmpl[:k])
		if i < len(args) {
			fmt.Fprint(&b, args[i])
			i++
		}
		tmpl = tmpl[k+2:]
	}
	out := strings.TrimSpace(b.String())
	for ; i < len(args); i++ {
		out += " " + fmt.Sprint(args[i])
	}
	return out
}

// Lookup finds the row of a code; with several statuses, status picks one
// (0 takes the first).
func Lookup(code string, status int) (*Def, bool) {
	var found *Def
	for _, d := range all {
		if d.Code == code && (status == 0 || d.Status == status) {
			if found == nil || d.Status < found.Status {
				found = d
			}
		}
	}
	return found, found != nil
}
