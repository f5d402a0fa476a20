package rpc_test

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/ecsd/ecsd/internal/apierr"
	"github.com/ecsd/ecsd/internal/store"
)

// wantDocumented checks a bad-input reply: a 4xx whose status is the
// catalog's status for the code, and a well-formed error body.
func wantDocumented(t *testing.T, r reply, code string) {
	t.Helper()
	status := 0
	for _, d := range apierr.All() {
		if d.Code == code && d.Status >= 400 && d.Status < 500 {
			status = d.Status
		}
	}
	if status == 0 {
		t.Fatalf("%s is not a 4xx code of the catalog", code)
	}
	wantError(t, r, status, code)
}

func post(t *testing.T, srv *httptest.Server, query, contentType string, body io.Reader) reply {
	t.Helper()
	u := srv.URL + "/"
	if query != "" {
		u += "?" + query
	}
	resp, err := http.Post(u, contentType, body)
	if err != nil {
		t.Fatal(err)
	}
	return toReply(t, resp)
}

func get(t *testing.T, srv *httptest.Server, query string) reply {
	t.Helper()
	resp, err := http.Get(srv.URL + "/?" + query)
	if err != nil {
		t.Fatal(err)
	}
	return toReply(t, resp)
}

const form = "application/x-www-form-urlencoded"

// manyParams returns n distinct params, encoded.
func manyParams(n int) string {
	parts := make([]string, n)
	for i := range parts {
		parts[i] = fmt.Sprintf("P%d=%d", i, i)
	}
	return strings.Join(parts, "&")
}

// TestBadInputParse covers what the parse stage refuses before any
// signature is checked.
func TestBadInputParse(t *testing.T) {
	t.Parallel()
	srv := startPipeline(t)
	big := strings.Repeat("x", 70<<10)
	tests := []struct {
		name  string
		query string
		body  string
		code  string
	}{
		{"70 KiB value in query", "Action=DescribeRegions&Name=" + big, "", "InvalidParameter"},
		{"70 KiB value in body", "", "Action=DescribeRegions&Name=" + big, "InvalidParameter"},
		{"invalid UTF-8 in a key", "%FF%FE=1", "", "InvalidParameter"},
		{"invalid UTF-8 in a value", "Name=a%C3", "", "InvalidParameter"},
		{"raw invalid UTF-8 in a body value", "", "Name=\xff\xfe", "InvalidParameter"},
		{"raw invalid UTF-8 in a body key", "", "\xc3=1", "InvalidParameter"},
		{"bad percent escape in a value", "Name=%zz", "", "InvalidParameter"},
		{"bad percent escape in a key", "%G1=1", "", "InvalidParameter"},
		{"truncated percent escape", "Name=abc%4", "", "InvalidParameter"},
		{"bad escape in the body", "", "Name=100%", "InvalidParameter"},
		{"NUL in a value", "Name=a%00b", "", "InvalidParameter"},
		{"NUL in a key", "", "Na%00me=1", "InvalidParameter"},
		{"param twice in the query", "Name=a&Name=b", "", "InvalidParameter"},
		{"param twice, once encoded", "Name=a&%4Eame=b", "", "InvalidParameter"},
		{"param in query and body", "Name=a", "Name=a", "InvalidParameter"},
		{"param twice in the body", "", "Name=a&Name=a", "InvalidParameter"},
		{"empty key", "=1", "", "InvalidParameter"},
		{"2001 params in the query", manyParams(2001), "", "InvalidParameter"},
		{"2001 params in the body", "", manyParams(2001), "InvalidParameter"},
		{"2001 params across query and body", manyParams(1000), strings.ReplaceAll(manyParams(1001), "P", "Q"), "InvalidParameter"},
		{"Format foo", "Format=foo", "", "InvalidParameter.Format"},
		{"no signature", "Action=DescribeRegions&Version=2014-05-26", "", "IncompleteSignature"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var body io.Reader
			if tt.body != "" {
				body = strings.NewReader(tt.body)
			}
			wantDocumented(t, post(t, srv, tt.query, form, body), tt.code)
		})
	}
}

// Exactly at the limits, the parse stage accepts: the limits are not off by one.
func TestBadInputLimitsInclusive(t *testing.T) {
	t.Parallel()
	srv := startPipeline(t)
	// 2000 params parse; the request then fails for its lack of a signature.
	wantDocumented(t, post(t, srv, manyParams(2000), form, nil), "IncompleteSignature")
	wantDocumented(t, post(t, srv, "Name="+strings.Repeat("x", 64<<10), form, nil), "IncompleteSignature")
}

