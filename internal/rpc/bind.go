package rpc

import (
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/ecsd/ecsd/internal/apierr"
)

// Bind turns a typed handler into a Handler. Req is a struct whose fields
// carry `param:"Name"` tags, with options after a comma:
//
//	required   missing or empty → MissingParameter
//	json       the value is a JSON array in one parameter (InstanceIds)
//
// Field kinds: string, bool, int, int64, float64, time.Time (ISO 8601 UTC,
// with or without seconds), pointers to those (nil when absent), []string
// (repeat list Name.1, Name.2 … or, with json, a JSON array), []struct
// (Name.N.Field) and struct (Name.Field). Repeat lists accept 0- and 1-based
// indexes. Parameters the struct does not name are ignored, as ECS does,
// unless a Refuse field names them.
func Bind[Req, Resp any](fn func(ctx context.Context, env *Env, req *Req) (*Resp, error)) Handler {
	var zero Req
	if reflect.TypeOf(zero).Kind() != reflect.Struct {
		panic("rpc.Bind: request type must be a struct")
	}
	return func(ctx context.Context, env *Env, params map[string]string) (any, error) {
		if t, ok := ctx.Value(requestTypeKey{}).(*reflect.Type); ok {
			*t = reflect.TypeOf(zero)
			return nil, nil
		}
		var req Req
		if err := Decode(params, &req); err != nil {
			return nil, err
		}
		resp, err := fn(ctx, env, &req)
		if err != nil {
			return nil, err
		}
		return resp, nil
	}
}

// Decode fills the struct dst points to from params (see Bind).
func Decode(params map[string]string, dst any) error {
	v := reflect.ValueOf(dst).Elem()
	return decodeStruct(params, "", v)
}

var timeType = reflect.TypeOf(time.Time{})

func decodeStruct(params map[string]string, prefix string, v reflect.Value) error {
	t := v.Type()
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if f.Type == refuseType {
			if err := checkRefused(params, prefix, f); err != nil {
				return err
			}
			continue
		}
		tag, ok := f.Tag.Lookup("param")
		if !ok {
			// An embedded struct shares its parameters (and refusals).
			if f.Anonymous && f.Type.Kind() == reflect.Struct {
				if err := decodeStruct(params, prefix, v.Field(i)); err != nil {
					return err
				}
			}
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		full := prefix + name
		required := strings.Contains(opts, "required")
		asJSON := strings.Contains(opts, "json")
		if err := decodeField(params, full, v.Field(i), required, asJSON); err != nil {
			return err
		}
	}
	return nil
}

func decodeField(params map[string]string, name string, fv reflect.Value, required, asJSON bool) error {
	ft := fv.Type()
	switch {
	case ft.Kind() == reflect.Slice && ft.Elem().Kind() == reflect.String:
		var list []string
		if asJSON {
			raw, ok := params[name]
			if !ok || raw == "" {
				break
			}
			if err := json.Unmarshal([]byte(raw), &list); err != nil {
				return apierr.InvalidParameter.Newf("The parameter %q must be a JSON array of strings, like [\"a\",\"b\"].", name)
			}
			for _, s := range list {
				// A \u0000 escape: refused as in any other parameter.
				if strings.IndexByte(s, 0) >= 0 {
					return apierr.InvalidParameter.Newf("The parameter %q contains a NUL character.", name)
				}
			}
		} else {
			for _, idx := range listIndexes(params, name, false) {
				list = append(list, params[name+"."+strconv.Itoa(idx)])
			}
		}
		if required && len(list) == 0 {
			return apierr.MissingParameter.New(name)
		}
		fv.Set(reflect.ValueOf(list))
		return nil
	case ft.Kind() == reflect.Slice && ft.Elem().Kind() == reflect.Struct:
		idxs := listIndexes(params, name, true)
		if required && len(idxs) == 0 {
			return apierr.MissingParameter.New(name + ".1")
		}
		s := reflect.MakeSlice(ft, len(idxs), len(idxs))
		for j, idx := range idxs {
			if err := decodeStruct(params, name+"."+strconv.Itoa(idx)+".", s.Index(j)); err != nil {
				return err
			}
		}
		fv.Set(s)
		return nil
	case ft.Kind() == reflect.Struct && ft != timeType:
		return decodeStruct(params, name+".", fv)
	}

	raw, present := params[name]
	if !present || raw == "" {
		if required {
			return apierr.MissingParameter.New(name)
		}
		return nil
	}
	target := fv
	if ft.Kind() == reflect.Pointer {
		target = reflect.New(ft.Elem()).Elem()
	}
	if err := decodeScalar(raw, target); err != nil {
		return apierr.InvalidParameter.Newf("The parameter %q is not valid: %s.", name, err)
	}
	if ft.Kind() == reflect.Pointer {
		p := reflect.New(ft.Elem())
		p.Elem().Set(target)
		fv.Set(p)
	}
	return nil
}

func decodeScalar(raw string, v reflect.Value) error {
	switch {
	case v.Type() == timeType:
		t, err := ParseTime(raw)
		if err != nil {
			return err
		}
		v.Set(reflect.ValueOf(t))
	case v.Kind() == reflect.String:
		v.SetString(raw)
	case v.Kind() == reflect.Bool:
		switch raw {
		case "true", "True", "TRUE":
			v.SetBool(true)
		case "false", "False", "FALSE":
			v.SetBool(false)
		default:
			return fmt.Errorf("%q is not true or false", raw)
		}
	case v.Kind() == reflect.Int || v.Kind() == reflect.Int64 || v.Kind() == reflect.Int32:
		n, err := strconv.ParseInt(raw, 10, 64)
		if err != nil || v.OverflowInt(n) {
			return fmt.Errorf("%q is not an integer", raw)
		}
		v.SetInt(n)
	case v.Kind() == reflect.Float64 || v.Kind() == reflect.Float32:
		f, err := strconv.ParseFloat(raw, 64)
		if err != nil {
			return fmt.Errorf("%q is not a number", raw)
		}
		v.SetFloat(f)
	default:
		panic("rpc: unsupported parameter kind " + v.Type().String())
	}
	return nil
}

// ParseTime parses an ISO 8601 UTC time in either documented form,
// yyyy-MM-ddTHH:mm:ssZ or yyyy-MM-ddTHH:mmZ.
func ParseTime(s string) (time.Time, error) {
	for _, layout := range []string{"2006-01-02T15:04:05Z", "2006-01-02T15:04Z"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("%q is not a UTC time like 2026-01-01T12:05:00Z or 2026-01-01T12:05Z", s)
}

// FormatTime writes a time the way ECS responses do (UTC, minutes).
func FormatTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format("2006-01-02T15:04Z")
}

// listIndexes returns the sorted indexes N present as name.N (scalars) or
// name.N.Field (structs).
func listIndexes(params map[string]string, name string, structs bool) []int {
	prefix := name + "."
	seen := map[int]bool{}
	for k := range params {
		rest, ok := strings.CutPrefix(k, prefix)
		if !ok {
			continue
		}
		num := rest
		if structs {
			var found bool
			num, _, found = strings.Cut(rest, ".")
			if !found {
				continue
			}
		}
		n, err := strconv.Atoi(num)
		if err != nil || n < 0 || n > 1000 {
			continue
		}
		seen[n] = true
	}
	out := make([]int, 0, len(seen))
	for n := range seen {
		out = append(out, n)
	}
	sort.Ints(out)
	return out
}

// FormatTimeSeconds writes a time as UTC with seconds, as BSS and RAM do.
func FormatTimeSeconds(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format("2006-01-02T15:04:05Z")
}
