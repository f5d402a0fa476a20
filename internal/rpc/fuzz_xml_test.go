package rpc_test

import (
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"reflect"
	"testing"

	"github.com/ecsd/ecsd/internal/apierr"
	"github.com/ecsd/ecsd/internal/bss"
	"github.com/ecsd/ecsd/internal/ecs"
	"github.com/ecsd/ecsd/internal/ram"
	"github.com/ecsd/ecsd/internal/rpc"
)

// xmlBodies are the response types of every product, as their actions
// answer them; the fuzzer fills every string in them.
var xmlBodies = []struct {
	action string
	bss    bool
	body   func() any
}{
	{"DescribeInstances", false, func() any { return &ecs.DescribeInstancesResponse{} }},
	{"DescribeInstanceAttribute", false, func() any { return &ecs.DescribeInstanceAttributeResponse{} }},
	{"RunInstances", false, func() any { return &ecs.RunInstancesResponse{} }},
	{"ModifyPrepayInstanceSpec", false, func() any { return &ecs.ModifyPrepayInstanceSpecResponse{} }},
	{"DescribeResourcesModification", false, func() any { return &ecs.DescribeResourcesModificationResponse{} }},
	{"DescribeInstanceTypes", false, func() any { return &ecs.DescribeInstanceTypesResponse{} }},
	{"DescribeZones", false, func() any { return &ecs.DescribeZonesResponse{} }},
	{"DescribePrice", false, func() any { return &ecs.DescribePriceResponse{} }},
	{"DescribeDisks", false, func() any { return &ecs.DescribeDisksResponse{} }},
	{"DescribeImages", false, func() any { return &ecs.DescribeImagesResponse{} }},
	{"QueryOrders", true, func() any { return &bss.QueryOrdersData{} }},
	{"GetOrderDetail", true, func() any { return &bss.GetOrderDetailData{} }},
	{"QueryAccountBalance", true, func() any { return &bss.QueryAccountBalanceData{} }},
	{"GetPolicy", false, func() any { return &ram.GetPolicyResponse{} }},
	{"ListUsers", false, func() any { return &ram.ListUsersResponse{} }},
	{"ListAccessKeys", false, func() any { return &ram.ListAccessKeysResponse{} }},
}

// FuzzXMLEncoder fills every string of a real response body with fuzzed
// text (lists get one element) and encodes it as XML, as Format=XML
// answers. The answer is always a 200 with well-formed XML, and decoding it
// into the same type and encoding again gives the same bytes: nothing the
// clients parse is lost or mangled twice. Error bodies with fuzzed messages
// are well-formed too.
func FuzzXMLEncoder(f *testing.F) {
	f.Add(uint8(0), "i-bp1aaaa", "web & db <1>")
	f.Add(uint8(10), "2026-01-01T00:00:00Z", "\x01\xff]]>")
	f.Add(uint8(13), `{"Version":"1"}`, "中文 é")
	f.Fuzz(func(t *testing.T, which uint8, s1, s2 string) {
		b := xmlBodies[int(which)%len(xmlBodies)]
		body := b.body()
		fill(reflect.ValueOf(body).Elem(), []string{s1, s2}, new(int), 0)
		first := encodeXML(t, b.bss, b.action, body)
		wellFormed(t, first)

		again := b.body()
		var dst any = again
		if b.bss {
			dst = &struct{ Data any }{Data: again}
		}
		if err := xml.Unmarshal(first, dst); err != nil {
			t.Fatalf("the answer does not decode into %T: %v\n%s", again, err, first)
		}
		if second := encodeXML(t, b.bss, b.action, again); !bytes.Equal(first, second) {
			t.Fatalf("decode and encode again changed the answer:\n%s\n%s", first, second)
		}

		w := httptest.NewRecorder()
		rpc.EncodeErrorXML(w, "Ecs", s1, "REQ", apierr.InvalidParameter.Newf("%s", s2))
		if w.Code != 400 {
			t.Fatalf("error status %d", w.Code)
		}
		wellFormed(t, w.Body.Bytes())
	})
}

func encodeXML(t *testing.T, bssEnv bool, action string, body any) []byte {
	t.Helper()
	w := httptest.NewRecorder()
	rpc.EncodeSuccessXML(w, bssEnv, action, "REQ", body)
	if w.Code != http.StatusOK || w.Header().Get("Content-Type") != "text/xml;charset=utf-8" {
		t.Fatalf("HTTP %d %q: %s", w.Code, w.Header().Get("Content-Type"), w.Body.Bytes())
	}
	return w.Body.Bytes()
}

// wellFormed reads every token: an error is malformed XML.
func wellFormed(t *testing.T, doc []byte) {
	t.Helper()
	d := xml.NewDecoder(bytes.NewReader(doc))
	for {
		_, err := d.Token()
		if errors.Is(err, io.EOF) {
			return
		}
		if err != nil {
			t.Fatalf("malformed XML: %v\n%q", err, doc)
		}
	}
}

// fill sets every string to one of the texts in turn, gives every slice one
// element and every pointer a value.
func fill(v reflect.Value, texts []string, n *int, depth int) {
	if depth > 8 {
		return
	}
	switch v.Kind() {
	case reflect.String:
		v.SetString(texts[*n%len(texts)])
		*n++
	case reflect.Struct:
		for i := 0; i < v.NumField(); i++ {
			if v.Type().Field(i).IsExported() {
				fill(v.Field(i), texts, n, depth+1)
			}
		}
	case reflect.Slice:
		s := reflect.MakeSlice(v.Type(), 1, 1)
		fill(s.Index(0), texts, n, depth+1)
		v.Set(s)
	case reflect.Pointer:
		p := reflect.New(v.Type().Elem())
		fill(p.Elem(), texts, n, depth+1)
		v.Set(p)
	}
}