func TestBadInputBodyTooLarge(t *testing.T) {
	t.Parallel()
	srv := startPipeline(t)
	body := "Name=" + strings.Repeat("x", 1<<20)
	wantDocumented(t, post(t, srv, "", form, strings.NewReader(body)), "InvalidParameter")
	// Not a form: the size limit holds all the same.
	wantDocumented(t, post(t, srv, "", "application/json", strings.NewReader(body)), "InvalidParameter")
}

// TestBadInputTruncatedBody sends a Content-Length larger than the body and
// closes the sending half: the body read fails.
func TestBadInputTruncatedBody(t *testing.T) {
	t.Parallel()
	srv := startPipeline(t)
	conn, err := net.Dial("tcp", srv.Listener.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(30 * time.Second))
	raw := "POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: " + form + "\r\nContent-Length: 1000\r\n\r\nAction=DescribeRegions&Version=2014-05-26"
	if _, err := io.WriteString(conn, raw); err != nil {
		t.Fatal(err)
	}
	if err := conn.(*net.TCPConn).CloseWrite(); err != nil {
		t.Fatal(err)
	}
	wantDocumented(t, readReply(t, conn), "InvalidParameter")
}

type failingReader struct{ n int }

func (r *failingReader) Read(p []byte) (int, error) {
	if r.n > 0 {
		n := copy(p, strings.Repeat("a", min(r.n, len(p))))
		r.n -= n
		return n, nil
	}
	return 0, errors.New("connection reset by peer")
}

// TestBadInputBodyReadError feeds the pipeline a body whose reader fails.
func TestBadInputBodyReadError(t *testing.T) {
	t.Parallel()
	st := openStore(t)
	s := newRPCServer(st)
	req := httptest.NewRequest(http.MethodPost, "/", &failingReader{n: 10})
	req.Header.Set("Content-Type", form)
	w := httptest.NewRecorder()
	s.ServeHTTP(w, req)
	wantDocumented(t, reply{Status: w.Code, Header: w.Header(), Body: w.Body.Bytes()}, "InvalidParameter")
}

// TestBadInputMethods: only GET and POST are RPC methods.
func TestBadInputMethods(t *testing.T) {
	t.Parallel()
	srv := startPipeline(t)
	for _, m := range []string{http.MethodPut, http.MethodDelete, http.MethodPatch, http.MethodOptions} {
		req, err := http.NewRequest(m, srv.URL+"/?"+encodeRFC3986(signV1(m, map[string]string{"Action": "DescribeRegions"})), nil)
		if err != nil {
			t.Fatal(err)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		wantDocumented(t, toReply(t, resp), "UnsupportedHTTPMethod")
	}
}

// TestBadInputTyped sends signed requests whose typed parameters do not
// parse: the decode stage answers with InvalidParameter, never a 500.
func TestBadInputTyped(t *testing.T) {
	t.Parallel()
	srv := startPipeline(t)
	tests := []struct {
		name   string
		params map[string]string
		code   string
	}{
		{"int abc", map[string]string{"Count": "abc"}, "InvalidParameter"},
		{"int float", map[string]string{"Count": "1.5"}, "InvalidParameter"},
		{"int64 overflow", map[string]string{"Amount": "99999999999999999999"}, "InvalidParameter"},
		{"bool yes", map[string]string{"Flag": "yes"}, "InvalidParameter"},
		{"bool 1", map[string]string{"Flag": "1"}, "InvalidParameter"},
		{"float abc", map[string]string{"Price": "abc"}, "InvalidParameter"},
		{"time not ISO", map[string]string{"When": "2026-06-01 03:00:00"}, "InvalidParameter"},
		{"time with offset", map[string]string{"When": "2026-06-01T03:00:00+08:00"}, "InvalidParameter"},
		{"JSON array not JSON", map[string]string{"InstanceIds": "i-abc,i-def"}, "InvalidParameter"},
		{"JSON array truncated", map[string]string{"InstanceIds": `["i-abc"`}, "InvalidParameter"},
		{"JSON object not array", map[string]string{"InstanceIds": `{"a":1}`}, "InvalidParameter"},
		{"JSON array of numbers", map[string]string{"InstanceIds": `[1,2]`}, "InvalidParameter"},
		{"JSON array with NUL", map[string]string{"InstanceIds": `["i-a\u0000"]`}, "InvalidParameter"},
		{"struct list int abc", map[string]string{"Disk.1.Size": "abc"}, "InvalidParameter"},
		{"nested struct int abc", map[string]string{"SystemDisk.Size": "4O"}, "InvalidParameter"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			params := map[string]string{"Action": "Typed"}
			for k, v := range tt.params {
				params[k] = v
			}
			r := get(t, srv, encodeRFC3986(signV1("GET", params)))
			wantDocumented(t, r, tt.code)
			msg := wantError(t, r, r.Status, tt.code)
			for k := range tt.params {
				if !strings.Contains(msg, k) {
					t.Errorf("Message %q does not name %s", msg, k)
				}
			}
		})
	}
	// The same action with good values succeeds, so the refusals above are
	// about the values.
	params := map[string]string{
		"Action": "Typed", "Count": "3", "Amount": "-7", "Flag": "true", "Price": "1.5", "When": "2026-06-01T03:00Z",
		"InstanceIds": `["i-a","i-b"]`, "SecurityGroupIds.1": "sg-1", "Disk.1.Size": "40", "SystemDisk.Size": "40",
	}
	r := get(t, srv, encodeRFC3986(signV1("GET", params)))
	if r.Status != http.StatusOK {
		t.Fatalf("good values: HTTP %d %s", r.Status, r.Body)
	}
	var resp typedResponse
	if err := json.Unmarshal(r.Body, &resp); err != nil || resp.Count != 3 || !resp.Flag {
		t.Errorf("good values: %+v %v %s", resp, err, r.Body)
	}
}

