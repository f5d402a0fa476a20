package rpc_test

import (
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"

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
// answers. The answer is always a 200 with well-formed XML from which
// every text written reads back exactly (as far as XML can carry it).
// Error bodies with fuzzed messages are well-formed too.
func FuzzXMLEncoder(f *testing.F) {
	f.Add(uint8(0), "i-bp1aaaa", "web & db <1>")
	f.Add(uint8(10), "2026-01-01T00:00:00Z", "\x01\xff]]>")
	f.Add(uint8(13), `{"Version":"1"}`, "中文 é")
	f.Fuzz(func(t *testing.T, which uint8, s1, s2 string) {
		b := xmlBodies[int(which)%len(xmlBodies)]
		body := b.body()
		placed := new(int)
		fill(reflect.ValueOf(body).Elem(), []string{s1, s2}, placed, 0)
		first := encodeXML(t, b.bss, b.action, body)
		wellFormed(t, first)

		// Every text written reads back exactly, as XML text can hold it
		// (characters XML cannot carry become U+FFFD).
		texts := charData(t, first)
		for _, s := range []string{s1, s2}[:min(*placed, 2)] {
			if want := xmlText(s); !texts[want] {
				t.Fatalf("text %q (as XML %q) does not read back from\n%s", s, want, first)
			}
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

// charData returns the text of every element that holds text.
func charData(t *testing.T, doc []byte) map[string]bool {
	t.Helper()
	out := map[string]bool{}
	d := xml.NewDecoder(bytes.NewReader(doc))
	var text []byte
	for {
		tok, err := d.Token()
		if errors.Is(err, io.EOF) {
			return out
		}
		if err != nil {
			t.Fatalf("malformed XML: %v\n%q", err, doc)
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			text = text[:0]
		case xml.CharData:
			text = append(text, tok...)
		case xml.EndElement:
			out[string(text)] = true
			text = text[:0]
		}
	}
}

// xmlText is s as XML 1.0 can carry it: invalid UTF-8 and characters
// outside XML's Char production become U+FFFD.
func xmlText(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		ok := r == 0x09 || r == 0x0A || r == 0x0D || (r >= 0x20 && r <= 0xD7FF) || (r >= 0xE000 && r <= 0xFFFD) || (r >= 0x10000 && r <= 0x10FFFF)
		if (r == utf8.RuneError && size == 1) || !ok {
			r = '\uFFFD'
		}
		b.WriteRune(r)
	}
	return b.String()
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
			// The pipeline sets RequestId itself.
			if f := v.Type().Field(i); f.IsExported() && f.Name != "RequestId" {
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
