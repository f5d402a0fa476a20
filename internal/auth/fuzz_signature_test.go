package auth_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"maps"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	openapiutil "github.com/alibabacloud-go/darabonba-openapi/v2/utils"
	"github.com/alibabacloud-go/tea/dara"
	sdkauth "github.com/aliyun/alibaba-cloud-sdk-go/sdk/auth"
	"github.com/aliyun/alibaba-cloud-sdk-go/sdk/auth/credentials"
	"github.com/aliyun/alibaba-cloud-sdk-go/sdk/requests"

	"github.com/ecsd/ecsd/internal/auth"
	"github.com/ecsd/ecsd/internal/store"
)

const (
	fuzzKeyID     = "LTAIfuzzfuzzfuzzfuzz0000"
	fuzzKeySecret = "fuzzsecretfuzzsecretfuzzsecret"
	fuzzHost      = "127.0.0.1:8780"
)

// FuzzSignaturesDifferential signs requests with the official SDKs' own
// signers — Go SDK v1's RPC signer (HMAC-SHA1) and the v2 openapi utils'
// ACS3-HMAC-SHA256 — and checks ecsd's Authenticator against them: the
// signed request always verifies, and the same request with any single byte
// of a signed part changed (method, a parameter name or value, host, a
// signed header, the body) never does. Parameters are what the parse stage
// lets through (UTF-8 without NUL); ACS3 query names are those of the SDK's
// request models (letters, digits, '.', '_', '-'), the only ones its signer
// canonicalizes without escaping.
func FuzzSignaturesDifferential(f *testing.F) {
	ctx := context.Background()
	st, err := store.Open(ctx, f.TempDir(), store.Options{})
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { st.Close() })
	if err := st.Migrate(ctx); err != nil {
		f.Fatal(err)
	}
	now := time.Now()
	if err := st.AccountInsert(ctx, &store.Account{ID: "1000000000000001", Name: "fuzz", Currency: "CNY", CreatedAt: now}); err != nil {
		f.Fatal(err)
	}
	if err := st.AccessKeyInsert(ctx, &store.AccessKey{ID: fuzzKeyID, AccountID: "1000000000000001", Secret: fuzzKeySecret, Status: store.KeyActive, CreatedAt: now}); err != nil {
		f.Fatal(err)
	}
	a := &auth.Authenticator{Store: st, WallNow: time.Now}

	f.Add(false, true, "InstanceId=i-bp1&ForceStop=false", "StopInstance", "", uint16(3), byte('x'))
	f.Add(true, true, "RegionId=cn-hangzhou&InstanceId=i-bp1", "StopInstance", "", uint16(40), byte('!'))
	f.Fuzz(func(t *testing.T, acs3, post bool, rawParams, action, body string, pos uint16, b byte) {
		params, ok := fuzzParams(rawParams, acs3)
		if !ok {
			return // not a request the SDKs could send; no Skip: CI counts skips
		}
		method := http.MethodGet
		if post {
			method = http.MethodPost
		}
		var in *auth.Input
		if acs3 {
			in = signACS3(method, params, strings.TrimSpace(action), body)
		} else {
			in = signV1SDK(t, method, params)
		}
		if in == nil {
			return // not a request the SDKs could send; no Skip: CI counts skips
		}
		// The tampered copy goes first: had it verified, it would have
		// spent the nonce the original needs.
		if tampered, ok := tamper(in, acs3, int(pos), b); ok {
			if _, err := a.Authenticate(ctx, tampered); err == nil {
				t.Fatalf("a request with one signed byte changed verified:\n%+v\noriginal:\n%+v", tampered, in)
			}
		}
		if _, err := a.Authenticate(ctx, in); err != nil {
			t.Fatalf("a request signed by the SDK does not verify: %v\n%+v", err, in)
		}
	})
}

// fuzzParams reads k=v&k=v without unescaping; it refuses what the parse
// stage would (invalid UTF-8, NUL, empty names) and names the signers set.
func fuzzParams(raw string, acs3 bool) (map[string]string, bool) {
	out := map[string]string{}
	for _, pair := range strings.Split(raw, "&") {
		if pair == "" {
			continue
		}
		k, v, _ := strings.Cut(pair, "=")
		if k == "" || !utf8.ValidString(k+v) || strings.ContainsRune(k+v, 0) || len(out) >= 30 {
			return nil, false
		}
		if acs3 && strings.Trim(k, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-") != "" {
			return nil, false
		}
		switch k {
		case "Action", "Version", "Format", "Timestamp", "SignatureMethod", "SignatureVersion", "SignatureType",
			"SignatureNonce", "AccessKeyId", "Signature", "RegionId", "SecurityToken", "BearerToken":
			if !acs3 {
				continue
			}
		}
		out[k] = v
	}
	return out, true
}