// TestBadInputAuth covers the authentication refusals on the unit pipeline.
func TestBadInputAuth(t *testing.T) {
	t.Parallel()
	srv := startPipeline(t)
	signedWith := func(mutate func(map[string]string)) string {
		p := map[string]string{"Action": "DescribeRegions"}
		mutate(p)
		return encodeRFC3986(signV1("GET", p))
	}
	tests := []struct {
		name  string
		query string
		code  string
	}{
		{"unknown key", signedWith(func(p map[string]string) { p["AccessKeyId"] = "LTAInosuchkey0000000000" }), "InvalidAccessKeyId.NotFound"},
		{"NUL in key", signedWith(func(p map[string]string) { p["AccessKeyId"] = "test\x00id" }), "InvalidParameter"},
		{"long key", signedWith(func(p map[string]string) { p["AccessKeyId"] = strings.Repeat("k", 60<<10) }), "InvalidAccessKeyId.NotFound"},
		{"stale timestamp", signedWith(func(p map[string]string) {
			p["Timestamp"] = captureTime.Add(-20 * time.Minute).Format("2006-01-02T15:04:05Z")
		}), "InvalidTimeStamp.Expired"},
		{"future timestamp", signedWith(func(p map[string]string) {
			p["Timestamp"] = captureTime.Add(20 * time.Minute).Format("2006-01-02T15:04:05Z")
		}), "InvalidTimeStamp.Expired"},
		{"far timestamp", signedWith(func(p map[string]string) { p["Timestamp"] = "9999-12-31T23:59:59Z" }), "InvalidTimeStamp.Expired"},
		{"malformed timestamp", signedWith(func(p map[string]string) { p["Timestamp"] = "2026-11-25 19:04:25" }), "InvalidTimeStamp.Format"},
		{"signature method", signedWith(func(p map[string]string) { p["SignatureMethod"] = "HMAC-SHA256" }), "InvalidSignatureMethod"},
		{"signature version", signedWith(func(p map[string]string) { p["SignatureVersion"] = "2.0" }), "InvalidSignatureMethod"},
		{"no nonce", signedWith(func(p map[string]string) { p["SignatureNonce"] = "" }), "MissingParameter"},
		{"NUL in nonce", signedWith(func(p map[string]string) { p["SignatureNonce"] = "a\x00b" }), "InvalidParameter"},
		{"long nonce", signedWith(func(p map[string]string) { p["SignatureNonce"] = strings.Repeat("0123456789abcdef", 200) }), "InvalidParameter"},
		{"missing Version", signedWith(func(p map[string]string) { p["Version"] = omit }), "MissingParameter"},
		{"unknown Version", signedWith(func(p map[string]string) { p["Version"] = "2099-01-01" }), "InvalidVersion"},
		{"missing Action", signedWith(func(p map[string]string) { p["Action"] = omit }), "MissingParameter"},
		{"unknown Action", signedWith(func(p map[string]string) { p["Action"] = "DescribeNothing" }), "InvalidAction.NotFound"},
		{"empty signature", strings.Replace(signedWith(func(map[string]string) {}), "&Signature=", "&Signature=&X=", 1), "SignatureDoesNotMatch"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			wantDocumented(t, get(t, srv, tt.query), tt.code)
		})
	}
}

