package rpc

import (
	"context"
	"reflect"
	"strings"

	"github.com/ecsd/ecsd/internal/apierr"
)

// Refuse marks, in a request struct, parameters of the official request
// model that ecsd does not model. Every parameter of the model is either
// decoded by a `param` field (and honoured by the handler) or named by a
// Refuse field, one per reason:
//
//	// Spot instances are sold by the real service only.
//	_ rpc.Refuse `refuse:"SpotStrategy=NoSpot,SpotPriceLimit" why:"spot instances are not modelled"`
//
// A request that sends a refused parameter with a value gets
// InvalidParameter naming it and giving the reason; an empty value is taken
// as absent (the v1 SDK sends some unset fields empty), and so is the value
// after "=", the API's default, which is what ecsd does anyway. A name
// covers its lists and members: Tag covers Tag.1.Key. Inside a list
// element's struct the names are relative to the element (DataDisk.N.).
// Parameters outside the model are ignored, as the real gateway does.
type Refuse struct{}

var refuseType = reflect.TypeOf(Refuse{})

// Refusal is one refused parameter, as a Refuse field declares it.
type Refusal struct {
	Name    string // relative to the struct: "SpotStrategy", "Encrypted"
	Default string // the value accepted as absent, if any
	Why     string
}

func refusals(f reflect.StructField) []Refusal {
	why := f.Tag.Get("why")
	var out []Refusal
	for item := range strings.SplitSeq(f.Tag.Get("refuse"), ",") {
		name, def, _ := strings.Cut(strings.TrimSpace(item), "=")
		if name != "" {
			out = append(out, Refusal{Name: name, Default: def, Why: why})
		}
	}
	return out
}

// checkRefused fails when params hold a value for a refused parameter under
// prefix.
func checkRefused(params map[string]string, prefix string, f reflect.StructField) error {
	for _, r := range refusals(f) {
		full := prefix + r.Name
		for k, v := range params {
			if k != full && !strings.HasPrefix(k, full+".") {
				continue
			}
			if v == "" || (r.Default != "" && strings.EqualFold(v, r.Default)) {
				continue
			}
			return apierr.InvalidParameter.Newf("The parameter %q is not supported by ecsd: %s. Leave it out.", k, r.Why)
		}
	}
	return nil
}

type requestTypeKey struct{}

// RequestType returns the request struct a handler made by Bind decodes
// into, for tests that hold the action tables to the SDK models; nil for
// any other handler.
func RequestType(h Handler) (t reflect.Type) {
	defer func() {
		if recover() != nil {
			t = nil
		}
	}()
	ctx := context.WithValue(context.Background(), requestTypeKey{}, &t)
	_, _ = h(ctx, nil, nil)
	return t
}

// ParamPaths lists the parameters a request struct decodes and those it
// refuses, as wire paths with "N" for a list index: "SystemDisk.Category",
// "DataDisk.N.Size", "Tag" (a list of strings, Tag.N).
func ParamPaths(t reflect.Type) (decoded []string, refused []Refusal) {
	walkParams(t, "", &decoded, &refused)
	return decoded, refused
}

func walkParams(t reflect.Type, prefix string, decoded *[]string, refused *[]Refusal) {
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if f.Type == refuseType {
			for _, r := range refusals(f) {
				r.Name = prefix + r.Name
				*refused = append(*refused, r)
			}
			continue
		}
		tag, ok := f.Tag.Lookup("param")
		if !ok {
			if f.Anonymous && f.Type.Kind() == reflect.Struct {
				walkParams(f.Type, prefix, decoded, refused)
			}
			continue
		}
		name, _, _ := strings.Cut(tag, ",")
		full := prefix + name
		ft := f.Type
		switch {
		case ft.Kind() == reflect.Slice && ft.Elem().Kind() == reflect.Struct:
			walkParams(ft.Elem(), full+".N.", decoded, refused)
		case ft.Kind() == reflect.Struct && ft != timeType:
			walkParams(ft, full+".", decoded, refused)
		default:
			*decoded = append(*decoded, full)
		}
	}
}

// Params lists the parameters an action decodes and those it refuses (see
// ParamPaths); an idempotent action also honours ClientToken, which the
// pipeline reads. ok is false when the handler is not made by Bind.
func (a *Action) Params() (decoded []string, refused []Refusal, ok bool) {
	t := RequestType(a.Handle)
	if t == nil {
		return nil, nil, false
	}
	decoded, refused = ParamPaths(t)
	if a.Idempotent {
		decoded = append(decoded, "ClientToken")
	}
	return decoded, refused, true
}

// AccountDelegation refuses the parameters by which Alibaba Cloud's own
// services call on behalf of another account. Request structs embed it.
type AccountDelegation struct {
	_ Refuse `refuse:"OwnerId,OwnerAccount,ResourceOwnerAccount,ResourceOwnerId" why:"ecsd acts only for the account of the AccessKey, never on behalf of another owner"`
}
