package rpc_test

import (
	"context"
	"errors"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/ecsd/ecsd/internal/apierr"
	"github.com/ecsd/ecsd/internal/rpc"
)

type refuseReq struct {
	rpc.AccountDelegation
	Name string `param:"Name"`
	Disk []struct {
		Size int        `param:"Size"`
		_    rpc.Refuse `refuse:"Encrypted=false,SnapshotId" why:"disk extras are not modelled"`
	} `param:"Disk"`
	Opt struct {
		Mode string     `param:"Mode"`
		_    rpc.Refuse `refuse:"Numa" why:"NUMA is not modelled"`
	} `param:"Opt"`
	_ rpc.Refuse `refuse:"SpotStrategy=NoSpot,HostNames,Filter" why:"spot and the rest are not modelled"`
}

func TestDecodeRefusesUnmodelledParameters(t *testing.T) {
	refused := []struct {
		params map[string]string
		key    string
	}{
		{map[string]string{"SpotStrategy": "SpotAsPriceGo"}, "SpotStrategy"},
		{map[string]string{"HostNames.1": "a"}, "HostNames.1"},
		{map[string]string{"Filter.1.Key": "k", "Filter.1.Value": ""}, "Filter.1.Key"},
		{map[string]string{"Disk.2.Size": "20", "Disk.2.SnapshotId": "s-1"}, "Disk.2.SnapshotId"},
		{map[string]string{"Disk.1.Encrypted": "true"}, "Disk.1.Encrypted"},
		{map[string]string{"Opt.Numa": "1"}, "Opt.Numa"},
		{map[string]string{"OwnerId": "123"}, "OwnerId"},
		{map[string]string{"ResourceOwnerAccount": "x"}, "ResourceOwnerAccount"},
	}
	for _, c := range refused {
		var req refuseReq
		err := rpc.Decode(c.params, &req)
		var ae *apierr.Error
		if !errors.As(err, &ae) || ae.Def != apierr.InvalidParameter || ae.Def.Status != 400 {
			t.Errorf("%v: got %v, want 400 InvalidParameter", c.params, err)
			continue
		}
		if !strings.Contains(ae.Message, `"`+c.key+`"`) || !strings.Contains(ae.Message, "is not supported by ecsd: ") || strings.Contains(ae.Message, ": . ") {
			t.Errorf("%v: message %q does not name %s and say why", c.params, ae.Message, c.key)
		}
	}

	// Empty values and the API's defaults are what ecsd does anyway; names
	// outside the model are ignored.
	accepted := []map[string]string{
		{"SpotStrategy": "", "HostNames.1": "", "OwnerId": ""},
		{"SpotStrategy": "NoSpot", "Disk.1.Encrypted": "False", "Disk.1.Size": "40"},
		{"SpotStrategy": "nospot"},
		{"NotInTheModel": "x", "Name": "n", "SpotStrategyX": "y", "Opt.Mode": "m"},
	}
	for _, p := range accepted {
		var req refuseReq
		if err := rpc.Decode(p, &req); err != nil {
			t.Errorf("%v: %v", p, err)
		}
	}
	var req refuseReq
	if err := rpc.Decode(map[string]string{"Name": "n", "Disk.1.Size": "40", "Opt.Mode": "m"}, &req); err != nil || req.Name != "n" || len(req.Disk) != 1 || req.Disk[0].Size != 40 || req.Opt.Mode != "m" {
		t.Errorf("decoded %+v, %v", req, err)
	}
}

func TestParamPathsListDecodedAndRefused(t *testing.T) {
	h := rpc.Bind(func(_ context.Context, _ *rpc.Env, _ *refuseReq) (*struct{ rpc.Response }, error) {
		t.Error("RequestType ran the handler")
		return nil, nil
	})
	typ := rpc.RequestType(h)
	if typ != reflect.TypeOf(refuseReq{}) {
		t.Fatalf("RequestType = %v", typ)
	}
	a := rpc.Action{Name: "X", Handle: h, Idempotent: true}
	decoded, refused, ok := a.Params()
	if !ok {
		t.Fatal("Params: not a Bind handler")
	}
	slices.Sort(decoded)
	if want := []string{"ClientToken", "Disk.N.Size", "Name", "Opt.Mode"}; !slices.Equal(decoded, want) {
		t.Errorf("decoded %v, want %v", decoded, want)
	}
	var names []string
	for _, r := range refused {
		if r.Why == "" {
			t.Errorf("%s has no reason", r.Name)
		}
		names = append(names, r.Name)
	}
	slices.Sort(names)
	want := []string{"Disk.N.Encrypted", "Disk.N.SnapshotId", "Filter", "HostNames", "Opt.Numa", "OwnerAccount", "OwnerId", "ResourceOwnerAccount", "ResourceOwnerId", "SpotStrategy"}
	if !slices.Equal(names, want) {
		t.Errorf("refused %v, want %v", names, want)
	}
	plain := rpc.Action{Handle: func(context.Context, *rpc.Env, map[string]string) (any, error) { return nil, nil }}
	if _, _, ok := plain.Params(); ok {
		t.Error("Params of a plain handler reported ok")
	}
}