// TestBadInputACS3 sends malformed ACS3 requests.
func TestBadInputACS3(t *testing.T) {
	// Every header the requests may send is signed, so that each case
	// reaches the check it is about.
	const acs3Signed = "host;x-acs-action;x-acs-content-sha256;x-acs-date;x-acs-signature-nonce;x-acs-version"
	t.Parallel()
	srv := startPipeline(t)
	tests := []struct {
		name   string
		header map[string]string
		code   string
	}{
		{"unparseable authorization", map[string]string{"Authorization": "ACS3-HMAC-SHA256 garbage"}, "IncompleteSignature"},
		{"non-hex signature", map[string]string{"Authorization": "ACS3-HMAC-SHA256 Credential=testid,SignedHeaders=host,Signature=zz"}, "IncompleteSignature"},
		{"other algorithm", map[string]string{"Authorization": "ACS3-HMAC-SM3 Credential=testid,SignedHeaders=host,Signature=00"}, "InvalidSignatureMethod"},
		{"no date", map[string]string{"Authorization": "ACS3-HMAC-SHA256 Credential=testid,SignedHeaders=" + acs3Signed + ",Signature=00", "x-acs-signature-nonce": "n"}, "MissingParameter"},
		{"bad date", map[string]string{"Authorization": "ACS3-HMAC-SHA256 Credential=testid,SignedHeaders=" + acs3Signed + ",Signature=00", "x-acs-signature-nonce": "n", "x-acs-date": "yesterday"}, "InvalidTimeStamp.Format"},
		{"unknown key", map[string]string{"Authorization": "ACS3-HMAC-SHA256 Credential=nosuch,SignedHeaders=" + acs3Signed + ",Signature=00", "x-acs-signature-nonce": "n", "x-acs-date": "2026-11-25T19:04:25Z"}, "InvalidAccessKeyId.NotFound"},
		{"non-UTF-8 key", map[string]string{"Authorization": "ACS3-HMAC-SHA256 Credential=\xff\xfe,SignedHeaders=" + acs3Signed + ",Signature=00", "x-acs-signature-nonce": "n", "x-acs-date": "2026-11-25T19:04:25Z"}, "InvalidAccessKeyId.NotFound"},
		{"non-UTF-8 nonce", map[string]string{"Authorization": "ACS3-HMAC-SHA256 Credential=testid,SignedHeaders=" + acs3Signed + ",Signature=00", "x-acs-signature-nonce": "\xff\xfe", "x-acs-date": "2026-11-25T19:04:25Z"}, "InvalidParameter"},
		{"wrong body hash", map[string]string{"Authorization": "ACS3-HMAC-SHA256 Credential=testid,SignedHeaders=" + acs3Signed + ",Signature=00", "x-acs-signature-nonce": "n", "x-acs-date": "2026-11-25T19:04:25Z", "x-acs-content-sha256": "00"}, "SignatureDoesNotMatch"},
		{"date not signed", map[string]string{"Authorization": "ACS3-HMAC-SHA256 Credential=testid,SignedHeaders=host;x-acs-action;x-acs-signature-nonce;x-acs-version,Signature=00", "x-acs-signature-nonce": "n", "x-acs-date": "2026-11-25T19:04:25Z"}, "IncompleteSignature"},
		{"wrong signature", map[string]string{"Authorization": "ACS3-HMAC-SHA256 Credential=testid,SignedHeaders=" + acs3Signed + ",Signature=00", "x-acs-signature-nonce": "n", "x-acs-date": "2026-11-25T19:04:25Z"}, "SignatureDoesNotMatch"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			req, err := http.NewRequest(http.MethodPost, srv.URL+"/?RegionId=cn-hangzhou", nil)
			if err != nil {
				t.Fatal(err)
			}
			req.Header.Set("x-acs-action", "DescribeRegions")
			req.Header.Set("x-acs-version", testVersion)
			for k, v := range tt.header {
				req.Header.Set(k, v)
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			wantDocumented(t, toReply(t, resp), tt.code)
		})
	}
}