// signV1SDK signs with Go SDK v1's own RPC signer. The parts are the method
// and every parameter name and value except the Signature.
func signV1SDK(t *testing.T, method string, params map[string]string) *auth.Input {
	req := &requests.RpcRequest{}
	req.InitWithApiInfo("Ecs", "2014-05-26", "StopInstance", "", "")
	req.Method = method
	for k, v := range params {
		req.QueryParams[k] = v
	}
	provider := credentials.NewStaticAKCredentialsProvider(fuzzKeyID, fuzzKeySecret)
	if err := sdkauth.Sign(req, nil, "cn-hangzhou", provider); err != nil {
		t.Fatal(err)
	}
	in := &auth.Input{Method: method, Host: fuzzHost, Header: http.Header{}, Params: map[string]string{}, Query: map[string]string{}}
	for k, v := range req.GetQueryParams() {
		in.Params[k], in.Query[k] = v, v
	}
	for k, v := range req.GetFormParams() {
		in.Params[k] = v
	}
	return in
}

// signACS3 signs with the v2 SDK's openapi utils, with the headers the SDK
// sends.
func signACS3(method string, query map[string]string, action, body string) *auth.Input {
	if !utf8.ValidString(action) || strings.ContainsAny(action, "\x00\r\n") || action == "" {
		return nil
	}
	sum := sha256.Sum256([]byte(body))
	payload := hex.EncodeToString(sum[:])
	var nonce [16]byte
	_, _ = rand.Read(nonce[:])
	headers := map[string]*string{
		"host":                  dara.String(fuzzHost),
		"x-acs-action":          dara.String(action),
		"x-acs-version":         dara.String("2014-05-26"),
		"x-acs-date":            dara.String(time.Now().UTC().Format("2006-01-02T15:04:05Z")),
		"x-acs-signature-nonce": dara.String(hex.EncodeToString(nonce[:])),
		"x-acs-content-sha256":  dara.String(payload),
	}
	if body != "" {
		headers["content-type"] = dara.String("application/octet-stream")
	}
	q := map[string]*string{}
	for k, v := range query {
		q[k] = dara.String(v)
	}
	req := &dara.Request{Method: dara.String(method), Pathname: dara.String("/"), Query: q, Headers: headers}
	authz := openapiutil.GetAuthorization(req, dara.String(auth.ACS3Algorithm), dara.String(payload), dara.String(fuzzKeyID), dara.String(fuzzKeySecret))
	in := &auth.Input{Method: method, Host: fuzzHost, Header: http.Header{}, Params: map[string]string{}, Query: map[string]string{}, Body: []byte(body)}
	for k, v := range headers {
		if k != "host" {
			in.Header.Set(k, *v)
		}
	}
	in.Header.Set("Authorization", *authz)
	for k, v := range query {
		in.Params[k], in.Query[k] = v, v
	}
	return in
}

// tamper returns a copy of in with the byte at pos (counted over every
// signed part in turn) set to b, or to b^1 when it already is b. Signed
// parts: the method and every parameter name and value but the Signature
// (v1); the method, every query name and value, the host, every signed
// header's value and the body (ACS3). ok is false when there is no byte.
func tamper(in *auth.Input, acs3 bool, pos int, b byte) (*auth.Input, bool) {
	c := &auth.Input{Method: in.Method, Host: in.Host, Header: in.Header.Clone(), Params: maps.Clone(in.Params), Query: maps.Clone(in.Query), Body: bytes.Clone(in.Body)}
	type part struct {
		val string
		set func(string)
	}
	parts := []part{{c.Method, func(v string) { c.Method = v }}}
	names := slices.Sorted(maps.Keys(in.Params))
	for _, k := range names {
		if !acs3 && k == "Signature" {
			continue
		}
		parts = append(parts,
			part{k, func(v string) {
				val := c.Params[k]
				delete(c.Params, k)
				delete(c.Query, k)
				c.Params[v] = val
				if _, inQuery := in.Query[k]; inQuery {
					c.Query[v] = val
				}
			}},
			part{in.Params[k], func(v string) {
				c.Params[k] = v
				if _, inQuery := in.Query[k]; inQuery {
					c.Query[k] = v
				}
			}})
	}
	if acs3 {
		parts = append(parts, part{c.Host, func(v string) { c.Host = v }}, part{string(c.Body), func(v string) { c.Body = []byte(v) }})
		for _, h := range slices.Sorted(maps.Keys(in.Header)) {
			if h == "Authorization" {
				continue
			}
			parts = append(parts, part{in.Header.Get(h), func(v string) { c.Header[h] = []string{v} }})
		}
	}
	total := 0
	for _, p := range parts {
		total += len(p.val)
	}
	if total == 0 {
		return nil, false
	}
	pos %= total
	for _, p := range parts {
		if pos >= len(p.val) {
			pos -= len(p.val)
			continue
		}
		nb := []byte(p.val)
		if nb[pos] == b {
			b ^= 1
		}
		nb[pos] = b
		p.set(string(nb))
		break
	}
	return c, true
}