// TestXMLErrorBody: with Format=XML the error is XML with the content type
// the Tea SDKs look for.
func TestXMLErrorBody(t *testing.T) {
	t.Parallel()
	srv := startPipeline(t)
	r := get(t, srv, encodeRFC3986(signV1("GET", map[string]string{"Action": "DescribeNothing", "Format": "XML"})))
	if r.Status != http.StatusNotFound {
		t.Errorf("HTTP %d", r.Status)
	}
	if ct := r.Header.Get("Content-Type"); ct != "text/xml;charset=utf-8" {
		t.Errorf("Content-Type %q", ct)
	}
	var e struct {
		XMLName   xml.Name `xml:"Error"`
		RequestId string
		HostId    string
		Code      string
		Message   string
		Recommend string
	}
	if err := xml.Unmarshal(r.Body, &e); err != nil {
		t.Fatalf("%v: %s", err, r.Body)
	}
	if e.Code != "InvalidAction.NotFound" || !upperUUID.MatchString(e.RequestId) || e.Message == "" || e.Recommend == "" {
		t.Errorf("%+v", e)
	}
	if !bytes.HasPrefix(r.Body, []byte("<?xml")) {
		t.Errorf("no XML declaration: %s", r.Body)
	}
}

// openStoreTB opens a migrated SQLite store holding the test key. Fuzzing
// needs it: testing.F has no *testing.T to give storetest.
func openStoreTB(tb testing.TB) *store.Store {
	tb.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, tb.TempDir(), store.Options{})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { st.Close() })
	if err := st.Migrate(ctx); err != nil {
		tb.Fatal(err)
	}
	seedKey(tb, st)
	return st
}

func openStore(t *testing.T) *store.Store { return openStoreTB(t) }

// fuzzWallTime is the fuzz server's wall clock: an hour after the captures,
// so that a captured request never verifies and the target stays
// deterministic (a verified capture would spend its nonce).
var fuzzWallTime = captureTime.Add(time.Hour)

// FuzzPipeline feeds arbitrary query strings, bodies and Authorization
// headers through the whole pipeline. Whatever arrives, the answer is not a
// 5xx, and an error is a well-formed error body with a string Code. With
// sign set, the target signs the query's parameters itself (fresh nonce,
// current time), so the fuzzer also reaches routing and the decode stage.
func FuzzPipeline(f *testing.F) {
	st := openStoreTB(f)
	s := newRPCServer(st)
	s.Auth.WallNow = func() time.Time { return fuzzWallTime }
	for _, capture := range []string{
		goV1(captureV1Modify, "ModifyPrepayInstanceSpec"), goV1(captureV1RunInstances, "RunInstances"),
		captureTeaRPCRunInstances, capturePopCoreGet,
	} {
		head, body, _ := strings.Cut(capture, "\n\n")
		line, _, _ := strings.Cut(head, "\n")
		method, rest, _ := strings.Cut(line, " ")
		target, _, _ := strings.Cut(rest, " ")
		_, query, _ := strings.Cut(target, "?")
		f.Add(method == http.MethodPost, false, query, body, "")
	}
	f.Add(true, false, "RegionId=cn-hangzhou", "", "ACS3-HMAC-SHA256 Credential=testid,SignedHeaders=host;x-acs-date,Signature=0a")
	f.Add(false, true, "Action=Typed&Count=1&Disk.1.Size=2&InstanceIds=%5B%22a%22%5D&When=2026-01-01T00:00Z", "", "")
	f.Add(true, true, "Format=XML&Action=Typed&Flag=yes", "", "")
	f.Add(true, false, "", "a=%zz&b=\xff", "")
	f.Fuzz(func(t *testing.T, post, sign bool, query, body, authz string) {
		method := http.MethodGet
		if post {
			method = http.MethodPost
		}
		if sign {
			if q, ok := signFuzzQuery(method, query); ok {
				query = q
			}
		}
		req := &http.Request{
			Method:     method,
			URL:        &url.URL{Path: "/", RawQuery: query},
			Proto:      "HTTP/1.1",
			ProtoMajor: 1,
			ProtoMinor: 1,
			Header:     http.Header{},
			Host:       "127.0.0.1:18080",
			RemoteAddr: "127.0.0.1:50000",
			Body:       io.NopCloser(strings.NewReader(body)),
		}
		if post {
			req.Header.Set("Content-Type", form)
		}
		if authz != "" {
			req.Header.Set("Authorization", authz)
			req.Header.Set("x-acs-date", fuzzWallTime.Format("2006-01-02T15:04:05Z"))
			req.Header.Set("x-acs-signature-nonce", newNonce())
			req.Header.Set("x-acs-action", "DescribeRegions")
			req.Header.Set("x-acs-version", testVersion)
		}
		w := httptest.NewRecorder()
		s.ServeHTTP(w, req)
		checkFuzzReply(t, w)
	})
}

// signFuzzQuery decodes query as the server does and returns it re-encoded
// with the common parameters and a valid signature; ok is false when the
// query does not decode.
func signFuzzQuery(method, query string) (string, bool) {
	params := map[string]string{}
	for _, pair := range strings.Split(query, "&") {
		if pair == "" {
			continue
		}
		k, v, _ := strings.Cut(pair, "=")
		k, err1 := url.QueryUnescape(k)
		v, err2 := url.QueryUnescape(v)
		if err1 != nil || err2 != nil {
			return "", false
		}
		params[k] = v
	}
	for _, k := range []string{"AccessKeyId", "SignatureMethod", "SignatureVersion", "SignatureNonce", "Timestamp", "Signature"} {
		delete(params, k)
	}
	params["Timestamp"] = fuzzWallTime.Format("2006-01-02T15:04:05Z")
	return encodeRFC3986(signV1(method, params)), true
}

func checkFuzzReply(t *testing.T, w *httptest.ResponseRecorder) {
	t.Helper()
	if w.Code >= 500 || w.Code < 200 {
		t.Fatalf("HTTP %d: %s", w.Code, w.Body.Bytes())
	}
	ct := w.Header().Get("Content-Type")
	if w.Code == http.StatusOK {
		if ct != "application/json;charset=utf-8" && ct != "text/xml;charset=utf-8" {
			t.Fatalf("success with Content-Type %q", ct)
		}
		return
	}
	if w.Code < 400 {
		t.Fatalf("HTTP %d", w.Code)
	}
	var code string
	switch ct {
	case "application/json;charset=utf-8":
		var body map[string]any
		if err := json.Unmarshal(w.Body.Bytes(), &body); err != nil {
			t.Fatalf("error body is not JSON: %v: %q", err, w.Body.Bytes())
		}
		for k, v := range body {
			if _, ok := v.(string); !ok {
				t.Fatalf("field %s = %#v is not a string", k, v)
			}
		}
		code, _ = body["Code"].(string)
	case "text/xml;charset=utf-8":
		var e struct {
			XMLName xml.Name `xml:"Error"`
			Code    string
		}
		if err := xml.Unmarshal(w.Body.Bytes(), &e); err != nil {
			t.Fatalf("error body is not XML: %v: %q", err, w.Body.Bytes())
		}
		code = e.Code
	default:
		t.Fatalf("error with Content-Type %q", ct)
	}
	if code == "" {
		t.Fatalf("error without a Code: %q", w.Body.Bytes())
	}
	for _, d := range apierr.All() {
		if d.Code == code && d.Status == w.Code {
			return
		}
	}
	t.Fatalf("code %s with HTTP %d is not in the catalog", code, w.Code)
}

// TestFuzzSigningReachesActions guards FuzzPipeline's sign mode: a query it
// signs verifies, reaches the action and is decoded there.
func TestFuzzSigningReachesActions(t *testing.T) {
	t.Parallel()
	s := newRPCServer(openStore(t))
	s.Auth.WallNow = func() time.Time { return fuzzWallTime }
	for query, code := range map[string]string{
		"Action=Typed&Count=3":   "",
		"Action=Typed&Count=abc": "InvalidParameter",
		"Action=Typed&Flag=yes":  "InvalidParameter",
	} {
		signed, ok := signFuzzQuery(http.MethodGet, query)
		if !ok {
			t.Fatalf("%s did not sign", query)
		}
		w := httptest.NewRecorder()
		s.ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/?"+signed, nil))
		r := reply{Status: w.Code, Header: w.Header(), Body: w.Body.Bytes()}
		if code == "" {
			if r.Status != http.StatusOK {
				t.Errorf("%s: HTTP %d %s", query, r.Status, r.Body)
			}
			continue
		}
		wantDocumented(t, r, code)
	}
}
